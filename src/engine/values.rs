//! What some expressions and local names hold, for rules about properties
//! that cannot be bound to Clerk by name (`.claims`, `.orgs`, `.picture`,
//! list results). Names are tracked per file, in document order: a later
//! shadowing declaration of the same name is rare enough to accept, and the
//! predicates only run where a rule's query already matched a suspect name.
use crate::engine::fields::Field;
use std::{
    cell::OnceCell,
    collections::{HashMap, HashSet},
    hash::{Hash, Hasher},
    ops::Range,
    sync::Arc,
};

use rustc_hash::FxHasher;
use tree_sitter::{Node, Tree};

use super::facts::Facts;

/// The kinds of value the property rules care about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Held {
    /// The middleware's `req.auth`, `getAuth(req)`, `auth()`.
    AuthObject,
    /// A session token payload: `sessionClaims`, `claims`, `verifyToken(..)`.
    Claims,
    /// `user.externalAccounts` or a part of it.
    ExternalAccountList,
    /// One element of `externalAccounts`.
    ExternalAccount,
}

impl Held {
    /// The name a query passes to `#holds?`.
    pub fn parse(s: &str) -> Option<Held> {
        Some(match s {
            "authObject" => Held::AuthObject,
            "claims" => Held::Claims,
            "externalAccount" => Held::ExternalAccount,
            "externalAccountList" => Held::ExternalAccountList,
            _ => return None,
        })
    }
}

/// The value facts, kept on `Facts` so that they live as long as one parse.
impl Facts {
    /// Whether `node` (an expression, or an object pattern by what it
    /// destructures) holds a value of that kind.
    pub fn holds(&self, node: Node, kind: Held, tree: &Tree, src: &str) -> bool {
        // Most questions are answered by the syntax alone (`req.auth`,
        // `user.externalAccounts`); only a plain name needs the walk.
        let names = |name: &str| self.walked(tree, src).held().get(name).copied();
        let got = if node.kind() == "object_pattern" {
            pattern_source(node, src, &names)
        } else {
            classify(node, src, &names)
        };
        got == Some(kind)
    }

    pub(crate) fn walked(&self, tree: &Tree, src: &str) -> &Walked {
        self.walked_from(tree, src, None)
    }

    /// The walk, reusing the deltas of an earlier walk of the same document
    /// when it is the first question.
    pub(crate) fn walked_from(&self, tree: &Tree, src: &str, prev: Option<&WalkCache>) -> &Walked {
        self.walked.get_or_init(|| walk(tree, src, prev))
    }

    /// The object literal a same-file `const name = { .. }` holds.
    pub fn const_object<'t>(&self, tree: &'t Tree, src: &str, name: &str) -> Option<Node<'t>> {
        let (start, end) = *self.walked(tree, src).views().consts.get(name)?;
        if !self.in_view(start..end) {
            return None;
        }
        tree.root_node()
            .descendant_for_byte_range(start, end)
            .filter(|n| n.kind() == "object")
    }

    /// Whether what `node` names is called or constructed: `node` itself is a
    /// callee, or it declares a name that is one somewhere in the file.
    pub fn is_called(&self, node: Node, tree: &Tree, src: &str) -> bool {
        if let Some(p) = node.parent() {
            let callee = match p.kind() {
                "call_expression" => p.field("function"),
                "new_expression" => p.field("constructor"),
                _ => None,
            };
            if callee == Some(node) {
                return true;
            }
        }
        // A declaration site stands for its local name: the alias of
        // `{ Clerk as C }`, the value of `{ Clerk: C } = require(..)`.
        let local = node
            .parent()
            .and_then(|p| match p.kind() {
                "import_specifier" => p.field("alias"),
                "pair_pattern" => p.field("value"),
                _ => None,
            })
            .unwrap_or(node);
        self.walked(tree, src)
            .views()
            .called
            .contains(text(local, src))
    }
}

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Array methods whose callback receives one element of the array.
const ELEMENT_CALLBACKS: &[&str] = &[
    "map", "forEach", "find", "findLast", "filter", "some", "every", "flatMap",
];

