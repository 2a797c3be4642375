//! Every file under `tests/fixtures/<rule-id>/` is analysed and its findings
//! (rule, exact range, message, fix result) snapshotted. A finding of a rule
//! other than the folder's own is shown too, so decoys stay honest.
use std::path::Path;

use clerk_core2_lsp::engine::{
    analyze_source,
    lang::Lang,
    position::{Encoding, LineIndex},
    Settings,
};

fn render(path: &Path) -> String {
    let src = std::fs::read_to_string(path).unwrap();
    let lang = Lang::from_path(path).expect("fixture has a known extension");
    let findings = analyze_source(&src, lang, &Settings::default());
    let idx = LineIndex::new(&src);
    let lines: Vec<&str> = src.split('\n').collect();
    let mut out = String::new();
    for f in &findings {
        let s = idx.linecol(f.range.start, Encoding::Utf16);
        let e = idx.linecol(f.range.end, Encoding::Utf16);
        out.push_str(&format!(
            "{}:{}-{}:{} {} {}: {}\n",
            s.line + 1,
            s.col + 1,
            e.line + 1,
            e.col + 1,
            f.severity.as_str(),
            f.rule.id,
            f.message
        ));
        let line = lines[s.line as usize];
        out.push_str(&format!("  | {line}\n"));
        let width = if e.line == s.line {
            (e.col - s.col).max(1)
        } else {
            1
        };
        out.push_str(&format!(
            "  | {}{}\n",
            " ".repeat(s.col as usize),
            "^".repeat(width as usize)
        ));
        if let Some(fix) = &f.fix {
            let mut fixed = src.clone();
            let mut edits = fix.edits.to_vec();
            edits.sort_by_key(|e| e.range.start);
            for ed in edits.iter().rev() {
                fixed.replace_range(ed.range.clone(), &ed.text);
            }
            out.push_str(&format!("  fix: {}\n", fix.title));
            let fixed_lines: Vec<&str> = fixed.split('\n').collect();
            let only_this_line = fixed_lines.len() == lines.len()
                && (0..lines.len()).all(|i| i == s.line as usize || lines[i] == fixed_lines[i]);
            if only_this_line {
                out.push_str(&format!("  | {}\n", fixed_lines[s.line as usize]));
            } else {
                // A fix that reaches other lines: every line it changes.
                let diff = similar::TextDiff::from_lines(&src, &fixed);
                for c in diff.iter_all_changes() {
                    let sign = match c.tag() {
                        similar::ChangeTag::Delete => '-',
                        similar::ChangeTag::Insert => '+',
                        similar::ChangeTag::Equal => continue,
                    };
                    out.push_str(&format!(
                        "  {sign} {}\n",
                        c.value().trim_end_matches(['\n', '\r'])
                    ));
                }
            }
        }
    }
    if findings.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

#[test]
fn fixtures() {
    // Project-file fixtures (`package.json`) need a folder each, so files may
    // sit one level deeper; folders themselves are not fixtures.
    insta::glob!("fixtures/**/*", |path| {
        if path.is_dir() {
            return;
        }
        insta::assert_snapshot!(render(path));
    });
}

#[test]
fn every_rule_has_fixtures() {
    for rule in clerk_core2_lsp::engine::catalogue() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(rule.id);
        let n = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert!(
            n > 0,
            "rule {} has no fixtures in {}",
            rule.id,
            dir.display()
        );
    }
}
