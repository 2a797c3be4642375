//! Editing `{ .. }` lists (named imports, destructured requires, object
//! literals) and the statements that hold them, keeping the file's layout:
//! a one-line list stays on one line, a list with one entry per line keeps
//! that shape, and a statement left with nothing to import goes away.
use crate::engine::fields::Field;
use tree_sitter::{Node, Tree};

use super::{indent_at, line_end, line_start, statement_removal, text};
use crate::engine::{
    facts::{Export, Facts, ModuleRef},
    Edit,
};

/// The SDK's package root, where v5 exports everything.
pub const ROOT: &str = "@clerk/clerk-sdk-node";

/// The entries of a list: its named children other than comments.
fn entries(list: Node) -> Option<Vec<Node>> {
    let mut c = list.walk();
    let all: Vec<Node> = list.named_children(&mut c).collect();
    // A comment inside the braces has no obvious new home.
    if all.iter().any(|n| n.kind() == "comment") {
        return None;
    }
    Some(all)
}

/// Whether the list has a comma after its last entry.
fn trailing_comma(list: Node, src: &str) -> bool {
    let Some(last) = entries(list).and_then(|e| e.last().copied()) else {
        return false;
    };
    src[last.end_byte()..list.end_byte()].contains(',')
}

/// Whether every entry starts a line of its own (the multi-line layout).
fn one_per_line(list: Node, src: &str, es: &[Node]) -> bool {
    text(list, src).contains('\n')
        && es.iter().all(|e| {
            let ls = line_start(src, e.start_byte());
            src[ls..e.start_byte()].trim().is_empty()
        })
        && es
            .windows(2)
            .all(|w| src[w[0].end_byte()..w[1].start_byte()].contains('\n'))
}

/// What is left of a list after an edit.
pub enum ListEdit {
    /// The list keeps entries: apply these edits.
    Edits(Vec<Edit>),
    /// No entry is left; the caller decides what the statement becomes.
    Empty,
}

/// Removes `remove` from `list` and appends `add` (entry texts).
pub fn edit_list(
    list: Node,
    src: &str,
    remove: &[Node],
    add: &[String],
    nl: &str,
) -> Option<ListEdit> {
    let es = entries(list)?;
    let kept: Vec<Node> = es.iter().copied().filter(|e| !remove.contains(e)).collect();
    if kept.is_empty() && add.is_empty() {
        return Some(ListEdit::Empty);
    }
    if one_per_line(list, src, &es) {
        return edit_lines(list, src, &es, &kept, add, nl).map(ListEdit::Edits);
    }
    if text(list, src).contains('\n') {
        return Some(ListEdit::Edits(vec![rebuild_lines(
            list, src, &es, &kept, add, nl,
        )]));
    }
    // One line: write it again, keeping the padding inside the braces.
    let inner = &text(list, src)[1..];
    let pad = if inner.starts_with(' ') || es.is_empty() {
        " "
    } else {
        ""
    };
    let mut items: Vec<String> = kept.iter().map(|e| text(*e, src).to_string()).collect();
    items.extend(add.iter().cloned());
    let body = if items.is_empty() {
        "{}".to_string()
    } else {
        format!("{{{pad}{}{pad}}}", items.join(", "))
    };
    Some(ListEdit::Edits(vec![Edit {
        range: list.byte_range(),
        text: body,
    }]))
}

