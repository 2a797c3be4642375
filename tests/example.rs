//! The bundled Core 1 example (`examples/core1-express`) shows every kind of
//! finding: each rule fires on it at least once, and its findings are
//! snapshotted so that a change in what the tool reports on a realistic
//! project is reviewed.
use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

use clerk_core2_lsp::engine::{
    analyze_source, catalogue,
    lang::Lang,
    position::{Encoding, LineIndex},
    Settings,
};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if !matches!(
                p.file_name().and_then(|n| n.to_str()),
                Some("node_modules" | "dist")
            ) {
                files(&p, out);
            }
        } else if Lang::from_path(&p).is_some() {
            out.push(p);
        }
    }
}

#[test]
fn example_shows_every_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/core1-express");
    let mut paths = Vec::new();
    files(&root, &mut paths);
    let mut seen = BTreeSet::new();
    let mut report = String::new();
    for p in &paths {
        let src = std::fs::read_to_string(p).unwrap();
        let lang = Lang::from_path(p).unwrap();
        let idx = LineIndex::new(&src);
        for f in analyze_source(&src, lang, &Settings::default()) {
            seen.insert(f.rule.id);
            let at = idx.linecol(f.range.start, Encoding::Utf16);
            report.push_str(&format!(
                "{}:{}:{} {} {}\n",
                p.strip_prefix(&root).unwrap().display(),
                at.line + 1,
                at.col + 1,
                f.severity.as_str(),
                f.rule.id
            ));
        }
    }
    let missing: Vec<_> = catalogue()
        .iter()
        .map(|r| r.id)
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no finding in the example: {missing:?}"
    );
    insta::assert_snapshot!(report);
}
