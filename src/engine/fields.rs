//! Children by field, looked up by field id. Tree-sitter's lookup by name
//! compares the name with every field name of the grammar, once per call;
//! the analysis asks for fields of most nodes it looks at.
use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tree_sitter::{Language, Node};

thread_local! {
    /// (grammar, field name) -> field id, `None` when the grammar has no
    /// such field. Names are `'static`, so their address and length
    /// identify them.
    static IDS: RefCell<FxHashMap<(usize, usize, usize), Option<u16>>> =
        RefCell::new(FxHashMap::default());
}

pub trait Field<'t> {
    /// The first child in the field `name`, as `Node::child_by_field_name`.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> Field<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language();
        let key = (
            Language::clone(&language).into_raw() as usize,
            name.as_ptr() as usize,
            name.len(),
        );
        let id = IDS.with(|ids| {
            *ids.borrow_mut()
                .entry(key)
                .or_insert_with(|| language.field_id_for_name(name).map(|f| f.get()))
        })?;
        self.child_by_field_id(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lang::Lang, parse};

    /// Every grammar, every field the engine asks for, on every node of a
    /// file that has them all: the same child as the lookup by name.
    #[test]
    fn field_equals_child_by_field_name() {
        let names = [
            "value",
            "name",
            "property",
            "object",
            "function",
            "left",
            "key",
            "alias",
            "right",
            "constructor",
            "arguments",
            "source",
            "pattern",
            "parameters",
            "parameter",
            "type",
            "operator",
            "index",
            "declaration",
            "body",
            "nope",
        ];
        let src = "import d, { a as b } from 'm';\nexport { x as y } from 'n';\nconst { k: v = 1 } = require('m');\nnew C(1);\nf(a)[i] = o.p + -q;\nfunction g(p) { return p; }\nclass K { m() {} }\n";
        for lang in Lang::GRAMMARS {
            let tree = parse(src, lang, None).unwrap();
            let mut nodes = vec![tree.root_node()];
            let mut seen = 0;
            while let Some(node) = nodes.pop() {
                for name in names {
                    let by_id = node.field(name);
                    assert_eq!(by_id, node.child_by_field_name(name), "{lang:?} {name}");
                    seen += usize::from(by_id.is_some());
                }
                let mut cursor = node.walk();
                nodes.extend(node.children(&mut cursor));
            }
            assert!(seen > 20, "{lang:?}: only {seen} fields found");
        }
    }
}
