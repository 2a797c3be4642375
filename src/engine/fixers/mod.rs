//! Fixes that are more than a rename: a rule names a fixer (`[fix] fixer`
//! in its toml, or `(#set! fix.fixer "..")` on a pattern) and the fixer
//! computes the edits from the finding, the match's captures and the file.
//! A fixer returns `None` when no rewrite is safe here; the finding's
//! message then tells the user what to do.
//!
//! Fixers read beyond their own statement (other references of an imported
//! name, which names are free, every setter of the module), so fixes are only
//! computed by a whole-file analysis (`Fixes::Compute`), never shifted along
//! by the incremental path.
mod default_import;
mod exports;
mod imports;
mod lists;
mod options;
mod pagination;
pub mod publishable;
mod setters;

use crate::engine::fields::Field;
use std::ops::Range;

use tree_sitter::{Node, QueryCapture, Tree};

use super::{facts::Facts, lang::Lang, Edit, Fix, Rule};

/// Every fixer a rule may name; the rule tests check the names against it.
pub const FIXERS: &[&str] = &[
    "setters",
    "default-import",
    "instance-path",
    "list-result",
    "pagination",
    "middleware-option",
    "frontend-api-host",
    "publishable-key",
    "removed-export",
];

/// What fixers work out once per analysis rather than once per finding:
/// the setters' plan for the module, each default-import rewrite (every use
/// of the import is a finding with the same fix), and whether the tree is
/// too deep for fixes at all.
#[derive(Default)]
pub struct Memo {
    setters: std::cell::OnceCell<Option<setters::Plan>>,
    rewrites: std::cell::RefCell<std::collections::HashMap<Range<usize>, Option<Fix>>>,
    too_deep: std::cell::OnceCell<bool>,
}

impl Memo {
    /// Whether fixes may be computed in `tree`: asked at the first finding,
    /// so files without findings never pay for the depth walk.
    pub fn fixes_allowed(&self, tree: &Tree) -> bool {
        let deep = *self.too_deep.get_or_init(|| {
            let deep = super::limits::deeper_than(tree, super::limits::MAX_FIX_DEPTH);
            if deep {
                tracing::info!(
                    "no fixes: the syntax tree nests deeper than {} levels",
                    super::limits::MAX_FIX_DEPTH
                );
            }
            deep
        });
        !deep
    }
}

/// What a fixer sees of one match.
pub struct Ctx<'a, 't> {
    pub rule: &'static Rule,
    /// The `@finding` node.
    pub node: Node<'t>,
    /// The finding's range (part of `node` for `finding.text` patterns).
    pub range: Range<usize>,
    pub captures: &'a [QueryCapture<'t>],
    pub capture_names: &'a [&'a str],
    pub src: &'a str,
    pub tree: &'t Tree,
    pub lang: Lang,
    pub facts: &'a Facts,
    /// Variables the predicates bound (`fn`, `export`, `module`).
    pub vars: &'a [(&'static str, String)],
    pub memo: &'a Memo,
}

impl<'t> Ctx<'_, 't> {
    pub fn capture(&self, name: &str) -> Option<Node<'t>> {
        self.captures
            .iter()
            .find(|c| self.capture_names.get(c.index as usize) == Some(&name))
            .map(|c| c.node)
    }

    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self, n: Node) -> &str {
        text(n, self.src)
    }

    pub fn nl(&self) -> &'static str {
        super::fixes::line_ending(self.src)
    }
}

/// The fix of one match: the named fixer's, or the declarative rename.
pub(crate) fn fix(
    cx: &Ctx,
    fixer: Option<&str>,
    rename: Option<&str>,
    expand: &dyn Fn(&str) -> String,
) -> Option<Fix> {
    let spec = cx.rule.fix.as_ref();
    if let Some(name) = fixer.or(spec.and_then(|s| s.fixer.as_deref())) {
        // A pattern's own rename wins over the rule's fixer.
        if rename.is_none() {
            // Edits that overlap (a fixer meeting text it did not foresee)
            // are no fix at all.
            return run(name, cx).filter(|f| super::fixes::disjoint(&f.edits));
        }
    }
    let new = rename.or(spec.and_then(|s| s.rename.as_deref()))?;
    rename_fix(cx, new, expand)
}

