//! Random edit sequences, applied as an editor sends them: after each one
//! the buffer text, the tree and the findings must equal those of a fresh
//! parse and analysis of the same text, in both position encodings.
mod common;

use clerk_core2_lsp::{
    engine::{self, lang::Lang, position::Encoding, Settings},
    lsp::document::Document,
};
use common::{oracle_apply, summary};
use proptest::prelude::*;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

const BASE: &str =
    "import { createClerkClient, setClerkApiKey as setKey } from '@clerk/clerk-sdk-node';\r\n\
const opts = { apiKey: 'k' };\n\
// clerk-core2-ignore-next-line\n\
setKey('x'); const é = '中😀';\n\
export const c = createClerkClient(opts);\n\
function f() { return createClerkClient({ apiKey }); }\n\
const s = \"setClerkApiKey('no')\";\n\
import { clerkClient } from '@clerk/clerk-sdk-node';\n\
const users = await clerkClient.users.getUserList();\n\
users.forEach((u) => u.profileImageUrl);\n\
const acct = users[0].externalAccounts[0];\n\
console.log(acct.picture, req.auth.claims);\n";

/// Pieces typed into the buffer: code that adds or removes findings, line
/// breaks of both kinds, multi-byte and astral characters.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("x".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("é".to_string()),
        Just("😀".to_string()),
        Just("setKey('y');".to_string()),
        Just(" apiKey: 1, ".to_string()),
        Just("import * as sdk from '@clerk/clerk-sdk-node';\n".to_string()),
        Just("sdk.setClerkApiVersion('v1');".to_string()),
        Just("// clerk-core2-ignore-next-line\n".to_string()),
        Just("{".to_string()),
        Just("users.data".to_string()),
        Just("const { data: users } = x;\n".to_string()),
        Just("acct".to_string()),
        Just(".picture".to_string()),
        Just("setKey".to_string()),
        Just("'".to_string()),
    ]
}

#[derive(Debug, Clone)]
enum Op {
    Edit {
        line: u32,
        col: u32,
        len_lines: u32,
        len_cols: u32,
        text: String,
    },
    Replace(String),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        12 => (0u32..12, 0u32..90, 0u32..2, 0u32..20, piece()).prop_map(|(line, col, len_lines, len_cols, text)| Op::Edit { line, col, len_lines, len_cols, text }),
        1 => piece().prop_map(|t| Op::Replace(format!("{BASE}{t}"))),
    ]
}

fn run(ops: Vec<Vec<Op>>, enc: Encoding) -> Result<(), TestCaseError> {
    run_on(BASE, ops, enc)
}

/// `run` from `base`.
fn run_on(base: &str, ops: Vec<Vec<Op>>, enc: Encoding) -> Result<(), TestCaseError> {
    run_in(Lang::TypeScript, base, ops, enc)
}

/// `run_on` in a language of its own.
fn run_in(lang: Lang, base: &str, ops: Vec<Vec<Op>>, enc: Encoding) -> Result<(), TestCaseError> {
    let settings = Settings::default();
    let mut doc = Document::new(lang, 1, base.to_string(), &settings);
    let mut expected = base.to_string();
    for (v, batch) in ops.into_iter().enumerate() {
        let mut changes = Vec::new();
        for op in batch {
            match op {
                Op::Edit {
                    line,
                    col,
                    len_lines,
                    len_cols,
                    text,
                } => {
                    let range = Range::new(
                        Position::new(line, col),
                        Position::new(line + len_lines, col + len_cols),
                    );
                    expected = oracle_apply(&expected, &range, &text, enc);
                    changes.push(TextDocumentContentChangeEvent {
                        range: Some(range),
                        range_length: None,
                        text,
                    });
                }
                Op::Replace(t) => {
                    expected = t.clone();
                    changes.push(TextDocumentContentChangeEvent {
                        range: None,
                        range_length: None,
                        text: t,
                    });
                }
            }
        }
        doc.apply_changes(&changes, enc);
        doc.version = v as i32 + 2;
        let a = doc.snapshot().analyze(&settings);
        prop_assert!(doc.accept(a));
        prop_assert_eq!(&*doc.text, expected.as_str());
        prop_assert_eq!(doc.rope.to_string(), expected.clone());
        // A tree the reparse left unsettled may differ from a fresh parse
        // until it is settled; every other one must equal it. Settling only
        // now and then lets unsettled trees live on through later edits. A
        // lagging tree is of an earlier text, but its findings are current.
        if doc.lagging {
            // Lagging and unsettled, there is no tree of the text to check
            // the findings against (see `findings_fit`).
            if doc.unsettled {
                findings_fit(&doc)?;
            } else {
                same_findings_as_fresh(&doc, &expected, &settings)?;
                same_statements_as_fresh(&doc, &expected)?;
            }
        } else if !doc.unsettled {
            same_as_fresh(&doc, &expected, &settings)?;
        } else {
            same_findings_as_tree(&doc, &settings)?;
        }
        if v % 3 == 2 {
            doc.settle(&settings);
            prop_assert!(!doc.needs_settling());
            same_as_fresh(&doc, &expected, &settings)?;
        }
    }
    doc.settle(&settings);
    same_as_fresh(&doc, &expected, &settings)?;
    Ok(())
}

/// The document's findings against a fresh parse and analysis of `text`.
/// Typing skips the fixers; tests/incremental_fixes.rs covers fixes.
fn same_findings_as_fresh(
    doc: &Document,
    text: &str,
    settings: &Settings,
) -> Result<(), TestCaseError> {
    let fresh = engine::analyze_with(
        &engine::parse(text, doc.lang, None).unwrap(),
        text,
        doc.lang,
        settings,
        engine::Fixes::Skip,
    );
    prop_assert_eq!(summary(&doc.findings), summary(&fresh));
    Ok(())
}

