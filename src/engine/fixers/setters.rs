//! The removed setters (`setClerkApiKey`, `setClerkApiVersion`,
//! `setClerkServerApiUrl`). One plan per module serves every setter finding,
//! so that fixes meeting in one import are the same edits:
//!
//! - a call that sets what v5's shared client reads anyway (the secret key
//!   from `CLERK_API_KEY`/`CLERK_SECRET_KEY`, API version `v1`, the Backend
//!   API URL) is deleted;
//! - when some value differs, the top-level calls fold into one exported
//!   `createClerkClient({ secretKey, apiVersion, apiUrl })` client, and a
//!   finding on that client stays until the module stops using the shared
//!   `clerkClient`;
//! - an import of a setter goes when no call of it is left.
//!
//! `setClerkHttpOptions` has no v5 counterpart and is never touched.
use crate::engine::fields::Field;
use std::collections::BTreeMap;

use tree_sitter::Node;

use super::{
    collapse_blank_lines, env_read, imports, is_esm, name_in_use, occurrences, statement_removal,
    string_value, text, Ctx, Occurrence,
};
use crate::engine::{
    facts::{Export, Facts},
    Edit, Fix,
};

const KEY: &str = "setClerkApiKey";
const VERSION: &str = "setClerkApiVersion";
const URL: &str = "setClerkServerApiUrl";
const HTTP: &str = "setClerkHttpOptions";
pub(super) const SETTERS: [&str; 4] = [KEY, VERSION, URL, HTTP];

struct Call<'t> {
    export: &'static str,
    callee: Node<'t>,
    /// The statement to delete, when the call is a statement of its own.
    stmt: Option<Node<'t>>,
    top_level: bool,
    value: Option<Node<'t>>,
    default: bool,
}

/// Whether a setter's argument is what v5's shared client uses anyway.
fn is_default(export: &str, value: Node, src: &str) -> bool {
    let env = env_read(value, src);
    let lit = string_value(value, src);
    match export {
        KEY => matches!(env, Some("CLERK_API_KEY" | "CLERK_SECRET_KEY")),
        VERSION => lit == Some("v1") || env == Some("CLERK_API_VERSION"),
        // `api.clerk.dev` is the same API under its Core 1 name; the URL
        // rule would move the literal to `api.clerk.com` anyway.
        URL => {
            matches!(lit, Some("https://api.clerk.com" | "https://api.clerk.dev"))
                || env == Some("CLERK_API_URL")
        }
        _ => false,
    }
}

fn setter_name(e: &Export) -> Option<&'static str> {
    match e {
        Export::Named(n) => SETTERS.iter().copied().find(|s| s == n),
        _ => None,
    }
}

/// Every call of a setter in the file, and the setter imports whose local
/// names are used other than as a callee.
fn calls<'t>(cx: &Ctx<'_, 't>) -> (Vec<Call<'t>>, Vec<String>) {
    let (src, facts) = (cx.src, cx.facts);
    let mut out = Vec::new();
    let mut used_otherwise = Vec::new();
    let push = |export: &'static str, callee: Node<'t>, out: &mut Vec<Call<'t>>| {
        let Some(call) = callee
            .parent()
            .filter(|p| p.kind() == "call_expression")
            .filter(|p| p.field("function") == Some(callee))
        else {
            return false;
        };
        let args = call.field("arguments");
        let value = args.and_then(|a| {
            let mut c = a.walk();
            let named: Vec<Node> = a
                .named_children(&mut c)
                .filter(|n| n.kind() != "comment")
                .collect();
            (named.len() == 1 && named[0].kind() != "spread_element").then(|| named[0])
        });
        let stmt = call.parent().filter(|p| {
            p.kind() == "expression_statement"
                && p.parent()
                    .is_some_and(|b| matches!(b.kind(), "program" | "statement_block"))
        });
        let top_level = stmt.is_some_and(|s| s.parent().is_some_and(|b| b.kind() == "program"));
        let default = value.is_some_and(|v| is_default(export, v, src));
        out.push(Call {
            export,
            callee,
            stmt,
            top_level,
            value,
            default,
        });
        true
    };
    for (local, b) in &facts.bindings {
        if !b.module.starts_with("@clerk/") {
            continue;
        }
        match &b.export {
            Export::Namespace => {
                for (n, o) in occurrences(cx.tree, src, local) {
                    if o != Occurrence::Reference {
                        continue;
                    }
                    let Some(member) = n
                        .parent()
                        .filter(|p| p.kind() == "member_expression")
                        .filter(|p| p.field("object") == Some(n))
                    else {
                        continue;
                    };
                    let prop = member.field("property").map(|p| text(p, src));
                    if let Some(export) = SETTERS.iter().copied().find(|s| Some(*s) == prop) {
                        push(export, member, &mut out);
                    }
                }
            }
            e => {
                let Some(export) = setter_name(e) else {
                    continue;
                };
                for (n, o) in occurrences(cx.tree, src, local) {
                    if o == Occurrence::Reference && !push(export, n, &mut out) {
                        used_otherwise.push(local.clone());
                    }
                }
            }
        }
    }
    out.sort_by_key(|c| c.callee.start_byte());
    (out, used_otherwise)
}