/// Node kinds the file walk stops at, as ids: comparing ids is much
/// cheaper than comparing kind names at every node.
struct Kinds {
    declarator: u16,
    assignment: u16,
    for_in: u16,
    arrow: u16,
    function: u16,
    call: u16,
    new: u16,
    member: u16,
    property: u16,
    object: u16,
}

impl Kinds {
    fn of(tree: &Tree) -> Kinds {
        let l = tree.language();
        let id = |k| l.id_for_node_kind(k, true);
        Kinds {
            declarator: id("variable_declarator"),
            assignment: id("assignment_expression"),
            for_in: id("for_in_statement"),
            arrow: id("arrow_function"),
            function: id("function_expression"),
            call: id("call_expression"),
            new: id("new_expression"),
            member: id("member_expression"),
            property: l.field_id_for_name("property").map_or(0, |f| f.get()),
            object: l.field_id_for_name("object").map_or(0, |f| f.get()),
        }
    }
}

/// What a local name holds, as far as known.
pub type Names<'a> = &'a dyn Fn(&str) -> Option<Held>;

/// What one top-level statement adds to the walk, given what names held
/// before it. Positions are relative to the statement's start, so a
/// statement that moves keeps its delta.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct Delta {
    /// Names bound to what they hold, in document order (later wins).
    held: Vec<(Box<str>, Held)>,
    /// Names used as the callee of a call or `new`.
    called: Vec<Box<str>>,
    /// `name = { .. }` declarations: name, object range, object text hash.
    consts: Vec<(Box<str>, usize, usize, u64)>,
    /// Names read as a paginated response (`x.data`, `x.totalCount`,
    /// `const { data } = x`).
    page_reads: Vec<Box<str>>,
}

impl Delta {
    fn is_empty(&self) -> bool {
        self.held.is_empty()
            && self.called.is_empty()
            && self.consts.is_empty()
            && self.page_reads.is_empty()
    }
}

/// Deltas of the last walk, by (statement text hash, hash of the state
/// before it). A delta depends on nothing else, so the next walk after an
/// edit only walks the statements it cannot find here. The entries in
/// order let statements be replaced without a tree of the whole file
/// ([`WalkCache::splice`]).
#[derive(Debug, Default, Clone)]
pub struct WalkCache {
    /// Shared between the caches of spliced walks: an entry for a
    /// statement text that is gone is never asked for.
    deltas: Arc<HashMap<(u64, u64), Arc<Delta>>>,
    entries: Vec<Entry>,
    chain: u64,
}

impl WalkCache {
    /// The walk of the file after the top-level statements `old` (indices)
    /// became `stmts` (parsed on their own in `tree`), with the starts of
    /// the statements after them moved by `moved`; `None` unless the new
    /// statements add exactly what the old ones added, in order, which
    /// leaves the rest of the walk as it was.
    pub(crate) fn splice(
        &self,
        old: Range<usize>,
        stmts: &[Node],
        tree: &Tree,
        src: &str,
        moved: impl Fn(usize) -> usize,
    ) -> Option<(Walked, WalkCache)> {
        let olds = self.entries.get(old.clone()).filter(|o| !o.is_empty())?;
        let mut names: HashMap<String, Held> = HashMap::new();
        for e in &self.entries[..old.start] {
            for (name, held) in &e.delta.held {
                names.insert(name.to_string(), *held);
            }
        }
        let kinds = Kinds::of(tree);
        let mut chain = olds[0].key.1;
        let mut news = Vec::with_capacity(stmts.len());
        for stmt in stmts {
            let delta = walk_statement(*stmt, src, &kinds, &mut names);
            let key = (fx(&(stmt.kind_id(), &src[stmt.byte_range()])), chain);
            if !delta.is_empty() {
                chain = fx(&(chain, &delta));
            }
            news.push(Entry {
                start: stmt.start_byte(),
                key,
                delta: Arc::new(delta),
                clean: !stmt.has_error(),
            });
        }
        let added = |es: &[Entry]| -> Vec<Arc<Delta>> {
            es.iter()
                .filter(|e| !e.delta.is_empty())
                .map(|e| e.delta.clone())
                .collect()
        };
        let (before, after) = (added(olds), added(&news));
        // A `const` object's place is kept relative to its statement's
        // start: it stays put only when one statement became one.
        let placed = olds.len() == 1 && news.len() == 1
            || before.iter().chain(&after).all(|d| d.consts.is_empty());
        if before != after || !placed {
            return None;
        }
        let mut entries = Vec::with_capacity(self.entries.len() + news.len() - olds.len());
        entries.extend_from_slice(&self.entries[..old.start]);
        entries.extend(news);
        entries.extend(self.entries[old.end..].iter().map(|e| Entry {
            start: moved(e.start),
            ..e.clone()
        }));
        let cache = WalkCache {
            deltas: self.deltas.clone(),
            entries: entries.clone(),
            chain: self.chain,
        };
        let walked = Walked {
            entries,
            chain: self.chain,
            views: OnceCell::new(),
        };
        Some((walked, cache))
    }
}