/// One entry per line: delete the lines of removed entries, add lines for
/// new ones, and keep the list's trailing-comma style.
fn edit_lines(
    list: Node,
    src: &str,
    es: &[Node],
    kept: &[Node],
    add: &[String],
    nl: &str,
) -> Option<Vec<Edit>> {
    let mut edits = Vec::new();
    let trailing = trailing_comma(list, src);
    for e in es.iter().filter(|e| !kept.contains(e)) {
        let ls = line_start(src, e.start_byte());
        // Through the entry's comma and the rest of its line.
        let after = &src[e.end_byte()..list.end_byte()];
        let comma = after.find(',').filter(|&i| !after[..i].contains('\n'));
        let end = comma.map_or(e.end_byte(), |i| e.end_byte() + i + 1);
        edits.push(Edit {
            range: ls..line_end(src, end),
            text: String::new(),
        });
    }
    if kept.is_empty() {
        // Only new entries: they take the first removed entry's lines (a
        // list without entries, from broken text, has none to take).
        let indent = indent_at(src, es.first()?.start_byte()).to_string();
        let mut body = String::new();
        for (i, a) in add.iter().enumerate() {
            body.push_str(&indent);
            body.push_str(a);
            if i + 1 < add.len() || trailing {
                body.push(',');
            }
            body.push_str(nl);
        }
        edits[0].text = body;
        return Some(edits);
    }
    let last = kept[kept.len() - 1];
    let last_was_removed = es.last().is_some_and(|l| !kept.contains(l));
    {
        let has_comma = src[last.end_byte()..list.end_byte()]
            .split('\n')
            .next()
            .is_some_and(|s| s.contains(','));
        let indent = indent_at(src, last.start_byte()).to_string();
        let mut tail = String::new();
        for (i, a) in add.iter().enumerate() {
            let is_last = i + 1 == add.len();
            tail.push_str(nl);
            tail.push_str(&indent);
            tail.push_str(a);
            if !is_last || trailing {
                tail.push(',');
            }
        }
        if !add.is_empty() {
            // New entries go after the last kept one (and its comma).
            let at = if has_comma {
                last.end_byte() + src[last.end_byte()..].find(',').unwrap_or(0) + 1
            } else {
                last.end_byte()
            };
            let lead = if has_comma { "" } else { "," };
            edits.push(Edit {
                range: at..at,
                text: format!("{lead}{tail}"),
            });
        } else if last_was_removed && has_comma && !trailing {
            // The old last entry had no comma: neither does the new one.
            let i = src[last.end_byte()..].find(',').unwrap_or(0);
            let at = last.end_byte() + i;
            edits.push(Edit {
                range: at..at + 1,
                text: String::new(),
            });
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Some(edits)
}

/// A multi-line list in an irregular layout: one entry per line.
fn rebuild_lines(
    list: Node,
    src: &str,
    es: &[Node],
    kept: &[Node],
    add: &[String],
    nl: &str,
) -> Edit {
    let indent = indent_at(src, es[0].start_byte());
    let indent = if line_start(src, es[0].start_byte()) == line_start(src, list.start_byte()) {
        "  "
    } else {
        indent
    };
    let close = indent_at(src, list.end_byte().saturating_sub(1));
    let trailing = trailing_comma(list, src);
    let mut items: Vec<String> = kept.iter().map(|e| text(*e, src).to_string()).collect();
    items.extend(add.iter().cloned());
    let mut body = String::from("{");
    for (i, it) in items.iter().enumerate() {
        body.push_str(nl);
        body.push_str(indent);
        body.push_str(it);
        if i + 1 < items.len() || trailing {
            body.push(',');
        }
    }
    body.push_str(nl);
    body.push_str(close);
    body.push('}');
    Edit {
        range: list.byte_range(),
        text: body,
    }
}

/// The statement that declares an import or require list entry.
pub fn statement_of(node: Node) -> Node {
    crate::engine::facts::statement_of(node)
}

/// Edits that take `remove` out of the import or require `list` and add
/// `add` to it. A statement left with nothing goes away entirely; an
/// import that keeps its default binding loses only its braces.
pub fn edit_statement_list(
    list: Node,
    src: &str,
    remove: &[Node],
    add: &[String],
    nl: &str,
) -> Option<Vec<Edit>> {
    match edit_list(list, src, remove, add, nl)? {
        ListEdit::Edits(e) => Some(e),
        ListEdit::Empty => {
            let parent = list.parent()?;
            match (list.kind(), parent.kind()) {
                ("named_imports", "import_clause") => {
                    let mut c = parent.walk();
                    let others: Vec<Node> = parent
                        .named_children(&mut c)
                        .filter(|n| *n != list)
                        .collect();
                    match others.last() {
                        // `import Def, { a } from` -> `import Def from`
                        Some(prev) => Some(vec![Edit {
                            range: prev.end_byte()..list.end_byte(),
                            text: String::new(),
                        }]),
                        None => Some(vec![remove_statement(src, statement_of(list))]),
                    }
                }
                ("export_clause", _) => Some(vec![remove_statement(src, statement_of(list))]),
                ("object_pattern", "variable_declarator") => {
                    let decl = parent.parent()?;
                    if decl.named_child_count() != 1 {
                        return None;
                    }
                    Some(vec![remove_statement(src, statement_of(list))])
                }
                _ => None,
            }
        }
    }
}

pub fn remove_statement(src: &str, stmt: Node) -> Edit {
    Edit {
        range: statement_removal(src, stmt),
        text: String::new(),
    }
}

/// The module a Clerk import, `require` or `export .. from` statement
/// brings in, as the binding facts recorded it.
pub fn module_of<'f>(facts: &'f Facts, stmt: Node) -> Option<&'f ModuleRef> {
    facts
        .modules
        .iter()
        .find(|m| m.statement == stmt.byte_range())
}

