//! `docs/rules.md` is generated from the rule metadata. This test fails when
//! it is stale (`UPDATE_DOCS=1 cargo test --test docs` rewrites it) and when
//! any entry of the official upgrade scanner has no rule.
use std::{collections::BTreeSet, fmt::Write, path::Path};

use clerk_core2_lsp::engine::{catalogue, lang::Lang, Rule, Severity};
use serde::Deserialize;

#[derive(Deserialize)]
struct Entry {
    slug: String,
    title: String,
}

/// A copy of the entries Clerk's own scanner (`@clerk/upgrade`) checks for
/// this SDK, kept in the repository so the check needs nothing beside it.
fn official() -> Vec<Entry> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/official-entries.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn files(rule: &Rule) -> String {
    let code = Lang::GRAMMARS.iter().all(|l| rule.applies_to(*l));
    let mut parts = Vec::new();
    if code {
        parts.push("JS/TS".to_string());
    } else {
        for l in Lang::GRAMMARS {
            if rule.applies_to(l) {
                parts.push(l.name().to_string());
            }
        }
    }
    if rule.applies_to(Lang::Env) {
        parts.push("`.env*`".to_string());
    }
    if rule.applies_to(Lang::PackageJson) {
        parts.push("`package.json`".to_string());
    }
    parts.join(", ")
}

fn fix(rule: &Rule) -> String {
    let spec = rule.fix.as_ref();
    let rename = spec.is_some_and(|f| f.rename.is_some())
        || rule.query.is_some_and(|q| q.contains("fix.rename"));
    let rewrite = spec.is_some_and(|f| f.fixer.is_some())
        || rule.query.is_some_and(|q| q.contains("fix.fixer"));
    let manual = spec.is_some_and(|f| f.manual.is_some());
    let kind = match (rename, rewrite) {
        (_, true) => "rewrite",
        (true, false) => "rename",
        (false, false) => return if manual { "none (explained)" } else { "none" }.into(),
    };
    if manual {
        format!("{kind}, in some cases")
    } else {
        kind.into()
    }
}

fn render() -> String {
    let entries = official();
    let mut out = String::new();
    out.push_str(
        "<!-- Generated from queries/*.toml by tests/docs.rs: run `UPDATE_DOCS=1 cargo test --test docs` after changing a rule. -->\n\
         # Rules\n\n\
         One rule per breaking change of `@clerk/clerk-sdk-node` v4 -> v5. Each rule is a\n\
         `queries/<id>.toml` (metadata) plus, for JavaScript and TypeScript, a\n\
         `queries/<id>.scm` tree-sitter query; `.env` and `package.json` rules are matched by\n\
         the engine itself.\n\n\
         ## Severity policy\n\n\
         | severity | meaning |\n|---|---|\n\
         | error | breaks under v5: the import, export, option, property or method no longer exists, or the code throws or no longer type-checks |\n\
         | warning | still runs under v5 but behaves differently: a value is silently missing, ignored or read from a variable v5 no longer sets |\n\
         | information | needs a look: the name is unchanged but what it holds changed |\n\n\
         Every severity can be changed, or a rule turned off, in the settings.\n\n\
         ## Catalogue\n\n\
         | rule | severity | files | fix | official entries |\n|---|---|---|---|---|\n",
    );
    for r in catalogue() {
        let official = if r.official.is_empty() {
            "(beyond the official scanner)".to_string()
        } else {
            r.official
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        writeln!(
            out,
            "| [`{}`](#{}) | {} | {} | {} | {} |",
            r.id,
            r.id,
            r.severity.as_str(),
            files(r),
            fix(r),
            official
        )
        .unwrap();
    }
    out.push_str("\n## Official entries -> rules\n\nThe entries of Clerk's `@clerk/upgrade` scanner for this SDK, in guide order.\n\n| # | entry | rules |\n|---|---|---|\n");
    for (i, e) in entries.iter().enumerate() {
        let rules: Vec<String> = catalogue()
            .iter()
            .filter(|r| r.official.contains(&e.slug))
            .map(|r| format!("[`{}`](#{})", r.id, r.id))
            .collect();
        writeln!(
            out,
            "| {} | `{}`: {} | {} |",
            i + 1,
            e.slug,
            e.title.replace('|', "\\|"),
            rules.join(", ")
        )
        .unwrap();
    }
    for r in catalogue() {
        write!(
            out,
            "\n## {}\n\n**{}** ({}). Guide: [{}]({}).\n\nMessage: {}\n\n{}\n",
            r.id,
            r.title,
            r.severity.as_str(),
            r.section,
            r.url(),
            r.message,
            r.explanation.trim_end()
        )
        .unwrap();
        if let Some(m) = r.fix.as_ref().and_then(|f| f.manual.as_deref()) {
            writeln!(out, "\nNo automatic fix where: {m}").unwrap();
        }
    }
    out
}

#[test]
fn every_official_entry_has_a_rule_and_no_rule_names_an_unknown_one() {
    let slugs: BTreeSet<String> = official().into_iter().map(|e| e.slug).collect();
    assert_eq!(slugs.len(), 48);
    let covered: BTreeSet<String> = catalogue()
        .iter()
        .flat_map(|r| r.official.iter().cloned())
        .collect();
    let missing: Vec<_> = slugs.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "official entries without a rule: {missing:?}"
    );
    let unknown: Vec<_> = covered.difference(&slugs).collect();
    assert!(
        unknown.is_empty(),
        "rules name unknown entries: {unknown:?}"
    );
}

#[test]
fn severities_are_the_documented_ones() {
    for r in catalogue() {
        assert!(
            r.severity != Severity::Hint,
            "{}: hint is not in the policy",
            r.id
        );
    }
}

#[test]
fn rules_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let want = render();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}
