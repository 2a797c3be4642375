//! Parse + analyse per file size, against tree-sitter parsing alone; fixing
//! every finding of a file; compiling the rule query; one keystroke.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use clerk_core2_lsp::{
    engine::{self, fixes, lang::Lang, position::Encoding, query, Settings},
    lsp::{document::Document, server::publish_frame},
};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent, Uri};

#[path = "support/gen.rs"]
mod gen;

fn per_file_size(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("analyze");
    for lines in [100usize, 1_000, 10_000] {
        let src = gen::clerk_file(lines);
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.bench_with_input(BenchmarkId::new("parse_only", lines), &src, |b, s| {
            b.iter(|| engine::parse(s, Lang::TypeScript, None).unwrap())
        });
        g.bench_with_input(
            BenchmarkId::new("parse_and_analyze", lines),
            &src,
            |b, s| b.iter(|| engine::analyze_source(s, Lang::TypeScript, &settings)),
        );
        let tree = engine::parse(&src, Lang::TypeScript, None).unwrap();
        g.bench_with_input(BenchmarkId::new("analyze_only", lines), &src, |b, s| {
            b.iter(|| engine::analyze(&tree, s, Lang::TypeScript, &settings))
        });
    }
    g.finish();
}

/// Every fix of a file applied, as `check --fix` and the "fix all" code
/// action do: rounds of analysis with fixes, each result parsed again to
/// make sure it parses no worse.
fn fix_all(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("fix_all");
    g.sample_size(20);
    for lines in [100usize, 1_000, 10_000] {
        let src = gen::clerk_file(lines);
        g.throughput(Throughput::Bytes(src.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(lines), &src, |b, s| {
            b.iter(|| fixes::fix_all(s, Lang::TypeScript, &settings).unwrap())
        });
    }
    g.finish();
}

/// Compiling the combined rule query, which a server pays once per grammar
/// before its first diagnostics.
fn query_compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("query");
    g.sample_size(10);
    for lang in Lang::GRAMMARS {
        g.bench_function(BenchmarkId::new("compile", lang.name()), |b| {
            b.iter(|| query::compile(lang).unwrap())
        });
    }
    g.finish();
}

/// Where [`keystroke`] types.
#[derive(Clone, Copy, PartialEq)]
enum Spot {
    /// At the start of the middle line.
    Middle,
    /// Before the `export` of the first function from the middle on, so
    /// that every other version holds a syntax error at the edit.
    BreakingTheSyntax,
    /// At the middle line of the same file written without the semicolons
    /// that end its lines.
    WithoutSemicolons,
    /// At the end of `const pending = await clerkClient.users.getUser(`,
    /// a line added to a route handler from the middle on: every version
    /// holds the call left open.
    InAHalfTypedCall,
    /// On the empty line at the end of the file, after its last statement.
    AtTheEnd,
}

/// One keystroke in an open document, in process: the edit, the
/// incremental reparse and analysis, and the `publishDiagnostics` frame the
/// server writes. Characters are typed and deleted again, as the latency
/// driver does over stdio, at one of the [`Spot`]s.
fn keystroke(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("keystroke");
    let uri: Uri = "file:///bench/typing.ts".parse().unwrap();
    for lines in [1_000usize, 10_000] {
        for spot in [
            Spot::Middle,
            Spot::BreakingTheSyntax,
            Spot::WithoutSemicolons,
            Spot::InAHalfTypedCall,
            Spot::AtTheEnd,
        ] {
            let mut text = match spot {
                Spot::WithoutSemicolons => gen::without_semicolons(&gen::clerk_file(lines)),
                _ => gen::clerk_file(lines),
            };
            let from_middle = |text: &str, start: &str| {
                text.lines()
                    .enumerate()
                    .skip(lines / 2)
                    .find(|(_, l)| l.starts_with(start))
                    .map_or(lines / 2, |(i, _)| i)
            };
            let (line, col) = match spot {
                Spot::Middle | Spot::WithoutSemicolons => (lines / 2, 0),
                Spot::BreakingTheSyntax => (from_middle(&text, "export async function"), 0),
                Spot::InAHalfTypedCall => {
                    let call = "const pending = await clerkClient.users.getUser(";
                    let at = from_middle(&text, "router.get(") + 1;
                    let mut all: Vec<&str> = text.lines().collect();
                    all.insert(at, call);
                    text = all.join("\n") + "\n";
                    (at, call.len())
                }
                Spot::AtTheEnd => (text.lines().count(), 0),
            };
            let (line, col) = (line as u32, col as u32);
            let mut doc = Document::new(Lang::TypeScript, 1, text, &settings);
            let mut typed = false;
            let id = match spot {
                Spot::Middle => BenchmarkId::from_parameter(lines),
                Spot::BreakingTheSyntax => BenchmarkId::new("breaking_the_syntax", lines),
                Spot::WithoutSemicolons => BenchmarkId::new("without_semicolons", lines),
                Spot::InAHalfTypedCall => BenchmarkId::new("in_a_half_typed_call", lines),
                Spot::AtTheEnd => BenchmarkId::new("at_the_end", lines),
            };
            g.bench_function(id, |b| {
                b.iter(|| {
                    let end = if typed { col + 1 } else { col };
                    let change = TextDocumentContentChangeEvent {
                        range: Some(Range::new(
                            Position::new(line, col),
                            Position::new(line, end),
                        )),
                        range_length: None,
                        text: if typed { String::new() } else { "x".into() },
                    };
                    typed = !typed;
                    doc.apply_changes(&[change], Encoding::Utf16);
                    let a = doc.snapshot().analyze(&settings);
                    doc.accept(a);
                    publish_frame(&uri, &doc, Encoding::Utf16).len()
                })
            });
        }
    }
    g.finish();
}

/// The `publishDiagnostics` frame of an analysed document alone: at
/// thousands of findings, as much of a keystroke as the analysis.
fn publish(c: &mut Criterion) {
    let settings = Settings::default();
    let mut g = c.benchmark_group("publish");
    let uri: Uri = "file:///bench/typing.ts".parse().unwrap();
    for lines in [1_000usize, 10_000] {
        let doc = Document::new(Lang::TypeScript, 1, gen::clerk_file(lines), &settings);
        g.throughput(Throughput::Elements(doc.findings.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(lines), |b| {
            b.iter(|| publish_frame(&uri, &doc, Encoding::Utf16).len())
        });
    }
    g.finish();
}

criterion_group!(
    benches,
    per_file_size,
    fix_all,
    query_compile,
    keystroke,
    publish
);
criterion_main!(benches);
