//! The default export and `Clerk`: v4's root default export was the shared
//! client, the `/esm/instance` and `/cjs/instance` default (and `Clerk`) the
//! factory. v5 has neither, so the binding becomes the named `clerkClient`
//! or `createClerkClient`:
//!
//! - a name already imported from the SDK is reused, and the old binding's
//!   uses are renamed to it;
//! - a factory used only as a callee is renamed to `createClerkClient`;
//! - otherwise the local name stays (`{ clerkClient as Clerk }`), which keeps
//!   every use working with the least change;
//! - `new` goes from every construction: `createClerkClient` is a function.
//!
//! The instance-path rule uses the same rewrite for a statement that has a
//! default binding, so the two findings' fixes are one edit.
use crate::engine::fields::Field;
use tree_sitter::Node;

use super::{imports, name_in_use, occurrences, text, word_hits, Ctx, Occurrence};
use crate::engine::{facts::Export, Edit, Fix};

const FACTORY: &str = "createClerkClient";
const INSTANCE: &str = "clerkClient";

fn is_instance_path(module: &str) -> bool {
    module == "@clerk/clerk-sdk-node/esm/instance" || module == "@clerk/clerk-sdk-node/cjs/instance"
}

/// The kind of binding being rewritten.
enum Site<'t> {
    /// `import L from 'm'`: the identifier.
    Default(Node<'t>),
    /// `{ default as L }`, `{ Clerk }`, `{ Clerk: L }` in an import or a
    /// destructuring `require`: the list entry.
    Entry(Node<'t>),
    /// `const L = require('m').default`: the declarator.
    RequireDefault(Node<'t>),
}

pub(super) fn fix(cx: &Ctx) -> Option<Fix> {
    let n = cx.node;
    let p = n.parent()?;
    match (n.kind(), p.kind()) {
        ("identifier", "import_clause") => rewrite(cx, Site::Default(n)),
        ("import_specifier", _) => rewrite(cx, Site::Entry(n)),
        ("identifier", "variable_declarator") => rewrite(cx, Site::RequireDefault(p)),
        ("identifier", "import_specifier")
        | ("property_identifier", "pair_pattern")
        | ("shorthand_property_identifier_pattern", _) => {
            rewrite(cx, Site::Entry(imports::entry_of(n)?))
        }
        ("member_expression", _) => member(cx, n),
        _ => None,
    }
}

/// The instance path: with a default binding in the statement, the same
/// rewrite as the default-import finding; else the path alone.
pub(super) fn fix_path(cx: &Ctx) -> Option<Fix> {
    let stmt = imports::statement_of(cx.node);
    if let Some(site) = default_site(stmt, cx.src) {
        return rewrite(cx, site);
    }
    Some(Fix {
        title: format!("Import from `{}`", imports::ROOT),
        edits: vec![Edit {
            range: cx.range.clone(),
            text: imports::ROOT.to_string(),
        }]
        .into(),
        introduces: Vec::new(),
    })
}

fn default_site<'t>(stmt: Node<'t>, src: &str) -> Option<Site<'t>> {
    match stmt.kind() {
        "import_statement" => {
            let mut c = stmt.walk();
            let clause = stmt
                .named_children(&mut c)
                .find(|n| n.kind() == "import_clause")?;
            let mut c2 = clause.walk();
            let parts: Vec<Node> = clause.named_children(&mut c2).collect();
            if let Some(id) = parts.iter().find(|n| n.kind() == "identifier") {
                return Some(Site::Default(*id));
            }
            let list = parts.iter().find(|n| n.kind() == "named_imports")?;
            let mut c3 = list.walk();
            let entry = list
                .named_children(&mut c3)
                .find(|s| s.field("name").is_some_and(|n| text(n, src) == "default"));
            entry.map(Site::Entry)
        }
        "lexical_declaration" | "variable_declaration" => {
            let decl = stmt.named_child(0)?;
            let v = decl.field("value")?;
            (v.kind() == "member_expression"
                && v.field("property")
                    .is_some_and(|p| text(p, src) == "default"))
            .then_some(Site::RequireDefault(decl))
        }
        _ => None,
    }
}

fn rewrite<'t>(cx: &Ctx<'_, 't>, site: Site<'t>) -> Option<Fix> {
    let key = match site {
        Site::Default(n) | Site::Entry(n) | Site::RequireDefault(n) => n.byte_range(),
    };
    if let Some(done) = cx.memo.rewrites.borrow().get(&key) {
        return done.clone();
    }
    let fix = rewrite_site(cx, site);
    cx.memo.rewrites.borrow_mut().insert(key, fix.clone());
    fix
}

