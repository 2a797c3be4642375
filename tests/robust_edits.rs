//! Random edit sequences aimed at the edges: positions at and past the end
//! of the file and of lines, inside surrogate pairs and UTF-8 sequences,
//! ranges given end first, lone `\r` line ends, empty edits, whole-text
//! replacements, in TypeScript, JavaScript and TSX, in every encoding. After
//! each notification the buffer, its tree and its findings must equal a
//! fresh parse and analysis of the text an independent oracle expects; and
//! through the server over the protocol, the published diagnostics must.
mod common;

use clerk_core2_lsp::{
    engine::{self, lang::Lang, position::Encoding, Settings},
    lsp::document::Document,
};
use common::summary;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

const BASES: [(Lang, &str, &str); 3] = [
    (
        Lang::TypeScript,
        "typescript",
        "import { createClerkClient, setClerkApiKey as setKey } from '@clerk/clerk-sdk-node';\r\n\
const opts = { apiKey: 'k' };\r\
// clerk-core2-ignore-next-line\n\
setKey('x'); const é = '中😀';\r\n\
export const c = createClerkClient(opts);\n\
function f() { return createClerkClient({ apiKey }); }",
    ),
    (
        Lang::JavaScript,
        "javascript",
        "const sdk = require('@clerk/clerk-sdk-node');\n\
const { setClerkApiKey } = require('@clerk/clerk-sdk-node/cjs/instance');\r\
sdk.setClerkApiVersion('v1'); /* 😀😀 */ setClerkApiKey(`𝒳`);\r\n\
module.exports = sdk.createClerkClient({ 'apiKey': process.env.K });\n",
    ),
    (
        Lang::Tsx,
        "typescriptreact",
        "import { setClerkApiKey, createClerkClient } from '@clerk/clerk-sdk-node';\n\
export const A = () => <div title=\"😀\">{setClerkApiKey('x')}</div>;\r\
const c = createClerkClient({ apiKey: '中' });\r\n",
    ),
];

/// Text typed into the buffer.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(""),
        Just("x"),
        Just("\n"),
        Just("\r"),
        Just("\r\n"),
        Just("é"),
        Just("😀"),
        Just("𝒳中"),
        Just("\u{2028}"),
        Just("setKey('y');"),
        Just("setClerkApiKey(1);\r"),
        Just(" apiKey: 1, "),
        Just("import * as sdk from '@clerk/clerk-sdk-node';\n"),
        Just("sdk.setClerkApiVersion('v1');"),
        Just("// clerk-core2-ignore-next-line\r"),
        Just("<b>{setKey(2)}</b>"),
        Just("{"),
        Just("'"),
        Just("`"),
        Just("/*"),
    ]
    .prop_map(str::to_string)
}

/// Where a position goes, resolved against the text at the time.
#[derive(Debug, Clone)]
enum At {
    /// The character boundary at this fraction (in 1/1000) of the text.
    Fraction(u16),
    /// Inside the n-th character that takes more than one unit.
    InsideChar(u8),
    /// Exactly the end of the file.
    Eof,
    /// Further lines past the end, at a column.
    PastEofLine(u8, u8),
    /// The end of a line, then columns past it.
    PastLineEnd(u8, u8),
    Raw(u8, u8),
}

fn at() -> impl Strategy<Value = At> {
    prop_oneof![
        6 => (0u16..=1000).prop_map(At::Fraction),
        2 => any::<u8>().prop_map(At::InsideChar),
        2 => Just(At::Eof),
        1 => (1u8..4, 0u8..10).prop_map(|(l, c)| At::PastEofLine(l, c)),
        2 => (any::<u8>(), 1u8..40).prop_map(|(l, c)| At::PastLineEnd(l, c)),
        1 => (0u8..12, 0u8..120).prop_map(|(l, c)| At::Raw(l, c)),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Edit(At, At, String),
    Replace(String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        14 => (at(), at(), piece()).prop_map(|(a, b, t)| Op::Edit(a, b, t)),
        1 => piece().prop_map(Op::Replace),
    ]
}

/// LSP lines of a text as the oracle sees them: (start, end of content) byte
/// offsets, split at `\r\n`, `\n` and `\r`.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                out.push((start, i));
                i += 2;
                start = i;
            }
            b'\r' | b'\n' => {
                out.push((start, i));
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push((start, b.len()));
    out
}

