//! Parse + analyse per file size, against tree-sitter parsing alone.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use clerk_core2_lsp::engine::{self, lang::Lang, query, Settings};

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

criterion_group!(benches, per_file_size, query_compile);
criterion_main!(benches);
