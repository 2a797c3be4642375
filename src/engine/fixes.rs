//! Applying fixes: merging the edits of many findings into one coherent
//! change, and repeating until nothing is left to fix, so that fixing a
//! second time never changes anything.
use std::{
    collections::{BTreeMap, HashSet},
    ops::Range,
    time::Instant,
};

use tree_sitter::{InputEdit, Point, Tree};

use super::{analyze, analyze_source, lang::Lang, limits, parse, Edit, Finding, Settings};

/// How many rounds fix-all runs before it stops; one or two settle every
/// combination of fixes in practice.
const MAX_ROUNDS: usize = 8;

/// The line ending a file mostly uses, for fixes that insert lines.
pub fn line_ending(src: &str) -> &'static str {
    let crlf = memchr::memmem::find_iter(src.as_bytes(), b"\r\n").count();
    let lf = memchr::memchr_iter(b'\n', src.as_bytes()).count();
    if crlf * 2 > lf {
        "\r\n"
    } else {
        "\n"
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
        // Two insertions at one point, or an insertion at the edge of a
        // replacement, would interleave unpredictably: treat as overlapping.
        || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// Whether a fix's own edits leave each other alone; one that does not is a
/// fixer's mistake on some odd input, and applying it would corrupt text.
pub fn disjoint(edits: &[Edit]) -> bool {
    let mut rs: Vec<&Range<usize>> = edits.iter().map(|e| &e.range).collect();
    rs.sort_by_key(|r| (r.start, r.end));
    rs.windows(2)
        .all(|w| !overlaps(w[0], w[1]) && w[0].end <= w[1].start)
}

/// Picks a set of whole fixes whose edits do not conflict (identical edits
/// shared by several fixes count once), in document order.
pub fn merge(findings: &[Finding]) -> Vec<Edit> {
    // Chosen edits by start: they never overlap one another, so only the
    // last one starting before an edit, and those starting inside it, can
    // clash with it. Keeps a module-wide fix shared by thousands of
    // findings linear.
    let mut chosen: BTreeMap<(usize, usize), &str> = BTreeMap::new();
    let mut taken: HashSet<*const Edit> = HashSet::new();
    let mut declared: Vec<&str> = Vec::new();
    let mut fixes: Vec<&Finding> = findings.iter().filter(|f| f.fix.is_some()).collect();
    fixes.sort_by_key(|f| f.range.start);
    let has = |chosen: &BTreeMap<(usize, usize), &str>, e: &Edit| {
        chosen.get(&(e.range.start, e.range.end)) == Some(&e.text.as_str())
    };
    for f in fixes {
        let fix = f.fix.as_ref().unwrap();
        if taken.contains(&fix.edits.as_ptr()) || !disjoint(&fix.edits) {
            continue;
        }
        let new: Vec<&Edit> = fix.edits.iter().filter(|e| !has(&chosen, e)).collect();
        if new.is_empty() {
            continue;
        }
        let clash = new.iter().any(|e| {
            let before = chosen
                .range(..(e.range.start, 0))
                .next_back()
                .is_some_and(|(&(s, end), _)| overlaps(&(s..end), &e.range));
            let inside = chosen
                .range((e.range.start, 0)..(e.range.end.max(e.range.start + 1), 0))
                .any(|(&(s, end), _)| overlaps(&(s..end), &e.range));
            before || inside
        })
            // Each fix checked that its names were free before any other
            // fix of this round ran; the next round sees them taken.
            || fix.introduces.iter().any(|n| declared.contains(&n.as_str()));
        if !clash {
            for e in new {
                chosen.insert((e.range.start, e.range.end), e.text.as_str());
            }
            taken.insert(fix.edits.as_ptr());
            declared.extend(fix.introduces.iter().map(String::as_str));
        }
    }
    chosen
        .into_iter()
        .map(|((start, end), text)| Edit {
            range: start..end,
            text: text.to_string(),
        })
        .collect()
}

/// Applies non-overlapping edits sorted by position.
pub fn apply(src: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&src[at..e.range.start]);
        out.push_str(&e.text);
        at = e.range.end;
    }
    out.push_str(&src[at..]);
    out
}

/// Syntax errors and missing nodes in a tree: what a round of fixes must
/// not add to.
fn errors(tree: &Tree) -> usize {
    let mut n = 0;
    let mut c = tree.walk();
    loop {
        let node = c.node();
        if node.is_error() || node.is_missing() {
            n += 1;
        }
        if node.has_error() && c.goto_first_child() {
            continue;
        }
        while !c.goto_next_sibling() {
            if !c.goto_parent() {
                return n;
            }
        }
    }
}

