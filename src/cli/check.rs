//! `check`: walk paths, analyse every supported file on all cores, report.
use std::{
    io::{self, Write},
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Mutex,
};

use clap::{Args, ValueEnum};
use ignore::{WalkBuilder, WalkState};

use super::output::{self, FileReport};
use crate::engine::{self, lang::Lang, Settings};

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
}

/// Walks `paths` and analyses each file, returning the reports of files with
/// findings (sorted by path) and the errors met on the way.
pub fn collect(paths: &[PathBuf], settings: &Settings) -> (Vec<FileReport>, Vec<String>) {
    let reports = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    let mut walk_roots = Vec::new();
    for p in paths {
        match std::fs::metadata(p) {
            Err(e) => errors.lock().unwrap().push(format!("{}: {e}", p.display())),
            Ok(m) if m.is_dir() => walk_roots.push(p.clone()),
            Ok(_) => match Lang::from_path(p) {
                Some(lang) => check_file(p, lang, settings, &reports, &errors),
                None => errors.lock().unwrap().push(format!(
                    "{}: not a file this tool checks (.js .jsx .mjs .cjs .ts .mts .cts .tsx, .env*, package.json)",
                    p.display()
                )),
            },
        }
    }
    if let Some((first, rest)) = walk_roots.split_first() {
        let mut b = WalkBuilder::new(first);
        for r in rest {
            b.add(r);
        }
        // `.env` files are hidden files; ignore rules and the skip list below
        // still keep `.git` and dependencies out.
        b.hidden(false).require_git(false).filter_entry(|e| {
            let name = e.file_name();
            !(e.file_type().is_some_and(|t| t.is_dir())
                && (name == "node_modules" || name == ".git"))
        });
        b.build_parallel().run(|| {
            Box::new(|entry| {
                match entry {
                    Err(e) => errors.lock().unwrap().push(e.to_string()),
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                        if let Some(lang) = Lang::from_path(e.path()) {
                            check_file(e.path(), lang, settings, &reports, &errors);
                        }
                    }
                    Ok(_) => {}
                }
                WalkState::Continue
            })
        });
    }
    let mut reports = reports.into_inner().unwrap();
    reports.sort_by(|a: &FileReport, b: &FileReport| a.path.cmp(&b.path));
    let mut errors = errors.into_inner().unwrap();
    errors.sort();
    (reports, errors)
}

fn check_file(
    path: &Path,
    lang: Lang,
    settings: &Settings,
    reports: &Mutex<Vec<FileReport>>,
    errors: &Mutex<Vec<String>>,
) {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            errors
                .lock()
                .unwrap()
                .push(format!("{}: {e}", path.display()));
            return;
        }
    };
    // Invalid UTF-8 is checked as text all the same; offsets after the
    // damaged bytes shift slightly, which beats skipping the file.
    let src = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("{}: not valid UTF-8", path.display());
            String::from_utf8_lossy(e.as_bytes()).into_owned()
        }
    };
    if !engine::may_have_findings(&src, settings) {
        return;
    }
    let findings = engine::analyze_source(&src, lang, settings);
    if !findings.is_empty() {
        reports
            .lock()
            .unwrap()
            .push(FileReport::new(path, src, findings));
    }
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
    let (reports, errors) = collect(&args.paths, &settings);
    for e in &errors {
        eprintln!("error: {e}");
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let written = match args.format {
        Format::Human => output::human(&mut out, &reports, output::use_colour()),
        Format::Json => output::json(&mut out, &reports),
        Format::Sarif => output::sarif(&mut out, &reports),
    };
    let _ = out.flush();
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