fn run(name: &str, cx: &Ctx) -> Option<Fix> {
    match name {
        "setters" => setters::fix(cx),
        "default-import" => default_import::fix(cx),
        "instance-path" => default_import::fix_path(cx),
        "list-result" => lists::fix(cx),
        "pagination" => pagination::fix(cx),
        "middleware-option" => options::drop_middleware_option(cx),
        "frontend-api-host" => options::frontend_api_host(cx),
        "publishable-key" => options::add_publishable_key(cx),
        "removed-export" => exports::fix(cx),
        _ => None,
    }
}

fn rename_fix(cx: &Ctx, new: &str, expand: &dyn Fn(&str) -> String) -> Option<Fix> {
    let old = cx.src.get(cx.range.clone())?;
    // `{ apiKey }` must keep meaning the same variable: `{ secretKey: apiKey }`.
    let text = match cx.node.kind() {
        "shorthand_property_identifier" | "shorthand_property_identifier_pattern" => {
            format!("{new}: {old}")
        }
        _ => new.to_string(),
    };
    let title = cx
        .rule
        .fix
        .as_ref()
        .and_then(|s| s.title.as_deref())
        .map(|t| expand(&t.replace("{new}", new)))
        .unwrap_or_else(|| format!("Rename `{old}` to `{new}`"));
    Some(Fix {
        title,
        edits: vec![Edit {
            range: cx.range.clone(),
            text,
        }]
        .into(),
        introduces: Vec::new(),
    })
}

pub(crate) fn text<'a>(n: Node, src: &'a str) -> &'a str {
    src.get(n.byte_range()).unwrap_or("")
}

/// Whether `b` can be part of a name (ASCII letters, digits, `_`, `$`).
pub(crate) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Offsets of `name` as a whole word in `src`.
pub(crate) fn word_hits<'a>(src: &'a str, name: &'a str) -> impl Iterator<Item = usize> + 'a {
    let bytes = src.as_bytes();
    memchr::memmem::find_iter(bytes, name.as_bytes()).filter(move |&at| {
        let end = at + name.len();
        let joined_before = at > 0 && is_word(bytes[at - 1]);
        let joined_after = end < bytes.len() && is_word(bytes[end]);
        !joined_before && !joined_after
    })
}

/// How an identifier occurrence relates to the name it spells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Occurrence {
    /// It declares a binding of that name.
    Declaration,
    /// It reads the binding (including `{ name }` in an object literal).
    Reference,
    /// Not the binding at all: a property name, a type, text.
    Other,
}

pub(crate) fn occurrence(node: Node) -> Occurrence {
    match node.kind() {
        "shorthand_property_identifier_pattern" => return Occurrence::Declaration,
        "shorthand_property_identifier" => return Occurrence::Reference,
        "identifier" => {}
        _ => return Occurrence::Other,
    }
    let Some(p) = node.parent() else {
        return Occurrence::Reference;
    };
    let field = |f: &'static str| p.field(f) == Some(node);
    let declares = match p.kind() {
        "variable_declarator" => field("name"),
        "function_declaration"
        | "function_expression"
        | "generator_function_declaration"
        | "generator_function"
        | "class_declaration"
        | "class" => field("name"),
        "required_parameter" | "optional_parameter" => field("pattern"),
        "formal_parameters" | "array_pattern" | "rest_pattern" | "import_clause" => true,
        "arrow_function" => field("parameter"),
        "catch_clause" => field("parameter"),
        "pair_pattern" => field("value"),
        "assignment_pattern" | "object_assignment_pattern" => field("left"),
        "import_specifier" => {
            p.field("alias") == Some(node) || (p.field("alias").is_none() && field("name"))
        }
        "namespace_import" => true,
        "import_require_clause" => true,
        _ => false,
    };
    if declares {
        return Occurrence::Declaration;
    }
    match p.kind() {
        // `export { x }` names a local binding, `export { x } from` does not.
        "export_specifier" => {
            let from = p
                .parent()
                .and_then(|c| c.parent())
                .is_some_and(|s| s.kind() == "export_statement" && s.field("source").is_some());
            if from {
                Occurrence::Other
            } else {
                Occurrence::Reference
            }
        }
        "import_specifier" => Occurrence::Other,
        _ => Occurrence::Reference,
    }
}

/// Every occurrence of `name` in code, classified.
pub(crate) fn occurrences<'t>(
    tree: &'t Tree,
    src: &str,
    name: &str,
) -> Vec<(Node<'t>, Occurrence)> {
    let root = tree.root_node();
    word_hits(src, name)
        .filter_map(|at| root.descendant_for_byte_range(at, at + name.len()))
        .filter(|n| n.byte_range().len() == name.len())
        .map(|n| (n, occurrence(n)))
        .filter(|(_, o)| *o != Occurrence::Other)
        .collect()
}

