//! The LSP face of the engine. Handlers mutate the document store without
//! awaiting, so notifications take effect in the order they arrive, and no
//! map guard is ever held across an `.await`.
use std::{
    collections::HashMap,
    path::PathBuf,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, OnceLock, RwLock,
    },
};

use dashmap::DashMap;
use serde_json::Value;
use tower_lsp_server::{
    jsonrpc::Result,
    ls_types::{
        CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
        CodeActionProviderCapability, CodeActionResponse, CodeDescription, Diagnostic,
        DiagnosticSeverity, DidChangeConfigurationParams, DidChangeTextDocumentParams,
        DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentChanges, Hover,
        HoverContents, HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
        InitializedParams, MarkupContent, MarkupKind, MessageType, NumberOrString, OneOf,
        OptionalVersionedTextDocumentIdentifier, PositionEncodingKind, ServerCapabilities,
        ServerInfo, TextDocumentEdit, TextDocumentSyncCapability, TextDocumentSyncKind,
        TextDocumentSyncOptions, TextEdit, Uri, WorkspaceEdit,
    },
    Client, LanguageServer, LspService, Server,
};

use super::document::Document;
use crate::engine::{lang::Lang, position::Encoding, Finding, Settings, Severity};

pub const SOURCE: &str = "clerk-core2";
pub const FIX_ALL_KIND: &str = "source.fixAll.clerk-core2";

pub struct Backend {
    client: Client,
    docs: DashMap<Uri, Document>,
    settings: RwLock<Settings>,
    encoding: OnceLock<Encoding>,
    /// Whether the client applies versioned `documentChanges`.
    document_changes: OnceLock<bool>,
    /// Set by `shutdown`; decides the exit code once `exit` arrives.
    shut_down: Arc<AtomicBool>,
}

fn lsp_severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Information => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned()).or_else(|| {
        // Untitled and virtual documents still carry a useful file name.
        let s = uri.as_str();
        let name = s.rsplit('/').next()?;
        Some(PathBuf::from(name))
    })
}

/// Picks UTF-8 when the client offers it (no conversion cost), else the
/// mandatory UTF-16.
pub fn negotiate_encoding(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(list) if list.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

impl Backend {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>) -> Backend {
        Backend {
            shut_down,
            client,
            docs: DashMap::new(),
            settings: RwLock::new(Settings::default()),
            encoding: OnceLock::new(),
            document_changes: OnceLock::new(),
        }
    }

    fn enc(&self) -> Encoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    fn diagnostics(&self, doc: &Document) -> Vec<Diagnostic> {
        let enc = self.enc();
        doc.findings
            .iter()
            .map(|f| to_diagnostic(doc, f, enc))
            .collect()
    }

    async fn publish(&self, uri: Uri, diags: Vec<Diagnostic>, version: i32) {
        self.client
            .publish_diagnostics(uri, diags, Some(version))
            .await;
    }

    /// Applies new settings, reanalyses every open buffer and republishes.
    async fn apply_settings(&self, value: &Value) {
        let (settings, problems) = Settings::from_json(value);
        for p in problems {
            self.client
                .show_message(MessageType::WARNING, format!("clerk-core2: {p}"))
                .await;
        }
        if let Ok(mut s) = self.settings.write() {
            *s = settings.clone();
        }
        let mut out = Vec::new();
        for mut entry in self.docs.iter_mut() {
            entry.reanalyze(&settings);
            out.push((entry.key().clone(), self.diagnostics(&entry), entry.version));
        }
        for (uri, diags, version) in out {
            self.publish(uri, diags, version).await;
        }
    }

    fn fix_edit(&self, uri: &Uri, doc: &Document, edits: Vec<TextEdit>) -> WorkspaceEdit {
        if self.document_changes.get().copied().unwrap_or(false) {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: Some(doc.version),
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }])),
                ..Default::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..Default::default()
            }
        }
    }
}

pub fn to_diagnostic(doc: &Document, f: &Finding, enc: Encoding) -> Diagnostic {
    Diagnostic {
        range: doc.range(&f.range, enc),
        severity: Some(lsp_severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.id.to_string())),
        code_description: f
            .rule
            .url()
            .parse()
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: f.message.clone(),
        ..Default::default()
    }
}

