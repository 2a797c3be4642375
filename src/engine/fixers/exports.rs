//! Exports v5 removed that have a direct replacement:
//!
//! - the resource APIs (`users`, `organizations`, ...) are properties of the
//!   shared client: `users.getUser(..)` -> `clerkClient.users.getUser(..)`,
//!   with `clerkClient` imported (or reused) in place of the name;
//! - the JWT helpers moved to `@clerk/backend/jwt`: the import moves there
//!   (the whole statement when it imports nothing else).
//!
//! The other removed names have no replacement to write.
use crate::engine::fields::Field;
use tree_sitter::Node;

use super::{imports, name_in_use, occurrences, text, Ctx, Occurrence};
use crate::engine::{facts::Export, Edit, Fix};

const RESOURCES: &[&str] = &[
    "users",
    "sessions",
    "organizations",
    "invitations",
    "clients",
    "allowlistIdentifiers",
    "domains",
    "emailAddresses",
    "phoneNumbers",
];
const JWT: &[&str] = &[
    "decodeJwt",
    "verifyJwt",
    "signJwt",
    "hasValidSignature",
    "SignJwtOptions",
    "VerifyJwtOptions",
];
const JWT_MODULE: &str = "@clerk/backend/jwt";

pub(super) fn fix(cx: &Ctx) -> Option<Fix> {
    let export = cx.var("export")?;
    if cx.node.kind() == "member_expression" {
        return member(cx, export);
    }
    let entry = imports::entry_of(cx.node)?;
    if entry.kind() == "export_specifier" {
        return None;
    }
    let list = entry.parent()?;
    if RESOURCES.contains(&export) {
        resource(cx, export, entry, list)
    } else if JWT.contains(&export) {
        jwt(cx, export, entry, list)
    } else {
        None
    }
}

fn resource(cx: &Ctx, export: &str, entry: Node, list: Node) -> Option<Fix> {
    let src = cx.src;
    let stmt = imports::statement_of(entry);
    let module = &imports::module_of(cx.facts, stmt)?.module;
    // `@clerk/backend` has no shared client to hang the API on.
    if !module.starts_with(imports::ROOT) || imports::is_type_only(stmt, src) {
        return None;
    }
    let local = imports::entry_local(entry, src)?;
    let local_node = match entry.kind() {
        "import_specifier" => entry.field("alias").or_else(|| entry.field("name"))?,
        "pair_pattern" => entry.field("value")?,
        "object_assignment_pattern" => return None,
        _ => entry,
    };
    let occ = occurrences(cx.tree, src, local);
    if occ
        .iter()
        .any(|(n, o)| *o == Occurrence::Declaration && *n != local_node)
    {
        return None;
    }
    let refs: Vec<Node> = occ
        .iter()
        .filter(|(_, o)| *o == Occurrence::Reference)
        .map(|(n, _)| *n)
        .collect();
    // `export { users }` would need a new name to export.
    if refs
        .iter()
        .any(|r| r.parent().is_some_and(|p| p.kind() == "export_specifier"))
    {
        return None;
    }
    let (client, add) = match imports::bound_local(cx.facts, imports::ROOT, "clerkClient") {
        Some(c) => (c, Vec::new()),
        None if name_in_use(src, "clerkClient") => return None,
        None => ("clerkClient".to_string(), vec!["clerkClient".to_string()]),
    };
    let mut edits = imports::edit_statement_list(list, src, &[entry], &add, cx.nl())?;
    for r in refs {
        let to = format!("{client}.{export}");
        edits.push(Edit {
            range: r.byte_range(),
            text: if r.kind() == "shorthand_property_identifier" {
                format!("{local}: {to}")
            } else {
                to
            },
        });
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Some(Fix {
        title: format!("Use `{client}.{export}`"),
        edits: edits.into(),
        introduces: add,
    })
}

fn jwt(cx: &Ctx, export: &str, entry: Node, list: Node) -> Option<Fix> {
    let src = cx.src;
    let stmt = imports::statement_of(entry);
    let spec = imports::module_of(cx.facts, stmt)?.specifier.clone();
    let esm = stmt.kind() == "import_statement";
    let title = format!("Import `{export}` from `{JWT_MODULE}`");
    let mut c = list.walk();
    let entries: Vec<Node> = list
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let only_jwt = entries
        .iter()
        .all(|e| imports::entry_site(*e).is_some_and(|s| JWT.contains(&text(s, src))));
    let has_default = esm
        && stmt
            .named_child(0)
            .is_some_and(|clause| clause.named_child_count() > 1);
    if only_jwt && !has_default {
        // The same edit for every helper of the statement.
        return Some(Fix {
            title,
            edits: vec![Edit {
                range: spec,
                text: JWT_MODULE.to_string(),
            }]
            .into(),
            introduces: Vec::new(),
        });
    }
    let nl = cx.nl();
    let moved = text(entry, src).to_string();
    let mut edits = imports::edit_statement_list(list, src, &[entry], &[], nl)?;
    match imports::list_for_module(cx.facts, cx.tree, src, JWT_MODULE, esm, Some(stmt)) {
        Some(other) => edits.extend(imports::edit_statement_list(other, src, &[], &[moved], nl)?),
        None => {
            let q = imports::quote_of(stmt, src);
            let semi = if text(stmt, src).ends_with(';') {
                ";"
            } else {
                ""
            };
            let line = if esm {
                format!("import {{ {moved} }} from {q}{JWT_MODULE}{q}{semi}")
            } else {
                let kw = text(stmt, src).split_whitespace().next().unwrap_or("const");
                format!("{kw} {{ {moved} }} = require({q}{JWT_MODULE}{q}){semi}")
            };
            edits.push(Edit {
                range: stmt.end_byte()..stmt.end_byte(),
                text: format!("{nl}{line}"),
            });
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    Some(Fix {
        title,
        edits: edits.into(),
        introduces: Vec::new(),
    })
}

/// `sdk.users` on a namespace of the SDK -> `sdk.clerkClient.users`.
fn member(cx: &Ctx, export: &str) -> Option<Fix> {
    if !RESOURCES.contains(&export) {
        return None;
    }
    let m = cx.node;
    let obj = m.field("object")?;
    let prop = m.field("property")?;
    let (module, e) = cx.facts.resolve(obj, cx.src)?;
    if e != Export::Namespace || !module.starts_with(imports::ROOT) {
        return None;
    }
    let ns = text(obj, cx.src);
    Some(Fix {
        title: format!("Use `{ns}.clerkClient.{export}`"),
        edits: vec![Edit {
            range: prop.byte_range(),
            text: format!("clerkClient.{export}"),
        }]
        .into(),
        introduces: Vec::new(),
    })
}
