//! Hostile files: over the size cap, parses and checks that run out of
//! time, nesting ten thousand deep, NUL bytes, a megabyte on one line,
//! binaries and invalid UTF-8 named `.ts`. Time and memory stay bounded, and
//! a file beyond a cap gets exactly one information-level finding.
mod common;

use std::{
    fs,
    time::{Duration, Instant},
};

use clerk_core2_lsp::{
    engine::{
        self, fixes,
        lang::Lang,
        limits::{self, Budget},
        Settings, Severity,
    },
    lsp::document::Document,
};
use common::{codes, Client};
use serde_json::{json, Value};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

const HEAD: &str =
    "import { createClerkClient, setClerkApiKey as setKey } from '@clerk/clerk-sdk-node';\n";

fn ids(findings: &[engine::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.id).collect()
}

/// Code with a finding every hundred bytes or so, `n` bytes long.
fn big_code(n: usize) -> String {
    let mut s = HEAD.to_string();
    while s.len() < n {
        s.push_str("function f(a) { return createClerkClient({ apiKey: a, other: [1, 2] }); }\n");
    }
    s
}

/// Runs `f` on a thread with the stack of a tokio blocking thread (2 MiB),
/// where the server analyses, failing if it takes longer than `within`.
fn on_small_stack<R: Send + 'static>(
    within: Duration,
    f: impl FnOnce() -> R + Send + 'static,
) -> R {
    let start = Instant::now();
    let r = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no panic, no stack overflow");
    assert!(start.elapsed() < within, "took {:?}", start.elapsed());
    r
}

/// Budgets wide enough that a loaded CI machine running a debug build never
/// hits them, for tests about something else.
fn roomy<R>(f: impl FnOnce() -> R) -> R {
    let wide = Duration::from_secs(120);
    limits::with_budget(
        Budget {
            parse: wide,
            check: wide,
            fix: wide,
        },
        f,
    )
}

#[test]
fn text_over_the_size_cap_gets_one_information_finding() {
    let s = Settings::default();
    let src = big_code(limits::MAX_BYTES + 1);
    let f = engine::analyze_source(&src, Lang::TypeScript, &s);
    assert_eq!(ids(&f), [limits::RULE_ID]);
    assert_eq!(f[0].severity, Severity::Information);
    assert_eq!(f[0].range, 0..0);
    assert!(f[0].fix.is_none());
    assert_eq!(
        &*f[0].message,
        "Not checked for Clerk Core 2 changes: it is 2.0 MB, over the 2 MB limit"
    );
    assert_eq!(fixes::fix_all(&src, Lang::TypeScript, &s), None);
    // Just under the cap is analysed.
    let under = big_code(limits::MAX_BYTES - 200);
    assert!(under.len() <= limits::MAX_BYTES);
    assert!(limits::oversized(&under, &s).is_none());
    // A big file that cannot concern Clerk is not worth a word.
    let unrelated = "const x = 1;\n".repeat(limits::MAX_BYTES / 10);
    assert!(engine::analyze_source(&unrelated, Lang::TypeScript, &s).is_empty());
}

#[test]
fn a_parse_out_of_time_says_so_and_the_next_parse_starts_afresh() {
    let s = Settings::default();
    let src = big_code(1 << 20);
    let tight = Budget {
        parse: Duration::from_millis(1),
        ..Budget::default()
    };
    let f = limits::with_budget(tight, || engine::analyze_source(&src, Lang::TypeScript, &s));
    assert_eq!(ids(&f), [limits::RULE_ID]);
    assert_eq!(
        &*f[0].message,
        "Not checked for Clerk Core 2 changes: parsing it took longer than 0.001 s"
    );
    assert_eq!(
        limits::budget(),
        Budget::default(),
        "the budget is restored"
    );
    // The same thread's parser, reset: a small file parses whole.
    let small = format!("{HEAD}setKey('x');\n");
    assert_eq!(
        ids(&engine::analyze_source(&small, Lang::TypeScript, &s)),
        ["client-setter-removed", "client-setter-removed"]
    );
}

