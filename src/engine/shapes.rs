//! The syntax around a node, for rules whose patterns anchor on one leaf
//! (a method or key name) instead of describing the whole expression.
//!
//! Compiling a query pattern costs in proportion to the parse states its
//! parent nodes can appear in, and calls and member accesses appear almost
//! everywhere: a pattern nested three levels under `call_expression` took
//! more compile time than a dozen flat ones, and compiling was most of the
//! server's start-up. A leaf pattern filtered by its text costs nearly
//! nothing to compile, and the few nodes it matches are checked here.
use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::Node;

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// `parent` when `node` is its `field`.
fn parent_by<'t>(node: Node<'t>, kind: &str, field: &str) -> Option<Node<'t>> {
    node.parent()
        .filter(|p| p.kind() == kind && p.child_by_field_name(field) == Some(node))
}

/// The call `x.name(..)` whose callee's property is `name`.
pub fn method_call(name: Node) -> Option<Node> {
    let member = parent_by(name, "member_expression", "property")?;
    parent_by(member, "call_expression", "function")
}

/// The call whose first argument is `obj`, when the callee is `x.m(..)`:
/// (the call, the property `m`).
fn first_argument_of_method(obj: Node) -> Option<(Node, Node)> {
    let args = obj.parent().filter(|p| p.kind() == "arguments")?;
    if args.named_child(0) != Some(obj) {
        return None;
    }
    let call = parent_by(args, "call_expression", "arguments")?;
    let callee = call
        .child_by_field_name("function")
        .filter(|f| f.kind() == "member_expression")?;
    let method = callee
        .child_by_field_name("property")
        .filter(|p| p.kind() == "property_identifier")?;
    Some((call, method))
}

/// Where a list method's result is still used as an array, returning the
/// node to report. `name` is the method's property name in `x.name(..)`.
pub fn list_result<'t>(name: Node<'t>, how: &str, src: &str) -> Option<Node<'t>> {
    let call = method_call(name)?;
    if how == "then" {
        return then_parameter(call, src);
    }
    let awaited = call.parent().filter(|p| p.kind() == "await_expression")?;
    let holder = awaited.parent()?;
    match how {
        // `const users = await list()`, `const [first] = await list()`
        "declared" | "destructured" => {
            let decl = parent_by(awaited, "variable_declarator", "value")?;
            let target = decl.child_by_field_name("name")?;
            let want = if how == "declared" {
                "identifier"
            } else {
                "array_pattern"
            };
            (target.kind() == want).then_some(target)
        }
        // `(await list()).map(..)`, not `(await list()).data`
        "member" => {
            let member = parent_by(holder, "member_expression", "object")
                .filter(|_| holder.kind() == "parenthesized_expression")?;
            let prop = member
                .child_by_field_name("property")
                .filter(|p| p.kind() == "property_identifier")?;
            (!matches!(text(prop, src), "data" | "totalCount")).then_some(holder)
        }
        // `(await list())[0]`
        "subscript" => parent_by(holder, "subscript_expression", "object")
            .filter(|_| holder.kind() == "parenthesized_expression")
            .map(|_| holder),
        // `for (const x of await list())`
        "for-of" => parent_by(awaited, "for_in_statement", "right").map(|_| awaited),
        _ => None,
    }
}

/// `list().then((users) => ..)`: the callback's first parameter, or the name
/// inside it (a TypeScript parameter wraps the name; so do a default and a
/// rest). Only plain ASCII names, which is what the fix can rewrite.
fn then_parameter<'t>(call: Node<'t>, src: &str) -> Option<Node<'t>> {
    let then = parent_by(call, "member_expression", "object")?;
    let prop = then
        .child_by_field_name("property")
        .filter(|p| p.kind() == "property_identifier")?;
    if text(prop, src) != "then" {
        return None;
    }
    let outer = parent_by(then, "call_expression", "function")?;
    let callback = outer
        .child_by_field_name("arguments")
        .filter(|a| a.kind() == "arguments")?
        .named_child(0)?;
    let plain = |n: &Node| {
        let t = text(*n, src).as_bytes();
        t.first()
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'$')
            && t.iter()
                .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
    };
    if callback.kind() == "arrow_function" {
        if let Some(p) = callback
            .child_by_field_name("parameter")
            .filter(|p| p.kind() == "identifier")
        {
            return Some(p).filter(plain);
        }
    } else if callback.kind() != "function_expression" {
        return None;
    }
    let first = callback
        .child_by_field_name("parameters")
        .filter(|p| p.kind() == "formal_parameters")?
        .named_child(0)?;
    if plain(&first) {
        return Some(first);
    }
    first
        .named_child(0)
        .filter(|n| n.kind() == "identifier")
        .filter(plain)
}

/// Whether `key` names an option in the object literal passed first to a
/// method call, `x.m({ key: .. })` or `x.m({ key })`, or is the text of a
/// quoted key there: returns the method's property node.
pub fn first_argument_key(key: Node) -> Option<Node> {
    let entry = match key.kind() {
        "shorthand_property_identifier" => key,
        "property_identifier" => parent_by(key, "pair", "key")?,
        "string_fragment" => {
            let string = key.parent().filter(|p| p.kind() == "string")?;
            parent_by(string, "pair", "key")?
        }
        _ => return None,
    };
    let obj = entry.parent().filter(|p| p.kind() == "object")?;
    first_argument_of_method(obj).map(|(_, method)| method)
}

/// `user.update({ password })` on a receiver named like a user object:
/// returns the `update` property. `key` is the `password` key or shorthand.
pub fn password_update<'t>(key: Node<'t>, src: &str) -> Option<Node<'t>> {
    static USER: OnceLock<Regex> = OnceLock::new();
    let entry = match key.kind() {
        "shorthand_property_identifier" => key,
        "property_identifier" => parent_by(key, "pair", "key")?,
        _ => return None,
    };
    let obj = entry.parent().filter(|p| p.kind() == "object")?;
    let (call, method) = first_argument_of_method(obj)?;
    if text(method, src) != "update" {
        return None;
    }
    let receiver = call
        .child_by_field_name("function")?
        .child_by_field_name("object")
        .filter(|o| o.is_named())?;
    let user = USER.get_or_init(|| Regex::new("(^|[.])([a-z]+U|u)ser[!?]?$").unwrap());
    user.is_match(text(receiver, src)).then_some(method)
}
