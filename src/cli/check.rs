//! `check`: walk paths, analyse every supported file on all cores, report.
use std::{
    io::{self, Write},
    path::PathBuf,
    process::ExitCode,
};

use clap::{Args, ValueEnum};

use super::{
    output::{self, FileReport},
    write,
};
use crate::engine::{
    cache::Cache, fixes, lang::Lang, limits, workspace, workspace::FileResult, Settings,
};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files or folders to check. Folders are walked, honouring .gitignore and
    /// skipping node_modules.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Settings as JSON, the same shape editors send:
    /// '{"rules": {"<rule-id>": "off"|"error"|"warning"|"information"|"hint"}, "scope": "clerkFiles"|"allFiles"}'.
    #[arg(long, value_name = "JSON")]
    pub config: Option<String>,
    /// Apply every safe fix in place (atomically, keeping line endings, BOM
    /// and permissions), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// Parse every file again: do not read or write the findings kept from
    /// earlier runs. Kept findings are looked up by each file's text, the
    /// settings and this build, so a file that changed is always checked again.
    #[arg(long)]
    pub no_cache: bool,
    /// Where to keep findings between runs [default: the user's cache
    /// folder, for example ~/.cache/clerk-core2-lsp]
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
}

/// Checks `paths` (files or folders), returning the reports of files with
/// findings (sorted by path) and the errors met on the way. Files in
/// folders are looked up in `cache` first.
pub fn collect(
    paths: &[PathBuf],
    settings: &Settings,
    cache: Option<&Cache>,
) -> (Vec<FileResult>, Vec<String>) {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    let mut roots = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => errors.push(format!("{}: {e}", p.display())),
            Ok(m) if m.is_dir() => roots.push(p.clone()),
            Ok(_) => match Lang::from_path(p) {
                Some(lang) => match workspace::analyze_file(p, lang, settings) {
                    Ok(r) if !r.findings.is_empty() => reports.push(r),
                    Ok(_) => {}
                    Err(e) => errors.push(e),
                },
                None => errors.push(format!(
                    "{}: not a file this tool checks (.js .jsx .mjs .cjs .ts .mts .cts .tsx, .env*, package.json)",
                    p.display()
                )),
            },
        }
    }
    let (found, walk_errors) = workspace::collect(&roots, settings, cache);
    reports.extend(found);
    errors.extend(walk_errors);
    (reports, errors)
}

/// What `--fix` did.
#[derive(Default)]
pub struct FixSummary {
    pub files: usize,
    pub findings: usize,
}

/// Fixes each file that has fixable findings, on all cores, and keeps the
/// findings left in what was written (also in `cache`, so that the next
/// run need not parse the written files); a file that cannot be written
/// keeps its findings and adds an error.
pub fn fix_files(
    results: &mut [FileResult],
    settings: &Settings,
    roots: &[PathBuf],
    cache: Option<&Cache>,
    errors: &mut Vec<String>,
) -> FixSummary {
    let todo = results
        .iter_mut()
        .filter(|r| r.findings.iter().any(|f| f.fix.is_some()));
    let fixing = Fixing {
        settings,
        roots,
        cache,
        writing: std::sync::Mutex::new(()),
    };
    let parts = super::in_parallel(super::deal(todo), |hand| {
        let mut summary = FixSummary::default();
        let mut errors = Vec::new();
        for r in hand {
            fixing.fix_file(r, &mut summary, &mut errors);
        }
        (summary, errors)
    });
    let mut summary = FixSummary::default();
    for (s, e) in parts.into_iter().flatten() {
        summary.files += s.files;
        summary.findings += s.findings;
        errors.extend(e);
    }
    summary
}

/// What every file of a `--fix` run shares.
struct Fixing<'a> {
    settings: &'a Settings,
    roots: &'a [PathBuf],
    cache: Option<&'a Cache>,
    /// Fixes are computed on all cores but written one at a time, so that
    /// a run killed midway leaves at most one temporary file behind.
    writing: std::sync::Mutex<()>,
}

