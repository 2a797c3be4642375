//! The syntax around a node, for rules whose patterns anchor on one leaf
//! (a method or key name) instead of describing the whole expression.
//!
//! Compiling a query pattern costs in proportion to the parse states its
//! parent nodes can appear in, and calls and member accesses appear almost
//! everywhere: a pattern nested three levels under `call_expression` took
//! more compile time than a dozen flat ones, and compiling was most of the
//! server's start-up. A leaf pattern filtered by its text costs nearly
//! nothing to compile, and the few nodes it matches are checked here.
use crate::engine::fields::Field;
use std::{
    cell::{OnceCell, RefCell},
    collections::{HashMap, HashSet},
    hash::{BuildHasherDefault, Hasher},
    sync::OnceLock,
};

use regex::Regex;
use tree_sitter::{Node, Tree};

fn text<'a>(node: Node, src: &'a str) -> &'a str {
    src.get(node.byte_range()).unwrap_or("")
}

/// Parents of nodes, found by walking the top-level statement that holds
/// them once: `Node::parent` searches down from the root, which costs as
/// many steps as there are siblings on the way, and hostile files have a
/// hundred thousand statements on one line or nesting ten thousand deep.
pub struct Parents<'t> {
    root: Node<'t>,
    /// The way from the root down to the node a match was found at, which
    /// the walk that found it knows for free: most questions are about it.
    path: RefCell<Vec<Node<'t>>>,
    top: OnceCell<Vec<Node<'t>>>,
    walked: RefCell<HashSet<usize, ById>>,
    map: RefCell<HashMap<usize, Node<'t>, ById>>,
}

