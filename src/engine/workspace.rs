//! Walking a project: the file set both `check` and the server's workspace
//! view analyse, on all cores.
use std::{
    path::{Path, PathBuf},
    sync::Mutex,
};

use ignore::{WalkBuilder, WalkState};

use super::{
    analyze_parsed,
    cache::{Cache, Key},
    lang::Lang,
    limits, may_have_findings, parse_for_analysis, Finding, Parsed, Settings,
};

/// One analysed file.
pub struct FileResult {
    pub path: PathBuf,
    pub src: String,
    pub findings: Vec<Finding>,
    /// The file is not valid UTF-8: `src` has replacement characters where
    /// its bytes were, so it must never be written back.
    pub lossy: bool,
}

/// Reads and analyses one file. Files over the caps, or that look binary,
/// get the one finding that says so instead of an analysis; a panic while
/// checking is reported as an error of that file alone.
pub fn analyze_file(path: &Path, lang: Lang, settings: &Settings) -> Result<FileResult, String> {
    let loaded = load(path, lang, settings, None)?;
    if !loaded.parse {
        return Ok(loaded.result);
    }
    let parsed = parse_file(&loaded)?;
    analyze_loaded(loaded, parsed, None)
}

/// A file read, before its analysis.
struct Loaded<'s> {
    result: FileResult,
    lang: Lang,
    settings: &'s Settings,
    /// Whether it may have findings, so needs parsing.
    parse: bool,
    /// Its key in the cache, when there is one and it did not hold it.
    key: Option<Key>,
}

/// Reads a file; with a `cache` that holds its findings, they are the
/// result and it needs no parse.
fn load<'s>(
    path: &Path,
    lang: Lang,
    settings: &'s Settings,
    cache: Option<&Cache>,
) -> Result<Loaded<'s>, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown}: {e}"))?;
    // Reading a FIFO or a device would block or never end.
    if !meta.is_file() {
        return Err(format!("{shown}: not a regular file"));
    }
    let skipped = |findings| Loaded {
        result: FileResult {
            path: path.to_path_buf(),
            src: String::new(),
            findings,
            lossy: false,
        },
        lang,
        settings,
        parse: false,
        key: None,
    };
    if meta.len() > limits::MAX_READ_BYTES {
        return Ok(skipped(vec![limits::finding(limits::Skip::TooLarge(
            meta.len(),
        ))]));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
    if limits::looks_binary(&bytes) {
        return Ok(skipped(vec![limits::finding(limits::Skip::Binary)]));
    }
    // Invalid UTF-8 is checked as text all the same; offsets after the
    // damaged bytes shift slightly, which beats skipping the file.
    let (src, lossy) = match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => {
            tracing::warn!("{shown}: not valid UTF-8");
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), true)
        }
    };
    let mut parse = may_have_findings(&src, settings);
    let mut findings = Vec::new();
    let mut key = None;
    // Only source files are kept: they are what costs a parse, and a fix in
    // a `.env` file can carry what its values encode.
    let cache = cache.filter(|_| lang.is_grammar());
    if let (true, Some(cache)) = (parse, cache) {
        let k = Cache::key(&src, lang, settings);
        match cache.get(&k, &src) {
            Some(stored) => (findings, parse) = (stored, false),
            None => key = Some(k),
        }
    }
    Ok(Loaded {
        result: FileResult {
            path: path.to_path_buf(),
            src,
            findings,
            lossy,
        },
        lang,
        settings,
        parse,
        key,
    })
}

fn internal_error(path: &Path) -> String {
    format!(
        "{}: internal error while checking this file; the others were checked",
        path.display()
    )
}

fn parse_file(f: &Loaded) -> Result<Parsed, String> {
    std::panic::catch_unwind(|| parse_for_analysis(&f.result.src, f.lang, f.settings))
        .map_err(|_| internal_error(&f.result.path))
}

fn analyze_loaded(f: Loaded, parsed: Parsed, cache: Option<&Cache>) -> Result<FileResult, String> {
    let r = &f.result;
    let findings = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        analyze_parsed(parsed, &r.src, f.lang, f.settings)
    }))
    .map_err(|_| internal_error(&r.path))?;
    if let (Some(cache), Some(key)) = (cache, f.key) {
        cache.put(key, &findings);
    }
    Ok(FileResult {
        findings,
        ..f.result
    })
}