/// The `{ .. }` list of an import statement or of a destructuring
/// `require`, if it has one.
pub fn list_of(stmt: Node) -> Option<Node> {
    match stmt.kind() {
        "import_statement" => {
            let mut c = stmt.walk();
            let clause = stmt
                .named_children(&mut c)
                .find(|n| n.kind() == "import_clause")?;
            let mut c2 = clause.walk();
            let list = clause
                .named_children(&mut c2)
                .find(|n| n.kind() == "named_imports");
            list
        }
        "lexical_declaration" | "variable_declaration" => {
            if stmt.named_child_count() != 1 {
                return None;
            }
            let decl = stmt.named_child(0)?;
            let name = decl.field("name")?;
            let value = decl.field("value")?;
            (name.kind() == "object_pattern" && is_require(value)).then_some(name)
        }
        _ => None,
    }
}

fn is_require(mut value: Node) -> bool {
    while value.kind() == "await_expression" || value.kind() == "parenthesized_expression" {
        match value.named_child(0) {
            Some(v) => value = v,
            None => return false,
        }
    }
    value.kind() == "call_expression"
        && value
            .field("function")
            .is_some_and(|f| matches!(f.kind(), "identifier" | "import"))
}

/// Whether a statement is an `import type { .. }` (which cannot hold values).
pub fn is_type_only(stmt: Node, src: &str) -> bool {
    stmt.kind() == "import_statement" && text(stmt, src).starts_with("import type")
}

/// An import or destructuring require of `module` that has a `{ .. }`
/// list, other than `except`: where a new name from that module goes.
pub fn list_for_module<'t>(
    facts: &Facts,
    tree: &'t Tree,
    src: &str,
    module: &str,
    esm: bool,
    except: Option<Node>,
) -> Option<Node<'t>> {
    let root = tree.root_node();
    facts
        .modules
        .iter()
        .filter(|m| m.module == module)
        .filter_map(|m| root.descendant_for_byte_range(m.statement.start, m.statement.end))
        .filter(|s| Some(*s) != except)
        .filter(|s| (s.kind() == "import_statement") == esm && !is_type_only(*s, src))
        .find_map(list_of)
}

/// The local name a Clerk export is already bound to in this file, if any.
pub fn bound_local(facts: &Facts, module_prefix: &str, export: &str) -> Option<String> {
    facts
        .bindings
        .iter()
        .filter(|(_, b)| {
            (b.module == module_prefix || b.module.starts_with(&format!("{module_prefix}/")))
                && b.export == Export::Named(export.to_string())
        })
        .map(|(k, _)| k.clone())
        .min()
}

/// The local name of a namespace binding of the SDK (`import * as sdk`,
/// `const sdk = require(..)`), if any.
pub fn namespace_local(facts: &Facts, module: &str) -> Option<String> {
    facts
        .bindings
        .iter()
        .filter(|(_, b)| b.module == module && b.export == Export::Namespace)
        .map(|(k, _)| k.clone())
        .min()
}