/// The document's findings against a whole analysis of its own tree: an
/// unsettled tree may differ from a fresh parse, but what it shows must be
/// what analysing all of it shows, not only the statements thought changed.
fn same_findings_as_tree(doc: &Document, settings: &Settings) -> Result<(), TestCaseError> {
    let whole = engine::analyze_with(
        doc.tree.as_ref().unwrap(),
        &doc.text,
        doc.lang,
        settings,
        engine::Fixes::Skip,
    );
    prop_assert_eq!(summary(&doc.findings), summary(&whole));
    Ok(())
}

/// The top-level statements the document's analysis saw against those of
/// a fresh parse: an analysis of one statement alone must not have missed
/// it joining a neighbour, even where the findings would not show it.
/// Comments are extras: after some edits an incremental reparse takes one
/// after a block into the statement, where a fresh parse puts it after it.
fn same_statements_as_fresh(doc: &Document, text: &str) -> Result<(), TestCaseError> {
    let fresh = engine::parse(text, doc.lang, None).unwrap();
    let root = fresh.root_node();
    let mut cur = root.walk();
    let fresh: Vec<(u16, std::ops::Range<usize>)> = root
        .children(&mut cur)
        .map(|c| (c.kind_id(), c.byte_range()))
        .collect();
    let language = doc.lang.ts_language().unwrap();
    let comment = |k: u16| {
        matches!(
            language.node_kind_for_id(k),
            Some("comment" | "html_comment")
        )
    };
    // Every comment of the fresh parse, at any depth: a statement may
    // take in a comment after it in one parse and not in the other.
    let mut comments: Vec<std::ops::Range<usize>> = Vec::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        if comment(n.kind_id()) {
            comments.push(n.byte_range());
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    // What lies between a fresh statement's end and the document's: white
    // space and comments of the fresh parse only.
    let extras_only = |r: std::ops::Range<usize>| {
        let mut at = r.start;
        while at < r.end {
            if text.as_bytes()[at].is_ascii_whitespace() {
                at += 1;
            } else if let Some(c) = comments.iter().find(|c| c.start == at) {
                at = c.end;
            } else {
                return false;
            }
        }
        true
    };
    let seen = doc.statements().unwrap();
    let code = |v: &[(u16, std::ops::Range<usize>)]| -> Vec<(u16, std::ops::Range<usize>)> {
        v.iter()
            .filter(|(k, r)| !(comment(*k) && comments.contains(r)))
            .cloned()
            .collect()
    };
    let (ours, theirs) = (code(&seen), code(&fresh));
    let same = ours.len() == theirs.len()
        && ours.iter().zip(&theirs).all(|((k, r), (fk, fr))| {
            k == fk
                && r.start == fr.start
                && (r.end == fr.end
                    || r.end > fr.end && extras_only(fr.end..r.end)
                    || r.end < fr.end && extras_only(r.end..fr.end))
        });
    if !same {
        prop_assert_eq!(seen, fresh);
    }
    Ok(())
}

/// The document's findings lie in its text, on character boundaries, in
/// order. Lagging and unsettled, that is all that can be said of them: the
/// findings of a statement with a syntax error come from one recovery from
/// it (parsed alone, or in an earlier parse of the file), and a fresh parse
/// can recover otherwise when text far from the error changes, even where
/// the statement's bounds stay, and with it bind other names (an import
/// with an error) or learn other values, which changes findings in
/// statements without an error too. Settling makes them exact.
fn findings_fit(doc: &Document) -> Result<(), TestCaseError> {
    for f in doc.findings.iter() {
        prop_assert!(f.range.start <= f.range.end && f.range.end <= doc.text.len());
        prop_assert!(doc.text.is_char_boundary(f.range.start));
        prop_assert!(doc.text.is_char_boundary(f.range.end));
    }
    prop_assert!(doc
        .findings
        .windows(2)
        .all(|w| w[0].range.start <= w[1].range.start));
    Ok(())
}

/// The document's tree and findings against a fresh parse and analysis.
fn same_as_fresh(doc: &Document, text: &str, settings: &Settings) -> Result<(), TestCaseError> {
    let fresh_tree = engine::parse(text, doc.lang, None).unwrap();
    // Comments are extras: after some edits the parser attaches one at
    // the end of a block to the block, a fresh parse puts it after it.
    // Findings must not depend on that; the rest of the tree must match.
    let no_comments = |t: &tree_sitter::Tree| t.root_node().to_sexp().replace(" (comment)", "");
    prop_assert_eq!(
        no_comments(doc.tree.as_ref().unwrap()),
        no_comments(&fresh_tree)
    );
    same_findings_as_fresh(doc, text, settings)
}

/// Whole statements, so that most edits keep the file free of syntax
/// errors: the path where statements the parser restructured are found by
/// comparing top-level bounds rather than whole trees.
fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("const a = req.auth;\n"),
        Just("const { claims } = a;\n"),
        Just("make(opts);\n"),
        Just("const opts = { apiKey: 'k' };\n"),
        Just("setKey('y');\n"),
        Just("import * as sdk from '@clerk/clerk-sdk-node';\n"),
        Just("users.forEach((u) => u.profileImageUrl);\n"),
        Just("const users = await clerkClient.users.getUserList();\n"),
        Just("function g() {\n"),
        Just("}\n"),
        Just("// clerk-core2-ignore-next-line\n"),
        Just("x\n"),
        Just("(y)\n"),
    ]
    .prop_map(str::to_string)
}

