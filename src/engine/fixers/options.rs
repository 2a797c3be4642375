//! Options of the Clerk functions: a key the middlewares no longer take,
//! a frontend API host that becomes a publishable key, and the publishable
//! key the `createClerkExpress*Auth` factories now need.
use crate::engine::fields::Field;
use tree_sitter::Node;

use super::{env_read, imports, publishable, string_value, text, Ctx};
use crate::engine::{Edit, Fix};

const PUBLISHABLE_KEY_OPTION: &str = "publishableKey: process.env.CLERK_PUBLISHABLE_KEY";

/// The `key: value` pair a key finding belongs to.
fn pair_of(key: Node) -> Option<Node> {
    let mut n = key;
    while n.kind() != "pair" {
        n = n.parent()?;
        if n.kind() == "object" {
            return None;
        }
    }
    Some(n)
}

/// Edits that take `entry` out of its object; a call left with an empty
/// inline options object loses the argument.
fn remove_entry(cx: &Ctx, entry: Node) -> Option<Vec<Edit>> {
    let obj = entry.parent().filter(|o| o.kind() == "object")?;
    match imports::edit_list(obj, cx.src, &[entry], &[], cx.nl())? {
        imports::ListEdit::Edits(e) => Some(e),
        imports::ListEdit::Empty => {
            let args = obj
                .parent()
                .filter(|a| a.kind() == "arguments" && a.named_child_count() == 1);
            Some(vec![match args {
                Some(a) => Edit {
                    range: a.byte_range(),
                    text: "()".to_string(),
                },
                None => Edit {
                    range: obj.byte_range(),
                    text: "{}".to_string(),
                },
            }])
        }
    }
}

/// `ClerkExpressRequireAuth({ apiKey: process.env.CLERK_API_KEY })`: the v5
/// middlewares take no key and read the same variable themselves, so the
/// option goes. Any other value needs a decision.
pub(super) fn drop_middleware_option(cx: &Ctx) -> Option<Fix> {
    let entry = pair_of(cx.node)?;
    let value = entry.field("value")?;
    let option = text(cx.node, cx.src);
    let (vars, reads) = match option {
        "apiKey" => (["CLERK_API_KEY", "CLERK_SECRET_KEY"], "CLERK_SECRET_KEY"),
        "frontendApi" => (
            ["CLERK_FRONTEND_API", "CLERK_PUBLISHABLE_KEY"],
            "CLERK_PUBLISHABLE_KEY",
        ),
        _ => return None,
    };
    if !env_read(value, cx.src).is_some_and(|v| vars.contains(&v)) {
        return None;
    }
    Some(Fix {
        title: format!("Remove `{option}`: v5 reads `{reads}` itself"),
        edits: remove_entry(cx, entry)?.into(),
        introduces: Vec::new(),
    })
}

/// `frontendApi: 'clerk.example.com'` -> `publishableKey: 'pk_live_..'`.
pub(super) fn frontend_api_host(cx: &Ctx) -> Option<Fix> {
    let entry = pair_of(cx.node)?;
    let value = entry.field("value")?;
    let host = string_value(value, cx.src)?;
    let key = publishable::from_frontend_api(host)?;
    let inner = value.start_byte() + 1..value.end_byte() - 1;
    Some(Fix {
        title: "Use `publishableKey`, derived from the frontend API host".to_string(),
        edits: vec![
            Edit {
                range: cx.range.clone(),
                text: "publishableKey".to_string(),
            },
            Edit {
                range: inner,
                text: key,
            },
        ]
        .into(),
        introduces: Vec::new(),
    })
}

/// `createClerkExpressRequireAuth({ clerkClient })` -> `{ clerkClient,
/// publishableKey: process.env.CLERK_PUBLISHABLE_KEY }`, in the inline
/// object or the same-file `const` it is given.
pub(super) fn add_publishable_key(cx: &Ctx) -> Option<Fix> {
    let opts = cx.capture("_opts")?;
    let obj = match opts.kind() {
        "object" => opts,
        "identifier" => cx.facts.const_object(cx.tree, cx.src, text(opts, cx.src))?,
        _ => return None,
    };
    // In text that does not parse, the key added by a previous run may not
    // be seen as a key of this object, and each run would add another.
    if obj.has_error() || opts.parent().is_some_and(|args| args.has_error()) {
        return None;
    }
    let add = [PUBLISHABLE_KEY_OPTION.to_string()];
    let edits = match imports::edit_list(obj, cx.src, &[], &add, cx.nl())? {
        imports::ListEdit::Edits(e) => e,
        imports::ListEdit::Empty => return None,
    };
    Some(Fix {
        title: format!("Pass `{PUBLISHABLE_KEY_OPTION}`"),
        edits: edits.into(),
        introduces: Vec::new(),
    })
}