pub(super) struct Plan {
    title: String,
    edits: std::sync::Arc<[Edit]>,
    /// Callee ranges of the calls the plan deletes or folds.
    calls: Vec<(usize, usize)>,
    /// Import sites (the finding nodes) of the setters it un-imports.
    sites: Vec<(usize, usize)>,
    introduces: Vec<String>,
}

fn plan(cx: &Ctx) -> Option<Plan> {
    let (src, facts) = (cx.src, cx.facts);
    let (calls, used_otherwise) = calls(cx);
    let valued: Vec<&Call> = calls
        .iter()
        .filter(|c| c.export != HTTP && c.value.is_some() && c.stmt.is_some())
        .collect();
    let differs: Vec<&&Call> = valued.iter().filter(|c| !c.default).collect();
    let mut fold: Option<Vec<&Call>> = None;
    if !differs.is_empty() {
        let top: Vec<&Call> = valued.iter().copied().filter(|c| c.top_level).collect();
        let once = [KEY, VERSION, URL]
            .iter()
            .all(|e| top.iter().filter(|c| c.export == *e).count() <= 1);
        let differing_can_fold = calls
            .iter()
            .filter(|c| c.export != HTTP && !c.default)
            .all(|c| c.top_level && c.value.is_some());
        if once && differing_can_fold {
            fold = Some(top);
        }
    }
    let removed: Vec<&Call> = match &fold {
        Some(_) => valued.clone(),
        None => valued.iter().copied().filter(|c| c.default).collect(),
    };

    // Setter imports whose every use goes with the removed calls.
    let mut by_list: BTreeMap<(usize, usize), (Node, Vec<Node>)> = BTreeMap::new();
    let mut sites = Vec::new();
    for (local, b) in &facts.bindings {
        let Some(export) = setter_name(&b.export) else {
            continue;
        };
        if export == HTTP || !b.module.starts_with("@clerk/") || used_otherwise.contains(local) {
            continue;
        }
        let all_removed = calls
            .iter()
            .filter(|c| c.callee.kind() == "identifier" && text(c.callee, src) == local)
            .all(|c| removed.iter().any(|r| r.callee == c.callee));
        if !all_removed {
            continue;
        }
        let Some((site, entry)) = import_entry(cx, local) else {
            continue;
        };
        let Some(list) = entry.parent() else { continue };
        if !matches!(list.kind(), "named_imports" | "object_pattern") {
            continue;
        }
        sites.push((site.start_byte(), site.end_byte()));
        by_list
            .entry((list.start_byte(), list.end_byte()))
            .or_insert((list, Vec::new()))
            .1
            .push(entry);
    }
    if removed.is_empty() && sites.is_empty() {
        return None;
    }

    let nl = cx.nl();
    let mut edits = Vec::new();
    let mut title = match removed.len() {
        0 => "Remove the unused setter imports".to_string(),
        1 => format!(
            "Remove `{}(..)`: v5 uses this value by default",
            text(removed[0].callee, src)
        ),
        n => format!("Remove the {n} setter calls whose values v5 uses by default"),
    };
    let mut replaced = None;
    let mut introduces = Vec::new();
    let mut list_adds: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    if let Some(top) = &fold {
        let esm = is_esm(cx.tree);
        let name = ["clerk", "configuredClerkClient"]
            .into_iter()
            .find(|n| !name_in_use(src, n))?;
        let (create, add_to) = create_client_access(cx, &by_list, esm)?;
        introduces.push(name.to_string());
        if let Some(list) = add_to {
            introduces.push("createClerkClient".to_string());
            by_list
                .entry((list.start_byte(), list.end_byte()))
                .or_insert((list, Vec::new()));
            list_adds
                .entry((list.start_byte(), list.end_byte()))
                .or_default()
                .push("createClerkClient".to_string());
        }
        let value = |e: &str| top.iter().find(|c| c.export == e).and_then(|c| c.value);
        let mut props = vec![format!(
            "secretKey: {}",
            value(KEY).map_or("process.env.CLERK_SECRET_KEY", |v| text(v, src))
        )];
        for (e, key) in [(VERSION, "apiVersion"), (URL, "apiUrl")] {
            if let Some(c) = top.iter().find(|c| c.export == e && !c.default) {
                props.push(format!("{key}: {}", text(c.value?, src)));
            }
        }
        let head = if esm { "export const" } else { "const" };
        let mut decl = format!("{head} {name} = {create}({{ {} }});", props.join(", "));
        // Long option lists get one line each, as formatters write them.
        if decl.len() > 100 {
            let mut lines = format!("{head} {name} = {create}({{");
            for p in &props {
                lines.push_str(&format!("{nl}  {p},"));
            }
            decl = format!("{lines}{nl}}});");
        }
        if !esm {
            decl.push_str(&format!("{nl}module.exports.{name} = {name};"));
        }
        // The note says where the client came from; it is also how the
        // finding that stays on the client recognises it.
        let mut folded: Vec<&str> = top
            .iter()
            .filter(|c| c.export == KEY || !c.default)
            .map(|c| c.export)
            .collect();
        folded.dedup();
        let names = match folded.as_slice() {
            [one] => format!("`{one}`"),
            [init @ .., last] => format!(
                "{} and `{last}`",
                init.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            [] => String::new(),
        };
        decl = format!("// The settings of the removed {names} calls.{nl}{decl}");
        let last = differs
            .iter()
            .map(|c| c.stmt)
            .max_by_key(|s| s.map(|s| s.start_byte()))??;
        replaced = Some(last);
        edits.push(Edit {
            range: last.byte_range(),
            text: decl,
        });
        title = if esm {
            format!("Move the setters' values into `export const {name} = createClerkClient({{ ... }})`")
        } else {
            format!("Move the setters' values into `const {name} = createClerkClient({{ ... }})`")
        };
    }
    let mut removals: Vec<std::ops::Range<usize>> = removed
        .iter()
        .filter_map(|c| c.stmt)
        .filter(|s| Some(*s) != replaced)
        .map(|s| statement_removal(src, s))
        .collect();
    collapse_blank_lines(src, &mut removals);
    edits.extend(removals.into_iter().map(|range| Edit {
        range,
        text: String::new(),
    }));
    for (key, (list, entries)) in &by_list {
        let add = list_adds.get(key).cloned().unwrap_or_default();
        edits.extend(imports::edit_statement_list(*list, src, entries, &add, nl)?);
    }
    edits.sort_by_key(|e| (e.range.start, e.range.end));
    if edits.windows(2).any(|w| w[0].range.end > w[1].range.start) {
        return None;
    }
    let mut calls: Vec<(usize, usize)> = removed
        .iter()
        .map(|c| (c.callee.start_byte(), c.callee.end_byte()))
        .collect();
    calls.sort_unstable();
    sites.sort_unstable();
    Some(Plan {
        title,
        edits: edits.into(),
        calls,
        sites,
        introduces,
    })
}

/// The import site of a setter's local name (the node its import finding
/// is on) and the list entry it belongs to.
fn import_entry<'t>(cx: &Ctx<'_, 't>, local: &str) -> Option<(Node<'t>, Node<'t>)> {
    let root = cx.tree.root_node();
    cx.facts.sites.iter().find_map(|((s, e), b)| {
        setter_name(&b.export)?;
        let n = root.descendant_for_byte_range(*s, *e)?;
        let entry = imports::entry_of(n)?;
        (imports::entry_local(entry, cx.src)? == local && entry.kind() != "export_specifier")
            .then_some((imports::entry_site(entry)?, entry))
    })
}

