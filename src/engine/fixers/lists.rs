//! List results that became `{ data, totalCount }`: the array is taken from
//! `data` where the result is received, so the code after it is unchanged.
//!
//! - `const x = await list()` -> `const { data: x } = await list()`
//! - `const [a] = await list()` -> `const { data: [a] } = await list()`
//! - `(await list()).map(..)` -> `(await list()).data.map(..)`
//! - `for (const x of await list())` -> `for (const x of (await list()).data)`
//! - `list().then((x) => ..)` -> `list().then(({ data: x }) => ..)`
use super::{text, Ctx};
use crate::engine::fields::Field;
use crate::engine::{Edit, Fix};

pub(super) fn fix(cx: &Ctx) -> Option<Fix> {
    let src = cx.src;
    // A TypeScript parameter wraps the name; a typed or defaulted one keeps
    // its meaning only with a new type.
    let n = match cx.node.kind() {
        "required_parameter" => {
            let p = cx.node;
            if p.field("type").is_some() || p.field("value").is_some() {
                return None;
            }
            p.field("pattern")?
        }
        _ => cx.node,
    };
    let p = n.parent()?;
    let edit = match (n.kind(), p.kind()) {
        ("identifier" | "array_pattern", "variable_declarator") => {
            // A type annotation describes the array; it would need to change too.
            if p.field("type").is_some() {
                return None;
            }
            Edit {
                range: n.byte_range(),
                text: format!("{{ data: {} }}", text(n, src)),
            }
        }
        ("parenthesized_expression", "member_expression" | "subscript_expression") => Edit {
            range: n.end_byte()..n.end_byte(),
            text: ".data".to_string(),
        },
        ("await_expression", "for_in_statement") => Edit {
            range: n.byte_range(),
            text: format!("({}).data", text(n, src)),
        },
        ("identifier", "arrow_function") => Edit {
            // `x => ..` has no parentheses to hold a pattern.
            range: n.byte_range(),
            text: format!("({{ data: {} }})", text(n, src)),
        },
        ("identifier", "formal_parameters") => Edit {
            range: n.byte_range(),
            text: format!("{{ data: {} }}", text(n, src)),
        },
        ("identifier", "required_parameter") => {
            if p.field("type").is_some() || p.field("value").is_some() {
                return None;
            }
            Edit {
                range: n.byte_range(),
                text: format!("{{ data: {} }}", text(n, src)),
            }
        }
        _ => return None,
    };
    Some(Fix {
        title: "Take the list from `data`".to_string(),
        edits: vec![edit].into(),
        introduces: Vec::new(),
    })
}
