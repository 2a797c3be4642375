//! The LSP face of the engine. Handlers mutate the document store without
//! awaiting, so notifications take effect in the order they arrive; analysis
//! runs on the blocking pool, and no map guard is ever held across `.await`.
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
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
        DiagnosticOptions, DiagnosticServerCapabilities, DiagnosticSeverity,
        DidChangeConfigurationParams, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
        DidChangeWatchedFilesRegistrationOptions, DidCloseTextDocumentParams,
        DidOpenTextDocumentParams, DocumentChanges, DocumentDiagnosticParams,
        DocumentDiagnosticReport, DocumentDiagnosticReportResult, FileChangeType,
        FileSystemWatcher, FullDocumentDiagnosticReport, GlobPattern, Hover, HoverContents,
        HoverParams, HoverProviderCapability, InitializeParams, InitializeResult,
        InitializedParams, MarkupContent, MarkupKind, MessageType, NumberOrString, OneOf,
        OptionalVersionedTextDocumentIdentifier, Position, PositionEncodingKind, ProgressToken,
        Range as LspRange, Registration, RelatedFullDocumentDiagnosticReport,
        RelatedUnchangedDocumentDiagnosticReport, ServerCapabilities, ServerInfo, TextDocumentEdit,
        TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, TextEdit,
        UnchangedDocumentDiagnosticReport, Uri, WorkspaceDiagnosticParams,
        WorkspaceDiagnosticReport, WorkspaceDiagnosticReportResult,
        WorkspaceDocumentDiagnosticReport, WorkspaceEdit, WorkspaceFullDocumentDiagnosticReport,
    },
    Client, LanguageServer, LspService, Server,
};

use super::{
    document::Document,
    guard::{self, Frame},
};
use crate::engine::{
    cache::Cache,
    lang::Lang,
    limits,
    position::{range_line_cols, Encoding, Sweep},
    query,
    rules::{self, Rule},
    workspace, Finding, Settings, Severity,
};
use tokio::sync::mpsc::Sender;

pub const SOURCE: &str = "clerk-core2";
pub const FIX_ALL_KIND: &str = "source.fixAll.clerk-core2";

/// What the client told us it can do, fixed at `initialize`.
#[derive(Debug, Default, Clone, Copy)]
struct ClientCaps {
    encoding: Encoding,
    /// Applies versioned `documentChanges`.
    document_changes: bool,
    /// Pulls diagnostics of open documents (`textDocument/diagnostic`).
    pull: bool,
    work_done_progress: bool,
    watch_files: bool,
    refresh_diagnostics: bool,
}

/// Diagnostics of a workspace file that is not open, from its disk contents.
struct DiskFile {
    diagnostics: Vec<Diagnostic>,
}

struct Inner {
    client: Client,
    docs: DashMap<Uri, Document>,
    disk: DashMap<Uri, DiskFile>,
    settings: RwLock<Settings>,
    caps: OnceLock<ClientCaps>,
    roots: RwLock<Vec<PathBuf>>,
    /// The client pulls workspace diagnostics, so workspace files are no
    /// longer pushed.
    workspace_pull: AtomicBool,
    /// Set by `shutdown`; decides the exit code once `exit` arrives.
    shut_down: Arc<AtomicBool>,
    /// Serialises publishing of open documents, so that the check "is this
    /// still the newest analysis" and the send happen as one step.
    publish_lock: tokio::sync::Mutex<()>,
    /// Ticks on every open and change; orders documents by recent use.
    clock: std::sync::atomic::AtomicU64,
    /// The outgoing frames, for diagnostics of open documents: serialised
    /// once, straight from the diagnostics, instead of through the
    /// library's generic JSON value.
    out: tokio::sync::mpsc::Sender<Frame>,
}

/// What a diagnostic's JSON holds besides its range and message, which
/// depends on its rule and severity alone.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Constant {
    severity: DiagnosticSeverity,
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code_description: Option<HrefRef>,
    source: &'static str,
}

#[derive(serde::Serialize)]
struct HrefRef {
    href: &'static Uri,
}

/// `"severity":..,"source":"..",` for a rule and severity: the members
/// between a diagnostic's range and its message.
fn constant_members(rule: &'static Rule, severity: Severity) -> Vec<u8> {
    let mut v = serde_json::to_vec(&Constant {
        severity: lsp_severity(severity),
        code: rule.id,
        code_description: guide_link(rule).map(|href| HrefRef { href }),
        source: SOURCE,
    })
    .unwrap_or_default();
    // `{..}` to `..,`: the braces go, and the message follows.
    if v.len() >= 2 {
        v.pop();
        v.remove(0);
        v.push(b',');
    }
    v
}