pub fn hover_markdown(f: &Finding) -> String {
    format!(
        "**{}** (`{}`)\n\n{}\n\n---\n\n{}\n\n[Core 2 upgrade guide: {}]({})",
        f.rule.title,
        f.rule.id,
        f.message,
        f.rule.explanation.trim(),
        f.rule.section.replace('`', ""),
        f.rule.url()
    )
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let enc = negotiate_encoding(&params);
        let _ = self.encoding.set(enc);
        let doc_changes = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false);
        let _ = self.document_changes.set(doc_changes);
        if let Some(opts) = &params.initialization_options {
            let (settings, problems) = Settings::from_json(opts);
            for p in problems {
                tracing::warn!("initializationOptions: {p}");
            }
            if let Ok(mut s) = self.settings.write() {
                *s = settings;
            }
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match enc {
                    Encoding::Utf8 => PositionEncodingKind::UTF8,
                    Encoding::Utf16 => PositionEncodingKind::UTF16,
                    Encoding::Utf32 => PositionEncodingKind::UTF32,
                }),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::new(FIX_ALL_KIND),
                        ]),
                        resolve_provider: Some(false),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        tracing::info!("initialized, position encoding {:?}", self.enc());
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let td = params.text_document;
        let path = uri_path(&td.uri);
        let Some(lang) = Lang::from_language_id(&td.language_id, path.as_deref()) else {
            tracing::debug!("ignoring {} ({})", td.uri.as_str(), td.language_id);
            return;
        };
        let doc = Document::new(lang, td.version, td.text, &self.settings());
        let diags = self.diagnostics(&doc);
        self.docs.insert(td.uri.clone(), doc);
        self.publish(td.uri, diags, td.version).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let settings = self.settings();
        let diags = {
            let Some(mut doc) = self.docs.get_mut(&uri) else {
                tracing::warn!(
                    "didChange for a document that is not open: {}",
                    uri.as_str()
                );
                return;
            };
            if version <= doc.version {
                tracing::warn!(
                    "didChange version {version} is not newer than {} for {}; applied anyway",
                    doc.version,
                    uri.as_str()
                );
            }
            doc.apply_changes(&params.content_changes, self.enc());
            doc.version = version;
            doc.reparse(&settings);
            self.diagnostics(&doc)
        };
        self.publish(uri, diags, version).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.docs.remove(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_settings(&params.settings).await;
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let Some(doc) = self.docs.get(&p.text_document.uri) else {
            return Ok(None);
        };
        let enc = self.enc();
        let at = doc.offset(p.position, enc);
        let Some(f) = doc
            .findings
            .iter()
            .find(|f| f.range.start <= at && at <= f.range.end)
        else {
            return Ok(None);
        };
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: hover_markdown(f),
            }),
            range: Some(doc.range(&f.range, enc)),
        }))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Ok(None);
        };
        let enc = self.enc();
        let only = params.context.only.as_deref();
        let wants = |k: &CodeActionKind| {
            only.is_none_or(|o| o.iter().any(|w| k.as_str().starts_with(w.as_str())))
        };
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        if wants(&CodeActionKind::QUICKFIX) {
            for d in &params.context.diagnostics {
                if d.source.as_deref() != Some(SOURCE) {
                    continue;
                }
                let Some(NumberOrString::String(code)) = &d.code else {
                    continue;
                };
                let Some(f) = doc
                    .findings
                    .iter()
                    .find(|f| f.rule.id == code && doc.range(&f.range, enc) == d.range)
                else {
                    continue;
                };
                let Some(fix) = &f.fix else { continue };
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit::new(doc.range(&e.range, enc), e.text.clone()))
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(self.fix_edit(&uri, &doc, edits)),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
        }
        Ok((!actions.is_empty()).then_some(actions))
    }
}

/// Serves LSP over a byte stream pair until `exit` or end of input, and
/// returns the process exit code the protocol asks for: 0 after a
/// `shutdown`, 1 otherwise.
pub async fn serve<I, O>(input: I, output: O) -> i32
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag));
    Server::new(input, output, socket).serve(service).await;
    if shut_down.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}

/// Serves LSP on stdin/stdout.
pub async fn serve_stdio() -> i32 {
    serve(tokio::io::stdin(), tokio::io::stdout()).await
}