fn statement_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u32..14, statement()).prop_map(|(line, text)| Op::Edit {
            line,
            col: 0,
            len_lines: 0,
            len_cols: 0,
            text
        }),
        (0u32..14).prop_map(|line| Op::Edit {
            line,
            col: 0,
            len_lines: 1,
            len_cols: 0,
            text: String::new()
        }),
    ]
}

/// Found by `whole_statement_edits_equal_fresh`: after these edits the
/// reparse keeps a comment inside the function body before it, where a
/// fresh parse puts it at the top level, so a top-level statement ends
/// elsewhere than the edits suggest.
#[test]
fn a_comment_the_reparse_attaches_elsewhere() {
    let edit = |line, len_lines, text: &str| Op::Edit {
        line,
        col: 0,
        len_lines,
        len_cols: 0,
        text: text.to_string(),
    };
    run(
        vec![
            vec![
                edit(6, 0, "// clerk-core2-ignore-next-line\n"),
                edit(7, 0, "(y)\n"),
            ],
            vec![edit(0, 0, "const a = req.auth;\n")],
            vec![edit(8, 1, "")],
        ],
        Encoding::Utf16,
    )
    .unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn whole_statement_edits_equal_fresh(ops in prop::collection::vec(prop::collection::vec(statement_op(), 1..3), 1..12)) {
        run(ops, Encoding::Utf16)?;
    }

    #[test]
    fn incremental_equals_fresh_utf16(ops in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..12)) {
        run(ops, Encoding::Utf16)?;
    }

    #[test]
    fn incremental_equals_fresh_utf8(ops in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..12)) {
        run(ops, Encoding::Utf8)?;
    }

    #[test]
    fn typing_inside_statements_equals_fresh(ops in prop::collection::vec(prop::collection::vec(typing_op(), 1..3), 1..16)) {
        run_on(TYPING, ops, Encoding::Utf16)?;
    }

    #[test]
    fn typing_without_semicolons_equals_fresh(
        ops in prop::collection::vec(prop::collection::vec(unterminated_op(), 1..3), 1..16),
        js in any::<bool>(),
    ) {
        let lang = if js { Lang::JavaScript } else { Lang::TypeScript };
        run_in(lang, &without_semicolons(TYPING), ops, Encoding::Utf16)?;
    }

    #[test]
    fn comments_typed_between_statements_equal_fresh(
        ops in prop::collection::vec(prop::collection::vec(comment_op(), 1..3), 1..16),
        bare in any::<bool>(),
        js in any::<bool>(),
    ) {
        let lang = if js { Lang::JavaScript } else { Lang::TypeScript };
        let base = if bare { without_semicolons(TYPING) } else { TYPING.to_string() };
        run_in(lang, &base, ops, Encoding::Utf16)?;
    }

    #[test]
    fn typing_in_a_file_that_does_not_use_clerk_equals_fresh(
        ops in prop::collection::vec(prop::collection::vec(typing_op(), 1..3), 1..16),
    ) {
        run_on(NO_CLERK, ops, Encoding::Utf16)?;
    }

    #[test]
    fn joining_statements_without_semicolons_equals_fresh(
        ops in prop::collection::vec(prop::collection::vec(joining_op(), 1..3), 1..6),
        js in any::<bool>(),
    ) {
        let lang = if js { Lang::JavaScript } else { Lang::TypeScript };
        run_in(lang, BARE, ops, Encoding::Utf16)?;
    }
}

/// Statements without semicolons that end in each kind of tail: a name, a
/// closing bracket, a string, a template, a number, a block; and an `if`
/// and a `try` the next line could carry on; declarations a keyword at
/// the end of the line before could take in. Most are expressions, which
/// the start of a line can add to without a syntax error.
const BARE: &str = "import { clerkClient } from '@clerk/clerk-sdk-node'\n\
const users = await clerkClient.users.getUserList()\n\
users[0].profileImageUrl\n\
first = users[0]\n\
router.get('/a', (req, res) => res.json(req.auth.claims))\n\
if (first) console.log(first.externalAccounts[0].picture)\n\
label = `n${first}`\n\
try { first = 'x' } catch { first = 'y' }\n\
// a note\n\
n = 1\n\
function g() {}\n\
x = 2\n\
class K {}\n\
first = 'z'\n\
res.json(req.auth.claims)\n\
export default router\n";

/// Edits where statements meet: at the start or the end of a line, what
/// may join a statement to its neighbour, or keeps it apart.
fn joining_op() -> impl Strategy<Value = Op> {
    let start = prop::sample::select(vec![
        "(x) || ",
        "[x] || ",
        "`t` + ",
        "-x + ",
        "+x + ",
        "!x || ",
        "x || ",
        "async || ",
        "type || ",
        "as || ",
        "of || ",
        "await ",
        "new ",
        "typeof ",
        "void ",
        "/r/.test(x) || ",
        "in || ",
        "else ",
        "finally ",
        "y, ",
        "let || ",
        "declare || ",
        "x",
    ]);
    let end = prop::sample::select(vec![
        " || x",
        " + 1",
        ", async",
        ", type",
        ", let",
        ", declare",
        " as unknown",
        ", x++",
        " // c",
        " /* c */",
        ".y",
        "(z)",
        "[0]",
        ", 'q'",
        ", `q`",
        ", 2",
        ", x",
        ", of",
        ", await",
        "\n",
        "\n(x)",
        "\nx",
        "\n// c",
        " else y()",
        " finally {}",
        "",
    ]);
    prop_oneof![
        (0u32..17, start).prop_map(|(line, text)| Op::Edit {
            line,
            col: 0,
            len_lines: 0,
            len_cols: 0,
            text: text.to_string(),
        }),
        (0u32..17, end).prop_map(|(line, text)| Op::Edit {
            line,
            col: 200,
            len_lines: 0,
            len_cols: 0,
            text: text.to_string(),
        }),
        // Taking back what the start of a line got.
        (0u32..17, 1u32..8).prop_map(|(line, len_cols)| Op::Edit {
            line,
            col: 0,
            len_lines: 0,
            len_cols,
            text: String::new(),
        }),
    ]
}