/// Folded views of the deltas, built on the first question that needs them.
#[derive(Debug, Default)]
struct Views {
    held: HashMap<String, Held>,
    called: HashSet<String>,
    consts: HashMap<String, (usize, usize)>,
}

#[derive(Debug, Clone)]
struct Entry {
    /// The statement's start byte.
    start: usize,
    key: (u64, u64),
    delta: Arc<Delta>,
    /// Whether the statement parsed without errors, so its delta may be reused.
    clean: bool,
}

/// What one walk of the file learns: a delta per top-level statement.
#[derive(Debug, Default)]
pub struct Walked {
    entries: Vec<Entry>,
    /// The hash chained over every non-empty delta in order.
    chain: u64,
    views: OnceCell<Views>,
}

impl Walked {
    fn views(&self) -> &Views {
        self.views.get_or_init(|| {
            let mut v = Views::default();
            for Entry { start, delta, .. } in &self.entries {
                for (name, k) in &delta.held {
                    v.held.insert(name.to_string(), *k);
                }
                for name in &delta.called {
                    if !v.called.contains(&**name) {
                        v.called.insert(name.to_string());
                    }
                }
                for (name, s, e, _) in &delta.consts {
                    if !v.consts.contains_key(&**name) {
                        v.consts.insert(name.to_string(), (start + s, start + e));
                    }
                }
            }
            v
        })
    }

    /// Local names -> what they hold, from declarations, destructuring,
    /// `for .. of` and array callbacks, in document order.
    pub fn held(&self) -> &HashMap<String, Held> {
        &self.views().held
    }

    /// A hash of everything here that a rule may read across top-level
    /// statements, without byte positions (edits move them): re-analysing
    /// only the statements an edit touched is sound while it is unchanged.
    pub fn signature(&self) -> u64 {
        self.chain
    }

    /// The deltas, for the next walk of the same document.
    pub fn cache(&self) -> WalkCache {
        WalkCache {
            deltas: Arc::new(
                self.entries
                    .iter()
                    .filter(|e| e.clean)
                    .map(|e| (e.key, e.delta.clone()))
                    .collect(),
            ),
            entries: self.entries.clone(),
            chain: self.chain,
        }
    }
}