fn width(c: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => c.len_utf8(),
        Encoding::Utf16 => c.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// The byte offset of an LSP position: past the end of a line is its end,
/// past the last line is the end of the text, inside a character is its start.
fn oracle_offset(text: &str, p: Position, enc: Encoding) -> usize {
    let ls = lines(text);
    let Some(&(start, end)) = ls.get(p.line as usize) else {
        return text.len();
    };
    let mut units = 0;
    for (i, c) in text[start..end].char_indices() {
        if units + width(c, enc) > p.character as usize {
            return start + i;
        }
        units += width(c, enc);
    }
    end
}

fn oracle_position(text: &str, offset: usize, enc: Encoding) -> Position {
    let ls = lines(text);
    let line = ls.partition_point(|&(s, _)| s <= offset) - 1;
    let (start, _) = ls[line];
    let col: usize = text[start..offset].chars().map(|c| width(c, enc)).sum();
    Position::new(line as u32, col as u32)
}

fn resolve(text: &str, a: &At, enc: Encoding) -> Position {
    let ls = lines(text);
    let last = ls.len() as u32 - 1;
    match *a {
        At::Fraction(f) => {
            let mut o = text.len() * f as usize / 1000;
            while !text.is_char_boundary(o) {
                o -= 1;
            }
            oracle_position(text, o, enc)
        }
        At::InsideChar(n) => {
            let wide: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| width(*c, enc) > 1)
                .map(|(i, _)| i)
                .collect();
            if wide.is_empty() {
                return oracle_position(text, 0, enc);
            }
            let p = oracle_position(text, wide[n as usize % wide.len()], enc);
            Position::new(p.line, p.character + 1)
        }
        At::Eof => oracle_position(text, text.len(), enc),
        At::PastEofLine(l, c) => Position::new(last + l as u32, c as u32),
        At::PastLineEnd(l, c) => {
            let line = l as usize % ls.len();
            let (s, e) = ls[line];
            let len: usize = text[s..e].chars().map(|ch| width(ch, enc)).sum();
            Position::new(line as u32, (len + c as usize) as u32)
        }
        At::Raw(l, c) => Position::new(l as u32, c as u32),
    }
}

/// Turns ops into one notification's changes, updating the expected text.
fn changes(
    expected: &mut String,
    lang: &mut usize,
    ops: &[Op],
    enc: Encoding,
) -> Vec<TextDocumentContentChangeEvent> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Op::Edit(a, b, t) => {
                let (s, e) = (resolve(expected, a, enc), resolve(expected, b, enc));
                let (x, y) = (
                    oracle_offset(expected, s, enc),
                    oracle_offset(expected, e, enc),
                );
                let (x, y) = (x.min(y), x.max(y));
                expected.replace_range(x..y, t);
                out.push(TextDocumentContentChangeEvent {
                    range: Some(Range::new(s, e)),
                    range_length: None,
                    text: t.clone(),
                });
            }
            Op::Replace(t) => {
                // The language of a document never changes; its text may.
                let text = format!("{}{t}", BASES[*lang].2);
                *expected = text.clone();
                out.push(TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text,
                });
            }
        }
    }
    out
}

/// Every node with its kind, bytes and points: trees equal to the last
/// position, which `to_sexp` would not show. Comments are extras: after
/// some edits an incremental reparse puts one after a statement that a
/// fresh parse takes into it (`const a = b // c`, with the line's
/// automatic semicolon after the comment), so comments are left out, and
/// a node ends where its last child that is no comment ends.
fn nodes(tree: &tree_sitter::Tree) -> Vec<String> {
    fn visit(n: tree_sitter::Node, out: &mut Vec<String>) -> (usize, tree_sitter::Point) {
        let at = out.len();
        out.push(String::new());
        let mut end = (n.end_byte(), n.end_position());
        let mut cur = n.walk();
        let children: Vec<tree_sitter::Node> = n.children(&mut cur).collect();
        if !children.is_empty() {
            end = (n.start_byte(), n.start_position());
            for c in children.into_iter().filter(|c| c.kind() != "comment") {
                end = visit(c, out);
            }
        }
        out[at] = format!(
            "{} {}..{} {:?}..{:?}",
            n.kind(),
            n.start_byte(),
            end.0,
            n.start_position(),
            end.1
        );
        end
    }
    let mut out = Vec::new();
    visit(tree.root_node(), &mut out);
    out
}

