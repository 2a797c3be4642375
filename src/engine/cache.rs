//! Findings of whole-project runs kept between runs, so that a file checked
//! before is not parsed again while neither it, the settings nor the build
//! changed.
//!
//! An entry's key hashes the settings, the grammar and the text itself, not
//! a modification time: an entry can only be missing, never stale. The
//! file as a whole belongs to one build of this program (its version and
//! its executable's size and time), so that a rebuilt rule never meets the
//! findings of the old one. A cache that cannot be read is an empty one,
//! and one that cannot be written costs the next run its speed alone.
use std::{
    collections::HashMap,
    io::Write as _,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
};

use serde::{Deserialize, Serialize};

use super::{limits, rules::rule, Edit, Finding, Fix, Lang, Settings, Severity};

/// The cache file of one set of roots, loaded.
pub struct Cache {
    file: PathBuf,
    build: String,
    old: HashMap<u128, Stored>,
    /// The strings `old` points into, shared as findings share them.
    strings: Vec<Arc<str>>,
    /// What this run looked up or added: all the next file will hold, so
    /// that entries of files that changed or went do not pile up.
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    used: Vec<u128>,
    added: Vec<(u128, Vec<Finding>)>,
}

/// The key of one text, checked with one grammar and one set of settings.
pub struct Key(u128);

/// Messages, titles and rule ids repeat from file to file: each is stored
/// once, in `strings`, and entries point at it by index.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    build: String,
    strings: Vec<String>,
    entries: HashMap<u128, Stored>,
}

/// The findings of one text. Fixes that several findings share (a rewrite
/// of a whole module) are stored once.
#[derive(Serialize, Deserialize)]
struct Stored {
    /// Edits as start, end and the index of their text.
    edits: Vec<Vec<(usize, usize, u32)>>,
    findings: Vec<StoredFinding>,
}

#[derive(Serialize, Deserialize)]
struct StoredFinding {
    rule: u32,
    start: usize,
    end: usize,
    severity: Severity,
    message: u32,
    fix: Option<StoredFix>,
    official: Vec<u32>,
}

#[derive(Serialize, Deserialize)]
struct StoredFix {
    title: u32,
    /// Index into [`Stored::edits`].
    edits: usize,
    introduces: Vec<u32>,
}

/// Bumped when the file's shape changes.
const FORMAT: &str = "1";

/// The start of a temporary file's name, written before it is renamed
/// over the cache file.
const TEMP_PREFIX: &str = ".clerk-core2-cache-";

/// Sibling cache files unused for this long are removed on save: each set
/// of roots ever checked has one.
const FORGET_AFTER: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

impl Cache {
    /// The default place of the caches: the user's cache folder.
    pub fn default_dir() -> Option<PathBuf> {
        dirs::cache_dir().map(|d| d.join("clerk-core2-lsp"))
    }

    /// The cache of `roots` in `dir`; empty when there is none yet, or it
    /// belongs to another build, or it cannot be read.
    pub fn open(dir: &Path, roots: &[PathBuf]) -> Cache {
        let mut named = String::new();
        for r in roots {
            let r = std::fs::canonicalize(r).unwrap_or_else(|_| r.clone());
            named.push_str(&r.to_string_lossy());
            named.push('\0');
        }
        let file = dir.join(format!(
            "{:032x}.bin",
            xxhash_rust::xxh3::xxh3_128(named.as_bytes())
        ));
        let build = build_id();
        let (strings, old) = std::fs::read(&file)
            .ok()
            .and_then(|b| postcard::from_bytes::<CacheFile>(&b).ok())
            .filter(|c| c.build == build)
            .map(|c| (c.strings.into_iter().map(Arc::from).collect(), c.entries))
            .unwrap_or_default();
        Cache {
            file,
            build,
            old,
            strings,
            kept: Mutex::default(),
        }
    }

    /// The key of `src`, checked as `lang` with `settings`.
    pub fn key(src: &str, lang: Lang, settings: &Settings) -> Key {
        let mut rules: Vec<_> = settings.rules.iter().collect();
        rules.sort_unstable_by_key(|(id, _)| id.as_str());
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(format!("{rules:?} {:?} {}\0", settings.scope, lang.name()).as_bytes());
        h.update(src.as_bytes());
        Key(h.digest128())
    }

