//! Fix-all over every fixture under `tests/fixtures`: the change is
//! snapshotted as a diff of the whole file (before -> after), and the result
//! must parse no worse than the input, settle in one run, and leave no
//! import bound twice or newly unused. Each fix on its own must be a set of
//! disjoint edits that parses no worse either.
use std::{collections::HashMap, path::Path};

use clerk_core2_lsp::engine::{
    analyze_source,
    facts::Facts,
    fixes::{apply, fix_all},
    lang::Lang,
    parse, Settings,
};
use tree_sitter::Node;

fn errors(src: &str, lang: Lang) -> usize {
    let Some(tree) = parse(src, lang, None) else {
        return 0;
    };
    let mut n = 0;
    let mut c = tree.walk();
    'walk: loop {
        let node = c.node();
        n += usize::from(node.is_error() || node.is_missing());
        if c.goto_first_child() {
            continue;
        }
        while !c.goto_next_sibling() {
            if !c.goto_parent() {
                break 'walk;
            }
        }
    }
    n
}

/// Local names declared by top-level imports and destructuring requires.
fn import_locals(src: &str, lang: Lang) -> Vec<String> {
    let tree = parse(src, lang, None).unwrap();
    let mut out = Vec::new();
    let text = |n: Node| src[n.byte_range()].to_string();
    let root = tree.root_node();
    let mut c = root.walk();
    for stmt in root.named_children(&mut c) {
        let mut stack = vec![stmt];
        while let Some(n) = stack.pop() {
            match n.kind() {
                "import_specifier" => {
                    let local = n
                        .child_by_field_name("alias")
                        .or_else(|| n.child_by_field_name("name"));
                    out.extend(local.map(text));
                    continue;
                }
                "identifier" if n.parent().is_some_and(|p| p.kind() == "import_clause") => {
                    out.push(text(n));
                }
                "shorthand_property_identifier_pattern"
                    if src[stmt.byte_range()].contains("require(") =>
                {
                    out.push(text(n));
                }
                "pair_pattern" if src[stmt.byte_range()].contains("require(") => {
                    out.extend(n.child_by_field_name("value").map(text));
                    continue;
                }
                "statement_block" | "function_declaration" | "arrow_function" => continue,
                _ => {}
            }
            let mut c2 = n.walk();
            stack.extend(n.named_children(&mut c2));
        }
    }
    out
}

/// How often each name bound to Clerk is mentioned besides its import.
fn clerk_uses(src: &str, lang: Lang) -> HashMap<String, usize> {
    let tree = parse(src, lang, None).unwrap();
    let facts = Facts::compute(&tree, src, lang);
    facts
        .bindings
        .keys()
        .map(|name| {
            let hits = src
                .match_indices(name.as_str())
                .filter(|(at, _)| {
                    let b = src.as_bytes();
                    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_' || x == b'$';
                    let end = at + name.len();
                    let joined = (*at > 0 && word(b[at - 1])) || (end < b.len() && word(b[end]));
                    !joined
                })
                .count();
            (name.clone(), hits.saturating_sub(1))
        })
        .collect()
}

fn check(path: &Path) -> String {
    let src = std::fs::read_to_string(path).unwrap();
    let lang = Lang::from_path(path).expect("fixture has a known extension");
    let settings = Settings::default();
    let shown = path.file_name().unwrap().to_string_lossy();

    for f in analyze_source(&src, lang, &settings) {
        let Some(fix) = &f.fix else { continue };
        let mut edits = fix.edits.to_vec();
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        for w in edits.windows(2) {
            assert!(
                w[0].range.end <= w[1].range.start
                    && !(w[0].range.is_empty() && w[0].range.start == w[1].range.start),
                "{shown}: {} fix has overlapping edits: {edits:?}",
                f.rule.id
            );
        }
        if lang.is_grammar() {
            let alone = apply(&src, &edits);
            assert!(
                errors(&alone, lang) <= errors(&src, lang),
                "{shown}: the {} fix `{}` alone breaks the parse:\n{alone}",
                f.rule.id,
                fix.title
            );
        }
    }

    let fixed = fix_all(&src, lang, &settings).unwrap_or_else(|| src.clone());
    assert_eq!(
        fix_all(&fixed, lang, &settings),
        None,
        "{shown}: a second fix-all changed the file"
    );
    if lang.is_grammar() {
        assert!(
            errors(&fixed, lang) <= errors(&src, lang),
            "{shown}: fixing added parse errors:\n{fixed}"
        );
        let mut locals = import_locals(&fixed, lang);
        locals.sort();
        let dups: Vec<&String> = locals
            .windows(2)
            .filter(|w| w[0] == w[1])
            .map(|w| &w[0])
            .collect();
        assert!(
            dups.is_empty(),
            "{shown}: imported twice after fixing: {dups:?}\n{fixed}"
        );
        // A binding may be renamed by a fix, so unused ones are counted.
        let unused = |s: &str| {
            let mut names: Vec<String> = clerk_uses(s, lang)
                .into_iter()
                .filter(|(_, n)| *n == 0)
                .map(|(k, _)| k)
                .collect();
            names.sort();
            names
        };
        let (was, now) = (unused(&src), unused(&fixed));
        assert!(
            now.len() <= was.len(),
            "{shown}: fixing left imports unused: {now:?} (before: {was:?}):\n{fixed}"
        );
    }

    let diff = similar::TextDiff::from_lines(&src, &fixed);
    let mut out = String::new();
    if src == fixed {
        out.push_str("(no fixes)\n");
    }
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => ' ',
        };
        out.push(sign);
        out.push_str(change.value().trim_end_matches(['\n', '\r']));
        out.push('\n');
    }
    let left = analyze_source(&fixed, lang, &settings);
    if !left.is_empty() {
        out.push_str("\nleft for a person:\n");
        for f in left {
            let line = fixed[..f.range.start].matches('\n').count() + 1;
            out.push_str(&format!(
                "  {line}: {} `{}`\n",
                f.rule.id,
                &fixed[f.range.clone()]
            ));
        }
    }
    out
}

#[test]
fn fix_all_on_every_fixture() {
    insta::glob!("fixtures/**/*", |path| {
        if path.is_dir() {
            return;
        }
        insta::assert_snapshot!(check(path));
    });
}

/// Found by the fuzzer: in a mangled import the removed-export fixer would
/// delete the statement and insert after it at once. Such a fix is dropped,
/// and fix-all leaves the text as it is rather than slicing it apart.
#[test]
fn a_fix_with_overlapping_edits_is_never_offered() {
    let src = "import { 泭decodeJwt, verifyJwt aos verify } fr中rt type { VerifyJwtOptions } from '@clerk/clerk-sdk-node';\n\
export const check = (token: string, o\"rif𰨦yJwtOptions) => verify(decodeJwt񩼑􇤀(token).raw.󣨪text, options);\n";
    for lang in [Lang::JavaScript, Lang::TypeScript, Lang::Tsx] {
        let found = analyze_source(src, lang, &Settings::default());
        assert!(found.iter().any(|f| f.rule.id == "removed-export"));
        for f in &found {
            if let Some(fix) = &f.fix {
                assert!(
                    clerk_core2_lsp::engine::fixes::disjoint(&fix.edits),
                    "{fix:?}"
                );
            }
        }
        if let Some(fixed) = fix_all(src, lang, &Settings::default()) {
            assert!(fixed.contains("VerifyJwtOptions"));
        }
    }
}