/// Every line of `BARE` ends with `;`; one loses it (a splice, as the
/// next line starts with a word), then the next line gets each start that
/// can carry a statement on. The second edit must see the first statement
/// as it ends now.
#[test]
fn a_semicolon_taken_out_then_a_start_that_carries_the_line_on_equals_fresh() {
    let base: String = BARE.lines().map(|l| format!("{l};\n")).collect();
    let starts = [
        "(x) || ",
        "[x] || ",
        "`t` + ",
        "-x + ",
        "+x + ",
        "/r/.test(x) || ",
        "in || ",
        "x",
    ];
    for lang in [Lang::TypeScript, Lang::JavaScript] {
        for (line, text) in base.lines().enumerate().take(base.lines().count() - 1) {
            let line = line as u32;
            let col = text.len() as u32 - 1;
            for start in starts {
                let ops = vec![
                    vec![Op::Edit {
                        line,
                        col,
                        len_lines: 0,
                        len_cols: 1,
                        text: String::new(),
                    }],
                    vec![Op::Edit {
                        line: line + 1,
                        col: 0,
                        len_lines: 0,
                        len_cols: 0,
                        text: start.to_string(),
                    }],
                ];
                run_in(lang, &base, ops, Encoding::Utf16)
                    .unwrap_or_else(|e| panic!("{lang:?}, line {line}, {start:?}: {e}"));
            }
        }
    }
}

/// `text` with the semicolons at the ends of its lines taken out, as
/// projects written in that style have it.
fn without_semicolons(text: &str) -> String {
    text.replace(";\n", "\n")
}

/// `typing_op`, with what can make a line carry on the one before it or
/// let the next carry it on: a bracket, an operator or a keyword at a
/// line's start or end.
fn unterminated_op() -> impl Strategy<Value = Op> {
    let piece = prop_oneof![
        4 => typing_op().prop_map(|op| match op {
            Op::Edit { text, .. } => text,
            Op::Replace(t) => t,
        }),
        1 => prop::sample::select(vec![
            "(", "(x)", "[", "[0]", "`t`", "+", "++", "-", "!", "<", "/", ".", "?", "=",
            "in ", "instanceof ", "as ", "else ", "catch ", "from ", "async", "declare",
            "type", "let", "await", "export", "return", "yield", "new", "x", " y", "\n",
            ";", "'s'", "1", "(x) || ", "[x].concat ", "`t` + ", "-x + ", "+x, ", "/r/.test(x) || ",
            "<T>(x) || ", ", async", ", type", " + x", " as unknown", ", x++", "// c\n", "/* c */",
            "\n// c\n",
        ])
        .prop_map(str::to_string),
    ];
    let len = prop_oneof![3 => Just(0u32), 1 => 1u32..3];
    // Column 0 and the ends of lines are where statements meet.
    let col = prop_oneof![2 => Just(0u32), 1 => Just(200u32), 3 => 0u32..60];
    line_edit(0..17, col, len, piece)
}

/// An edit inside one line: a line of `lines`, a column, how many
/// columns it replaces, and what with.
fn line_edit(
    lines: std::ops::Range<u32>,
    col: impl Strategy<Value = u32>,
    len: impl Strategy<Value = u32>,
    piece: impl Strategy<Value = String>,
) -> impl Strategy<Value = Op> {
    (lines, col, len, piece).prop_map(|(line, col, len_cols, text)| Op::Edit {
        line,
        col,
        len_lines: 0,
        len_cols,
        text,
    })
}

/// Comments typed or deleted where statements meet (the start and the end
/// of lines, and the lines between), one character or whole, with what
/// can carry a statement on across them.
fn comment_op() -> impl Strategy<Value = Op> {
    let piece = prop::sample::select(vec![
        "/", "/", "*", "// c", "// c\n", "/* c */", "/* c", "*/", "\n", "\n// c\n", "x", "(x)",
        "+", "", ";",
    ]);
    let len = prop_oneof![3 => Just(0u32), 1 => 1u32..5];
    let col = prop_oneof![3 => Just(0u32), 2 => Just(200u32), 1 => 0u32..60];
    line_edit(0..19, col, len, piece.prop_map(str::to_string))
}

/// A file that does not use Clerk, but reads its environment variables:
/// no rule asks what its names hold.
const NO_CLERK: &str = "import express from 'express';\n\
const app = express();\n\
if (!process.env.CLERK_API_KEY) {\n\
  throw new Error('Set CLERK_API_KEY');\n\
}\n\
const users = await api.users.getUserList({ limit: 1 });\n\
app.get('/', (req, res) => res.json(users.map((u) => u.profileImageUrl)));\n\
function f(req) {\n\
  return req.auth.claims.sub + process.env.CLERK_FRONTEND_API;\n\
}\n\
app.listen(3000);\n";

