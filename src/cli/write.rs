//! Writing fixed files: all or nothing, in place, never outside the paths
//! the user named.
use std::{
    collections::HashSet,
    fs,
    io::Write,
    path::{Path, PathBuf},
    sync::Mutex,
    time::{Duration, SystemTime},
};

/// Names of the temporary files: this prefix and six random letters or digits.
pub const TEMP_PREFIX: &str = ".clerk-core2-";
/// A temporary file this old is a leftover of a run that was killed between
/// writing and renaming it; a live run renames its file within moments.
pub const STALE_AFTER: Duration = Duration::from_secs(10 * 60);

/// The folders writes must stay in: each folder argument, and the folder of
/// each file argument, with links resolved.
pub fn allowed_roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| {
            let dir = if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
            };
            fs::canonicalize(dir).ok()
        })
        .collect()
}

/// Replaces `path`'s contents with `contents` atomically: a temporary file
/// in the same folder, flushed to disk, given the old file's permissions,
/// then renamed over the real file. A link is followed only when its target
/// stays inside `roots`; the link itself is kept.
pub fn write_atomic(path: &Path, contents: &str, roots: &[PathBuf]) -> Result<(), String> {
    let shown = path.display();
    let real = fs::canonicalize(path).map_err(|e| format!("{shown}: {e}"))?;
    if !roots.iter().any(|r| real.starts_with(r)) {
        return Err(format!(
            "{shown}: not fixed: it links to {}, outside the paths given",
            real.display()
        ));
    }
    let meta = fs::metadata(&real).map_err(|e| format!("{shown}: {e}"))?;
    if meta.permissions().readonly() {
        return Err(format!("{shown}: not fixed: the file is read-only"));
    }
    let dir = real.parent().unwrap_or(Path::new("."));
    static CLEANED: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    if let Ok(mut cleaned) = CLEANED.lock() {
        if cleaned.get_or_insert_default().insert(dir.to_path_buf()) {
            remove_stale_temps(dir);
        }
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(|e| format!("{shown}: not fixed: cannot create a temporary file: {e}"))?;
    tmp.write_all(contents.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| format!("{shown}: not fixed: {e}"))?;
    fs::set_permissions(tmp.path(), meta.permissions())
        .map_err(|e| format!("{shown}: not fixed: {e}"))?;
    tmp.persist(&real)
        .map_err(|e| format!("{shown}: not fixed: {}", e.error))?;
    Ok(())
}

/// Removes the temporary files that killed runs left in `dir`; returns how
/// many. Only regular files named like ours and older than `STALE_AFTER`.
pub fn remove_stale_temps(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(TEMP_PREFIX)) else {
            continue;
        };
        if rest.len() != 6 || !rest.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let stale = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age >= STALE_AFTER);
        if meta.is_file() && stale && fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}