/// How the fold calls `createClerkClient`, and the list (if any) it must be
/// added to: an existing binding, a namespace, or a new entry in the
/// setters' own import (or another import of the SDK).
fn create_client_access<'t>(
    cx: &Ctx<'_, 't>,
    lists: &BTreeMap<(usize, usize), (Node<'t>, Vec<Node<'t>>)>,
    esm: bool,
) -> Option<(String, Option<Node<'t>>)> {
    let facts: &Facts = cx.facts;
    if let Some(local) = imports::bound_local(facts, imports::ROOT, "createClerkClient") {
        return Some((local, None));
    }
    if name_in_use(cx.src, "createClerkClient") {
        return None;
    }
    if let Some(ns) = imports::namespace_local(facts, imports::ROOT) {
        return Some((format!("{ns}.createClerkClient"), None));
    }
    let sdk_list = lists.values().map(|(l, _)| *l).find(|l| {
        let stmt = imports::statement_of(*l);
        facts
            .modules
            .iter()
            .any(|m| m.statement == stmt.byte_range() && m.module.starts_with(imports::ROOT))
    });
    let list = sdk_list
        .or_else(|| imports::list_for_module(facts, cx.tree, cx.src, imports::ROOT, esm, None))?;
    Some(("createClerkClient".to_string(), Some(list)))
}