/// Mostly small edits inside the lines of `TYPING`.
fn typing_op() -> impl Strategy<Value = Op> {
    let piece = prop_oneof![
        3 => piece(),
        4 => Just("x".to_string()),
        2 => Just(" ".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("😀".to_string()),
        1 => Just("clerkClient.users.getUserList()".to_string()),
        1 => Just("req.auth.claims.orgs".to_string()),
        1 => Just("const a = req.auth; ".to_string()),
        1 => Just("opts".to_string()),
        1 => Just("profileImageUrl".to_string()),
        1 => Just(";".to_string()),
        1 => Just("}".to_string()),
    ];
    let len = prop_oneof![3 => Just(0u32), 1 => 1u32..3];
    line_edit(0..17, 0u32..60, len, piece)
}

/// Clerk in most statements and no ignore comment, so that typing inside a
/// statement is analysed from that statement alone.
const TYPING: &str = "import { clerkClient, createClerkClient } from '@clerk/clerk-sdk-node';\n\
const opts = { apiKey: 'k' };\n\
export const c = createClerkClient(opts);\n\
router.get('/a', async (req, res) => {\n\
  const users = await clerkClient.users.getUserList({ limit: 1 });\n\
  res.json(users.map((u) => u.profileImageUrl));\n\
});\n\
// a note\n\
function f(req) {\n\
  const { claims } = req.auth;\n\
  return claims.orgs + req.auth.claims.sub;\n\
}\n\
router.post('/b', async (req, res) => {\n\
  const acct = (await clerkClient.users.getUser('x')).externalAccounts[0];\n\
  res.send(acct.picture + createClerkClient({ apiKey: 'z', apiVersion: 'v1' }));\n\
});\n\
const s = \"setClerkApiKey('no')\";\n";

/// One change of one line of `TYPING`, analysed after the change.
fn typed(doc: &mut Document, line: u32, col: u32, len: u32, text: &str) {
    replaced(doc, (line, col), (line, col + len), text);
}

#[test]
fn typing_inside_a_statement_analyses_that_statement_alone() {
    let settings = Settings::default();
    let mut doc = Document::new(Lang::TypeScript, 1, TYPING.to_string(), &settings);
    let before = doc.findings.len();
    typed(&mut doc, 5, 0, 0, "x");
    assert!(doc.lagging);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    assert_eq!(doc.findings.len(), before);
    // A new finding inside the statement, and one gone from it.
    typed(&mut doc, 5, 0, 1, "clerkClient.users.getUserList().data; ");
    assert!(doc.lagging);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    typed(&mut doc, 14, 9, 12, "acct.imageUrl");
    assert!(doc.lagging);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    // Findings after the statement moved with the text.
    typed(&mut doc, 4, 0, 0, "\n\n");
    assert!(doc.lagging);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    doc.settle(&settings);
    assert!(!doc.needs_settling());
    same_as_fresh(&doc, &doc.text.clone(), &settings).unwrap();
}

#[test]
fn typing_that_can_change_other_statements_parses_the_file() {
    let settings = Settings::default();
    let cases: &[(u32, u32, u32, &str)] = &[
        // Binds a Clerk module.
        (9, 0, 0, "const k = require('@clerk/clerk-sdk-node'); "),
        // Hands the top-level options object to another call.
        (10, 0, 0, "createClerkClient(opts); "),
        // Changes what a name holds for the statements after it.
        (9, 8, 6, "claimz"),
        // An ignore comment anywhere in the file.
        (10, 0, 0, "// clerk-core2-ignore-next-line\n"),
    ];
    for &(line, col, len, text) in cases {
        let mut doc = Document::new(Lang::TypeScript, 1, TYPING.to_string(), &settings);
        typed(&mut doc, line, col, len, text);
        assert!(!doc.lagging, "{text:?} at {line}:{col}");
        same_as_fresh(&doc, &doc.text.clone(), &settings).unwrap();
    }
}

/// Typing through a syntax error inside a statement (a call half written)
/// analyses that statement alone, as one recovery from the error: the
/// findings are unsettled until typing pauses, then those of a fresh parse.
#[test]
fn typing_through_a_syntax_error_inside_a_statement_analyses_it_alone() {
    let settings = Settings::default();
    let mut doc = Document::new(Lang::TypeScript, 1, TYPING.to_string(), &settings);
    // `const users = await clerkClient.users.getUserList({ limit: 1 });`
    // loses its arguments, then gets them back one piece at a time: the
    // call is open until its `)`.
    typed(&mut doc, 4, 49, 15, "");
    assert!(doc.lagging && !doc.unsettled);
    for (col, piece) in [(49, "("), (50, "{"), (51, " limit: 1 }")] {
        typed(&mut doc, 4, col, 0, piece);
        assert!(doc.lagging && doc.unsettled, "{piece:?}");
        same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    }
    // Closed again: without a syntax error left, the findings are exact.
    typed(&mut doc, 4, 62, 0, ");");
    assert!(doc.lagging && !doc.unsettled);
    assert_eq!(&*doc.text, TYPING);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    same_statements_as_fresh(&doc, &doc.text).unwrap();
    // A brace that leaves the block open, then a pause.
    typed(&mut doc, 5, 2, 0, "{");
    assert!(doc.lagging && doc.unsettled);
    doc.settle(&settings);
    assert!(!doc.needs_settling());
    same_as_fresh(&doc, &doc.text.clone(), &settings).unwrap();
}

/// A statement left half typed at the end of the file, typed in.
#[test]
fn typing_in_a_half_typed_statement_at_the_end_analyses_it_alone() {
    let settings = Settings::default();
    let text = format!("{TYPING}const pending = clerkClient.users.");
    let mut doc = Document::new(Lang::TypeScript, 1, text, &settings);
    for piece in ["x", "y"] {
        typed(&mut doc, 17, 0, 0, piece);
        assert!(doc.lagging && doc.unsettled, "{piece:?}");
        same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    }
    // Completed, it is a statement of another kind, and the file holds no
    // syntax error: the findings are exact.
    typed(&mut doc, 17, 0, 2, "");
    typed(&mut doc, 17, 34, 0, "getUser('u').profileImageUrl");
    assert!(doc.lagging && !doc.unsettled);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    same_statements_as_fresh(&doc, &doc.text).unwrap();
    assert_eq!(doc.findings.last().unwrap().rule.id, "image-url-renamed");
}

#[test]
fn typing_next_to_a_syntax_error_elsewhere_analyses_that_statement_alone() {
    let settings = Settings::default();
    let text = format!("{TYPING}const pending = clerkClient.users.\n");
    let mut doc = Document::new(Lang::TypeScript, 1, text, &settings);
    assert!(doc.tree.as_ref().unwrap().root_node().has_error());
    typed(&mut doc, 5, 0, 0, "x");
    // Spliced, and parsed afresh once typing pauses: recovery from the
    // error might go differently in a fresh parse.
    assert!(doc.lagging && doc.unsettled);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    typed(&mut doc, 14, 9, 12, "acct.imageUrl");
    assert!(doc.lagging && doc.unsettled);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
    doc.settle(&settings);
    assert!(!doc.needs_settling());
    same_as_fresh(&doc, &doc.text.clone(), &settings).unwrap();
    // Next to the error, recovery from it may reach into the statement:
    // both are parsed again, together.
    typed(&mut doc, 16, 6, 1, "t");
    assert!(doc.lagging && doc.unsettled);
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
}

/// A statement typed on a line of its own between two others, one
/// character at a time: each keystroke parses the statements on either
/// side with the new line, not the file.
#[test]
fn a_statement_typed_on_a_new_line_is_parsed_with_its_neighbours() {
    let settings = Settings::default();
    let mut doc = Document::new(Lang::TypeScript, 1, TYPING.to_string(), &settings);
    let line = "const u = (await clerkClient.users.getUser('x')).profileImageUrl;";
    typed(&mut doc, 11, 1, 0, "\n");
    typed_alone(&mut doc, 12, 0, line);
    same_statements_as_fresh(&doc, &doc.text).unwrap();
    let at = doc.text.find("profileImageUrl;").unwrap();
    assert!(doc
        .findings
        .iter()
        .any(|f| f.rule.id == "image-url-renamed" && f.range.start == at));
}

/// A statement typed after the last one, one character at a time, and
/// taken back one at a time: each keystroke parses the last statement with
/// the end of the file, not the file.
#[test]
fn a_statement_typed_at_the_end_of_the_file_is_parsed_with_the_last() {
    let settings = Settings::default();
    let mut doc = Document::new(Lang::TypeScript, 1, TYPING.to_string(), &settings);
    let before = summary(&doc.findings);
    let line = "const u = (await clerkClient.users.getUser('x')).profileImageUrl;";
    typed_alone(&mut doc, 17, 0, line);
    let at = doc.text.find("profileImageUrl;").unwrap();
    assert!(doc
        .findings
        .iter()
        .any(|f| f.rule.id == "image-url-renamed" && f.range.start == at));
    for col in (0..line.len() as u32).rev() {
        typed(&mut doc, 17, col, 1, "");
        assert!(doc.lagging, "{:?}", &line[..col as usize]);
        if !doc.unsettled {
            same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
            same_statements_as_fresh(&doc, &doc.text).unwrap();
        }
    }
    assert_eq!(&*doc.text, TYPING);
    assert!(!doc.unsettled);
    assert_eq!(summary(&doc.findings), before);
}

/// Replaces `from..to` (line, UTF-16 column) of the document with `text`,
/// then analyses it.
fn replaced(doc: &mut Document, from: (u32, u32), to: (u32, u32), text: &str) {
    let settings = Settings::default();
    doc.apply_changes(
        &[TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(from.0, from.1),
                Position::new(to.0, to.1),
            )),
            range_length: None,
            text: text.to_string(),
        }],
        Encoding::Utf16,
    );
    let a = doc.snapshot().analyze(&settings);
    assert!(doc.accept(a));
}