fn error_count(src: &str, lang: Lang) -> usize {
    parse(src, lang, None).map_or(0, |t| errors(&t))
}

/// `tree` (the tree of `old`) told of `edits` (sorted, disjoint), ready to
/// parse the text they make from it.
fn edited(tree: &Tree, old: &str, edits: &[Edit]) -> Tree {
    let lines: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', old.as_bytes()).map(|i| i + 1))
        .collect();
    let point = |at: usize| {
        let row = lines.partition_point(|&s| s <= at) - 1;
        Point {
            row,
            column: at - lines[row],
        }
    };
    let mut edited = tree.clone();
    // Last edit first: the text before each edit is still that of `old`.
    for e in edits.iter().rev() {
        let start = point(e.range.start);
        let added = e.text.as_bytes();
        let new_end_position = match memchr::memrchr(b'\n', added) {
            Some(i) => Point {
                row: start.row + memchr::memchr_iter(b'\n', added).count(),
                column: added.len() - i - 1,
            },
            None => Point {
                row: start.row,
                column: start.column + added.len(),
            },
        };
        edited.edit(&InputEdit {
            start_byte: e.range.start,
            old_end_byte: e.range.end,
            new_end_byte: e.range.start + added.len(),
            start_position: start,
            old_end_position: point(e.range.end),
            new_end_position,
        });
    }
    edited
}

/// The tree of `new`, which is `old` with `edits` applied, parsed reusing
/// `tree`, the tree of `old`. Error recovery can differ when reusing a
/// tree, so a result with an error is parsed afresh: what a round counts
/// and finds never depends on the rounds before it.
fn reparse(tree: &Tree, old: &str, new: &str, edits: &[Edit], lang: Lang) -> Option<Tree> {
    match parse(new, lang, Some(&edited(tree, old, edits))) {
        Some(t) if !t.root_node().has_error() => Some(t),
        _ => parse(new, lang, None),
    }
}

/// Applies every fix, round after round, until no fixable finding is left
/// or a round changes nothing. A round whose result parses worse than its
/// input is redone fix by fix, keeping those that do not make it worse.
/// Returns the fixed text, or `None` when nothing changed. Each round's
/// tree is parsed from the last one's, so a round costs one incremental
/// parse and one analysis.
pub fn fix_all(src: &str, lang: Lang, settings: &Settings) -> Option<String> {
    rounds(src, None, lang, settings).map(|(text, _)| text)
}

/// [`fix_all`] of a text whose tree is at hand (an open document's), which
/// saves the first round its parse.
pub fn fix_all_parsed(src: &str, tree: &Tree, lang: Lang, settings: &Settings) -> Option<String> {
    rounds(src, Some(tree.clone()), lang, settings).map(|(text, _)| text)
}

/// [`fix_all`], with the findings left in the fixed text.
pub fn fix_all_and_rest(
    src: &str,
    lang: Lang,
    settings: &Settings,
) -> Option<(String, Vec<Finding>)> {
    let (text, rest) = rounds(src, None, lang, settings)?;
    let rest = rest.unwrap_or_else(|| analyze_source(&text, lang, settings));
    Some((text, rest))
}