/// Whether `name` may already mean something in the file, judged from the
/// text alone so that it never depends on how an edit left the parse: any
/// whole-word mention counts (comments too), except inside a module path
/// (`@clerk/clerk-sdk-node`) and after a property dot.
pub(crate) fn name_in_use(src: &str, name: &str) -> bool {
    let b = src.as_bytes();
    word_hits(src, name).any(|at| {
        let end = at + name.len();
        let before = at.checked_sub(1).map(|i| b[i]);
        let after = b.get(end).copied();
        let spread = at >= 3 && &b[at - 3..at] == b"...";
        let in_path =
            matches!(before, Some(b'@' | b'/' | b'-')) || matches!(after, Some(b'/' | b'-'));
        let property = before == Some(b'.') && !spread;
        !in_path && !property
    })
}

/// Start of the line holding `at`.
pub(crate) fn line_start(src: &str, at: usize) -> usize {
    src[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Offset just past the line break ending the line that holds `at` (or
/// the end of the text).
pub(crate) fn line_end(src: &str, at: usize) -> usize {
    src[at..].find('\n').map_or(src.len(), |i| at + i + 1)
}

/// The whitespace that starts the line holding `at`.
pub(crate) fn indent_at(src: &str, at: usize) -> &str {
    let start = line_start(src, at);
    let rest = &src[start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// The range that deletes a statement: its whole lines (with a trailing
/// line comment) when it stands alone on them, else the statement and the
/// spaces that follow it.
pub(crate) fn statement_removal(src: &str, stmt: Node) -> Range<usize> {
    let (start, end) = (stmt.start_byte(), stmt.end_byte());
    let ls = line_start(src, start);
    let alone_before = src[ls..start].trim().is_empty();
    let le = line_end(src, end);
    let after = src[end..le].trim_end_matches(['\n', '\r']).trim();
    let alone_after = after.is_empty() || (after.starts_with("//") && !after.contains("*/"));
    if alone_before && alone_after {
        return ls..le;
    }
    let spaces = src[end..].len() - src[end..].trim_start_matches([' ', '\t']).len();
    start..end + spaces
}

/// Widens adjacent whole-line removals so that deleting a block between two
/// blank lines does not leave two blank lines behind.
pub(crate) fn collapse_blank_lines(src: &str, ranges: &mut [Range<usize>]) {
    ranges.sort_by_key(|r| r.start);
    let blank = |s: usize, e: usize| src[s..e].trim().is_empty();
    let mut i = 0;
    while i < ranges.len() {
        let mut j = i;
        while j + 1 < ranges.len() && ranges[j].end == ranges[j + 1].start {
            j += 1;
        }
        let (start, end) = (ranges[i].start, ranges[j].end);
        let whole_lines =
            line_start(src, start) == start && (end == src.len() || src[..end].ends_with('\n'));
        if whole_lines && end < src.len() {
            let next_end = line_end(src, end);
            let before_blank = start == 0 || {
                let prev = line_start(src, start - 1);
                blank(prev, start)
            };
            if before_blank && blank(end, next_end) {
                ranges[j].end = next_end;
            }
        }
        i = j + 1;
    }
}

/// `expr` without parentheses, `!`, `as T` and an empty-string fallback
/// (`?? ''`, `|| ''`): what is left is the value that matters.
fn strip_value<'t>(mut expr: Node<'t>, src: &str) -> Node<'t> {
    loop {
        let next = match expr.kind() {
            "parenthesized_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression" => expr.named_child(0),
            "binary_expression" => {
                let op = expr.field("operator").map(|o| text(o, src));
                let right = expr.field("right");
                let empty = right.is_some_and(|r| matches!(text(r, src), "''" | "\"\"" | "``"));
                if matches!(op, Some("??" | "||")) && empty {
                    expr.field("left")
                } else {
                    None
                }
            }
            _ => None,
        };
        match next {
            Some(n) => expr = n,
            None => return expr,
        }
    }
}

/// The variable an expression reads from `process.env` (`process.env.X`,
/// `process.env['X']`, with `!`, `?? ''` and the like), if that is all it does.
pub(crate) fn env_read<'s>(expr: Node, src: &'s str) -> Option<&'s str> {
    let e = strip_value(expr, src);
    let (obj, name) = match e.kind() {
        "member_expression" => {
            let p = e.field("property")?;
            (e.field("object")?, text(p, src))
        }
        "subscript_expression" => {
            let i = e.field("index")?;
            (e.field("object")?, string_value(i, src)?)
        }
        _ => return None,
    };
    (matches!(text(obj, src), "process.env" | "import.meta.env")).then_some(name)
}

/// The value of a plain string literal (no escapes, no substitutions).
pub(crate) fn string_value<'s>(node: Node, src: &'s str) -> Option<&'s str> {
    let t = text(node, src);
    match node.kind() {
        "string" => {
            let inner = t.get(1..t.len().checked_sub(1)?)?;
            (!inner.contains('\\')).then_some(inner)
        }
        "template_string" => {
            let inner = t.get(1..t.len().checked_sub(1)?)?;
            (!inner.contains('\\') && !inner.contains("${")).then_some(inner)
        }
        _ => None,
    }
}