#[test]
fn checks_out_of_time_say_so() {
    let s = Settings::default();
    let src = big_code(100_000);
    let none = Budget {
        check: Duration::ZERO,
        ..Budget::default()
    };
    let f = limits::with_budget(none, || engine::analyze_source(&src, Lang::TypeScript, &s));
    assert_eq!(ids(&f), [limits::RULE_ID]);
    assert!(f[0].message.ends_with("checking it took longer than 0 s"));

    // In the server's incremental analysis the cut-short state is never
    // reused: the next edit analyses the whole text again.
    let mut doc = limits::with_budget(none, || Document::new(Lang::TypeScript, 1, src.clone(), &s));
    assert_eq!(ids(&doc.findings), [limits::RULE_ID]);
    let end = doc.position(src.len(), engine::position::Encoding::Utf16);
    doc.apply_changes(
        &[TextDocumentContentChangeEvent {
            range: Some(Range::new(end, end)),
            range_length: None,
            text: "setKey('z');\n".to_string(),
        }],
        engine::position::Encoding::Utf16,
    );
    let a = doc.snapshot().analyze(&s);
    assert!(doc.accept(a));
    doc.settle(&s);
    let text = doc.text.to_string();
    assert_eq!(
        ids(&doc.findings),
        ids(&engine::analyze_source(&text, Lang::TypeScript, &s))
    );
}

/// Nesting ten thousand deep, in every shape that reaches a rule or a fact.
fn deep(shape: &str, n: usize) -> String {
    match shape {
        "parens-around-callee" => format!("{HEAD}{}setKey{}('x');", "(".repeat(n), ")".repeat(n)),
        "member-chain" => format!(
            "import * as sdk from '@clerk/clerk-sdk-node';\n(sdk{}).setClerkApiKey(1);",
            "!".repeat(n)
        ),
        "arrays" => format!("{HEAD}const x = {}setKey('x'){};", "[".repeat(n), "]".repeat(n)),
        "blocks" => format!("{HEAD}{}setKey('x');{}", "{".repeat(n), "}".repeat(n)),
        "calls" => format!("{HEAD}{}1{};", "setKey(".repeat(n), ")".repeat(n)),
        "objects" => format!(
            "{HEAD}createClerkClient({}apiKey: 1{});",
            "{ a: ".repeat(n),
            " }".repeat(n)
        ),
        "arrows" => format!("{HEAD}const x = {}setKey('x');", "() => ".repeat(n)),
        "templates" => format!("{HEAD}const x = {}setKey('x'){};", "`${".repeat(n), "}`".repeat(n)),
        "unclosed" => format!("{HEAD}{}setKey('x');", "{ ( [ ".repeat(n)),
        "requires" => format!(
            "{}() => {{ const {{ setClerkApiKey }} = require('@clerk/clerk-sdk-node'); setClerkApiKey('x'); }}{};",
            "f(".repeat(n),
            ")".repeat(n)
        ),
        "options-in-blocks" => format!(
            "{HEAD}{}const o = {{ apiKey: 1 }}; createClerkClient(o);{}",
            "{".repeat(n),
            "}".repeat(n)
        ),
        _ => unreachable!(),
    }
}

#[test]
fn ten_thousand_levels_of_nesting_on_a_small_stack() {
    nesting(&[
        // The import only: a parenthesised callee is not a rule's pattern.
        ("parens-around-callee", 1),
        // Resolved through ten thousand `!`.
        ("member-chain", 1),
        ("arrays", 2),
        ("blocks", 2),
        ("calls", 10_001),
    ]);
}

#[test]
fn ten_thousand_levels_of_other_nesting_on_a_small_stack() {
    nesting(&[
        ("objects", 1),
        ("arrows", 2),
        ("templates", 2),
        ("unclosed", 2),
        ("requires", 2),
    ]);
}