fn fx<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = FxHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// Walks the file one top-level statement at a time, taking the delta of a
/// statement from `prev` when its text and the state before it are the
/// same. A statement with syntax errors is always walked: the same text can
/// be recovered differently next to other broken text.
pub fn walk(tree: &Tree, src: &str, prev: Option<&WalkCache>) -> Walked {
    let k = Kinds::of(tree);
    let root = tree.root_node();
    let mut names: HashMap<String, Held> = HashMap::new();
    // How many entries `names` has taken in: it is only brought up to date
    // when a statement has to be walked.
    let mut folded = 0;
    let mut entries: Vec<Entry> = Vec::with_capacity(root.child_count() as usize);
    let mut chain = 0u64;
    let mut cursor = root.walk();
    for child in root.children(&mut cursor) {
        let key = (fx(&(child.kind_id(), &src[child.byte_range()])), chain);
        let clean = !child.has_error();
        let delta = match prev.filter(|_| clean).and_then(|c| c.deltas.get(&key)) {
            Some(d) => d.clone(),
            None => {
                for e in &entries[folded..] {
                    for (name, held) in &e.delta.held {
                        names.insert(name.to_string(), *held);
                    }
                }
                folded = entries.len() + 1;
                Arc::new(walk_statement(child, src, &k, &mut names))
            }
        };
        if !delta.is_empty() {
            chain = fx(&(chain, &*delta));
        }
        entries.push(Entry {
            start: child.start_byte(),
            key,
            delta,
            clean,
        });
    }
    Walked {
        entries,
        chain,
        views: OnceCell::new(),
    }
}

/// Records what a declaration binds, both for the rest of the walk and in
/// the statement's delta.
struct Binder<'a> {
    names: &'a mut HashMap<String, Held>,
    log: Vec<(Box<str>, Held)>,
}

impl Binder<'_> {
    fn held(&self, name: &str) -> Option<Held> {
        self.names.get(name).copied()
    }

    fn bind(&mut self, name: &str, kind: Held) {
        self.names.insert(name.to_string(), kind);
        self.log.push((name.into(), kind));
    }
}