/// An LSP range as JSON, as serde writes it.
fn write_range(body: &mut Vec<u8>, r: &LspRange) {
    let mut n = itoa::Buffer::new();
    let mut point = |body: &mut Vec<u8>, p: Position| {
        body.extend_from_slice(br#"{"line":"#);
        body.extend_from_slice(n.format(p.line).as_bytes());
        body.extend_from_slice(br#","character":"#);
        body.extend_from_slice(n.format(p.character).as_bytes());
        body.push(b'}');
    };
    body.extend_from_slice(br#"{"start":"#);
    point(body, r.start);
    body.extend_from_slice(br#","end":"#);
    point(body, r.end);
    body.push(b'}');
}

/// A whole `publishDiagnostics` frame for an open document's current
/// findings and version. Written by hand around serde: what depends only on
/// a finding's rule and severity is serialised once per frame, not once per
/// finding, which halves the work for files with thousands of findings.
pub fn publish_frame(uri: &Uri, doc: &Document, enc: Encoding) -> Frame {
    // About 350 bytes a diagnostic: sized once rather than doubled along.
    let mut body = Frame::buffer(256 + doc.findings.len() * 360);
    let mut constants: Vec<((&'static str, Severity), Vec<u8>)> = Vec::new();
    // Findings of one analysis share equal messages (`engine::run_rules`):
    // each is escaped once, then copied.
    let mut messages: rustc_hash::FxHashMap<*const u8, std::ops::Range<usize>> = Default::default();
    body.extend_from_slice(
        br#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
    );
    let mut written = serde_json::to_writer(&mut body, uri);
    body.extend_from_slice(br#","diagnostics":["#);
    for (i, (f, range)) in ranges(doc, enc).enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(br#"{"range":"#);
        write_range(&mut body, &range);
        body.push(b',');
        let key = (f.rule.id, f.severity);
        let at = match constants.iter().position(|(k, _)| *k == key) {
            Some(at) => at,
            None => {
                constants.push((key, constant_members(f.rule, f.severity)));
                constants.len() - 1
            }
        };
        body.extend_from_slice(&constants[at].1);
        body.extend_from_slice(br#""message":"#);
        match messages.get(&f.message.as_ptr()) {
            Some(r) => body.extend_from_within(r.clone()),
            None => {
                let start = body.len();
                written = written.and_then(|_| serde_json::to_writer(&mut body, &*f.message));
                messages.insert(f.message.as_ptr(), start..body.len());
            }
        }
        body.push(b'}');
    }
    body.extend_from_slice(br#"],"version":"#);
    body.extend_from_slice(doc.version.to_string().as_bytes());
    body.extend_from_slice(b"}}");
    if written.is_err() {
        return guard::frame(&[]);
    }
    Frame::seal(body)
}

/// A `publishDiagnostics` frame without a version: a file that is not
/// open, or a clear. Serialised straight from the diagnostics: a scan
/// publishes thousands of these, and the library's path builds a generic
/// JSON value of each first.
fn disk_frame(uri: &Uri, diagnostics: &[Diagnostic]) -> Frame {
    #[derive(serde::Serialize)]
    struct Params<'a> {
        uri: &'a Uri,
        diagnostics: &'a [Diagnostic],
    }
    #[derive(serde::Serialize)]
    struct Notification<'a> {
        jsonrpc: &'static str,
        method: &'static str,
        params: Params<'a>,
    }
    let mut body = Frame::buffer(128 + diagnostics.len() * 360);
    let note = Notification {
        jsonrpc: "2.0",
        method: "textDocument/publishDiagnostics",
        params: Params { uri, diagnostics },
    };
    if serde_json::to_writer(&mut body, &note).is_err() {
        return guard::frame(&[]);
    }
    Frame::seal(body)
}

/// How long typing must pause before an unsettled tree is parsed afresh: a
/// fresh parse of a large file costs as much as opening it, and would only
/// be stopped by the next keystroke.
const SETTLE_AFTER: std::time::Duration = std::time::Duration::from_millis(200);

/// Whether two analyses would show the same diagnostics.
fn same_findings(a: &[Finding], b: &[Finding]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.rule.id == y.rule.id
                && x.range == y.range
                && x.severity == y.severity
                && x.message == y.message
        })
}

/// Open documents that keep their syntax tree: the ones being edited. The
/// others let it go (`Document::rest`) and parse afresh on their next change,
/// which keeps a session with hundreds of open files small.
const KEEP_TREES: usize = 8;

pub struct Backend {
    inner: Arc<Inner>,
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
        let name = uri.as_str().rsplit('/').next()?;
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

fn client_caps(params: &InitializeParams) -> ClientCaps {
    let c = &params.capabilities;
    let ws = c.workspace.as_ref();
    ClientCaps {
        encoding: negotiate_encoding(params),
        document_changes: ws
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        pull: c
            .text_document
            .as_ref()
            .and_then(|t| t.diagnostic.as_ref())
            .is_some(),
        work_done_progress: c
            .window
            .as_ref()
            .and_then(|w| w.work_done_progress)
            .unwrap_or(false),
        watch_files: ws
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false),
        refresh_diagnostics: ws
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
    }
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty() {
        if let Some(p) = params.root_uri.as_ref().and_then(|u| u.to_file_path()) {
            roots.push(p.into_owned());
        }
    }
    roots
}

/// An open document's findings with their ranges in `enc`.
fn ranges(doc: &Document, enc: Encoding) -> impl Iterator<Item = (&Finding, LspRange)> {
    // Findings are sorted by start; their ends nearly so.
    let mut starts = Sweep::new(Some(&doc.rope), &doc.text, enc);
    let mut ends = Sweep::new(Some(&doc.rope), &doc.text, enc);
    doc.findings.iter().map(move |f| {
        let (s, e) = (starts.linecol(f.range.start), ends.linecol(f.range.end));
        (
            f,
            LspRange::new(Position::new(s.line, s.col), Position::new(e.line, e.col)),
        )
    })
}

/// An open document's diagnostics, in the order of its findings.
pub fn diagnostics(doc: &Document, enc: Encoding) -> Vec<Diagnostic> {
    ranges(doc, enc).map(|(f, r)| diagnostic(f, r)).collect()
}

/// The guide link of a rule, parsed once per rule rather than per finding.
fn guide_link(rule: &'static Rule) -> Option<&'static Uri> {
    static LINKS: OnceLock<HashMap<&'static str, Option<Uri>>> = OnceLock::new();
    LINKS
        .get_or_init(|| {
            rules::catalogue()
                .iter()
                .chain([limits::finding(limits::Skip::ParseTimeout).rule])
                .map(|r| (r.id, r.url().parse().ok()))
                .collect()
        })
        .get(rule.id)?
        .as_ref()
}

fn diagnostic(f: &Finding, range: LspRange) -> Diagnostic {
    Diagnostic {
        range,
        severity: Some(lsp_severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.id.to_string())),
        code_description: guide_link(f.rule).map(|href| CodeDescription { href: href.clone() }),
        source: Some(SOURCE.to_string()),
        message: f.message.to_string(),
        ..Default::default()
    }
}

fn disk_diagnostics(src: &str, findings: &[Finding], enc: Encoding) -> Vec<Diagnostic> {
    // Bundles and binaries that were not checked would only clutter the
    // problems of files nobody opened; an open one says so.
    let shown: Vec<&Finding> = findings.iter().filter(|f| !limits::is_limit(f)).collect();
    let spans = range_line_cols(src, shown.iter().map(|f| f.range.clone()), enc);
    shown
        .into_iter()
        .zip(spans)
        .map(|(f, (s, e))| {
            diagnostic(
                f,
                LspRange::new(Position::new(s.line, s.col), Position::new(e.line, e.col)),
            )
        })
        .collect()
}

/// The edits that turn a document into `fixed`: one per changed run of
/// lines, so lines without a fix are left untouched.
fn diff_edits(doc: &Document, fixed: &str, enc: Encoding) -> Vec<TextEdit> {
    let old = &*doc.text;
    let diff = similar::TextDiff::from_lines(old, fixed);
    let starts = |text: &str| -> Vec<usize> {
        let mut v = vec![0];
        v.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        if *v.last().unwrap() != text.len() {
            v.push(text.len());
        }
        v
    };
    let (old_lines, new_lines) = (starts(old), starts(fixed));
    let at = |v: &[usize], line: usize| v[line.min(v.len() - 1)];
    let mut edits = Vec::new();
    for op in diff.grouped_ops(0).into_iter().flatten() {
        if op.tag() == similar::DiffTag::Equal {
            continue;
        }
        let (o, n) = (op.old_range(), op.new_range());
        let (os, oe) = (at(&old_lines, o.start), at(&old_lines, o.end));
        let (ns, ne) = (at(&new_lines, n.start), at(&new_lines, n.end));
        edits.push(TextEdit::new(
            doc.range(&(os..oe), enc),
            fixed[ns..ne].to_string(),
        ));
    }
    edits
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

impl Inner {
    fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    fn enc(&self) -> Encoding {
        self.caps().encoding
    }

    fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    fn diagnostics(&self, doc: &Document) -> Vec<Diagnostic> {
        diagnostics(doc, self.enc())
    }

    fn under_roots(&self, path: &Path) -> bool {
        self.roots
            .read()
            .map(|r| r.iter().any(|root| path.starts_with(root)))
            .unwrap_or(false)
    }

    /// Re-reads a workspace file that is not open, stores and pushes its
    /// diagnostics. A file that is gone or unreadable gets none.
    async fn refresh_disk_file(self: &Arc<Self>, uri: Uri) {
        let Some(path) = uri.to_file_path().map(|p| p.into_owned()) else {
            return;
        };
        let Some(lang) = Lang::from_path(&path) else {
            return;
        };
        let settings = self.settings();
        let enc = self.enc();
        let diags = tokio::task::spawn_blocking(move || {
            workspace::analyze_file(&path, lang, &settings)
                .map(|r| disk_diagnostics(&r.src, &r.findings, enc))
                .unwrap_or_default()
        })
        .await
        .unwrap_or_default();
        if self.docs.contains_key(&uri) {
            // Opened meanwhile: the buffer wins.
            return;
        }
        self.set_disk(uri, diags).await;
    }

    /// Pushes diagnostics without a version (of a file that is not open, or
    /// none). Every `publishDiagnostics` goes out through `out`, so that
    /// they reach the client in the order they were made: one sent through
    /// the library would queue apart and could arrive after a later one.
    async fn push_unversioned(&self, uri: &Uri, diags: &[Diagnostic]) {
        let _ = self.out.send(disk_frame(uri, diags)).await;
    }

    async fn set_disk(&self, uri: Uri, diags: Vec<Diagnostic>) {
        let had = self.disk.contains_key(&uri);
        if diags.is_empty() {
            self.disk.remove(&uri);
        } else {
            self.disk.insert(
                uri.clone(),
                DiskFile {
                    diagnostics: diags.clone(),
                },
            );
        }
        if !self.workspace_pull.load(Ordering::SeqCst) && (had || !diags.is_empty()) {
            self.push_unversioned(&uri, &diags).await;
        }
    }

    /// Scans the workspace folders and reports files that are not open, with
    /// work-done progress where the client shows it.
    async fn scan_workspace(self: Arc<Self>) {
        let roots = self.roots.read().map(|r| r.clone()).unwrap_or_default();
        if roots.is_empty() {
            return;
        }
        let progress = if self.caps().work_done_progress {
            let token = ProgressToken::String("clerk-core2/scan".to_string());
            match self.client.create_work_done_progress(token.clone()).await {
                Ok(()) => Some(
                    self.client
                        .progress(token, "Clerk Core 2")
                        .with_message("Scanning the workspace")
                        .begin()
                        .await,
                ),
                Err(_) => None,
            }
        } else {
            None
        };
        let settings = self.settings();
        let enc = self.enc();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let walker = tokio::task::spawn_blocking(move || {
            // The same findings `check` keeps: an editor opened again on
            // the same folders parses only the files that changed.
            let cache = Cache::default_dir().map(|dir| Cache::open(&dir, &roots));
            workspace::walk(
                &roots,
                &settings,
                cache.as_ref(),
                &|r| {
                    let diags = disk_diagnostics(&r.src, &r.findings, enc);
                    let _ = tx.send((r.path, diags));
                },
                &|e| tracing::warn!("workspace scan: {e}"),
            );
            if let Some(Err(e)) = cache.map(Cache::save) {
                tracing::debug!("the cache of findings was not written: {e}");
            }
        });
        let (mut files, mut with_findings) = (0usize, 0usize);
        while let Some((path, diags)) = rx.recv().await {
            files += 1;
            let Some(uri) = Uri::from_file_path(&path) else {
                continue;
            };
            if !diags.is_empty() && !self.docs.contains_key(&uri) {
                with_findings += 1;
                self.set_disk(uri, diags).await;
            }
            if files % 500 == 0 {
                if let Some(p) = &progress {
                    p.report(format!("{files} files checked")).await;
                }
            }
        }
        let _ = walker.await;
        tracing::info!("workspace scan: {files} files, {with_findings} with findings");
        if let Some(p) = progress {
            p.finish_with_message(format!(
                "{files} files checked, {with_findings} need Core 2 changes"
            ))
            .await;
        }
    }

    fn fix_edit(&self, uri: &Uri, doc: &Document, edits: Vec<TextEdit>) -> WorkspaceEdit {
        if self.caps().document_changes {
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

    /// Marks `doc` as the most recently used.
    fn touch(&self, doc: &mut Document) {
        doc.touched = self.clock.fetch_add(1, Ordering::Relaxed) + 1;
    }

    /// Whether `uri` changed since `generation` (or was closed).
    fn superseded(&self, uri: &Uri, generation: u64) -> bool {
        self.docs.get(uri).map(|d| d.generation) != Some(generation)
    }

    /// All but the `KEEP_TREES` most recently used documents rest. Call with
    /// no guard of `docs` held.
    fn rest_idle(&self) {
        let mut with_trees: Vec<(u64, Uri)> = self
            .docs
            .iter()
            .filter(|d| d.tree.is_some())
            .map(|d| (d.touched, d.key().clone()))
            .collect();
        if with_trees.len() <= KEEP_TREES {
            return;
        }
        with_trees.sort_unstable_by_key(|(t, _)| std::cmp::Reverse(*t));
        for (_, uri) in &with_trees[KEEP_TREES..] {
            if let Some(mut d) = self.docs.get_mut(uri) {
                d.rest();
            }
        }
    }

    /// Analyses the current text of `uri` off the protocol loop and, unless a
    /// newer change superseded it meanwhile, stores and publishes the result.
    async fn analyze_and_publish(self: &Arc<Self>, uri: Uri) {
        let Some(snapshot) = self.docs.get(&uri).map(|d| d.snapshot()) else {
            return;
        };
        let settings = self.settings();
        let this = self.clone();
        let key = uri.clone();
        let done = tokio::task::spawn_blocking(move || {
            // A newer change is already queued behind us: skip the work.
            if this.superseded(&key, snapshot.generation) {
                return None;
            }
            let analyzed = snapshot.analyze(&settings);
            let fresh_tree = !analyzed.partial;
            let mut doc = this.docs.get_mut(&key)?;
            if !doc.accept(analyzed) {
                return None;
            }
            let out = (
                this.push_frame(&key, &doc),
                doc.version,
                doc.generation,
                doc.needs_settling(),
            );
            drop(doc);
            // A full analysis may have given a resting document its tree back.
            if fresh_tree {
                this.rest_idle();
            }
            Some(out)
        })
        .await;
        if let Ok(Some((frame, version, generation, unsettled))) = done {
            if let Some(frame) = frame {
                self.publish_doc(uri.clone(), frame, version, generation)
                    .await;
            }
            if unsettled {
                tokio::spawn(self.clone().settle(uri, generation));
            }
        }
    }

    /// Parses a document with an unsettled tree afresh, off the protocol
    /// loop, and republishes if that changed its findings. Typing is served
    /// by incremental parses; this waits for a pause, and the next change
    /// skips or stops it.
    async fn settle(self: Arc<Self>, uri: Uri, generation: u64) {
        tokio::time::sleep(SETTLE_AFTER).await;
        if self.superseded(&uri, generation) {
            return;
        }
        let Some(snapshot) = self.docs.get(&uri).and_then(|d| d.settle_snapshot()) else {
            return;
        };
        let settings = self.settings();
        let this = self.clone();
        let key = uri.clone();
        let done = tokio::task::spawn_blocking(move || {
            let analyzed =
                snapshot.analyze_until(&settings, &|| this.superseded(&key, generation))?;
            let mut doc = this.docs.get_mut(&key)?;
            let same = same_findings(&doc.findings, &analyzed.findings);
            if !doc.accept(analyzed) {
                return None;
            }
            let out = match same {
                true => None,
                false => Some(
                    this.push_frame(&key, &doc)
                        .map(|frame| (frame, doc.version, doc.generation)),
                ),
            };
            drop(doc);
            // The fresh tree may belong to a document that rests meanwhile.
            this.rest_idle();
            out
        })
        .await;
        match done {
            Ok(Some(Some((frame, version, generation)))) => {
                self.publish_doc(uri, frame, version, generation).await;
            }
            // Findings changed without an edit: a client that pulls them
            // would not ask again until the next one.
            Ok(Some(None)) => self.ask_to_pull(),
            _ => {}
        }
    }

    /// Asks a client that pulls diagnostics, and can be asked, to pull
    /// again. Not awaited: the server ends only once every handler has
    /// returned, and a client that has stopped answering (after
    /// `shutdown`) would keep it running.
    fn ask_to_pull(&self) {
        let caps = self.caps();
        if caps.pull && caps.refresh_diagnostics {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.workspace_diagnostic_refresh().await;
            });
        }
    }

    /// The `publishDiagnostics` frame of an open document for a client
    /// that is pushed diagnostics; `None` for one that pulls them, which
    /// would not be sent it.
    fn push_frame(&self, uri: &Uri, doc: &Document) -> Option<Frame> {
        (!self.caps().pull).then(|| publish_frame(uri, doc, self.enc()))
    }

    /// Pushes an open document's diagnostics (a frame from
    /// [`Inner::push_frame`]) unless a newer analysis of it exists by the
    /// time it is its turn to be sent.
    async fn publish_doc(&self, uri: Uri, frame: Frame, version: i32, generation: u64) {
        let _turn = self.publish_lock.lock().await;
        let current = self
            .docs
            .get(&uri)
            .map(|d| (d.analyzed, d.version))
            .is_some_and(|(g, v)| g == generation && v == version);
        if current {
            let _ = self.out.send(frame).await;
        }
    }
}

impl Backend {
    pub fn new(client: Client, shut_down: Arc<AtomicBool>, out: Sender<Frame>) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                client,
                docs: DashMap::new(),
                disk: DashMap::new(),
                settings: RwLock::new(Settings::default()),
                caps: OnceLock::new(),
                roots: RwLock::new(Vec::new()),
                workspace_pull: AtomicBool::new(false),
                shut_down,
                publish_lock: tokio::sync::Mutex::new(()),
                clock: std::sync::atomic::AtomicU64::new(0),
                out,
            }),
        }
    }

    /// Applies new settings, reanalyses every open buffer and republishes.
    async fn apply_settings(&self, value: &Value) {
        let inner = &self.inner;
        let (settings, problems) = Settings::from_json(value);
        for p in problems {
            inner
                .client
                .show_message(MessageType::WARNING, format!("clerk-core2: {p}"))
                .await;
        }
        if let Ok(mut s) = inner.settings.write() {
            *s = settings.clone();
        }
        let mut out = Vec::new();
        for mut entry in inner.docs.iter_mut() {
            entry.reanalyze(&settings);
            if let Some(frame) = inner.push_frame(entry.key(), &entry) {
                out.push((entry.key().clone(), frame, entry.version, entry.generation));
            }
        }
        if inner.caps().pull {
            inner.ask_to_pull();
        } else {
            for (uri, frame, version, generation) in out {
                inner.publish_doc(uri, frame, version, generation).await;
            }
        }
        tokio::spawn(inner.clone().scan_workspace());
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let inner = &self.inner;
        let caps = client_caps(&params);
        let _ = inner.caps.set(caps);
        if let Ok(mut r) = inner.roots.write() {
            *r = roots_of(&params);
        }
        if let Some(opts) = &params.initialization_options {
            let (settings, problems) = Settings::from_json(opts);
            for p in problems {
                tracing::warn!("initializationOptions: {p}");
            }
            if let Ok(mut s) = inner.settings.write() {
                *s = settings;
            }
        }
        // Compile the rule queries while the client finishes its handshake,
        // one grammar per task so the first document's is ready soonest.
        for lang in [Lang::TypeScript, Lang::Tsx, Lang::JavaScript] {
            tokio::task::spawn_blocking(move || query::compiled(lang));
        }
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(match caps.encoding {
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
                diagnostic_provider: caps.pull.then(|| {
                    DiagnosticServerCapabilities::Options(DiagnosticOptions {
                        identifier: Some(SOURCE.to_string()),
                        inter_file_dependencies: false,
                        workspace_diagnostics: true,
                        ..Default::default()
                    })
                }),
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
        let inner = &self.inner;
        tracing::info!("initialized, position encoding {:?}", inner.enc());
        if inner.caps().watch_files {
            let opts = DidChangeWatchedFilesRegistrationOptions {
                watchers: [
                    "**/*.{js,jsx,mjs,cjs,ts,mts,cts,tsx}",
                    "**/.env",
                    "**/.env.*",
                    "**/package.json",
                ]
                .iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect(),
            };
            let reg = Registration {
                id: "clerk-core2/watch".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(opts).ok(),
            };
            // Not awaited, as the refresh in `apply_settings`.
            let client = inner.client.clone();
            tokio::spawn(async move {
                if let Err(e) = client.register_capability(vec![reg]).await {
                    tracing::warn!("could not watch files: {e}");
                }
            });
        }
        tokio::spawn(inner.clone().scan_workspace());
    }

    async fn shutdown(&self) -> Result<()> {
        self.inner.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let inner = &self.inner;
        let td = params.text_document;
        let path = uri_path(&td.uri);
        let Some(lang) = Lang::from_language_id(&td.language_id, path.as_deref()) else {
            tracing::debug!("ignoring {} ({})", td.uri.as_str(), td.language_id);
            return;
        };
        // The first analysis happens here, not on the blocking pool: a
        // request right after `didOpen` then always sees findings.
        let mut doc = Document::new(lang, td.version, td.text, &inner.settings());
        inner.touch(&mut doc);
        let frame = inner.push_frame(&td.uri, &doc);
        let generation = doc.generation;
        inner.docs.insert(td.uri.clone(), doc);
        inner.rest_idle();
        let from_disk = inner.disk.remove(&td.uri).is_some();
        if let Some(frame) = frame {
            inner
                .publish_doc(td.uri, frame, td.version, generation)
                .await;
        } else if from_disk && !inner.workspace_pull.load(Ordering::SeqCst) {
            // The pulled diagnostics take over from the pushed disk ones.
            inner.push_unversioned(&td.uri, &[]).await;
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let inner = &self.inner;
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        {
            let Some(mut doc) = inner.docs.get_mut(&uri) else {
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
            doc.apply_changes(&params.content_changes, inner.enc());
            doc.version = version;
            inner.touch(&mut doc);
        }
        inner.analyze_and_publish(uri).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let inner = &self.inner;
        let uri = params.text_document.uri;
        inner.docs.remove(&uri);
        let on_disk = uri
            .to_file_path()
            .is_some_and(|p| p.is_file() && inner.under_roots(&p));
        if !inner.caps().pull {
            inner.push_unversioned(&uri, &[]).await;
        }
        if on_disk {
            // Closed, the file is part of the workspace view again.
            inner.refresh_disk_file(uri).await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        self.apply_settings(&params.settings).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let inner = &self.inner;
        for ev in params.changes {
            if inner.docs.contains_key(&ev.uri) {
                continue;
            }
            if ev.typ == FileChangeType::DELETED {
                inner.set_disk(ev.uri, Vec::new()).await;
            } else {
                inner.refresh_disk_file(ev.uri).await;
            }
        }
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let inner = &self.inner;
        let p = params.text_document_position_params;
        let settings = inner.settings();
        let Some(mut doc) = inner.docs.get_mut(&p.text_document.uri) else {
            return Ok(None);
        };
        doc.refresh(&settings);
        let enc = inner.enc();
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
        let inner = &self.inner;
        let uri = params.text_document.uri;
        let settings = inner.settings();
        let only = params.context.only.as_deref();
        let wants = |k: &CodeActionKind| {
            only.is_none_or(|o| o.iter().any(|w| k.as_str().starts_with(w.as_str())))
        };
        let ours: Vec<&Diagnostic> = params
            .context
            .diagnostics
            .iter()
            .filter(|d| d.source.as_deref() == Some(SOURCE))
            .collect();
        let quick = wants(&CodeActionKind::QUICKFIX) && !ours.is_empty();
        let all = wants(&CodeActionKind::new(FIX_ALL_KIND)) && only.is_some();
        if !quick && !all {
            return Ok(None);
        }
        let Some(snap) = inner.docs.get(&uri).map(|d| d.fix_snapshot()) else {
            return Ok(None);
        };
        let generation = snap.generation;
        // The fixers read the whole file: off the protocol loop.
        let work = tokio::task::spawn_blocking(move || {
            let findings = if quick {
                Some(snap.findings(&settings))
            } else {
                None
            };
            let fixed = if all { snap.fix_all(&settings) } else { None };
            (findings, fixed)
        })
        .await;
        let Ok((findings, fixed)) = work else {
            return Ok(None);
        };
        let Some(mut doc) = inner.docs.get_mut(&uri) else {
            return Ok(None);
        };
        // Edited meanwhile: these edits would land on other text.
        if doc.generation != generation {
            return Ok(None);
        }
        let enc = inner.enc();
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        if let Some(findings) = findings {
            doc.keep_fixes(generation, findings.clone());
            for d in ours {
                let Some(NumberOrString::String(code)) = &d.code else {
                    continue;
                };
                let Some(f) = findings
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
                    edit: Some(inner.fix_edit(&uri, &doc, edits)),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
        }
        if let Some(fixed) = fixed {
            let edits = diff_edits(&doc, &fixed, enc);
            if !edits.is_empty() {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: "Apply all Clerk Core 2 fixes".to_string(),
                    kind: Some(CodeActionKind::new(FIX_ALL_KIND)),
                    edit: Some(inner.fix_edit(&uri, &doc, edits)),
                    ..Default::default()
                }));
            }
        }
        Ok((!actions.is_empty()).then_some(actions))
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let inner = &self.inner;
        let uri = params.text_document.uri;
        let settings = inner.settings();
        let report = match inner.docs.get_mut(&uri) {
            Some(mut doc) => {
                doc.refresh(&settings);
                let result_id = doc.report.to_string();
                if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
                    DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                        related_documents: None,
                        unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                            result_id,
                        },
                    })
                } else {
                    DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                        related_documents: None,
                        full_document_diagnostic_report: FullDocumentDiagnosticReport {
                            result_id: Some(result_id),
                            items: inner.diagnostics(&doc),
                        },
                    })
                }
            }
            None => DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: None,
                    items: inner
                        .disk
                        .get(&uri)
                        .map(|d| d.diagnostics.clone())
                        .unwrap_or_default(),
                },
            }),
        };
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn workspace_diagnostic(
        &self,
        _: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        let inner = &self.inner;
        if !inner.workspace_pull.swap(true, Ordering::SeqCst) {
            // From now on the client pulls: withdraw what was pushed.
            let pushed: Vec<Uri> = inner.disk.iter().map(|e| e.key().clone()).collect();
            for uri in pushed {
                inner.push_unversioned(&uri, &[]).await;
            }
        }
        let items = inner
            .disk
            .iter()
            .filter(|e| !inner.docs.contains_key(e.key()))
            .map(|e| {
                WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                    uri: e.key().clone(),
                    version: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: None,
                        items: e.diagnostics.clone(),
                    },
                })
            })
            .collect();
        Ok(WorkspaceDiagnosticReportResult::Report(
            WorkspaceDiagnosticReport { items },
        ))
    }
}