fn rewrite_site<'t>(cx: &Ctx<'_, 't>, site: Site<'t>) -> Option<Fix> {
    let src = cx.src;
    let (local_node, stmt) = match &site {
        Site::Default(id) => (*id, imports::statement_of(*id)),
        Site::Entry(e) => {
            let local = match e.kind() {
                "import_specifier" => e.field("alias").or_else(|| e.field("name"))?,
                "pair_pattern" => e.field("value")?,
                "shorthand_property_identifier_pattern" => *e,
                _ => return None,
            };
            (local, imports::statement_of(*e))
        }
        Site::RequireDefault(d) => (d.field("name")?, imports::statement_of(*d)),
    };
    if !matches!(
        local_node.kind(),
        "identifier" | "shorthand_property_identifier_pattern"
    ) {
        return None;
    }
    let local = text(local_node, src);
    let module = imports::module_of(cx.facts, stmt)?.module.clone();
    let imported = match &site {
        Site::Entry(e) => {
            let name = match e.kind() {
                "import_specifier" => e.field("name")?,
                "pair_pattern" => e.field("key")?,
                _ => *e,
            };
            text(name, src).to_string()
        }
        _ => "default".to_string(),
    };
    let esm = stmt.kind() == "import_statement";
    if imports::is_type_only(stmt, src) {
        return None;
    }

    // Every use of the local name, and no other binding of it.
    let occ = occurrences(cx.tree, src, local);
    if occ
        .iter()
        .any(|(n, o)| *o == Occurrence::Declaration && *n != local_node)
    {
        return None;
    }
    let types = word_hits(src, local).any(|at| {
        cx.tree
            .root_node()
            .descendant_for_byte_range(at, at + local.len())
            .is_some_and(|n| n.kind() == "type_identifier")
    });
    if types {
        return None;
    }
    let refs: Vec<Node<'t>> = occ
        .iter()
        .filter(|(_, o)| *o == Occurrence::Reference)
        .map(|(n, _)| *n)
        .collect();
    let callee_of = |n: &Node<'t>| -> Option<Node<'t>> {
        n.parent().and_then(|p| {
            let f = match p.kind() {
                "call_expression" => p.field("function"),
                "new_expression" => p.field("constructor"),
                _ => None,
            };
            (f == Some(*n)).then_some(p)
        })
    };
    let factory = imported == "Clerk"
        || is_instance_path(&module)
        || module == "@clerk/backend"
        || refs.iter().any(|r| callee_of(r).is_some());
    let target = if factory { FACTORY } else { INSTANCE };
    let target_module = if module == "@clerk/backend" {
        module.clone()
    } else {
        imports::ROOT.to_string()
    };

    // Which name the uses end up with, and the entry to import it by.
    let existing = if target_module == imports::ROOT {
        imports::bound_local(cx.facts, imports::ROOT, target)
    } else {
        None
    };
    let (new_local, entry) = match existing {
        Some(e) => (e, None),
        None if local == target => (local.to_string(), Some(target.to_string())),
        None if factory
            && refs.iter().all(|r| callee_of(r).is_some())
            && !name_in_use(src, target) =>
        {
            (target.to_string(), Some(target.to_string()))
        }
        None => (local.to_string(), Some(format!("{target} as {local}"))),
    };
    let entry_for = |list: Node| {
        entry.as_ref().map(|e| {
            if list.kind() == "object_pattern" {
                e.replace(" as ", ": ")
            } else {
                e.clone()
            }
        })
    };

    let nl = cx.nl();
    let mut edits: Vec<Edit> = Vec::new();
    let quote = imports::quote_of(stmt, src);
    let moves = module != target_module;
    let elsewhere = if moves {
        imports::list_for_module(cx.facts, cx.tree, src, &target_module, esm, Some(stmt))
    } else {
        None
    };
    let mut statement_goes = false;
    match &site {
        Site::Default(id) => {
            let clause = id.parent()?;
            let mut c = clause.walk();
            let parts: Vec<Node> = clause.named_children(&mut c).collect();
            if parts.iter().any(|n| n.kind() == "namespace_import") {
                return None;
            }
            let list = parts.iter().copied().find(|n| n.kind() == "named_imports");
            match list {
                Some(list) => {
                    edits.push(Edit {
                        range: id.start_byte()..list.start_byte(),
                        text: String::new(),
                    });
                    if let Some(e) = entry_for(list) {
                        edits.extend(imports::edit_statement_list(list, src, &[], &[e], nl)?);
                    }
                }
                None => match (entry_for(clause), elsewhere) {
                    (None, _) => {
                        statement_goes = true;
                        edits.push(imports::remove_statement(src, stmt));
                    }
                    (Some(e), Some(other)) => {
                        statement_goes = true;
                        edits.push(imports::remove_statement(src, stmt));
                        edits.extend(imports::edit_statement_list(other, src, &[], &[e], nl)?);
                    }
                    (Some(e), None) => edits.push(Edit {
                        range: id.byte_range(),
                        text: format!("{{ {e} }}"),
                    }),
                },
            }
        }
        Site::Entry(e) => {
            let list = e.parent()?;
            let add: Vec<String> = entry_for(list).into_iter().collect();
            let es = imports::edit_statement_list(list, src, &[*e], &add, nl)?;
            statement_goes = es
                .iter()
                .any(|x| x.range.start <= stmt.start_byte() && x.range.end >= stmt.end_byte());
            edits.extend(es);
        }
        Site::RequireDefault(decl) => {
            if stmt.named_child_count() != 1 {
                return None;
            }
            match (entry_for(stmt), elsewhere) {
                (None, _) => {
                    statement_goes = true;
                    edits.push(imports::remove_statement(src, stmt));
                }
                (Some(e), Some(other)) => {
                    statement_goes = true;
                    edits.push(imports::remove_statement(src, stmt));
                    edits.extend(imports::edit_statement_list(other, src, &[], &[e], nl)?);
                }
                (Some(e), None) => {
                    let e = e.replace(" as ", ": ");
                    edits.push(Edit {
                        range: decl.byte_range(),
                        text: format!("{{ {e} }} = require({quote}{target_module}{quote})"),
                    });
                    statement_goes = true;
                }
            }
        }
    }
    // The module path, unless the statement went or was written anew. This
    // is the instance-path rule's own edit, so the two fixes agree.
    if moves && !statement_goes {
        edits.push(Edit {
            range: imports::module_of(cx.facts, stmt)?.specifier.clone(),
            text: target_module.clone(),
        });
    }

    // The uses: renamed where the name changes, `new` dropped.
    let mut news = 0;
    for r in &refs {
        if new_local != local {
            let text = if r.kind() == "shorthand_property_identifier" {
                format!("{local}: {new_local}")
            } else {
                new_local.clone()
            };
            edits.push(Edit {
                range: r.byte_range(),
                text,
            });
        }
        if let Some(call) = callee_of(r).filter(|c| c.kind() == "new_expression") {
            // `new Clerk` without arguments would stop being a call.
            call.field("arguments")?;
            news += 1;
            edits.push(Edit {
                range: call.start_byte()..r.start_byte(),
                text: String::new(),
            });
        }
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
        return None;
    }
    let old = if imported == "Clerk" {
        "`Clerk`"
    } else {
        "the default export"
    };
    let title = match (factory, news) {
        (true, 0) => format!("Import `{{ {FACTORY} }}` instead of {old}"),
        (true, _) => format!("Import `{{ {FACTORY} }}` instead of {old} and call it without `new`"),
        (false, _) => format!("Import `{{ {INSTANCE} }}` instead of {old}"),
    };
    let introduces = entry.map(|_| new_local).into_iter().collect();
    Some(Fix {
        title,
        edits: edits.into(),
        introduces,
    })
}

/// `sdk.Clerk(..)`, `new sdk.Clerk(..)`, `sdk.default.users` on a namespace.
fn member(cx: &Ctx, m: Node) -> Option<Fix> {
    let prop = m.field("property")?;
    let obj = m.field("object")?;
    let (module, e) = cx.facts.resolve(obj, cx.src)?;
    if e != Export::Namespace {
        return None;
    }
    let p = m.parent()?;
    let callee = match p.kind() {
        "call_expression" => p.field("function") == Some(m),
        "new_expression" => p.field("constructor") == Some(m),
        _ => false,
    };
    let factory = text(prop, cx.src) == "Clerk" || is_instance_path(module) || callee;
    let target = if factory { FACTORY } else { INSTANCE };
    let mut edits = vec![Edit {
        range: prop.byte_range(),
        text: target.to_string(),
    }];
    if p.kind() == "new_expression" && callee {
        p.field("arguments")?;
        edits.insert(
            0,
            Edit {
                range: p.start_byte()..m.start_byte(),
                text: String::new(),
            },
        );
    }
    Some(Fix {
        title: format!("Use `{}.{target}`", text(obj, cx.src)),
        edits: edits.into(),
        introduces: Vec::new(),
    })
}
