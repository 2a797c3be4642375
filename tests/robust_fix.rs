//! `check --fix` when things go wrong: unreadable files and folders that
//! refuse a temporary file are reported while the rest is fixed; a run
//! killed midway leaves every file whole, old or new; temporary files a
//! killed run left behind are removed by the next one.
use std::{
    fs,
    os::unix::fs::{MetadataExt, PermissionsExt},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    time::{Duration, Instant, SystemTime},
};

use clerk_core2_lsp::{
    cli::write::{STALE_AFTER, TEMP_PREFIX},
    engine::{fixes, lang::Lang, Settings},
};

const BIN: &str = env!("CARGO_BIN_EXE_clerk-core2-lsp");

fn fixable(i: usize) -> String {
    format!(
        "// file {i}\nimport {{ createClerkClient }} from '@clerk/clerk-sdk-node/esm/instance';\n\
const c{i} = createClerkClient({{ apiKey: 'k{i}' }});\n"
    )
}

fn fixed(src: &str) -> String {
    fixes::fix_all(src, Lang::TypeScript, &Settings::default()).unwrap()
}

fn temps(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in walk(dir) {
        if e.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(TEMP_PREFIX)
        {
            out.push(e);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

fn running_as_root() -> bool {
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

/// `check --fix` in `dir`, as `nobody` when `as_nobody`.
fn fix(dir: &Path, as_nobody: bool) -> (i32, String) {
    let mut cmd = if as_nobody {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
        c
    } else {
        Command::new(BIN)
    };
    let out = cmd
        .current_dir(dir)
        .args(["check", "--fix"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn unreadable_files_and_unwritable_folders_are_reported_and_the_rest_fixed() {
    // Root reads through any permission bits, so as root the check runs
    // as `nobody`, for whom they hold.
    let as_nobody = running_as_root();
    if as_nobody
        && !Command::new("setpriv")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: running as root and setpriv is missing, so no file can be unreadable");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir(p.join("locked")).unwrap();
    for (name, i) in [
        ("a.ts", 1),
        ("secret.ts", 2),
        ("z.ts", 3),
        ("locked/c.ts", 4),
    ] {
        fs::write(p.join(name), fixable(i)).unwrap();
    }
    if as_nobody {
        for name in ["", "a.ts", "z.ts", "locked/c.ts"] {
            std::os::unix::fs::chown(p.join(name), Some(65534), Some(65534)).unwrap();
        }
        fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    } else {
        fs::set_permissions(p.join("locked"), fs::Permissions::from_mode(0o555)).unwrap();
    }
    fs::set_permissions(p.join("secret.ts"), fs::Permissions::from_mode(0o000)).unwrap();

    let (code, err) = fix(p, as_nobody);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("secret.ts: Permission denied"),
        "the unreadable file is named: {err}"
    );
    assert!(
        err.contains("locked/c.ts: not fixed: cannot create a temporary file"),
        "{err}"
    );
    assert!(err.contains("Fixed 4 findings in 2 files."), "{err}");
    assert_eq!(
        fs::read_to_string(p.join("a.ts")).unwrap(),
        fixed(&fixable(1))
    );
    assert_eq!(
        fs::read_to_string(p.join("z.ts")).unwrap(),
        fixed(&fixable(3))
    );
    fs::set_permissions(p.join("secret.ts"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(p.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(fs::read_to_string(p.join("secret.ts")).unwrap(), fixable(2));
    assert_eq!(
        fs::read_to_string(p.join("locked/c.ts")).unwrap(),
        fixable(4)
    );
    assert!(temps(p).is_empty());
}

#[test]
fn a_run_killed_midway_leaves_every_file_old_or_new() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    let mut originals = Vec::new();
    for d in 0..12 {
        fs::create_dir(p.join(format!("d{d:02}"))).unwrap();
        for f in 0..50 {
            let path = p.join(format!("d{d:02}/f{f:02}.ts"));
            let src = fixable(d * 100 + f);
            fs::write(&path, &src).unwrap();
            originals.push((path, src));
        }
    }
    // Files are fixed in path order: once a third of them changed the run
    // is writing, and the kill lands among the writes.
    let (first, first_src) = originals[originals.len() / 3].clone();
    let mut child = Command::new(BIN)
        .current_dir(p)
        .args(["check", "--fix"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while fs::read_to_string(&first).unwrap() == first_src {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no file was fixed"
        );
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut old, mut new) = (0, 0);
    for (path, src) in &originals {
        let now = fs::read_to_string(path).unwrap();
        if now == *src {
            old += 1;
        } else {
            assert_eq!(now, fixed(src), "{} is neither old nor new", path.display());
            new += 1;
        }
    }
    eprintln!("killed after {new} of {} files were fixed", originals.len());
    let left = temps(p);
    assert!(left.len() <= 1, "{left:?}");

    // The next run finishes the job and removes what the killed one left.
    for t in &left {
        let f = fs::File::options().write(true).open(t).unwrap();
        f.set_modified(SystemTime::now() - STALE_AFTER - Duration::from_secs(1))
            .unwrap();
    }
    let (code, err) = fix(p, false);
    assert_eq!(code, 0, "{err}");
    for (path, src) in &originals {
        assert_eq!(fs::read_to_string(path).unwrap(), fixed(src));
    }
    assert!(temps(p).is_empty(), "{:?}", temps(p));
    assert!(old + new == originals.len());
}

#[test]
fn only_stale_temporary_files_of_ours_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("a.ts"), fixable(1)).unwrap();
    let old = SystemTime::now() - STALE_AFTER - Duration::from_secs(60);
    let make = |name: &str, when: SystemTime| {
        fs::write(p.join(name), "partial").unwrap();
        fs::File::options()
            .write(true)
            .open(p.join(name))
            .unwrap()
            .set_modified(when)
            .unwrap();
    };
    make(".clerk-core2-Ab12Cd", old);
    // A live run's file, and files that only look alike, stay.
    make(".clerk-core2-Xy34Zw", SystemTime::now());
    make(".clerk-core2-notours.ts", old);
    make(".clerk-core2-toolong1", old);
    let (code, err) = fix(p, false);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = fs::read_dir(p)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".clerk-core2-Xy34Zw",
            ".clerk-core2-notours.ts",
            ".clerk-core2-toolong1",
            "a.ts"
        ]
    );
}