/// Each shape is analysed, fixed, opened and edited, within a minute.
fn nesting(shapes: &[(&'static str, usize)]) {
    for &(shape, findings) in shapes {
        let src = deep(shape, 10_000);
        let got = on_small_stack(Duration::from_secs(60), move || {
            roomy(|| {
                let s = Settings::default();
                let found = engine::analyze_source(&src, Lang::TypeScript, &s);
                let fixed = fixes::fix_all(&src, Lang::TypeScript, &s);
                let mut doc = Document::new(Lang::TypeScript, 1, src.clone(), &s);
                let start = Position::new(1, 0);
                doc.apply_changes(
                    &[TextDocumentContentChangeEvent {
                        range: Some(Range::new(start, start)),
                        range_length: None,
                        text: "(".to_string(),
                    }],
                    engine::position::Encoding::Utf16,
                );
                let a = doc.snapshot().analyze(&s);
                doc.accept(a);
                (
                    found.len(),
                    found.iter().any(limits::is_limit),
                    fixed.is_some(),
                )
            })
        });
        assert_eq!(got.0, findings, "{shape}");
        assert!(!got.1, "{shape} was analysed, not cut short");
    }
}

/// Finding the options `const` of a call walks up to the root from the
/// object, which is quadratic in the depth: ten thousand levels may run out
/// of the check budget, and then the file says so instead of hanging.
#[test]
fn options_ten_thousand_levels_deep_are_bounded() {
    let found = within_a_second(deep("options-in-blocks", 10_000));
    // Linear in the depth: well inside the budget, every finding reported.
    assert_eq!(ids(&found), ["client-setter-removed", "api-key-option"]);
}

#[test]
fn a_member_chain_ten_thousand_long_is_bounded() {
    let found = within_a_second(format!(
        "import {{ clerkClient }} from '@clerk/clerk-sdk-node';\n\
const x = await clerkClient{}.getUserList({{ limit: 1 }});\nx.map((u) => u.profileImageUrl);\n",
        ".users".repeat(10_000)
    ));
    // Each member asks what the chain below it is; the answer is found
    // two members down, so the chain costs time in proportion to its
    // length, not its square.
    assert_eq!(ids(&found), ["list-result-paginated", "image-url-renamed"]);
}

/// The walk finds where the texts its patterns need occur, and a
/// pattern that needs a binding's name looks for every name: with
/// thousands of bindings, and thousands of nested declarators that each
/// hold the rest of the file, that search must not grow with their product.
#[test]
fn thousands_of_bindings_and_nested_declarators_are_bounded() {
    for bindings in [20_000, 1] {
        let names: Vec<String> = (0..bindings).map(|i| format!("n{i}")).collect();
        let mut src = format!(
            "import {{ createClerkClient, {} }} from '@clerk/clerk-sdk-node';\n",
            names.join(", ")
        );
        for i in 0..5_000 {
            src.push_str(&format!(
                "const v{i} = () => {{ {}(); ",
                names[i % bindings]
            ));
        }
        src.push_str("const c = createClerkClient({ apiKey: 'k' });");
        src.push_str(&" };".repeat(5_000));
        let found = within_a_second(src);
        assert_eq!(ids(&found), ["api-key-option"], "{bindings} bindings");
    }
}

/// The findings of `src` under a check budget of one second, on a small
/// stack: a file past the budget gets the one finding that says so.
fn within_a_second(src: String) -> Vec<engine::Finding> {
    let short = Budget {
        check: Duration::from_secs(1),
        ..Budget::default()
    };
    on_small_stack(Duration::from_secs(30), move || {
        limits::with_budget(short, || {
            engine::analyze_source(&src, Lang::TypeScript, &Settings::default())
        })
    })
}

#[test]
fn nul_bytes_and_control_characters_are_just_text() {
    let s = Settings::default();
    let src = format!("{HEAD}\0\0setKey('\0');\u{1}\u{7f}\u{feff}\0\nsetKey(`\0`);\0");
    let f = engine::analyze_source(&src, Lang::TypeScript, &s);
    assert_eq!(
        ids(&f),
        [
            "client-setter-removed",
            "client-setter-removed",
            "client-setter-removed"
        ]
    );
    let mut bytes = HEAD.as_bytes().to_vec();
    for i in 0..50_000u32 {
        bytes.push((i.wrapping_mul(2_654_435_761) >> 24) as u8);
    }
    let lossy = String::from_utf8_lossy(&bytes).into_owned();
    on_small_stack(Duration::from_secs(60), move || {
        let s = Settings::default();
        engine::analyze_source(&lossy, Lang::Tsx, &s);
        fixes::fix_all(&lossy, Lang::JavaScript, &s);
    });
}

#[test]
fn a_megabyte_on_one_line_with_an_ignore_comment() {
    let mut src = format!("{HEAD}// clerk-core2-ignore-next-line\n");
    let n = (1 << 20) / 12;
    src.push_str(&"setKey('x');".repeat(n));
    let f = on_small_stack(Duration::from_secs(60), move || {
        roomy(|| {
            ids(&engine::analyze_source(
                &src,
                Lang::TypeScript,
                &Settings::default(),
            ))
        })
    });
    // All on the suppressed line: only the import is left.
    assert_eq!(f, ["client-setter-removed"]);
    // Half of the lines suppressed, many markers: still linear.
    let mut src = HEAD.to_string();
    for _ in 0..20_000 {
        src.push_str("// clerk-core2-ignore-next-line\nsetKey('x');\nsetKey('y');\n");
    }
    let f = on_small_stack(Duration::from_secs(60), move || {
        roomy(|| engine::analyze_source(&src, Lang::TypeScript, &Settings::default()))
    });
    assert_eq!(f.len(), 20_001);
    assert!(!f.iter().any(limits::is_limit));
}

#[test]
fn binary_detection() {
    assert!(limits::looks_binary(b"const x = 1;\0"));
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80)
        .collect();
    assert!(limits::looks_binary(&noise));
    // A few stray Latin-1 bytes in real code are not binary.
    let mut text = "const s = 'caf".as_bytes().to_vec();
    text.push(0xe9);
    text.extend_from_slice("';\n".repeat(100).as_bytes());
    assert!(!limits::looks_binary(&text));
    assert!(!limits::looks_binary("😀 é 中".as_bytes()));
}

#[tokio::test]
async fn the_server_says_once_that_a_huge_document_is_not_checked() {
    let mut c = Client::in_process();
    c.initialize(json!({}), Value::Null).await;
    let uri = "file:///p/bundle.js";
    let huge = big_code(20 << 20);
    c.open(uri, "javascript", 1, &huge).await;
    let d = c.diagnostics(uri, Some(1)).await;
    assert_eq!(codes(&d), [limits::RULE_ID]);
    assert_eq!(d[0]["severity"], 3, "information");
    assert_eq!(
        d[0]["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    );
    assert!(d[0]["message"]
        .as_str()
        .unwrap()
        .contains("it is 20.0 MB, over the 2 MB limit"));
    // Edits keep it so; cut down below the cap, it is analysed.
    c.change(
        uri,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// x\n"}]),
    )
    .await;
    assert_eq!(codes(&c.diagnostics(uri, Some(2)).await), [limits::RULE_ID]);
    let hover = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("File not checked"));
    c.change(
        uri,
        3,
        json!([{"range": {"start": {"line": 4, "character": 0}, "end": {"line": 999_999_999, "character": 0}}, "text": ""}]),
    )
    .await;
    let d = c.diagnostics(uri, Some(3)).await;
    assert_eq!(
        codes(&d),
        ["client-setter-removed", "api-key-option", "api-key-option"]
    );

    // NUL bytes in an open document.
    let nul = format!("{HEAD}\0setKey('\0');\0");
    c.open("file:///p/nul.ts", "typescript", 1, &nul).await;
    assert_eq!(c.diagnostics("file:///p/nul.ts", Some(1)).await.len(), 2);
    c.shutdown_and_exit().await;
}

fn check(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("clerk-core2-lsp")
        .unwrap()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_cli_notes_files_it_skips_and_checks_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("huge.ts"), big_code(20 << 20)).unwrap();
    fs::write(p.join("huge-unrelated.js"), "let x = 1;\n".repeat(2 << 20)).unwrap();
    let mut binary = b"\x47\x40\x00\x10\x00\x00\xb0\x0d".repeat(4096);
    binary.extend_from_slice(b"clerk");
    fs::write(p.join("video.ts"), binary).unwrap();
    fs::write(p.join("ok.ts"), format!("{HEAD}setKey('x');\n")).unwrap();
    let (code, out, err) = check(p, &["--format", "json"]);
    assert_eq!(code, 1, "{err}");
    let notes: Vec<&str> = err.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(
        notes,
        [
            "note: huge.ts: Not checked for Clerk Core 2 changes: it is 20.0 MB, over the 2 MB limit",
            "note: video.ts: Not checked for Clerk Core 2 changes: it looks binary (NUL bytes or mostly not UTF-8)",
        ],
        "{err}"
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["ok.ts", "ok.ts"]);
    // Skipped files alone do not fail a run.
    fs::remove_file(p.join("ok.ts")).unwrap();
    let (code, out, _) = check(p, &["--format", "sarif"]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["runs"][0]["results"], json!([]));
}

#[test]
fn invalid_utf8_is_checked_but_never_written_back() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut bytes =
        b"import { createClerkClient } from '@clerk/clerk-sdk-node/esm/instance';\n".to_vec();
    bytes.extend_from_slice(b"const s = 'caf\xe9';\ncreateClerkClient({ apiKey: 'k' });\n");
    fs::write(p.join("latin1.ts"), &bytes).unwrap();
    fs::write(
        p.join("utf8.ts"),
        "import { createClerkClient } from '@clerk/clerk-sdk-node/esm/instance';\n",
    )
    .unwrap();
    let (code, out, err) = check(p, &["--fix"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("latin1.ts: not fixed: the file is not valid UTF-8"),
        "{err}"
    );
    assert!(out.contains("latin1.ts:3:21"), "{out}");
    assert_eq!(fs::read(p.join("latin1.ts")).unwrap(), bytes);
    assert_eq!(
        fs::read_to_string(p.join("utf8.ts")).unwrap(),
        "import { createClerkClient } from '@clerk/clerk-sdk-node';\n"
    );
}

#[test]
fn a_fifo_named_ts_is_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.ts");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    fs::write(dir.path().join("ok.ts"), format!("{HEAD}setKey('x');\n")).unwrap();
    let (code, out, err) = check(dir.path(), &["pipe.ts", "ok.ts"]);
    assert_eq!(code, 2);
    assert!(err.contains("pipe.ts: not a regular file"), "{err}");
    assert!(out.contains("ok.ts:2:1"), "{out}");
    // Walking a folder passes it by.
    let (code, _, err) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
}
