//! What in a file is bound to Clerk, computed once per parse and consulted by
//! the rule predicates (`#clerk-ref?`, `#clerk-options-of?`, `#clerk-file?`).
use crate::engine::fields::Field;
use std::{
    cell::{Cell, OnceCell},
    ops::Range,
};

use rustc_hash::FxHashMap as HashMap;

use tree_sitter::{Node, Tree};

use super::{lang::Lang, leaves::Names, values};

/// What a local name stands for in a Clerk module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Export {
    Named(String),
    Default,
    /// The whole module object (`import * as sdk`, `const sdk = require(..)`).
    Namespace,
}

impl Export {
    /// The name a predicate argument matches: the export name, `default` or `*`.
    pub fn as_str(&self) -> &str {
        match self {
            Export::Named(n) => n,
            Export::Default => "default",
            Export::Namespace => "*",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub module: String,
    pub export: Export,
    /// Byte range of the whole import/require statement that made it.
    pub statement: Range<usize>,
}

/// How a module was brought in, kept so that rules about specifiers can see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleRef {
    pub module: String,
    /// Range of the specifier text, without quotes.
    pub specifier: Range<usize>,
    pub statement: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Facts {
    /// Local name -> what it is bound to. File scope: a later shadowing
    /// declaration of the same name is rare enough in practice to accept.
    pub bindings: HashMap<String, Binding>,
    /// Identifiers that *declare* a binding (import specifier names, aliases,
    /// destructuring keys), by byte range.
    pub sites: HashMap<(usize, usize), Binding>,
    pub modules: Vec<ModuleRef>,
    /// What held values, called names and `const` objects the file has,
    /// from one walk on first use (see `values`).
    pub(crate) walked: OnceCell<values::Walked>,
    /// The only text the tree covers, when it is one statement parsed on
    /// its own (`incremental::splice`); looking outside it sets `escaped`.
    pub(crate) view: Option<Range<usize>>,
    pub(crate) escaped: Cell<bool>,
}

/// What [`Facts`] found in a file, without what lives only as long as its
/// parse.
#[derive(Debug, Clone, Default)]
pub(crate) struct Kept {
    bindings: HashMap<String, Binding>,
    sites: HashMap<(usize, usize), Binding>,
    modules: Vec<ModuleRef>,
}

impl Kept {
    /// Whether anything these facts were made of lies in `r`.
    pub(crate) fn made_within(&self, r: &Range<usize>) -> bool {
        let meets = |s: &Range<usize>| s.start <= r.end && s.end >= r.start;
        self.bindings.values().any(|b| meets(&b.statement))
            || self
                .sites
                .iter()
                .any(|(k, b)| meets(&(k.0..k.1)) || meets(&b.statement))
            || self
                .modules
                .iter()
                .any(|m| meets(&m.statement) || meets(&m.specifier))
    }

    /// The same facts with every position taken through `moved`, as facts
    /// of a new parse, still without the walk.
    pub(crate) fn moved(&self, moved: impl Fn(usize) -> usize) -> Facts {
        let range = |r: &Range<usize>| moved(r.start)..moved(r.end);
        let binding = |b: &Binding| Binding {
            module: b.module.clone(),
            export: b.export.clone(),
            statement: range(&b.statement),
        };
        Facts {
            bindings: self
                .bindings
                .iter()
                .map(|(k, b)| (k.clone(), binding(b)))
                .collect(),
            sites: self
                .sites
                .iter()
                .map(|(k, b)| ((moved(k.0), moved(k.1)), binding(b)))
                .collect(),
            modules: self
                .modules
                .iter()
                .map(|m| ModuleRef {
                    module: m.module.clone(),
                    specifier: range(&m.specifier),
                    statement: range(&m.statement),
                })
                .collect(),
            ..Facts::default()
        }
    }
}

pub fn is_clerk_module(spec: &str) -> bool {
    spec.starts_with("@clerk/")
}

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

fn key(node: Node) -> (usize, usize) {
    (node.start_byte(), node.end_byte())
}

impl Facts {
    /// Finds every place a Clerk module is loaded by searching the text for
    /// `@clerk/` and classifying the syntax around each hit, which costs a
    /// few tree descents per file instead of a walk over every node.
    pub fn compute(tree: &Tree, src: &str, _lang: Lang) -> Facts {
        let mut facts = Facts::default();
        let root = tree.root_node();
        for at in memchr::memmem::find_iter(src.as_bytes(), b"@clerk/") {
            let Some(frag) = root.descendant_for_byte_range(at, at + 7) else {
                continue;
            };
            if frag.kind() != "string_fragment" {
                continue;
            }
            let spec = text(frag, src);
            if !spec.starts_with("@clerk/") || frag.start_byte() != at {
                continue;
            }
            let Some(string) = frag.parent().filter(|p| p.kind() == "string") else {
                continue;
            };
            let Some(holder) = string.parent() else {
                continue;
            };
            let site = match holder.kind() {
                "import_statement" | "export_statement" | "import_require_clause" => holder,
                "arguments" => match holder.parent() {
                    Some(call)
                        if call.kind() == "call_expression"
                            && holder.named_child(0) == Some(string)
                            && call.field("function").is_some_and(|f| {
                                f.kind() == "import"
                                    || (f.kind() == "identifier" && text(f, src) == "require")
                            }) =>
                    {
                        call
                    }
                    _ => continue,
                },
                _ => continue,
            };
            let statement = statement_in(root, site);
            facts.modules.push(ModuleRef {
                module: spec.to_string(),
                specifier: frag.byte_range(),
                statement: statement.byte_range(),
            });
            match site.kind() {
                "import_statement" => facts.import_clause(site, spec, src),
                "export_statement" => facts.export_from(site, spec, src),
                "import_require_clause" => {
                    if let Some(id) = site.named_child(0).filter(|n| n.kind() == "identifier") {
                        facts.bind(id, None, spec, Export::Namespace, statement, src);
                    }
                }
                _ => facts.require_like(site, spec, statement, src),
            }
        }
        facts
    }

    /// The local names and the sites of the bindings that may name one of
    /// `exports` (all of them for `None`; a namespace names every export):
    /// a node where `#clerk-ref?` holds for them holds one of these.
    pub fn names(&self, exports: Option<&[Box<str>]>) -> Names {
        let wanted = |b: &Binding| match (&b.export, exports) {
            (Export::Namespace, _) | (_, None) => true,
            (e, Some(x)) => x.iter().any(|x| **x == *e.as_str()),
        };
        Names {
            texts: self
                .bindings
                .iter()
                .filter(|(_, b)| wanted(b))
                .map(|(name, _)| name.as_bytes().into())
                .collect(),
            sites: self
                .sites
                .iter()
                .filter(|(_, b)| wanted(b))
                .map(|(site, _)| *site)
                .collect(),
        }
    }

    pub fn uses_clerk(&self) -> bool {
        !self.modules.is_empty()
    }

    /// Whether the tree holds `r`; when it does not, the answer would need
    /// the rest of the file, which is noted in `escaped`.
    pub(crate) fn in_view(&self, r: Range<usize>) -> bool {
        match &self.view {
            Some(v) if r.start < v.start || r.end > v.end => {
                self.escaped.set(true);
                false
            }
            _ => true,
        }
    }

    /// The binding facts alone, to keep beyond this parse.
    pub(crate) fn keep(&self) -> Kept {
        Kept {
            bindings: self.bindings.clone(),
            sites: self.sites.clone(),
            modules: self.modules.clone(),
        }
    }

    fn bind(
        &mut self,
        local: Node,
        imported: Option<Node>,
        module: &str,
        export: Export,
        statement: Node,
        src: &str,
    ) {
        let b = Binding {
            module: module.to_string(),
            export,
            statement: statement.byte_range(),
        };
        if let Some(i) = imported {
            self.sites.insert(key(i), b.clone());
        }
        self.sites.insert(key(local), b.clone());
        self.bindings.insert(text(local, src).to_string(), b);
    }

    fn import_clause(&mut self, stmt: Node, module: &str, src: &str) {
        let mut c = stmt.walk();
        for child in stmt.named_children(&mut c) {
            if child.kind() != "import_clause" {
                continue;
            }
            let mut c2 = child.walk();
            for part in child.named_children(&mut c2) {
                match part.kind() {
                    "identifier" => self.bind(part, None, module, Export::Default, stmt, src),
                    "namespace_import" => {
                        if let Some(id) = part.named_child(0) {
                            self.bind(id, None, module, Export::Namespace, stmt, src);
                        }
                    }
                    "named_imports" => {
                        let mut c3 = part.walk();
                        for spec in part.named_children(&mut c3) {
                            if spec.kind() != "import_specifier" {
                                continue;
                            }
                            let Some(name) = spec.field("name") else {
                                continue;
                            };
                            let alias = spec.field("alias");
                            let exported = unquote(text(name, src));
                            let export = if exported == "default" {
                                Export::Default
                            } else {
                                Export::Named(exported.to_string())
                            };
                            match alias {
                                Some(a) => self.bind(a, Some(name), module, export, stmt, src),
                                None => self.bind(name, None, module, export, stmt, src),
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn export_from(&mut self, stmt: Node, module: &str, src: &str) {
        // Re-exports bind no local name, but their specifiers are sites that
        // rules about removed exports must see.
        let mut c = stmt.walk();
        for child in stmt.named_children(&mut c) {
            if child.kind() != "export_clause" {
                continue;
            }
            let mut c2 = child.walk();
            for spec in child.named_children(&mut c2) {
                if let Some(name) = spec.field("name") {
                    let exported = unquote(text(name, src));
                    let export = if exported == "default" {
                        Export::Default
                    } else {
                        Export::Named(exported.to_string())
                    };
                    self.sites.insert(
                        key(name),
                        Binding {
                            module: module.to_string(),
                            export,
                            statement: stmt.byte_range(),
                        },
                    );
                }
            }
        }
    }

    /// `require(m)`, `await import(m)`, and what they are assigned to.
    fn require_like(&mut self, call: Node, module: &str, stmt: Node, src: &str) {
        let mut value = call;
        // `await import(..)`, `(require(..))`
        while let Some(p) = value.parent() {
            if matches!(p.kind(), "await_expression" | "parenthesized_expression") {
                value = p;
            } else {
                break;
            }
        }
        let Some(parent) = value.parent() else { return };
        match parent.kind() {
            "variable_declarator" | "assignment_expression" => {
                let target = parent.field("name").or_else(|| parent.field("left"));
                if let Some(t) = target {
                    self.bind_pattern(t, module, Export::Namespace, stmt, src);
                }
            }
            // `require(m).name` or `require(m).default`
            "member_expression" => {
                let Some(prop) = parent.field("property") else {
                    return;
                };
                let name = text(prop, src);
                let export = if name == "default" {
                    Export::Default
                } else {
                    Export::Named(name.to_string())
                };
                self.sites.insert(
                    key(prop),
                    Binding {
                        module: module.to_string(),
                        export: export.clone(),
                        statement: stmt.byte_range(),
                    },
                );
                if let Some(decl) = parent
                    .parent()
                    .filter(|p| p.kind() == "variable_declarator")
                {
                    if let Some(t) = decl.field("name") {
                        self.bind_pattern(t, module, export, stmt, src);
                    }
                }
            }
            _ => {}
        }
    }

    /// Binds the names of a declaration target. `whole` is what the target
    /// receives when it is a plain identifier.
    fn bind_pattern(&mut self, target: Node, module: &str, whole: Export, stmt: Node, src: &str) {
        match target.kind() {
            "identifier" => self.bind(target, None, module, whole, stmt, src),
            "object_pattern" if whole == Export::Namespace => {
                let mut c = target.walk();
                for prop in target.named_children(&mut c) {
                    match prop.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let n = text(prop, src).to_string();
                            self.bind(prop, None, module, named(n), stmt, src);
                        }
                        "object_assignment_pattern" => {
                            if let Some(l) = prop.field("left") {
                                if l.kind() == "shorthand_property_identifier_pattern" {
                                    let n = text(l, src).to_string();
                                    self.bind(l, None, module, named(n), stmt, src);
                                }
                            }
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(mut v)) = (prop.field("key"), prop.field("value"))
                            else {
                                continue;
                            };
                            if v.kind() == "assignment_pattern" {
                                match v.field("left") {
                                    Some(l) => v = l,
                                    None => continue,
                                }
                            }
                            let n = unquote(text(k, src)).to_string();
                            if v.kind() == "identifier" {
                                self.bind(v, Some(k), module, named(n), stmt, src);
                            } else {
                                self.sites.insert(
                                    key(k),
                                    Binding {
                                        module: module.to_string(),
                                        export: named(n),
                                        statement: stmt.byte_range(),
                                    },
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether `resolve` can succeed for a leaf `node` with this text: it is
    /// a declaration site or a name bound to Clerk. Cheaper than `resolve`.
    pub fn may_resolve(&self, node: Node, text: &[u8]) -> bool {
        std::str::from_utf8(text).is_ok_and(|t| self.bindings.contains_key(t))
            || self.sites.contains_key(&key(node))
    }

    /// What `node` refers to in a Clerk module: an identifier bound by an
    /// import or require, a declaration site, or `ns.name` on a namespace.
    pub fn resolve(&self, node: Node, src: &str) -> Option<(&str, Export)> {
        // A loop, not recursion: member chains and parentheses can nest
        // thousands deep in hostile input. `props` are the member names
        // met on the way down, outermost first.
        let mut props = Vec::new();
        let mut node = node;
        let (module, mut export) = loop {
            if let Some(b) = self.sites.get(&key(node)) {
                break (b.module.as_str(), b.export.clone());
            }
            match node.kind() {
                "identifier" | "type_identifier" | "shorthand_property_identifier" => {
                    let b = self.bindings.get(text(node, src))?;
                    break (b.module.as_str(), b.export.clone());
                }
                "member_expression" | "nested_type_identifier" | "nested_identifier" => {
                    let (obj, prop) = match node.kind() {
                        "member_expression" => (node.field("object")?, node.field("property")?),
                        _ => (
                            node.named_child(0)?,
                            node.named_child(node.named_child_count().checked_sub(1)? as u32)?,
                        ),
                    };
                    props.push(prop);
                    // Only a namespace takes a member, and what it gives is
                    // no namespace: two members down, nothing can resolve.
                    // Stopping here keeps a chain thousands of members long
                    // linear, as each of its members asks.
                    if props.len() > 1 {
                        return None;
                    }
                    node = obj;
                }
                "parenthesized_expression" | "non_null_expression" => {
                    node = node.named_child(0)?;
                }
                _ => return None,
            }
        };
        // `ns.name` is a Clerk export only when `ns` is the module object.
        for prop in props.iter().rev() {
            if export != Export::Namespace {
                return None;
            }
            export = Export::Named(text(*prop, src).to_string());
        }
        Some((module, export))
    }

    /// The Clerk function an options object is handed to: `f({..})` directly,
    /// or through a `const opts = {..}` of the same file passed as `f(opts)`.
    /// Returns the export name (`default` for a default import). `root` is
    /// the tree's root: finding it from `obj` would cost a walk from the
    /// root per level of nesting.
    pub fn options_of(&self, obj: Node, root: Node, src: &str) -> Option<String> {
        if !self.uses_clerk() {
            return None;
        }
        if let Some(name) = self.callee_of_first_arg(obj, src) {
            return Some(name);
        }
        let decl = obj.parent().filter(|p| p.kind() == "variable_declarator")?;
        if decl.field("value") != Some(obj) {
            return None;
        }
        let name = decl.field("name").filter(|n| n.kind() == "identifier")?;
        let ident = text(name, src);
        for at in super::fixers::word_hits(src, ident) {
            let end = at + ident.len();
            if !self.in_view(at..end) {
                continue;
            }
            let Some(use_site) = root.descendant_for_byte_range(at, end) else {
                continue;
            };
            if use_site.kind() == "identifier" && use_site != name {
                if let Some(f) = self.callee_of_first_arg(use_site, src) {
                    return Some(f);
                }
            }
        }
        None
    }

    /// When `arg` is the first argument of a call or `new`, what the callee is in Clerk.
    fn callee_of_first_arg(&self, arg: Node, src: &str) -> Option<String> {
        let args = arg.parent().filter(|p| p.kind() == "arguments")?;
        if args.named_child(0) != Some(arg) {
            return None;
        }
        let call = args.parent()?;
        let callee = match call.kind() {
            "call_expression" => call.field("function")?,
            "new_expression" => call.field("constructor")?,
            _ => return None,
        };
        match self.resolve(callee, src)? {
            (_, Export::Named(n)) => Some(n),
            (_, Export::Default) => Some("default".to_string()),
            (_, Export::Namespace) => None,
        }
    }
}

fn named(n: String) -> Export {
    Export::Named(n)
}

fn unquote(s: &str) -> &str {
    s.trim_matches(|c| c == '"' || c == '\'')
}

/// The statement a node belongs to, for edits that remove or rewrite it.
pub fn statement_of(node: Node) -> Node {
    let mut n = node;
    while let Some(p) = n.parent() {
        if p.kind() == "program" || p.kind() == "statement_block" {
            return n;
        }
        n = p;
    }
    n
}

/// `statement_of` from the top down. `parent()` searches from the root on
/// every call, so walking up from a node nested thousands deep is quadratic.
fn statement_in<'t>(root: Node<'t>, node: Node<'t>) -> Node<'t> {
    let (mut cur, mut stmt) = (root, root);
    while cur != node {
        let Some(child) = cur.child_with_descendant(node) else {
            break;
        };
        if cur.kind() == "program" || cur.kind() == "statement_block" {
            stmt = child;
        }
        cur = child;
    }
    stmt
}
