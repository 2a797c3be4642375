//! `limit`/`offset` of the client-side paginated methods: `limit` becomes
//! `pageSize`, and `offset` (items to skip) becomes `initialPage` (a 1-based
//! page number): `floor(offset / limit) + 1`, computed when both are number
//! literals. The `limit` and `offset` findings of one call share one fix.
use crate::engine::fields::Field;
use tree_sitter::Node;

use super::{text, Ctx};
use crate::engine::{Edit, Fix};

/// A `limit` or `offset` entry: the entry node, its key node, and the
/// value's text (the variable itself for shorthand).
struct Arg<'t> {
    entry: Node<'t>,
    key: Node<'t>,
    value: Node<'t>,
}

fn key_of<'t>(entry: Node<'t>, src: &str) -> Option<(Node<'t>, &'static str)> {
    let key = match entry.kind() {
        "pair" => entry.field("key")?,
        "shorthand_property_identifier" => entry,
        _ => return None,
    };
    let name = match text(key, src).trim_matches(|c| c == '"' || c == '\'') {
        "limit" => "limit",
        "offset" => "offset",
        _ => return None,
    };
    Some((key, name))
}

/// Whether repeating an expression is harmless: a literal or a name.
fn repeatable(n: Node, src: &str) -> bool {
    match n.kind() {
        "number" | "identifier" | "shorthand_property_identifier" => true,
        "member_expression" => {
            !text(n, src).contains('(') && n.field("object").is_some_and(|o| repeatable(o, src))
        }
        _ => false,
    }
}

/// Whether an expression can stand as an operand of `/` without parentheses.
fn primary(n: Node) -> bool {
    matches!(
        n.kind(),
        "number"
            | "identifier"
            | "shorthand_property_identifier"
            | "member_expression"
            | "subscript_expression"
            | "call_expression"
            | "parenthesized_expression"
    )
}

fn integer(n: Node, src: &str) -> Option<u64> {
    (n.kind() == "number").then(|| text(n, src).replace('_', "").parse().ok())?
}

pub(super) fn fix(cx: &Ctx) -> Option<Fix> {
    let src = cx.src;
    let mut entry = cx.node;
    while !matches!(entry.kind(), "pair" | "shorthand_property_identifier") {
        entry = entry.parent()?;
    }
    let obj = entry.parent().filter(|o| o.kind() == "object")?;
    let mut limit = None;
    let mut offset = None;
    let mut c = obj.walk();
    for e in obj.named_children(&mut c) {
        let Some((key, name)) = key_of(e, src) else {
            continue;
        };
        let value = match e.kind() {
            "pair" => e.field("value")?,
            _ => e,
        };
        let arg = Arg {
            entry: e,
            key,
            value,
        };
        match name {
            "limit" if limit.is_none() => limit = Some(arg),
            "offset" if offset.is_none() => offset = Some(arg),
            // The same key twice: the last one wins at run time; leave it.
            _ => return None,
        }
    }
    let rename = |a: &Arg, new: &str| -> Edit {
        if a.entry.kind() == "shorthand_property_identifier" {
            Edit {
                range: a.entry.byte_range(),
                text: format!("{new}: {}", text(a.entry, src)),
            }
        } else {
            let quoted = text(a.key, src);
            let q = quoted.chars().next().filter(|c| *c == '"' || *c == '\'');
            Edit {
                range: a.key.byte_range(),
                text: match q {
                    Some(q) => format!("{q}{new}{q}"),
                    None => new.to_string(),
                },
            }
        }
    };
    let (edits, title) = match (&limit, &offset) {
        (Some(l), None) => (
            vec![rename(l, "pageSize")],
            "Rename `limit` to `pageSize`".to_string(),
        ),
        (Some(l), Some(o)) => {
            let page = match (integer(l.value, src), integer(o.value, src)) {
                (Some(l), Some(o)) if l > 0 => format!("{}", o / l + 1),
                (Some(0), _) => return None,
                _ => {
                    if !repeatable(l.value, src) {
                        return None;
                    }
                    let off = text(o.value, src);
                    let off = if primary(o.value) {
                        off.to_string()
                    } else {
                        format!("({off})")
                    };
                    format!("Math.floor({off} / {}) + 1", text(l.value, src))
                }
            };
            let mut edits = vec![
                rename(l, "pageSize"),
                Edit {
                    range: o.entry.byte_range(),
                    text: format!("initialPage: {page}"),
                },
            ];
            edits.sort_by_key(|e| e.range.start);
            (
                edits,
                "Use `pageSize` and `initialPage` (a page number)".to_string(),
            )
        }
        // Without `limit` the page size is the method's default, which the
        // code does not say.
        _ => return None,
    };
    Some(Fix {
        title,
        edits: edits.into(),
        introduces: Vec::new(),
    })
}