/// Node ids are addresses: one multiplication spreads them well enough,
/// and the default hasher was a third of the cost of a walk.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 =
                (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type ById = BuildHasherDefault<IdHasher>;

/// How many ancestors of a match `Parents` keeps from the walk.
const PATH_KEEP: usize = 32;

/// Statements up to this many nodes are searched from the top for each
/// question; bigger ones are mapped whole once, so that deep nesting does
/// not cost its depth on every question.
const DESCEND_BELOW: usize = 2_000;

impl<'t> Parents<'t> {
    pub fn new(tree: &'t Tree) -> Parents<'t> {
        Parents {
            root: tree.root_node(),
            path: RefCell::default(),
            top: OnceCell::new(),
            walked: RefCell::default(),
            map: RefCell::default(),
        }
    }

    /// Tells the way from the root (first) down to `node` (last). Only its
    /// last steps are kept: predicates ask about a few levels above a
    /// match, and copying the whole way for every match in deeply nested
    /// code would cost its depth each time.
    pub fn set_path(&self, ancestors: &[Node<'t>], node: Node<'t>) {
        let mut path = self.path.borrow_mut();
        path.clear();
        path.extend_from_slice(&ancestors[ancestors.len().saturating_sub(PATH_KEEP)..]);
        path.push(node);
    }

    pub fn of(&self, node: Node<'t>) -> Option<Node<'t>> {
        if node == self.root {
            return None;
        }
        {
            let path = self.path.borrow();
            if let Some(i) = path.iter().rposition(|n| *n == node).filter(|&i| i > 0) {
                return Some(path[i - 1]);
            }
        }
        if let Some(p) = self.map.borrow().get(&node.id()) {
            return Some(*p);
        }
        let top = self.top.get_or_init(|| {
            let mut c = self.root.walk();
            self.root.children(&mut c).collect()
        });
        let first = top.partition_point(|c| c.end_byte() < node.start_byte());
        for s in top[first..]
            .iter()
            .take_while(|c| c.start_byte() <= node.end_byte())
        {
            if *s == node {
                return Some(self.root);
            }
            if s.descendant_count() <= DESCEND_BELOW {
                // A few steps down from the statement, recording the way.
                if let Some(p) = self.descend(*s, node) {
                    return Some(p);
                }
                continue;
            }
            if self.walked.borrow_mut().insert(s.id()) {
                self.walk(*s);
            }
            if let Some(p) = self.map.borrow().get(&node.id()) {
                return Some(*p);
            }
        }
        None
    }

    /// The parent of `node` inside `statement`, found by going down from it;
    /// every node passed on the way is recorded.
    fn descend(&self, statement: Node<'t>, node: Node<'t>) -> Option<Node<'t>> {
        let mut map = self.map.borrow_mut();
        let mut cur = statement;
        loop {
            let next = cur.child_with_descendant(node)?;
            if next == cur {
                return None;
            }
            map.insert(next.id(), cur);
            if next == node {
                return Some(cur);
            }
            cur = next;
        }
    }

    fn walk(&self, statement: Node<'t>) {
        let mut map = self.map.borrow_mut();
        map.reserve(statement.descendant_count());
        let mut cursor = statement.walk();
        let mut ancestors = Vec::new();
        'walk: loop {
            let node = cursor.node();
            if cursor.goto_first_child() {
                map.insert(cursor.node().id(), node);
                ancestors.push(node);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    if let Some(p) = ancestors.last() {
                        map.insert(cursor.node().id(), *p);
                    }
                    continue 'walk;
                }
                if !cursor.goto_parent() {
                    break 'walk;
                }
                ancestors.pop();
            }
        }
    }

    /// `parent` when `node` is its `field`.
    pub fn parent_by(&self, node: Node<'t>, kind: &str, field: &str) -> Option<Node<'t>> {
        // The field comes from a rule's predicate, so it is looked up by name.
        self.of(node)
            .filter(|p| p.kind() == kind && p.child_by_field_name(field) == Some(node))
    }

    /// The call `x.name(..)` whose callee's property is `name`.
    pub fn method_call(&self, name: Node<'t>) -> Option<Node<'t>> {
        let member = self.parent_by(name, "member_expression", "property")?;
        self.parent_by(member, "call_expression", "function")
    }

    /// The call whose first argument is `obj`, when the callee is `x.m(..)`:
    /// (the call, the property `m`).
    fn first_argument_of_method(&self, obj: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        let args = self.of(obj).filter(|p| p.kind() == "arguments")?;
        if args.named_child(0) != Some(obj) {
            return None;
        }
        let call = self.parent_by(args, "call_expression", "arguments")?;
        let callee = call
            .field("function")
            .filter(|f| f.kind() == "member_expression")?;
        let method = callee
            .field("property")
            .filter(|p| p.kind() == "property_identifier")?;
        Some((call, method))
    }

    /// Where a list method's result is still used as an array, returning the
    /// node to report and whether it is a name whose later reads may show the
    /// code already takes a page. `name` is the method's property in `x.name(..)`.
    pub fn list_result(&self, name: Node<'t>, src: &str) -> Option<(Node<'t>, bool)> {
        let call = self.method_call(name)?;
        let awaited = self.of(call)?;
        if awaited.kind() == "member_expression" {
            return self.then_parameter(call, src).map(|p| (p, true));
        }
        if awaited.kind() != "await_expression" {
            return None;
        }
        let holder = self.of(awaited)?;
        let how = match holder.kind() {
            "variable_declarator" => "declared",
            "for_in_statement" => "for-of",
            "parenthesized_expression" => match self.of(holder)?.kind() {
                "member_expression" => "member",
                "subscript_expression" => "subscript",
                _ => return None,
            },
            _ => return None,
        };
        let found = match how {
            // `const users = await list()`, `const [first] = await list()`
            "declared" => {
                let decl = self.parent_by(awaited, "variable_declarator", "value")?;
                let target = decl.field("name")?;
                match target.kind() {
                    "identifier" => return Some((target, true)),
                    "array_pattern" => Some(target),
                    _ => None,
                }
            }
            // `(await list()).map(..)`, not `(await list()).data`
            "member" => {
                let member = self
                    .parent_by(holder, "member_expression", "object")
                    .filter(|_| holder.kind() == "parenthesized_expression")?;
                let prop = member
                    .field("property")
                    .filter(|p| p.kind() == "property_identifier")?;
                (!matches!(text(prop, src), "data" | "totalCount")).then_some(holder)
            }
            // `(await list())[0]`
            "subscript" => self
                .parent_by(holder, "subscript_expression", "object")
                .filter(|_| holder.kind() == "parenthesized_expression")
                .map(|_| holder),
            // `for (const x of await list())`
            "for-of" => self
                .parent_by(awaited, "for_in_statement", "right")
                .map(|_| awaited),
            _ => None,
        };
        found.map(|f| (f, false))
    }

    /// `list().then((users) => ..)`: the callback's first parameter, or the name
    /// inside it (a TypeScript parameter wraps the name; so do a default and a
    /// rest). Only plain ASCII names, which is what the fix can rewrite.
    fn then_parameter(&self, call: Node<'t>, src: &str) -> Option<Node<'t>> {
        let then = self.parent_by(call, "member_expression", "object")?;
        let prop = then
            .field("property")
            .filter(|p| p.kind() == "property_identifier")?;
        if text(prop, src) != "then" {
            return None;
        }
        let outer = self.parent_by(then, "call_expression", "function")?;
        let callback = outer
            .field("arguments")
            .filter(|a| a.kind() == "arguments")?
            .named_child(0)?;
        let plain = |n: &Node<'t>| {
            let t = text(*n, src).as_bytes();
            t.first()
                .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_' || *c == b'$')
                && t.iter()
                    .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'$')
        };
        if callback.kind() == "arrow_function" {
            if let Some(p) = callback
                .field("parameter")
                .filter(|p| p.kind() == "identifier")
            {
                return Some(p).filter(plain);
            }
        } else if callback.kind() != "function_expression" {
            return None;
        }
        let first = callback
            .field("parameters")
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
    pub fn first_argument_key(&self, key: Node<'t>) -> Option<Node<'t>> {
        let (_, obj) = self.option_entry(key)?;
        self.first_argument_of_method(obj).map(|(_, method)| method)
    }

    /// `user.update({ password })` on a receiver named like a user object:
    /// returns the `update` property. `key` is the `password` key or shorthand.
    pub fn password_update(&self, key: Node<'t>, src: &str) -> Option<Node<'t>> {
        static USER: OnceLock<Regex> = OnceLock::new();
        let entry = match key.kind() {
            "shorthand_property_identifier" => key,
            "property_identifier" => self.parent_by(key, "pair", "key")?,
            _ => return None,
        };
        let obj = self.of(entry).filter(|p| p.kind() == "object")?;
        let (call, method) = self.first_argument_of_method(obj)?;
        if text(method, src) != "update" {
            return None;
        }
        let receiver = call
            .field("function")?
            .field("object")
            .filter(|o| o.is_named())?;
        let user = USER.get_or_init(|| Regex::new("(^|[.])([a-z]+U|u)ser[!?]?$").unwrap());
        user.is_match(text(receiver, src)).then_some(method)
    }

    /// The object `name` is read from: `object.name`, or `object['name']` for
    /// the text of a quoted index.
    pub fn read_from(&self, name: Node<'t>) -> Option<Node<'t>> {
        let object = match name.kind() {
            "property_identifier" => self.parent_by(name, "member_expression", "property")?,
            "string_fragment" => {
                let string = self.of(name).filter(|s| s.kind() == "string")?;
                self.parent_by(string, "subscript_expression", "index")?
            }
            _ => return None,
        }
        .field("object")?;
        object.is_named().then_some(object)
    }

    /// Whether `node` is the callee of a call: `node(..)`.
    pub fn is_callee(&self, node: Node<'t>) -> bool {
        self.parent_by(node, "call_expression", "function")
            .is_some()
    }

    /// Whether `name` (a property name, or the text of a quoted index) is read
    /// from an environment object: `process.env.NAME`, `process.env['NAME']`;
    /// `envs` are the texts the object may have.
    pub fn env_read(&self, name: Node<'t>, src: &str, envs: &[&str]) -> bool {
        self.read_from(name)
            .is_some_and(|o| o.kind() == "member_expression" && envs.contains(&text(o, src)))
    }

    /// Whether a string fragment is (part of) the module of an `import` or
    /// `export .. from` statement, or the first argument of `require(..)` or
    /// `import(..)`.
    pub fn module_specifier(&self, fragment: Node<'t>, src: &str) -> bool {
        let Some(string) = self.of(fragment).filter(|s| s.kind() == "string") else {
            return false;
        };
        let Some(holder) = self.of(string) else {
            return false;
        };
        match holder.kind() {
            "import_statement" | "export_statement" => holder.field("source") == Some(string),
            "arguments" => {
                holder.named_child(0) == Some(string)
                    && self
                        .parent_by(holder, "call_expression", "arguments")
                        .and_then(|call| call.field("function"))
                        .is_some_and(|f| {
                            f.kind() == "import"
                                || (f.kind() == "identifier" && text(f, src) == "require")
                        })
            }
            _ => false,
        }
    }

    /// Whether `node` names an export where it is brought in or passed on:
    /// `import { node }`, `export { node } from`, `const { node } = ..`,
    /// `const { node: local } = ..`.
    pub fn is_specifier(&self, node: Node<'t>) -> bool {
        let Some(p) = self.of(node) else { return false };
        match (node.kind(), p.kind()) {
            ("identifier", "import_specifier" | "export_specifier") => {
                p.field("name") == Some(node)
            }
            ("shorthand_property_identifier_pattern", "object_pattern") => true,
            ("property_identifier", "pair_pattern") => p.field("key") == Some(node),
            _ => false,
        }
    }

    /// The entry of an object literal that `key` names, and the object:
    /// `{ key: .. }`, `{ 'key': .. }` (`key` is then the string's text) or `{ key }`.
    pub fn option_entry(&self, key: Node<'t>) -> Option<(Node<'t>, Node<'t>)> {
        let entry = match key.kind() {
            "shorthand_property_identifier" => key,
            "property_identifier" => self.parent_by(key, "pair", "key")?,
            "string_fragment" => {
                let string = self.of(key).filter(|p| p.kind() == "string")?;
                self.parent_by(string, "pair", "key")?
            }
            _ => return None,
        };
        let object = self.of(entry).filter(|p| p.kind() == "object")?;
        Some((entry, object))
    }

    /// Whether the value given to `key` in an object literal matches `pattern`.
    pub fn option_value_matches(&self, key: Node<'t>, src: &str, pattern: &str) -> Option<bool> {
        thread_local! {
            static CACHE: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
        }
        let (entry, _) = self.option_entry(key)?;
        let value = entry.field("value").filter(|v| v.is_named())?;
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            let re = c
                .entry(pattern.to_string())
                .or_insert_with(|| Regex::new(pattern).ok());
            re.as_ref().map(|re| re.is_match(text(value, src)))
        })
    }
}