    /// The findings stored for `key`, the key of `src`, if any. Findings
    /// whose ranges do not fit `src` (a damaged file that still decodes)
    /// are none: the caller would slice the text with them.
    pub fn get(&self, key: &Key, src: &str) -> Option<Vec<Finding>> {
        let findings = restore(self.old.get(&key.0)?, &self.strings, src)?;
        self.kept().used.push(key.0);
        Some(findings)
    }

    /// Keeps `findings` for `key`. Findings that depend on time (a check
    /// that ran out of it) are not kept.
    pub fn put(&self, key: Key, findings: &[Finding]) {
        if !findings.iter().any(limits::is_limit) {
            self.kept().added.push((key.0, findings.to_vec()));
        }
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes what this run kept, replacing the file whole (a reader never
    /// sees half of it), and removes sibling files unused for a month. A
    /// run that used every entry and added none leaves the file as it is,
    /// only marked as used now.
    pub fn save(self) -> std::io::Result<()> {
        let Some(dir) = self.file.parent() else {
            return Ok(());
        };
        let Kept { mut used, added } = self.kept.into_inner().unwrap_or_else(|e| e.into_inner());
        // Files with the same text share an entry.
        used.sort_unstable();
        used.dedup();
        if added.is_empty() && !used.is_empty() && used.len() == self.old.len() {
            let now = std::fs::File::options()
                .write(true)
                .open(&self.file)
                .and_then(|f| f.set_modified(std::time::SystemTime::now()));
            if now.is_ok() {
                forget_old(dir, &self.file);
                return Ok(());
            }
        }
        let mut old = self.old;
        let mut strings = Strings::default();
        let mut entries = HashMap::with_capacity(used.len() + added.len());
        for key in used {
            if let Some(stored) = old.remove(&key) {
                entries.insert(key, strings.carry(stored, &self.strings));
            }
        }
        for (key, findings) in &added {
            entries.insert(*key, store(findings, &mut strings));
        }
        if entries.is_empty() {
            // Nothing to keep (only single files checked, or none left).
            let _ = std::fs::remove_file(&self.file);
            forget_old(dir, &self.file);
            return Ok(());
        }
        std::fs::create_dir_all(dir)?;
        let body = postcard::to_allocvec(&CacheFile {
            build: self.build,
            strings: strings.list,
            entries,
        })
        .map_err(std::io::Error::other)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TEMP_PREFIX)
            .tempfile_in(dir)?;
        tmp.write_all(&body)?;
        tmp.persist(&self.file).map_err(|e| e.error)?;
        forget_old(dir, &self.file);
        Ok(())
    }
}

/// The string table of a file being written.
#[derive(Default)]
struct Strings {
    list: Vec<String>,
    index: HashMap<String, u32>,
}

impl Strings {
    fn of(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.list.len() as u32;
        self.list.push(s.to_string());
        self.index.insert(s.to_string(), i);
        i
    }

    /// An entry of the file read, pointing into this table instead.
    fn carry(&mut self, mut s: Stored, from: &[Arc<str>]) -> Stored {
        let mut of = |i: &mut u32| *i = self.of(from.get(*i as usize).map_or("", |s| s));
        for list in &mut s.edits {
            for (_, _, text) in list {
                of(text);
            }
        }
        for f in &mut s.findings {
            of(&mut f.rule);
            of(&mut f.message);
            f.official.iter_mut().for_each(&mut of);
            if let Some(fix) = &mut f.fix {
                of(&mut fix.title);
                fix.introduces.iter_mut().for_each(&mut of);
            }
        }
        s
    }
}

/// Removes this program's files in `dir` (caches of other roots, and
/// temporary files of saves that were cut short) unused for a month. Only
/// names this program gives are touched: `dir` may be one the user named.
fn forget_old(dir: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(TEMP_PREFIX)
            || name.strip_suffix(".bin").is_some_and(|stem| {
                stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit())
            });
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > FORGET_AFTER);
        if ours && old && path != current {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// This program's version and its executable's size and modification
/// time: a rebuild, even of the same version, starts a new cache.
fn build_id() -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .ok()
        .map(|m| {
            let at = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .unwrap_or_default();
            format!("{} {}", m.len(), at.as_nanos())
        })
        .unwrap_or_default();
    format!("{FORMAT} {} {exe}", env!("CARGO_PKG_VERSION"))
}