fn walk_statement(
    statement: Node,
    src: &str,
    k: &Kinds,
    names: &mut HashMap<String, Held>,
) -> Delta {
    let mut d = Delta::default();
    let mut b = Binder {
        names,
        log: Vec::new(),
    };
    let mut cursor = statement.walk();
    'walk: loop {
        let node = cursor.node();
        let id = node.kind_id();
        if id == k.declarator || id == k.assignment {
            let target = node.field("name").or_else(|| node.field("left"));
            let value = node.field("value").or_else(|| node.field("right"));
            if let (Some(t), Some(v)) = (target, value) {
                // Destructuring binds distinctive property names
                // (`{ auth } = req`) whatever the source holds.
                let kind = classify(v, src, &|n| b.held(n));
                bind_target(t, kind, src, &mut b);
                let v = unwrap_expr(v);
                if id == k.declarator
                    && v.kind() == "identifier"
                    && t.kind() == "object_pattern"
                    && has_key(t, src, &["data", "totalCount"])
                {
                    d.page_reads.push(text(v, src).into());
                }
                if id == k.declarator && t.kind() == "identifier" && v.kind() == "object" {
                    let base = statement.start_byte();
                    d.consts.push((
                        text(t, src).into(),
                        v.start_byte() - base,
                        v.end_byte() - base,
                        fx(text(v, src)),
                    ));
                }
            }
        } else if id == k.for_in {
            let (left, right) = (node.field("left"), node.field("right"));
            if let (Some(l), Some(r)) = (left, right) {
                if classify(r, src, &|n| b.held(n)) == Some(Held::ExternalAccountList) {
                    bind_target(l, Some(Held::ExternalAccount), src, &mut b);
                }
            }
        } else if id == k.arrow || id == k.function {
            if let Some(p) = first_param(node) {
                if callback_source(node, src, &|n| b.held(n)) == Some(Held::ExternalAccountList) {
                    bind_target(p, Some(Held::ExternalAccount), src, &mut b);
                }
            }
        } else if id == k.member {
            // By field id: this runs for every member expression.
            let prop = node.child_by_field_id(k.property).map(|p| text(p, src));
            if matches!(prop, Some("data" | "totalCount")) {
                if let Some(o) = node
                    .child_by_field_id(k.object)
                    .filter(|o| o.kind() == "identifier")
                {
                    d.page_reads.push(text(o, src).into());
                }
            }
        } else if id == k.call || id == k.new {
            let callee = node.field("function").or_else(|| node.field("constructor"));
            if let Some(c) = callee.filter(|c| c.kind() == "identifier") {
                d.called.push(text(c, src).into());
            }
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == statement {
                break 'walk;
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    d.held = b.log;
    d
}

/// The first parameter of a function, without its type annotation or default.
pub fn first_param(func: Node) -> Option<Node> {
    if let Some(p) = func.field("parameter") {
        return Some(p);
    }
    let params = func.field("parameters")?;
    let mut first = params.named_child(0)?;
    if first.kind() == "required_parameter" || first.kind() == "optional_parameter" {
        first = first.field("pattern")?;
    }
    if first.kind() == "assignment_pattern" {
        first = first.field("left")?;
    }
    Some(first)
}

/// What the array is that a callback iterates (`list.map(cb)`), if the
/// function is such a callback.
fn callback_source(func: Node, src: &str, names: Names) -> Option<Held> {
    let args = func.parent().filter(|p| p.kind() == "arguments")?;
    if args.named_child(0)? != func {
        return None;
    }
    let call = args.parent()?;
    let callee = call.field("function")?;
    if callee.kind() != "member_expression" {
        return None;
    }
    let method = text(callee.field("property")?, src);
    if !ELEMENT_CALLBACKS.contains(&method) {
        return None;
    }
    classify(callee.field("object")?, src, names)
}

/// Records what the names of a declaration target hold; `kind` is what the
/// whole value holds, if known.
fn bind_target(target: Node, kind: Option<Held>, src: &str, names: &mut Binder) {
    match target.kind() {
        "identifier" => {
            if let Some(k) = kind {
                names.bind(text(target, src), k);
            }
        }
        "object_pattern" => {
            let mut c = target.walk();
            for prop in target.named_children(&mut c) {
                match prop.kind() {
                    "shorthand_property_identifier_pattern" => {
                        let name = text(prop, src);
                        if let Some(k) = member_kind(name) {
                            names.bind(name, k);
                        }
                    }
                    "pair_pattern" => {
                        let (Some(key), Some(mut value)) = (prop.field("key"), prop.field("value"))
                        else {
                            continue;
                        };
                        if value.kind() == "assignment_pattern" {
                            match value.field("left") {
                                Some(l) => value = l,
                                None => continue,
                            }
                        }
                        let k = member_kind(text(key, src));
                        bind_target(value, k, src, names);
                    }
                    _ => {}
                }
            }
        }
        "array_pattern" if kind == Some(Held::ExternalAccountList) => {
            let mut c = target.walk();
            for el in target.named_children(&mut c) {
                if el.kind() == "identifier" {
                    names.bind(text(el, src), Held::ExternalAccount);
                }
            }
        }
        _ => {}
    }
}

/// Property names distinctive enough to say what they hold, whatever the object.
fn member_kind(prop: &str) -> Option<Held> {
    Some(match prop {
        "auth" => Held::AuthObject,
        "sessionClaims" | "claims" => Held::Claims,
        "externalAccounts" => Held::ExternalAccountList,
        _ => return None,
    })
}

fn unwrap_expr(mut node: Node) -> Node {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "await_expression"
            | "non_null_expression"
            | "as_expression"
            | "satisfies_expression"
            | "type_assertion"
    ) {
        // `as_expression`'s first named child is the expression; so is
        // `await`'s and the others'. `type_assertion` is `<T>expr`.
        let inner = if node.kind() == "type_assertion" {
            node.named_child(1)
        } else {
            node.named_child(0)
        };
        match inner {
            Some(i) => node = i,
            None => break,
        }
    }
    node
}

/// What an expression holds, as far as these rules need to know.
pub fn classify(expr: Node, src: &str, names: Names) -> Option<Held> {
    let expr = unwrap_expr(expr);
    match expr.kind() {
        "identifier" | "shorthand_property_identifier" => names(text(expr, src)),
        "member_expression" => {
            let prop = expr.field("property")?;
            member_kind(text(prop, src))
        }
        "subscript_expression" => {
            let obj = expr.field("object")?;
            (classify(obj, src, names)? == Held::ExternalAccountList)
                .then_some(Held::ExternalAccount)
        }
        "call_expression" => {
            let callee = expr.field("function")?;
            match callee.kind() {
                "identifier" => match text(callee, src) {
                    "auth" | "getAuth" => Some(Held::AuthObject),
                    "verifyToken" => Some(Held::Claims),
                    _ => None,
                },
                "member_expression" => {
                    let method = text(callee.field("property")?, src);
                    if method == "verifyToken" {
                        return Some(Held::Claims);
                    }
                    let obj = callee.field("object")?;
                    if classify(obj, src, names)? != Held::ExternalAccountList {
                        return None;
                    }
                    match method {
                        "find" | "findLast" | "at" => Some(Held::ExternalAccount),
                        "filter" | "slice" => Some(Held::ExternalAccountList),
                        _ => None,
                    }
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// What an object pattern destructures: the value of its declaration, the
/// array a callback parameter iterates, or a property of an outer pattern.
pub fn pattern_source(pattern: Node, src: &str, names: Names) -> Option<Held> {
    let parent = pattern.parent()?;
    match parent.kind() {
        "variable_declarator" | "assignment_expression" => {
            let value = parent.field("value").or_else(|| parent.field("right"))?;
            classify(value, src, names)
        }
        "for_in_statement" => {
            let right = parent.field("right")?;
            (classify(right, src, names)? == Held::ExternalAccountList)
                .then_some(Held::ExternalAccount)
        }
        "pair_pattern" => {
            let key = parent.field("key")?;
            member_kind(text(key, src))
        }
        "required_parameter" | "optional_parameter" | "formal_parameters" | "arrow_function" => {
            let mut func = parent;
            while !matches!(func.kind(), "arrow_function" | "function_expression") {
                func = func.parent()?;
            }
            if first_param(func)? != pattern {
                return None;
            }
            (callback_source(func, src, names)? == Held::ExternalAccountList)
                .then_some(Held::ExternalAccount)
        }
        _ => None,
    }
}

/// Whether the name `id` declares is read as a paginated response somewhere
/// in `scope` (see [`page_scope`]): `x.data`, `x.totalCount`, or
/// `const { data } = x`.
pub fn reads_paginated(id: Node, scope: Node, src: &str) -> bool {
    let name = text(id, src);
    // Most scopes never mention a page's fields: no need to walk them.
    let body = src.get(scope.byte_range()).unwrap_or("");
    if !body.contains("data") && !body.contains("totalCount") {
        return false;
    }
    let mut cursor = scope.walk();
    'walk: loop {
        let node = cursor.node();
        if node.kind() == "identifier"
            && node != id
            && text(node, src) == name
            && node.parent().is_some_and(|p| reads_as_page(p, node, src))
        {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node() == scope {
                break 'walk;
            }
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    false
}

/// Where [`reads_paginated`] looks for reads of `id`: the enclosing block or
/// function, or the program for a name declared at the top level. `parent`
/// is a node's parent (`Node::parent` searches from the root on each call).
pub fn page_scope<'t>(id: Node<'t>, parent: impl Fn(Node<'t>) -> Option<Node<'t>>) -> Node<'t> {
    let mut scope = id;
    while let Some(p) = parent(scope) {
        scope = p;
        if matches!(
            p.kind(),
            "statement_block" | "program" | "arrow_function" | "function_expression"
        ) {
            break;
        }
    }
    scope
}

/// `x.data`, `x.totalCount`, or `const { data } = x`, where `use` is `x`.
fn reads_as_page(parent: Node, use_: Node, src: &str) -> bool {
    match parent.kind() {
        "member_expression" if parent.field("object") == Some(use_) => matches!(
            parent.field("property").map(|n| text(n, src)),
            Some("data" | "totalCount")
        ),
        "variable_declarator" if parent.field("value") == Some(use_) => {
            parent.field("name").is_some_and(|n| {
                n.kind() == "object_pattern" && has_key(n, src, &["data", "totalCount"])
            })
        }
        _ => false,
    }
}

/// Whether an object literal or pattern names one of `keys`. A spread may
/// bring any key, so it counts as having them.
pub fn has_key(obj: Node, src: &str, keys: &[&str]) -> bool {
    let mut c = obj.walk();
    for prop in obj.named_children(&mut c) {
        let key = match prop.kind() {
            "spread_element" | "rest_pattern" => return true,
            "shorthand_property_identifier" | "shorthand_property_identifier_pattern" => Some(prop),
            "pair" | "pair_pattern" => prop.field("key"),
            "object_assignment_pattern" => prop.field("left"),
            "method_definition" => prop.field("name"),
            _ => None,
        };
        if let Some(k) = key {
            let t = text(k, src).trim_matches(|c| c == '"' || c == '\'');
            if keys.contains(&t) {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lang::Lang, parse};

    fn walked(src: &str) -> Walked {
        walk(&parse(src, Lang::TypeScript, None).unwrap(), src, None)
    }

    #[test]
    fn walk_collects_what_rules_read_across_statements() {
        let w = walked(
            "const a = req.auth;\nconst { claims } = a;\nconst opts = { x: 1 };\nmake(opts);\nconst u = await list();\nu.data.map(f);\nfor (const acc of user.externalAccounts) {}\n",
        );
        assert_eq!(w.held().get("a"), Some(&Held::AuthObject));
        assert_eq!(w.held().get("claims"), Some(&Held::Claims));
        assert_eq!(w.held().get("acc"), Some(&Held::ExternalAccount));
        assert!(w.views().called.contains("make"));
        assert_eq!(w.views().consts.get("opts"), Some(&(55, 63)));
        assert!(w
            .entries
            .iter()
            .any(|e| e.delta.page_reads.contains(&"u".into())));
    }

    #[test]
    fn signature_ignores_positions_but_not_content() {
        let a = "const opts = { x: 1 };\nmake(opts);\n";
        let moved = "\n\nconst opts = { x: 1 };\n\nmake(opts);\n";
        let changed = "const opts = { y: 1 };\nmake(opts);\n";
        let sig = |s: &str| walked(s).signature();
        assert_eq!(sig(a), sig(moved));
        assert_ne!(sig(a), sig(changed));
    }

    type Seen = (
        Vec<(String, Held)>,
        Vec<String>,
        Vec<(String, (usize, usize))>,
        u64,
    );

    /// Everything a rule can read from a walk, with positions.
    fn seen(w: &Walked) -> Seen {
        let v = w.views();
        let mut held: Vec<_> = v.held.iter().map(|(k, h)| (k.clone(), *h)).collect();
        held.sort_by(|a, b| a.0.cmp(&b.0));
        let mut called: Vec<_> = v.called.iter().cloned().collect();
        called.sort();
        let mut consts: Vec<_> = v.consts.iter().map(|(k, r)| (k.clone(), *r)).collect();
        consts.sort();
        (held, called, consts, w.chain)
    }

    #[test]
    fn a_walk_reusing_deltas_equals_a_fresh_walk() {
        let before = "const a = req.auth;\nconst opts = { x: 1 };\nconst { claims } = a;\nfor (const acc of user.externalAccounts) { acc.picture; }\nmake(opts);\n";
        let edits = [
            // Text before every statement moves.
            ("", "\n\n"),
            // The first statement stops binding `a`: the third changes too.
            ("const a = req.auth;", "const a = req.other;"),
            // A const object changes its content but not its length.
            ("{ x: 1 }", "{ y: 1 }"),
            // A new statement in the middle.
            ("make(opts);", "const b = a;\nmake(opts);"),
            // Broken text: walked whole.
            ("make(opts);", "make(opts;"),
        ];
        for (from, to) in edits {
            let after = before.replacen(from, to, 1);
            let after = if from.is_empty() {
                format!("{to}{before}")
            } else {
                after
            };
            let old = parse(before, Lang::TypeScript, None).unwrap();
            let cache = walk(&old, before, None).cache();
            let tree = parse(&after, Lang::TypeScript, None).unwrap();
            let reused = walk(&tree, &after, Some(&cache));
            let fresh = walk(&tree, &after, None);
            assert_eq!(
                seen(&reused),
                seen(&fresh),
                "after replacing {from:?} with {to:?}"
            );
        }
    }
}