impl Fixing<'_> {
    fn fix_file(&self, r: &mut FileResult, summary: &mut FixSummary, errors: &mut Vec<String>) {
        let Some(lang) = Lang::from_path(&r.path) else {
            return;
        };
        if r.lossy {
            errors.push(format!(
                "{}: not fixed: the file is not valid UTF-8",
                r.path.display()
            ));
            return;
        }
        let fixed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            fixes::fix_all_and_rest(&r.src, lang, self.settings)
        }));
        let (fixed, rest) = match fixed {
            Ok(Some(done)) => done,
            Ok(None) => return,
            Err(_) => {
                errors.push(format!(
                    "{}: not fixed: internal error while fixing this file; the others were fixed",
                    r.path.display()
                ));
                return;
            }
        };
        let written = {
            let _turn = self.writing.lock().unwrap_or_else(|e| e.into_inner());
            write::write_atomic(&r.path, &fixed, self.roots)
        };
        if let Err(e) = written {
            errors.push(e);
            return;
        }
        // The findings left are those of a whole analysis of the written
        // text, as the walk would find them.
        if let Some(cache) = self.cache.filter(|_| lang.is_grammar()) {
            cache.put(Cache::key(&fixed, lang, self.settings), &rest);
        }
        let before = r.findings.len();
        r.findings = rest;
        r.src = fixed;
        summary.files += 1;
        summary.findings += before.saturating_sub(r.findings.len());
    }
}

/// Reports for the files with findings, on all cores: each counts its
/// lines and columns in one pass over its text.
fn into_reports(results: Vec<FileResult>) -> Vec<FileReport> {
    let with_findings = results.into_iter().filter(|r| !r.findings.is_empty());
    let mut reports: Vec<FileReport> = super::in_parallel(super::deal(with_findings), |hand| {
        hand.into_iter()
            .map(|r| FileReport::new(&r.path, &r.src, r.findings))
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .flatten()
    .collect();
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    reports
}

pub fn run(args: CheckArgs) -> ExitCode {
    let settings = match &args.config {
        None => Settings::default(),
        Some(json) => match serde_json::from_str(json) {
            Ok(v) => {
                let (s, problems) = Settings::from_json(&v);
                if !problems.is_empty() {
                    for p in problems {
                        eprintln!("error: --config: {p}");
                    }
                    return ExitCode::from(2);
                }
                s
            }
            Err(e) => {
                eprintln!("error: --config is not valid JSON: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let cache = match (&args.cache_dir, args.no_cache) {
        (_, true) => None,
        (Some(dir), false) => Some(Cache::open(dir, &args.paths)),
        (None, false) => Cache::default_dir().map(|dir| Cache::open(&dir, &args.paths)),
    };
    let (mut results, mut errors) = collect(&args.paths, &settings, cache.as_ref());
    // Files that were not checked are told on stderr, apart from findings:
    // they neither fail the run nor show up in JSON or SARIF.
    let mut notes = Vec::new();
    for r in &mut results {
        r.findings.retain(|f| {
            let limit = limits::is_limit(f);
            if limit {
                let shown = r.path.to_string_lossy();
                let shown = shown.strip_prefix("./").unwrap_or(&shown);
                notes.push(format!("{shown}: {}", f.message));
            }
            !limit
        });
    }
    notes.sort();
    let fixed = args.fix.then(|| {
        let roots = write::allowed_roots(&args.paths);
        fix_files(&mut results, &settings, &roots, cache.as_ref(), &mut errors)
    });
    errors.sort();
    let reports = into_reports(results);
    for n in &notes {
        eprintln!("note: {n}");
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    if let Some(s) = &fixed {
        eprintln!(
            "Fixed {} finding{} in {} file{}.",
            s.findings,
            if s.findings == 1 { "" } else { "s" },
            s.files,
            if s.files == 1 { "" } else { "s" }
        );
    }
    // Stdout flushes at every line break by itself; a report of many lines
    // would cost a write each.
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = match args.format {
        Format::Human => output::human(&mut out, &reports, output::use_colour()),
        Format::Json => output::json(&mut out, &reports),
        Format::Sarif => output::sarif(&mut out, &reports),
    };
    let _ = out.flush();
    if let Some(cache) = cache {
        if let Err(e) = cache.save() {
            tracing::debug!("the cache of findings was not written: {e}");
        }
    }
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error: writing the report: {e}");
        }
        return ExitCode::from(2);
    }
    if !errors.is_empty() {
        ExitCode::from(2)
    } else if reports.iter().any(|r| !r.findings.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