/// Whether the file is an ES module (has `import` or `export` statements).
pub(crate) fn is_esm(tree: &Tree) -> bool {
    let root = tree.root_node();
    let mut c = root.walk();
    let found = root
        .named_children(&mut c)
        .any(|n| matches!(n.kind(), "import_statement" | "export_statement"));
    found
}

pub use setters::is_setter_client;

/// Drops the fix of every finding whose edits reach into a suppressed
/// finding of the same rule: an ignore comment keeps its line as it is,
/// even from a fix that rewrites several places at once.
pub(crate) fn forget_fixes_over(
    findings: &mut [super::Finding],
    suppressed: &[(&'static str, Range<usize>)],
) {
    if suppressed.is_empty() {
        return;
    }
    // Per rule: suppressed ranges by start, with the furthest end so far,
    // so that "does any of them reach this edit" is one binary search.
    let mut by_rule: std::collections::HashMap<&str, Vec<(usize, usize)>> = Default::default();
    for (rule, r) in suppressed {
        by_rule.entry(rule).or_default().push((r.start, r.end));
    }
    for rs in by_rule.values_mut() {
        rs.sort_unstable();
        let mut reach = 0;
        for r in rs.iter_mut() {
            reach = reach.max(r.1);
            r.1 = reach;
        }
    }
    // Suppressed findings do not overlap much; a shared fix is judged once.
    let mut judged: std::collections::HashMap<(&str, *const Edit), bool> = Default::default();
    for f in findings.iter_mut() {
        let Some(fix) = &f.fix else { continue };
        let Some(rs) = by_rule.get(f.rule.id) else {
            continue;
        };
        let hits = *judged
            .entry((f.rule.id, fix.edits.as_ptr()))
            .or_insert_with(|| {
                fix.edits.iter().any(|e| {
                    let upto = rs.partition_point(|r| r.0 <= e.range.end);
                    upto > 0 && rs[upto - 1].1 >= e.range.start
                })
            });
        if hits {
            f.fix = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::parse;

    #[test]
    fn every_named_fixer_exists() {
        for r in crate::engine::catalogue() {
            if let Some(f) = r.fix.as_ref().and_then(|f| f.fixer.as_deref()) {
                assert!(FIXERS.contains(&f), "{}: unknown fixer {f}", r.id);
            }
            if let Some(q) = r.query {
                for part in q.split("fix.fixer \"").skip(1) {
                    let name = part.split('"').next().unwrap();
                    assert!(FIXERS.contains(&name), "{}: unknown fixer {name}", r.id);
                }
            }
        }
    }

    #[test]
    fn env_reads_see_through_fallbacks() {
        let src = "a(process.env.CLERK_API_KEY ?? '', process.env['X']!, (process.env.Y as string), process.env.Z || 'x', env.W);";
        let tree = parse(src, Lang::TypeScript, None).unwrap();
        let call = tree.root_node().child(0).unwrap().child(0).unwrap();
        let args = call.field("arguments").unwrap();
        let mut c = args.walk();
        let got: Vec<Option<&str>> = args
            .named_children(&mut c)
            .map(|a| env_read(a, src))
            .collect();
        assert_eq!(
            got,
            [Some("CLERK_API_KEY"), Some("X"), Some("Y"), None, None]
        );
    }

    #[test]
    fn statement_removal_takes_whole_lines_only_when_alone() {
        let src = "a();\n  b(); // why\nc(); d();\n";
        let tree = parse(src, Lang::JavaScript, None).unwrap();
        let root = tree.root_node();
        let r = |i| statement_removal(src, root.named_child(i).unwrap());
        assert_eq!(&src[r(0)], "a();\n");
        assert_eq!(&src[r(1)], "  b(); // why\n");
        assert_eq!(&src[r(3)], "c(); ");
    }
}