/// Serves LSP over a byte stream pair until `exit` or end of input, and
/// returns the process exit code the protocol asks for: 0 after a
/// `shutdown`, 1 otherwise. Both streams pass through `guard`.
pub async fn serve<I, O>(input: I, output: O) -> i32
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let (frames, outgoing) = tokio::sync::mpsc::channel(64);
    let replies = frames.clone();
    let direct = frames.clone();
    let (service, socket) = LspService::new(move |client| Backend::new(client, flag, direct));
    let (server_in, to_server) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let run = async move {
        let server = Server::new(server_in, server_out, socket).serve(guard::CatchPanics(service));
        let pump = guard::pump(input, to_server, replies);
        tokio::pin!(server, pump);
        // The server ends at `exit` or when the pump, at end of input,
        // drops its side of the pipe; the pump is dropped with this block.
        let mut pumping = true;
        loop {
            tokio::select! {
                _ = &mut server => break,
                _ = &mut pump, if pumping => pumping = false,
            }
        }
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = async move {
        tokio::join!(run, guard::relay(from_server, frames));
        let _ = stop.send(());
    };
    tokio::join!(
        served,
        guard::write(outgoing, output, async move {
            let _ = stopped.await;
        })
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_frames_carry_the_diagnostics_pull_requests_get() {
        let src = "import { Clerk, setClerkApiKey } from '@clerk/clerk-sdk-node';\nsetClerkApiKey('k'); // é😀\r\nconst c = Clerk({ apiKey: 'k' });\nconst u = await c.users.getUserList({ limit: 1 });\n";
        let doc = Document::new(Lang::TypeScript, 7, src.into(), &Settings::default());
        assert!(doc.findings.len() >= 3);
        let uri: Uri = "file:///p/a.ts".parse().unwrap();
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let frame = publish_frame(&uri, &doc, enc);
            let body = &frame[frame.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4..];
            let sent: Value = serde_json::from_slice(body).unwrap();
            assert_eq!(sent["method"], "textDocument/publishDiagnostics");
            assert_eq!(sent["params"]["uri"], "file:///p/a.ts");
            assert_eq!(sent["params"]["version"], 7);
            assert_eq!(
                sent["params"]["diagnostics"],
                serde_json::to_value(diagnostics(&doc, enc)).unwrap()
            );
        }
    }

    #[test]
    fn disk_frames_are_what_the_library_would_send() {
        let src = "import { setClerkApiKey } from '@clerk/clerk-sdk-node';\nsetClerkApiKey('k'); // é😀\n";
        let findings = crate::engine::analyze_source(src, Lang::TypeScript, &Settings::default());
        let uri: Uri = "file:///p/a.ts".parse().unwrap();
        for diags in [
            disk_diagnostics(src, &findings, Encoding::Utf16),
            Vec::new(),
        ] {
            let frame = disk_frame(&uri, &diags);
            let head = format!("Content-Length: {}\r\n\r\n", frame.body().len());
            assert!(frame.starts_with(head.as_bytes()));
            let sent: Value = serde_json::from_slice(frame.body()).unwrap();
            let library = serde_json::json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": tower_lsp_server::ls_types::PublishDiagnosticsParams::new(uri.clone(), diags, None),
            });
            assert_eq!(sent, library);
        }
    }
}