pub(super) fn fix(cx: &Ctx) -> Option<Fix> {
    let at = (cx.node.start_byte(), cx.node.end_byte());
    // One plan for the module, shared by every finding it covers.
    let p = cx.memo.setters.get_or_init(|| plan(cx)).as_ref()?;
    let covered = p.calls.binary_search(&at).is_ok() || p.sites.binary_search(&at).is_ok();
    covered.then(|| Fix {
        title: p.title.clone(),
        edits: p.edits.clone(),
        introduces: p.introduces.clone(),
    })
}

/// `#setter-client?`: an options object that makes a client from only the
/// setters' settings, declared as a top-level `const`, in a module that
/// still imports the shared `clerkClient`. That is the shape the fold
/// writes; the shared client does not get these settings in v5.
pub fn is_setter_client(opts: Node, facts: &Facts, src: &str) -> bool {
    if opts.kind() != "object" || opts.named_child_count() == 0 {
        return false;
    }
    let mut c = opts.walk();
    let only_settings = opts.named_children(&mut c).all(|p| {
        let key = match p.kind() {
            "pair" => p.field("key"),
            "shorthand_property_identifier" => Some(p),
            _ => None,
        };
        key.is_some_and(|k| matches!(text(k, src), "secretKey" | "apiVersion" | "apiUrl"))
    });
    let top_const = opts
        .parent()
        .and_then(|a| a.parent())
        .and_then(|call| call.parent())
        .filter(|d| d.kind() == "variable_declarator")
        .and_then(|d| d.parent())
        .filter(|l| l.kind() == "lexical_declaration" && text(*l, src).starts_with("const"))
        .and_then(|l| l.parent())
        .is_some_and(|p| {
            p.kind() == "program"
                || (p.kind() == "export_statement"
                    && p.parent().is_some_and(|g| g.kind() == "program"))
        });
    only_settings
        && top_const
        && marked(opts, src)
        && imports::bound_local(facts, imports::ROOT, "clerkClient").is_some()
}

/// Whether the top-level statement holding `node` follows the note the
/// fold writes, on the line right above it.
fn marked(node: Node, src: &str) -> bool {
    let stmt = imports::statement_of(node);
    stmt.prev_sibling().is_some_and(|c| {
        c.kind() == "comment"
            && c.end_position().row + 1 == stmt.start_position().row
            && is_note(text(c, src))
    })
}

pub(super) fn is_note(comment: &str) -> bool {
    comment.starts_with("// The settings of the removed `setClerk")
}