fn run_document(
    lang_index: usize,
    batches: Vec<Vec<Op>>,
    enc: Encoding,
) -> Result<(), TestCaseError> {
    let (lang, _, base) = BASES[lang_index];
    let settings = Settings::default();
    let mut doc = Document::new(lang, 1, base.to_string(), &settings);
    let mut expected = base.to_string();
    let mut li = lang_index;
    for (v, batch) in batches.iter().enumerate() {
        let cs = changes(&mut expected, &mut li, batch, enc);
        doc.apply_changes(&cs, enc);
        doc.version = v as i32 + 2;
        let a = doc.snapshot().analyze(&settings);
        prop_assert!(doc.accept(a));
        prop_assert_eq!(&*doc.text, expected.as_str());
        prop_assert_eq!(doc.rope.to_string(), expected.clone());
        let fresh_tree = engine::parse(&expected, lang, None).unwrap();
        let fresh = engine::analyze(&fresh_tree, &expected, lang, &settings);
        // What a code action would offer for this version, settled or not.
        let fixed = doc.fix_snapshot().findings(&settings);
        prop_assert_eq!(summary(&fixed), summary(&fresh));
        if v % 2 == 1 {
            doc.settle(&settings);
        }
        // An unsettled tree may differ from a fresh parse until settled; a
        // lagging one is of an earlier text, but its findings are current.
        if !doc.unsettled {
            let shown =
                engine::analyze_with(&fresh_tree, &expected, lang, &settings, engine::Fixes::Skip);
            prop_assert_eq!(summary(&doc.findings), summary(&shown));
        }
        if !doc.needs_settling() {
            prop_assert_eq!(nodes(doc.tree.as_ref().unwrap()), nodes(&fresh_tree));
        }
        // Every finding maps to a position and back.
        for f in doc.findings.iter() {
            let p = doc.position(f.range.start, enc);
            prop_assert_eq!(p, oracle_position(&expected, f.range.start, enc));
            prop_assert_eq!(doc.offset(p, enc), f.range.start);
        }
    }
    Ok(())
}

/// `ROBUST_CASES` runs more cases by hand than CI's default.
fn cases(default: u32) -> u32 {
    std::env::var("ROBUST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn batches() -> impl Strategy<Value = Vec<Vec<Op>>> {
    prop::collection::vec(prop::collection::vec(op(), 0..4), 1..10)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(160), ..ProptestConfig::default() })]

    #[test]
    fn edges_utf16(lang in 0usize..3, b in batches()) {
        run_document(lang, b, Encoding::Utf16)?;
    }

    #[test]
    fn edges_utf8(lang in 0usize..3, b in batches()) {
        run_document(lang, b, Encoding::Utf8)?;
    }

    #[test]
    fn edges_utf32(lang in 0usize..3, b in batches()) {
        run_document(lang, b, Encoding::Utf32)?;
    }
}

/// What a client should see for `text`: a fresh analysis, in LSP ranges.
fn expected_diagnostics(text: &str, lang: Lang, enc: Encoding) -> Vec<Value> {
    engine::analyze_source(text, lang, &Settings::default())
        .iter()
        .map(|f| {
            let (s, e) = (
                oracle_position(text, f.range.start, enc),
                oracle_position(text, f.range.end, enc),
            );
            json!([
                f.rule.id,
                [s.line, s.character, e.line, e.character],
                &*f.message
            ])
        })
        .collect()
}

fn published(d: &[Value]) -> Vec<Value> {
    d.iter()
        .map(|d| json!([d["code"], common::range_of(d), d["message"]]))
        .collect()
}

fn run_protocol(lang_index: usize, batches: Vec<Vec<Op>>, utf8: bool) -> Result<(), TestCaseError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let (lang, id, base) = BASES[lang_index];
        let enc = if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        };
        let mut c = common::Client::in_process();
        let encs = if utf8 {
            json!(["utf-8"])
        } else {
            json!(["utf-16"])
        };
        c.initialize(json!({"general": {"positionEncodings": encs}}), Value::Null)
            .await;
        let uri = format!("file:///p/doc.{}", ["ts", "js", "tsx"][lang_index]);
        c.open(&uri, id, 1, base).await;
        let d = c.diagnostics(&uri, Some(1)).await;
        prop_assert_eq!(published(&d), expected_diagnostics(base, lang, enc));
        let mut expected = base.to_string();
        let mut li = lang_index;
        for (v, batch) in batches.iter().enumerate() {
            let version = v as i64 + 2;
            let cs = changes(&mut expected, &mut li, batch, enc);
            c.change(&uri, version, serde_json::to_value(&cs).unwrap())
                .await;
            let want = expected_diagnostics(&expected, lang, enc);
            let mut d = c.diagnostics(&uri, Some(version)).await;
            // Typing through a syntax error, the first publish can hold one
            // recovery from it that a fresh parse does not make; the
            // settling pass publishes the fresh findings after a pause.
            if published(&d) != want {
                d = c.diagnostics(&uri, Some(version)).await;
            }
            prop_assert_eq!(published(&d), want, "version {}", version);
        }
        c.shutdown_and_exit().await;
        Ok(())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(24), ..ProptestConfig::default() })]

    #[test]
    fn over_the_protocol(lang in 0usize..3, b in prop::collection::vec(prop::collection::vec(op(), 0..3), 1..6), utf8 in any::<bool>()) {
        run_protocol(lang, b, utf8)?;
    }
}
