//! Whole-project `check` on generated trees, with tree-sitter parsing alone
//! as the baseline in the same run. Run with `cargo bench --bench project`.
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

use clerk_core2_lsp::engine::{self, lang::Lang};

#[path = "support/gen.rs"]
mod gen;

/// One `check --format json` of `dir` by the release binary: with findings
/// kept in `cache` by earlier runs, or parsing every file.
fn check_once(dir: &Path, cache: Option<&Path>) -> Duration {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_clerk-core2-lsp"));
    cmd.args(["check", "--format", "json"]);
    match cache {
        Some(c) => cmd.arg("--cache-dir").arg(c),
        None => cmd.arg("--no-cache"),
    };
    let t = Instant::now();
    let out = cmd.arg(dir).output().unwrap();
    let took = t.elapsed();
    assert_eq!(out.status.code(), Some(1), "findings expected");
    took
}

/// Reads and parses every file with tree-sitter on `threads` threads,
/// doing nothing else.
fn parse_once(files: &[PathBuf], threads: usize) -> Duration {
    let t = Instant::now();
    std::thread::scope(|s| {
        for chunk in files.chunks(files.len().div_ceil(threads)) {
            s.spawn(move || {
                for f in chunk {
                    let src = std::fs::read_to_string(f).unwrap();
                    let lang = Lang::from_path(f).unwrap();
                    std::hint::black_box(engine::parse(&src, lang, None));
                }
            });
        }
    });
    t.elapsed()
}

/// Medians of `check` (every file parsed; then a second run with the
/// findings the first kept), of the parse-only baseline on all cores and of
/// parsing alone on one core (what bounds a first run from below), run in
/// turns so that all see the same load on a shared machine.
fn times(dir: &Path, files: &[PathBuf], one_core: bool) -> [Duration; 4] {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut runs: [Vec<Duration>; 4] = Default::default();
    for i in 0..9 {
        let kept = tempfile::tempdir().unwrap();
        check_once(dir, Some(kept.path()));
        runs[0].push(check_once(dir, None));
        runs[1].push(check_once(dir, Some(kept.path())));
        runs[2].push(parse_once(files, cores));
        if one_core && i % 3 == 0 {
            runs[3].push(parse_once(files, 1));
        }
    }
    runs.map(|mut r| {
        r.sort();
        r.get(r.len() / 2).copied().unwrap_or_default()
    })
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in std::fs::read_dir(dir).unwrap() {
        for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
            out.push(f.unwrap().path());
        }
    }
    out
}

fn main() {
    println!("clerk-core2-lsp whole-project check (release binary, median of 9, check and parse-only run in turns)");
    for (name, clerk_every, plain_bytes) in [
        ("5% of files use Clerk", 20usize, 3_600usize),
        ("every file uses Clerk", 1, 0),
    ] {
        let dir = tempfile::tempdir().unwrap();
        // PROJECT_TREES=DIR keeps the trees (DIR/1, DIR/20) for profiling.
        let kept = std::env::var_os("PROJECT_TREES")
            .map(|d| PathBuf::from(d).join(clerk_every.to_string()));
        let root = kept.as_deref().unwrap_or(dir.path());
        let bytes = gen::write_tree(root, 5_000, clerk_every, plain_bytes);
        let files = list(root);
        let [check, again, parse, one_core] = times(root, &files, clerk_every == 1);
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mb = bytes as f64 / 1e6;
        print!(
            "{name}: 5,000 files, {mb:.1} MB: check {:.0} ms; tree-sitter parse alone {:.0} ms; ratio {:.2}; check again, nothing changed (kept findings) {:.0} ms",
            ms(check),
            ms(parse),
            check.as_secs_f64() / parse.as_secs_f64(),
            ms(again),
        );
        if clerk_every == 1 {
            print!(
                "; parse alone on one core {:.0} ms ({:.1} MB/s)",
                ms(one_core),
                mb / one_core.as_secs_f64()
            );
        }
        println!();
    }
}