fn store(findings: &[Finding], strings: &mut Strings) -> Stored {
    let mut edits: Vec<Vec<(usize, usize, u32)>> = Vec::new();
    let mut shared: HashMap<*const (), usize> = HashMap::new();
    let findings = findings
        .iter()
        .map(|f| StoredFinding {
            rule: strings.of(f.rule.id),
            start: f.range.start,
            end: f.range.end,
            severity: f.severity,
            message: strings.of(&f.message),
            fix: f.fix.as_ref().map(|fix| {
                let at = *shared
                    .entry(Arc::as_ptr(&fix.edits) as *const ())
                    .or_insert_with(|| {
                        edits.push(
                            fix.edits
                                .iter()
                                .map(|e| (e.range.start, e.range.end, strings.of(&e.text)))
                                .collect(),
                        );
                        edits.len() - 1
                    });
                StoredFix {
                    title: strings.of(&fix.title),
                    edits: at,
                    introduces: fix.introduces.iter().map(|s| strings.of(s)).collect(),
                }
            }),
            official: f.official.iter().map(|s| strings.of(s)).collect(),
        })
        .collect();
    Stored { edits, findings }
}

/// `None` when an entry names a rule or an official entry this build does
/// not have, or points at edits or strings the file does not hold.
fn restore(s: &Stored, strings: &[Arc<str>], src: &str) -> Option<Vec<Finding>> {
    let string = |i: u32| strings.get(i as usize);
    let fits = |start: usize, end: usize| {
        (start <= end && src.is_char_boundary(start) && src.is_char_boundary(end))
            .then_some(start..end)
    };
    let edits = s
        .edits
        .iter()
        .map(|list| {
            list.iter()
                .map(|(start, end, text)| {
                    Some(Edit {
                        range: fits(*start, *end)?,
                        text: string(*text)?.to_string(),
                    })
                })
                .collect::<Option<Arc<[Edit]>>>()
        })
        .collect::<Option<Vec<_>>>()?;
    s.findings
        .iter()
        .map(|f| {
            let rule = rule(string(f.rule)?)?;
            let official = f
                .official
                .iter()
                .map(|&o| {
                    let o = string(o)?;
                    rule.official
                        .iter()
                        .find(|x| x.as_str() == &**o)
                        .map(String::as_str)
                })
                .collect::<Option<Vec<&'static str>>>()?;
            let fix = match &f.fix {
                None => None,
                Some(fix) => Some(Fix {
                    title: string(fix.title)?.to_string(),
                    edits: edits.get(fix.edits)?.clone(),
                    introduces: fix
                        .introduces
                        .iter()
                        .map(|&i| string(i).map(|s| s.to_string()))
                        .collect::<Option<_>>()?,
                }),
            };
            Some(Finding {
                rule,
                range: fits(f.start, f.end)?,
                severity: f.severity,
                message: string(f.message)?.clone(),
                fix,
                official: official.into(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::analyze_source;

    /// Setters (one rewrite shared by several findings), a list, an env
    /// var and an option: most kinds of fix.
    const SRC: &str = "import { clerkClient, setClerkApiKey, setClerkApiVersion } from '@clerk/clerk-sdk-node';\n\
setClerkApiKey(process.env.CLERK_API_KEY);\n\
setClerkApiVersion('v1');\n\
const users = await clerkClient.users.getUserList();\n";

    fn shown(findings: &[Finding]) -> String {
        format!("{findings:#?}")
    }

    fn key() -> Key {
        Cache::key(SRC, Lang::TypeScript, &Settings::default())
    }

    /// A cache in `dir` that keeps the findings of `SRC`, saved; its roots
    /// and its file.
    fn kept_once(dir: &Path) -> ([PathBuf; 1], PathBuf) {
        let roots = [dir.to_path_buf()];
        let c = Cache::open(dir, &roots);
        c.put(
            key(),
            &analyze_source(SRC, Lang::TypeScript, &Settings::default()),
        );
        let file = c.file.clone();
        c.save().unwrap();
        (roots, file)
    }

    #[test]
    fn findings_come_back_as_they_went_in_with_shared_fixes_still_shared() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [dir.path().to_path_buf()];
        let settings = Settings::default();
        let findings = analyze_source(SRC, Lang::TypeScript, &settings);
        let fixes: Vec<_> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
        assert!(
            fixes
                .windows(2)
                .any(|w| Arc::ptr_eq(&w[0].edits, &w[1].edits)),
            "the sample must have a shared fix"
        );
        let c = Cache::open(dir.path(), &roots);
        assert!(c
            .get(&Cache::key(SRC, Lang::TypeScript, &settings), SRC)
            .is_none());
        c.put(Cache::key(SRC, Lang::TypeScript, &settings), &findings);
        c.save().unwrap();

        let c = Cache::open(dir.path(), &roots);
        let back = c
            .get(&Cache::key(SRC, Lang::TypeScript, &settings), SRC)
            .expect("kept");
        assert_eq!(shown(&back), shown(&findings));
        let shared = |fs: &[Finding]| {
            let f: Vec<_> = fs.iter().filter_map(|f| f.fix.as_ref()).collect();
            (0..f.len())
                .map(|i| {
                    (0..f.len())
                        .filter(|&j| Arc::ptr_eq(&f[i].edits, &f[j].edits))
                        .count()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(shared(&back), shared(&findings));
    }

    #[test]
    fn another_text_grammar_or_setting_misses() {
        let s = Settings::default();
        let off = Settings::from_json(&serde_json::json!({"rules": {"env-var-renamed": "off"}})).0;
        let all = Settings::from_json(&serde_json::json!({"scope": "allFiles"})).0;
        let key = |src: &str, lang, settings: &Settings| Cache::key(src, lang, settings).0;
        let base = key(SRC, Lang::TypeScript, &s);
        assert_eq!(base, key(SRC, Lang::TypeScript, &s.clone()));
        for other in [
            key(&SRC.replace("v1", "v2"), Lang::TypeScript, &s),
            key(SRC, Lang::JavaScript, &s),
            key(SRC, Lang::TypeScript, &off),
            key(SRC, Lang::TypeScript, &all),
        ] {
            assert_ne!(base, other);
        }
    }

    #[test]
    fn a_file_of_another_build_or_unreadable_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let (roots, file) = kept_once(dir.path());
        assert!(Cache::open(dir.path(), &roots).get(&key(), SRC).is_some());

        let bytes = std::fs::read(&file).unwrap();
        let build = build_id();
        let at = bytes
            .windows(build.len())
            .position(|w| w == build.as_bytes())
            .unwrap();
        let mut other = bytes.clone();
        other[at] ^= 1;
        std::fs::write(&file, other).unwrap();
        assert!(Cache::open(dir.path(), &roots).get(&key(), SRC).is_none());

        std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
        assert!(Cache::open(dir.path(), &roots).get(&key(), SRC).is_none());
    }

    #[test]
    fn findings_that_do_not_fit_the_text_are_not_restored() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [dir.path().to_path_buf()];
        let settings = Settings::default();
        let src = "import * as sdk from '@clerk/clerk-sdk-node';\nconst s = '日本'; sdk.setClerkApiVersion('v1');\n";
        let findings = analyze_source(src, Lang::TypeScript, &settings);
        let fixed = findings.iter().position(|f| f.fix.is_some()).unwrap();
        let key = || Cache::key(src, Lang::TypeScript, &settings);
        let damaged = [
            // Past the end of the text.
            |f: &mut Finding| f.range = f.range.start..f.range.end + 1_000,
            // Inside a character.
            |f: &mut Finding| f.range = 58..f.range.end,
            // Backwards.
            |f: &mut Finding| f.range = f.range.end..f.range.start,
            // A fix's edit past the end of the text.
            |f: &mut Finding| {
                let fix = f.fix.as_mut().unwrap();
                let mut edits = fix.edits.to_vec();
                edits[0].range.end += 1_000;
                fix.edits = edits.into();
            },
        ];
        for damage in damaged {
            let mut bad = findings.clone();
            damage(&mut bad[fixed]);
            let c = Cache::open(dir.path(), &roots);
            c.put(key(), &bad);
            c.save().unwrap();
            assert!(Cache::open(dir.path(), &roots).get(&key(), src).is_none());
        }
        let c = Cache::open(dir.path(), &roots);
        c.put(key(), &findings);
        c.save().unwrap();
        let back = Cache::open(dir.path(), &roots).get(&key(), src);
        assert_eq!(shown(&back.expect("kept")), shown(&findings));
    }

    #[test]
    fn a_save_keeps_what_the_run_used_or_added_and_nothing_that_took_too_long() {
        let dir = tempfile::tempdir().unwrap();
        let roots = [dir.path().to_path_buf()];
        let settings = Settings::default();
        let (a, b) = (SRC.to_string(), SRC.replace("v1", "v2"));
        let key = |src: &str| Cache::key(src, Lang::TypeScript, &settings);
        let c = Cache::open(dir.path(), &roots);
        for src in [&a, &b] {
            c.put(key(src), &analyze_source(src, Lang::TypeScript, &settings));
        }
        c.save().unwrap();

        let c = Cache::open(dir.path(), &roots);
        assert!(c.get(&key(&a), &a).is_some());
        let slow = format!("{SRC}// slow\n");
        c.put(key(&slow), &[limits::finding(limits::Skip::ParseTimeout)]);
        c.save().unwrap();

        let c = Cache::open(dir.path(), &roots);
        assert!(c.get(&key(&a), &a).is_some());
        assert!(c.get(&key(&b), &b).is_none(), "not used by the last run");
        assert!(
            c.get(&key(&slow), &slow).is_none(),
            "a timeout is not a result"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_run_that_changed_nothing_leaves_the_file_as_it_is() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let (roots, file) = kept_once(dir.path());
        let settings = Settings::default();
        let written = std::fs::metadata(&file).unwrap().ino();

        // Two files with the same text: one entry, used twice.
        let c = Cache::open(dir.path(), &roots);
        assert!(c.get(&key(), SRC).is_some() && c.get(&key(), SRC).is_some());
        c.save().unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().ino(), written);
        assert!(Cache::open(dir.path(), &roots).get(&key(), SRC).is_some());

        // One added: written anew.
        let c = Cache::open(dir.path(), &roots);
        assert!(c.get(&key(), SRC).is_some());
        let other = SRC.replace("v1", "v2");
        let k = Cache::key(&other, Lang::TypeScript, &settings);
        c.put(k, &analyze_source(&other, Lang::TypeScript, &settings));
        c.save().unwrap();
        assert_ne!(std::fs::metadata(&file).unwrap().ino(), written);
    }

    #[test]
    fn each_set_of_roots_has_its_own_file() {
        let dir = tempfile::tempdir().unwrap();
        let (x, y) = (dir.path().join("x"), dir.path().join("y"));
        let c = Cache::open(dir.path(), std::slice::from_ref(&x));
        c.put(
            key(),
            &analyze_source(SRC, Lang::TypeScript, &Settings::default()),
        );
        c.save().unwrap();
        assert!(Cache::open(dir.path(), std::slice::from_ref(&x))
            .get(&key(), SRC)
            .is_some());
        assert!(Cache::open(dir.path(), &[y]).get(&key(), SRC).is_none());
    }

    #[test]
    fn a_save_forgets_its_own_files_unused_for_a_month_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str, days: u64| {
            let path = dir.path().join(name);
            std::fs::write(&path, "x").unwrap();
            let when = std::time::SystemTime::now() - std::time::Duration::from_secs(days * 86_400);
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(when)
                .unwrap();
            path
        };
        let hex = "0123456789abcdef0123456789abcdef";
        let old = at(&format!("{hex}.bin"), 40);
        let cut_short = at(&format!("{TEMP_PREFIX}abc"), 40);
        let recent = at(&format!("{}.bin", hex.replace('0', "f")), 2);
        let theirs = at("notes.bin", 40);
        let theirs_too = at(&format!("{hex}0.bin"), 40);
        let c = Cache::open(dir.path(), &[dir.path().join("x")]);
        let settings = Settings::default();
        let findings = analyze_source(SRC, Lang::TypeScript, &settings);
        c.put(Cache::key(SRC, Lang::TypeScript, &settings), &findings);
        c.save().unwrap();
        assert!(!old.exists() && !cut_short.exists());
        assert!(recent.exists() && theirs.exists() && theirs_too.exists());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            4,
            "and the new one"
        );
    }
}