/// A paste over several statements, and a block of statements deleted
/// whole, parse the statements they touch, not the file.
#[test]
fn a_paste_over_statements_and_a_deleted_block_are_parsed_alone() {
    let settings = Settings::default();
    let base = format!(
        "{TYPING}router.get('/x', (req, res) => res.send(req.auth.claims));\n\
         console.log('x');\n\
         router.get('/y', (req, res) => res.send(req.auth.claims.sub));\n"
    );
    let pasted = "router.get('/c', (req, res) => res.send(req.auth.claims));\nconst n = 2;\n";
    type Case<'a> = ((u32, u32), (u32, u32), &'a str);
    let cases: &[Case] = &[
        // From inside `function f` to inside the route after it.
        ((10, 0), (13, 51), "return claims;\n}\nrouter.put('/p', async (req, res) => {\nconst acct = (await clerkClient.users.getUser('y'))"),
        // From inside one route to inside another, two statements on.
        ((17, 13), (19, 13), ""),
        // Two statements, whole, replaced by two others.
        ((17, 0), (19, 0), pasted),
        // Both deleted, with their lines.
        ((17, 0), (19, 0), ""),
        // One statement, not its line.
        ((18, 0), (18, 17), ""),
        // The last statement and the line break after it.
        ((19, 0), (20, 0), ""),
        // Everything after `TYPING`, replaced.
        ((17, 0), (20, 0), pasted),
    ];
    for &(from, to, text) in cases {
        let mut doc = Document::new(Lang::TypeScript, 1, base.clone(), &settings);
        replaced(&mut doc, from, to, text);
        assert!(doc.lagging && !doc.unsettled, "{from:?}..{to:?}");
        same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
        same_statements_as_fresh(&doc, &doc.text).unwrap();
    }
    // The findings of the statements pasted over go, the pasted ones come.
    let mut doc = Document::new(Lang::TypeScript, 1, base.clone(), &settings);
    replaced(&mut doc, (17, 0), (20, 0), pasted);
    let at = doc.text.find("router.get('/c'").unwrap();
    let pasted: Vec<&str> = doc
        .findings
        .iter()
        .filter(|f| f.range.start >= at)
        .map(|f| f.rule.id)
        .collect();
    assert_eq!(pasted, ["auth-claims-renamed"]);
}