/// A walker over `roots` that honours `.gitignore`, keeps hidden `.env`
/// files, and skips `.git` and `node_modules`.
pub fn walker(roots: &[PathBuf]) -> Option<WalkBuilder> {
    let (first, rest) = roots.split_first()?;
    let mut b = WalkBuilder::new(first);
    for r in rest {
        b.add(r);
    }
    b.hidden(false).require_git(false).filter_entry(|e| {
        let name = e.file_name();
        !(e.file_type().is_some_and(|t| t.is_dir()) && (name == "node_modules" || name == ".git"))
    });
    Some(b)
}

/// Analyses every supported file under `roots` in parallel, calling `each`
/// for every file read (with or without findings) and `error` for what could
/// not be read. Both may be called from several threads. Files whose
/// findings `cache` holds are not parsed, and it is given those of the
/// others.
pub fn walk(
    roots: &[PathBuf],
    settings: &Settings,
    cache: Option<&Cache>,
    each: &(dyn Fn(FileResult) + Sync),
    error: &(dyn Fn(String) + Sync),
) {
    let Some(b) = walker(roots) else { return };
    b.build_parallel().run(|| {
        // Dropped when its thread runs out of files, which checks what is
        // left in it.
        let mut batch = Batch {
            files: Vec::new(),
            bytes: 0,
            cache,
            each,
            error,
        };
        Box::new(move |entry| {
            match entry {
                Err(e) => error(e.to_string()),
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    if let Some(lang) = Lang::from_path(e.path()) {
                        match load(e.path(), lang, settings, cache) {
                            Ok(f) if f.parse => batch.push(f),
                            Ok(f) => each(f.result),
                            Err(msg) => error(msg),
                        }
                    }
                }
                Ok(_) => {}
            }
            WalkState::Continue
        })
    });
}

/// Files of one walking thread that are parsed one after the other, then
/// analysed one after the other (see [`parse_for_analysis`]). Small, so
/// that their trees stay few.
struct Batch<'a> {
    files: Vec<Loaded<'a>>,
    bytes: usize,
    cache: Option<&'a Cache>,
    each: &'a (dyn Fn(FileResult) + Sync),
    error: &'a (dyn Fn(String) + Sync),
}

const BATCH_FILES: usize = 16;
const BATCH_BYTES: usize = 256 * 1024;

impl<'a> Batch<'a> {
    fn push(&mut self, f: Loaded<'a>) {
        self.bytes += f.result.src.len();
        self.files.push(f);
        if self.files.len() >= BATCH_FILES || self.bytes >= BATCH_BYTES {
            self.check();
        }
    }

    fn check(&mut self) {
        self.bytes = 0;
        let parsed: Vec<_> = self.files.iter().map(parse_file).collect();
        for (f, parsed) in self.files.drain(..).zip(parsed) {
            match parsed.and_then(|p| analyze_loaded(f, p, self.cache)) {
                Ok(r) => (self.each)(r),
                Err(msg) => (self.error)(msg),
            }
        }
    }
}

impl Drop for Batch<'_> {
    fn drop(&mut self) {
        // Unwinding from a callback that panicked: checking more would
        // only call it again.
        if !std::thread::panicking() {
            self.check();
        }
    }
}

/// `walk`, collected: files with findings sorted by path, and errors.
pub fn collect(
    roots: &[PathBuf],
    settings: &Settings,
    cache: Option<&Cache>,
) -> (Vec<FileResult>, Vec<String>) {
    let files = Mutex::new(Vec::new());
    let errors = Mutex::new(Vec::new());
    walk(
        roots,
        settings,
        cache,
        &|r| {
            if !r.findings.is_empty() {
                files.lock().unwrap().push(r);
            }
        },
        &|e| errors.lock().unwrap().push(e),
    );
    let mut files = files.into_inner().unwrap();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    (files, errors.into_inner().unwrap())
}