/// The rounds of [`fix_all`], from `src` and its tree if known: the fixed
/// text, and its findings when the last round analysed it (it did unless
/// the rounds ran out).
fn rounds(
    src: &str,
    tree: Option<Tree>,
    lang: Lang,
    settings: &Settings,
) -> Option<(String, Option<Vec<Finding>>)> {
    // Past the budget, what the finished rounds fixed is kept.
    let deadline = Instant::now() + limits::budget().fix;
    let mut text = src.to_string();
    let grammar = lang.is_grammar() && limits::oversized(src, settings).is_none();
    let mut tree = match tree {
        Some(t) if grammar => Some(t),
        _ if grammar => parse(&text, lang, None),
        _ => None,
    };
    let mut rest = None;
    for _ in 0..MAX_ROUNDS {
        if Instant::now() >= deadline {
            tracing::warn!("fix-all stopped after its time budget");
            break;
        }
        let findings = match &tree {
            Some(t) => analyze(t, &text, lang, settings),
            None => analyze_source(&text, lang, settings),
        };
        let edits = merge(&findings);
        if edits.is_empty() {
            rest = Some(findings);
            break;
        }
        let mut next = apply(&text, &edits);
        let mut next_tree = tree
            .as_ref()
            .and_then(|t| reparse(t, &text, &next, &edits, lang));
        let base = tree.as_ref().map_or(0, errors);
        if next_tree.as_ref().is_some_and(|t| errors(t) > base) {
            // Keep each fix that, with those kept before it, parses no
            // worse: one round still applies every harmless fix, so the
            // result settles.
            let mut kept: Vec<Finding> = Vec::new();
            for f in findings.iter().filter(|f| f.fix.is_some()) {
                if Instant::now() >= deadline {
                    break;
                }
                kept.push(f.clone());
                let candidate = apply(&text, &merge(&kept));
                if error_count(&candidate, lang) > base {
                    kept.pop();
                }
            }
            next = apply(&text, &merge(&kept));
            next_tree = parse(&next, lang, None);
        }
        if next == text {
            rest = Some(findings);
            break;
        }
        text = next;
        tree = next_tree.filter(|_| limits::oversized(&text, settings).is_none());
    }
    (text != src).then_some((text, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ending_follows_the_file() {
        assert_eq!(line_ending("a\r\nb\r\n"), "\r\n");
        assert_eq!(line_ending("a\nb\n"), "\n");
        assert_eq!(line_ending("one line"), "\n");
    }

    fn nodes(tree: &Tree) -> Vec<(String, usize, usize, Point, Point)> {
        let mut out = Vec::new();
        let mut c = tree.walk();
        loop {
            let n = c.node();
            out.push((
                n.kind().to_string(),
                n.start_byte(),
                n.end_byte(),
                n.start_position(),
                n.end_position(),
            ));
            if c.goto_first_child() {
                continue;
            }
            while !c.goto_next_sibling() {
                if !c.goto_parent() {
                    return out;
                }
            }
        }
    }

    #[test]
    fn a_round_parsed_from_the_last_equals_a_fresh_parse() {
        let block = "const b = a({ k: 1 });\n\nfunction f() {\n  return b;\n}\nf(`${b}`);\n";
        let old = format!("import {{ a }} from 'x';\n{}", block.repeat(40));
        let at = |s: &str| old.find(s).unwrap();
        let edit = |start: usize, end: usize, text: &str| Edit {
            range: start..end,
            text: text.to_string(),
        };
        // Lines added and removed before later edits, an edit at the very
        // end, and one that joins lines; most statements are reused.
        let edits = vec![
            edit(at("{ a }"), at("{ a }") + 5, "{\n  a,\n  c,\n}"),
            edit(at("k: 1"), at("k: 1") + 4, "key: 1"),
            edit(at("\n\nfunction"), at("\n\nfunction") + 2, " "),
            edit(at("return b"), at("return b") + 8, "return [\n    b,\n  ]"),
            edit(old.len(), old.len(), "f();\n"),
        ];
        let new = apply(&old, &edits);
        let tree = parse(&old, Lang::TypeScript, None).unwrap();
        let re = parse(&new, Lang::TypeScript, Some(&edited(&tree, &old, &edits))).unwrap();
        let fresh = parse(&new, Lang::TypeScript, None).unwrap();
        assert!(!fresh.root_node().has_error());
        assert_eq!(nodes(&re), nodes(&fresh));
    }

    #[test]
    fn what_is_left_after_fixing_is_what_an_analysis_finds() {
        // Fixable findings and ones without a fix (`users` held and paged).
        let src = "import { clerkClient, setClerkApiKey } from '@clerk/clerk-sdk-node';\n\
setClerkApiKey('k');\n\
const users = await clerkClient.users.getUserList({ limit: 10 });\n\
users.map((u) => u.profileImageUrl);\n\
users.length;\n";
        let s = Settings::default();
        let show = |fs: &[Finding]| -> Vec<(&str, Range<usize>, std::sync::Arc<str>, bool)> {
            fs.iter()
                .map(|f| {
                    (
                        f.rule.id,
                        f.range.clone(),
                        f.message.clone(),
                        f.fix.is_some(),
                    )
                })
                .collect()
        };
        let (fixed, rest) = fix_all_and_rest(src, Lang::TypeScript, &s).unwrap();
        assert_eq!(Some(&fixed), fix_all(src, Lang::TypeScript, &s).as_ref());
        assert!(!rest.is_empty());
        assert_eq!(
            show(&rest),
            show(&analyze_source(&fixed, Lang::TypeScript, &s))
        );
    }

    #[test]
    fn fix_all_settles_in_one_call() {
        let src = "import { createClerkClient } from '@clerk/clerk-sdk-node/esm/instance';\n\
createClerkClient({ apiKey: 'a' });\ncreateClerkClient({ apiKey });\n";
        let s = Settings::default();
        let once = fix_all(src, Lang::TypeScript, &s).unwrap();
        assert_eq!(
            once,
            "import { createClerkClient } from '@clerk/clerk-sdk-node';\n\
createClerkClient({ secretKey: 'a' });\ncreateClerkClient({ secretKey: apiKey });\n"
        );
        assert_eq!(fix_all(&once, Lang::TypeScript, &s), None);
    }
}