/// Types `text` one character at a time from `line`:`col` (no line breaks
/// but a last one), asserting that every keystroke is spliced, and that
/// the findings are those of a fresh analysis whenever no syntax error is
/// left.
fn typed_alone(doc: &mut Document, line: u32, col: u32, text: &str) {
    let settings = Settings::default();
    for (i, ch) in text.char_indices() {
        typed(doc, line, col + i as u32, 0, &ch.to_string());
        assert!(doc.lagging, "{:?} of {text:?}", &text[..=i]);
        if !doc.unsettled {
            same_findings_as_fresh(doc, &doc.text, &settings).unwrap();
            same_statements_as_fresh(doc, &doc.text).unwrap();
        }
    }
    assert!(!doc.unsettled, "{text:?}");
    same_findings_as_fresh(doc, &doc.text, &settings).unwrap();
}

/// Code typed before the first statement, after a blank first line:
/// the text parsed starts the file.
#[test]
fn a_statement_typed_before_the_first_is_parsed_with_it() {
    let settings = Settings::default();
    let mut doc = Document::new(Lang::TypeScript, 1, format!("\n{NO_CLERK}"), &settings);
    typed_alone(&mut doc, 0, 0, "const z = 1;");
    same_statements_as_fresh(&doc, &doc.text).unwrap();
}

/// Found by `comments_typed_between_statements_equal_fresh`: a `/` typed
/// before `/* c */` makes a line comment of it, which takes in the rest of
/// its line, beyond the comment parsed alone.
#[test]
fn a_block_comment_made_a_line_comment_takes_the_rest_of_its_line() {
    let settings = Settings::default();
    for rest in ["// d", " const t = clerkClient.users.getUserList();"] {
        let mut doc = Document::new(
            Lang::TypeScript,
            1,
            format!("{TYPING}/* c */{rest}\n"),
            &settings,
        );
        typed(&mut doc, 17, 0, 0, "/");
        same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
        same_statements_as_fresh(&doc, &doc.text).unwrap();
    }
}

/// In a file that does not use Clerk, no rule asks what names hold: typing
/// there parses the statement alone as well.
#[test]
fn typing_in_a_file_that_does_not_use_clerk_is_parsed_alone() {
    let settings = Settings::default();
    let mut doc = Document::new(Lang::TypeScript, 1, NO_CLERK.to_string(), &settings);
    let before = summary(&doc.findings);
    assert!(!before.is_empty());
    typed_alone(&mut doc, 8, 7, "process.env.CLERK_API_KEY + ");
    assert_eq!(doc.findings.len(), before.len() + 1, "{before:?}");
    // White space before a statement.
    typed_alone(&mut doc, 1, 0, "  ");
    // Using Clerk is a change of the file's facts: parsed whole.
    typed(
        &mut doc,
        0,
        0,
        0,
        "import { clerkClient } from '@clerk/clerk-sdk-node';\n",
    );
    assert!(!doc.lagging);
    same_as_fresh(&doc, &doc.text.clone(), &settings).unwrap();
}

/// A keystroke that splits a statement in two with a syntax error (`x`
/// before `export function`), and the one that joins them again, parse
/// the statements around the error, not the file.
#[test]
fn a_statement_split_by_a_syntax_error_and_joined_again_is_parsed_alone() {
    let settings = Settings::default();
    let text = format!(
        "{TYPING}export async function g(req) {{ return req.auth.claims; }}\nconst t = 1;\n"
    );
    for lang in [Lang::TypeScript, Lang::JavaScript] {
        let mut doc = Document::new(lang, 1, text.clone(), &settings);
        let at = text.find("export async").unwrap();
        let before: Vec<(&str, std::ops::Range<usize>)> = doc
            .findings
            .iter()
            .map(|f| {
                let moved = |p: usize| if p >= at { p + 1 } else { p };
                (f.rule.id, moved(f.range.start)..moved(f.range.end))
            })
            .collect();
        typed(&mut doc, 17, 0, 0, "x");
        assert!(doc.lagging && doc.unsettled, "{lang:?}");
        // The function parsed after the error still shows its finding.
        let now: Vec<(&str, std::ops::Range<usize>)> = doc
            .findings
            .iter()
            .map(|f| (f.rule.id, f.range.clone()))
            .collect();
        assert_eq!(now, before, "{lang:?}");
        typed(&mut doc, 17, 0, 1, "");
        assert!(doc.lagging && !doc.unsettled, "{lang:?}");
        same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
        same_statements_as_fresh(&doc, &doc.text).unwrap();
        assert_eq!(doc.findings.last().unwrap().rule.id, "auth-claims-renamed");
    }
}

