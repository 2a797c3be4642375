//! What in a file is bound to Clerk, computed once per parse and consulted by
//! the rule predicates (`#clerk-ref?`, `#clerk-options-of?`, `#clerk-file?`).
use std::{cell::OnceCell, collections::HashMap, ops::Range, sync::OnceLock};

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use super::{lang::Lang, values};

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
    /// Option objects handed to Clerk calls, computed on first use:
    /// object range -> the export called with it.
    options: OnceCell<HashMap<(usize, usize), String>>,
    /// What held values, called names and `const` objects the file has,
    /// from one walk on first use (see `values`).
    pub(crate) walked: OnceCell<values::Walked>,
}

pub fn is_clerk_module(spec: &str) -> bool {
    spec.starts_with("@clerk/")
}

const FACTS_QUERY_JS: &str = r#"
(import_statement source: (string (string_fragment) @source)) @stmt
(export_statement source: (string (string_fragment) @source)) @stmt
(call_expression
  function: (identifier) @_req (#eq? @_req "require")
  arguments: (arguments . (string (string_fragment) @source))) @call
(call_expression
  function: (import)
  arguments: (arguments . (string (string_fragment) @source))) @call
"#;

const FACTS_QUERY_TS_EXTRA: &str = r#"
(import_require_clause (identifier) source: (string (string_fragment) @source)) @stmt
"#;

const CALLS_QUERY: &str = r#"
(call_expression function: [(identifier) (member_expression)] @fn arguments: (arguments . [(object) (identifier)] @arg))
(new_expression constructor: [(identifier) (member_expression)] @fn arguments: (arguments . [(object) (identifier)] @arg))
(variable_declarator name: (identifier) @const value: (object) @obj)
"#;

struct FactQueries {
    facts: Query,
    calls: Query,
}

fn queries(lang: Lang) -> &'static FactQueries {
    static Q: [OnceLock<FactQueries>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let idx = match lang {
        Lang::JavaScript => 0,
        Lang::TypeScript => 1,
        Lang::Tsx => 2,
        _ => unreachable!("facts are only computed for grammars"),
    };
    Q[idx].get_or_init(|| {
        let language = lang.ts_language().unwrap();
        let mut src = FACTS_QUERY_JS.to_string();
        if lang != Lang::JavaScript {
            src.push_str(FACTS_QUERY_TS_EXTRA);
        }
        FactQueries {
            facts: Query::new(&language, &src).expect("facts query compiles"),
            calls: Query::new(&language, CALLS_QUERY).expect("calls query compiles"),
        }
    })
}

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

fn key(node: Node) -> (usize, usize) {
    (node.start_byte(), node.end_byte())
}

impl Facts {
    pub fn compute(tree: &Tree, src: &str, lang: Lang) -> Facts {
        let mut facts = Facts::default();
        // Files that never mention a Clerk module cannot bind anything to it.
        if memchr::memmem::find(src.as_bytes(), b"@clerk/").is_none() {
            return facts;
        }
        let q = &queries(lang).facts;
        let source_idx = q.capture_index_for_name("source").unwrap();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(q, tree.root_node(), src.as_bytes());
        while let Some(m) = matches.next() {
            let Some(source) = m.captures().iter().find(|c| c.index == source_idx) else {
                continue;
            };
            let spec = text(source.node, src);
            if !is_clerk_module(spec) {
                continue;
            }
            let Some(outer) = m.captures().iter().find(|c| {
                c.index != source_idx && !q.capture_names()[c.index as usize].starts_with('_')
            }) else {
                continue;
            };
            let node = outer.node;
            let statement = statement_of(node);
            facts.modules.push(ModuleRef {
                module: spec.to_string(),
                specifier: source.node.byte_range(),
                statement: statement.byte_range(),
            });
            match node.kind() {
                "import_statement" => facts.import_clause(node, spec, src),
                "export_statement" => facts.export_from(node, spec, src),
                "import_require_clause" => {
                    if let Some(id) = node.named_child(0).filter(|n| n.kind() == "identifier") {
                        facts.bind(id, None, spec, Export::Namespace, statement, src);
                    }
                }
                "call_expression" => facts.require_like(node, spec, src),
                _ => {}
            }
        }
        facts
    }

    pub fn uses_clerk(&self) -> bool {
        !self.modules.is_empty()
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
                            let Some(name) = spec.child_by_field_name("name") else {
                                continue;
                            };
                            let alias = spec.child_by_field_name("alias");
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
                if let Some(name) = spec.child_by_field_name("name") {
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
    fn require_like(&mut self, call: Node, module: &str, src: &str) {
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
        let stmt = statement_of(call);
        match parent.kind() {
            "variable_declarator" | "assignment_expression" => {
                let target = parent
                    .child_by_field_name("name")
                    .or_else(|| parent.child_by_field_name("left"));
                if let Some(t) = target {
                    self.bind_pattern(t, module, Export::Namespace, stmt, src);
                }
            }
            // `require(m).name` or `require(m).default`
            "member_expression" => {
                let Some(prop) = parent.child_by_field_name("property") else {
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
                    if let Some(t) = decl.child_by_field_name("name") {
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
                            if let Some(l) = prop.child_by_field_name("left") {
                                if l.kind() == "shorthand_property_identifier_pattern" {
                                    let n = text(l, src).to_string();
                                    self.bind(l, None, module, named(n), stmt, src);
                                }
                            }
                        }
                        "pair_pattern" => {
                            let (Some(k), Some(mut v)) = (
                                prop.child_by_field_name("key"),
                                prop.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            if v.kind() == "assignment_pattern" {
                                match v.child_by_field_name("left") {
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

    /// What `node` refers to in a Clerk module: an identifier bound by an
    /// import or require, a declaration site, or `ns.name` on a namespace.
    pub fn resolve(&self, node: Node, src: &str) -> Option<(&str, Export)> {
        if let Some(b) = self.sites.get(&key(node)) {
            return Some((&b.module, b.export.clone()));
        }
        match node.kind() {
            "identifier" | "type_identifier" | "shorthand_property_identifier" => {
                let b = self.bindings.get(text(node, src))?;
                Some((&b.module, b.export.clone()))
            }
            "member_expression" | "nested_type_identifier" | "nested_identifier" => {
                let (obj, prop) = match node.kind() {
                    "member_expression" => (
                        node.child_by_field_name("object")?,
                        node.child_by_field_name("property")?,
                    ),
                    _ => (
                        node.named_child(0)?,
                        node.named_child(node.named_child_count().checked_sub(1)? as u32)?,
                    ),
                };
                let (module, export) = self.resolve(obj, src)?;
                (export == Export::Namespace)
                    .then(|| (module, Export::Named(text(prop, src).to_string())))
            }
            "parenthesized_expression" | "non_null_expression" => {
                self.resolve(node.named_child(0)?, src)
            }
            _ => None,
        }
    }

    /// Option objects passed to Clerk functions: `f({..})` directly, or through
    /// a `const opts = {..}` of the same file. Returns the function's export name.
    pub fn options_of(&self, obj: Node, tree: &Tree, src: &str, lang: Lang) -> Option<&str> {
        let map = self
            .options
            .get_or_init(|| self.compute_options(tree, src, lang));
        map.get(&key(obj)).map(String::as_str)
    }

    fn compute_options(
        &self,
        tree: &Tree,
        src: &str,
        lang: Lang,
    ) -> HashMap<(usize, usize), String> {
        let mut out = HashMap::new();
        if !self.uses_clerk() {
            return out;
        }
        let q = &queries(lang).calls;
        let (fn_i, arg_i, const_i, obj_i) = (
            q.capture_index_for_name("fn").unwrap(),
            q.capture_index_for_name("arg").unwrap(),
            q.capture_index_for_name("const").unwrap(),
            q.capture_index_for_name("obj").unwrap(),
        );
        let mut consts: HashMap<&str, (usize, usize)> = HashMap::new();
        let mut by_name: Vec<(&str, String)> = Vec::new();
        let mut cursor = QueryCursor::new();
        let mut matches = cursor.matches(q, tree.root_node(), src.as_bytes());
        while let Some(m) = matches.next() {
            let get = |i| m.captures().iter().find(|c| c.index == i).map(|c| c.node);
            if let (Some(c), Some(o)) = (get(const_i), get(obj_i)) {
                consts.insert(text(c, src), key(o));
                continue;
            }
            let (Some(f), Some(a)) = (get(fn_i), get(arg_i)) else {
                continue;
            };
            let name = match self.resolve(f, src) {
                Some((_, Export::Named(n))) => n,
                Some((_, Export::Default)) => "default".to_string(),
                _ => continue,
            };
            if a.kind() == "object" {
                out.insert(key(a), name);
            } else {
                by_name.push((text(a, src), name));
            }
        }
        for (name, f) in by_name {
            if let Some(k) = consts.get(name) {
                out.insert(*k, f);
            }
        }
        out
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
