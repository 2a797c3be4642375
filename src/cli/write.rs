//! Writing fixed files: all or nothing, in place, never outside the paths
//! the user named.
use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

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
    let mut tmp = tempfile::Builder::new()
        .prefix(".clerk-core2-")
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