#[test]
fn a_name_declared_at_the_top_level_is_looked_up_in_the_whole_file() {
    let settings = Settings::default();
    // `users.data` further down shows the list is already read as a page.
    let text = "import { clerkClient } from '@clerk/clerk-sdk-node';\n\
const users = await clerkClient.users.getUserList();\n\
console.log(users.data);\n";
    let mut doc = Document::new(Lang::TypeScript, 1, text.to_string(), &settings);
    assert!(doc.findings.is_empty());
    typed(&mut doc, 1, 6, 5, "users");
    assert!(!doc.lagging);
    assert!(doc.findings.is_empty());
    same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
}

/// In a file without semicolons a statement is analysed alone when nothing
/// can join it to its neighbours; a bracket, an operator or a keyword where
/// two statements meet makes the file be parsed.
#[test]
fn statements_left_open_are_analysed_alone_unless_they_can_run_together() {
    let settings = Settings::default();
    let text = without_semicolons(TYPING);
    let cases: &[(u32, u32, u32, &str, bool)] = &[
        // Inside statements left open, with a comment or a statement after.
        (5, 0, 0, "x", true),
        (14, 9, 12, "acct.imageUrl", true),
        // At the end of the last statement.
        (16, 200, 0, " + 'x'", true),
        // At the start of a statement after one left open: a word keeps them
        // apart, a bracket or a template joins them (`f(opts)\n(router)` is
        // a call, `f(opts)\n`t`` a tagged template).
        (3, 0, 0, "x", true),
        (3, 0, 6, "(router)", false),
        (3, 0, 6, "[router][0]", false),
        (3, 0, 0, "`t` + ", false),
        (3, 0, 0, "-1 + ", false),
        // Words that can carry on the statement before, and how the parser
        // tells `in` from a name that starts with it.
        (3, 0, 6, "instanceof", false),
        (3, 0, 0, "in1 || ", false),
        (3, 0, 0, "init || ", true),
        (16, 0, 5, "as =", false),
        // At the end of one: a word that reaches into the next line.
        (15, 2, 0, ", async", false),
        (15, 2, 0, ", type", false),
        (15, 2, 0, ", x", true),
        (15, 2, 0, " + 1", true),
        // A comment on the same line as the end of a statement left open.
        (15, 2, 0, " // c", false),
        (16, 0, 0, "// c\n(x)\n", false),
    ];
    for lang in [Lang::TypeScript, Lang::JavaScript] {
        for &(line, col, len, piece, alone) in cases {
            let mut doc = Document::new(lang, 1, text.clone(), &settings);
            typed(&mut doc, line, col, len, piece);
            assert_eq!(doc.lagging, alone, "{piece:?} at {line}:{col} ({lang:?})");
            same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
            if alone {
                same_statements_as_fresh(&doc, &doc.text).unwrap();
            }
        }
    }
}

/// Found by `joining_statements_without_semicolons_equals_fresh`: the parser
/// reads a class declaration and a next line that starts with `in` as one
/// expression, so the `}` of a declaration does not end a statement for
/// sure.
#[test]
fn a_declaration_runs_on_into_an_operator_on_the_next_line() {
    let settings = Settings::default();
    for lang in [Lang::TypeScript, Lang::JavaScript] {
        let mut doc = Document::new(lang, 1, BARE.to_string(), &settings);
        typed(&mut doc, 13, 0, 0, "in || ");
        assert!(!doc.lagging, "{lang:?}");
        same_as_fresh(&doc, &doc.text.clone(), &settings).unwrap();
        // A word there starts a statement of its own.
        let mut doc = Document::new(lang, 1, BARE.to_string(), &settings);
        typed(&mut doc, 13, 0, 0, "y || ");
        assert!(doc.lagging, "{lang:?}");
        same_findings_as_fresh(&doc, &doc.text, &settings).unwrap();
        same_statements_as_fresh(&doc, &doc.text).unwrap();
    }
}

#[test]
fn a_statement_that_lost_its_semicolon_in_a_splice_is_not_trusted_to_stop_the_next() {
    let settings = Settings::default();
    let text = "import { clerkClient } from '@clerk/clerk-sdk-node';\nfoo();\nx;\nconst u = await clerkClient.users.getUser('x');\n";
    let mut doc = Document::new(Lang::TypeScript, 1, text.to_string(), &settings);
    // `foo();` loses its semicolon: analysed alone, as the next line starts
    // with a name.
    typed(&mut doc, 1, 5, 1, "");
    assert!(doc.lagging);
    // `x` becomes `[x]`, which carries `foo()` on: `foo()[x];`.
    typed(&mut doc, 2, 0, 1, "[x]");
    let text = doc.text.clone();
    same_statements_as_fresh(&doc, &text).unwrap();
    same_findings_as_fresh(&doc, &text, &settings).unwrap();
}

/// Found by `comments_typed_between_statements_equal_fresh`: an unclosed
/// `/* c` and a later `*/` make an incremental reparse fail at its root,
/// an ERROR node over tokens that hold no error. Those are no statements:
/// an edit after it parses the file, and the file stays unsettled.
#[test]
fn a_parse_that_failed_at_its_root_is_not_spliced() {
    let e = |line, col, len_cols, text: &str| Op::Edit {
        line,
        col,
        len_lines: 0,
        len_cols,
        text: text.to_string(),
    };
    let ops = vec![
        vec![e(0, 48, 0, "/")],
        vec![e(5, 0, 0, "/* c"), e(15, 200, 0, "/* c */")],
        vec![e(5, 0, 1, "/")],
    ];
    run_in(Lang::TypeScript, TYPING, ops, Encoding::Utf16).unwrap();
}