/// The list entry that an import or destructuring site belongs to: the
/// `import_specifier`, the shorthand pattern or the `key: value` pair.
pub fn entry_of(site: Node) -> Option<Node> {
    match site.kind() {
        "shorthand_property_identifier_pattern" => {
            let p = site.parent()?;
            Some(if p.kind() == "object_assignment_pattern" {
                p
            } else {
                site
            })
        }
        "identifier" | "property_identifier" | "string" => {
            let p = site.parent()?;
            matches!(
                p.kind(),
                "import_specifier" | "pair_pattern" | "export_specifier"
            )
            .then_some(p)
        }
        _ => None,
    }
}

/// The node an import finding sits on for a list entry: the imported name
/// of an `import_specifier`, the key of a pair, the shorthand itself.
pub fn entry_site(entry: Node) -> Option<Node> {
    match entry.kind() {
        "import_specifier" | "export_specifier" => entry.field("name"),
        "pair_pattern" => entry.field("key"),
        "object_assignment_pattern" => entry.field("left"),
        "shorthand_property_identifier_pattern" => Some(entry),
        _ => None,
    }
}

/// The local name an entry binds.
pub fn entry_local<'s>(entry: Node, src: &'s str) -> Option<&'s str> {
    let n = match entry.kind() {
        "import_specifier" => entry.field("alias").or_else(|| entry.field("name"))?,
        "shorthand_property_identifier_pattern" => entry,
        "object_assignment_pattern" => entry.field("left")?,
        "pair_pattern" => entry.field("value")?,
        _ => return None,
    };
    (n.kind() == "identifier" || n.kind() == "shorthand_property_identifier_pattern")
        .then(|| text(n, src))
}

/// The quote character a statement's module string uses.
pub fn quote_of(stmt: Node, src: &str) -> char {
    text(stmt, src)
        .chars()
        .find(|c| *c == '\'' || *c == '"')
        .unwrap_or('\'')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{fixes::apply, lang::Lang, parse};

    fn run(src: &str, remove: &[&str], add: &[&str]) -> String {
        let tree = parse(src, Lang::TypeScript, None).unwrap();
        let stmt = tree.root_node().named_child(0).unwrap();
        let list = list_of(stmt).unwrap();
        let es = entries(list).unwrap();
        let rm: Vec<Node> = es
            .into_iter()
            .filter(|e| remove.contains(&text(*e, src).split([' ', ':']).next().unwrap()))
            .collect();
        let add: Vec<String> = add.iter().map(|s| s.to_string()).collect();
        let mut edits = edit_statement_list(list, src, &rm, &add, "\n").unwrap();
        edits.sort_by_key(|e| e.range.start);
        apply(src, &edits)
    }

    #[test]
    fn one_line_lists() {
        let s = "import { a, b, c } from 'm';\nx();\n";
        assert_eq!(run(s, &["b"], &[]), "import { a, c } from 'm';\nx();\n");
        assert_eq!(run(s, &["a", "b", "c"], &[]), "x();\n");
        assert_eq!(
            run(s, &["a", "c"], &["d"]),
            "import { b, d } from 'm';\nx();\n"
        );
        assert_eq!(
            run("import D, { a } from 'm';\n", &["a"], &[]),
            "import D from 'm';\n"
        );
        assert_eq!(
            run("const { a, b: c } = require('m');\n", &["b"], &[]),
            "const { a } = require('m');\n"
        );
    }

    #[test]
    fn one_entry_per_line_keeps_its_layout() {
        let s = "import {\n  a,\n  b,\n  c,\n} from 'm';\n";
        assert_eq!(run(s, &["b", "c"], &[]), "import {\n  a,\n} from 'm';\n");
        assert_eq!(
            run(s, &["a"], &["d"]),
            "import {\n  b,\n  c,\n  d,\n} from 'm';\n"
        );
        let no_trailing = "import {\n  a,\n  b\n} from 'm';\n";
        assert_eq!(
            run(no_trailing, &["b"], &[]),
            "import {\n  a\n} from 'm';\n"
        );
        assert_eq!(
            run(no_trailing, &[], &["c"]),
            "import {\n  a,\n  b,\n  c\n} from 'm';\n"
        );
        assert_eq!(
            run(no_trailing, &["a", "b"], &["c"]),
            "import {\n  c\n} from 'm';\n"
        );
    }
}
