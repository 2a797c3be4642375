//! Most rule patterns are one leaf node tested by its text:
//! `((property_identifier) @finding (#eq? @finding "claims") …)`. Tree-sitter
//! cannot index a query by text, so its cursor starts every such pattern at
//! every node of the kind and hands each match back to be filtered by text:
//! with dozens of these patterns on `property_identifier` and `identifier`,
//! that was most of the time spent querying. Such patterns are disabled in
//! the compiled query and matched here instead, by one walk of the tree and
//! a table from node kind and text to patterns. The query files stay as they
//! are; a pattern this module does not recognise stays in the query.
use std::ops::Range;

use aho_corasick::AhoCorasick;
use regex::bytes::Regex;
use rustc_hash::FxHashMap;
use tree_sitter::{CaptureQuantifier, Language, Node, Query, QueryCapture};

/// The text predicates tree-sitter's binding applies to matches; patterns
/// using one not handled here stay in the query.
const TEXT_PREDICATES: &[&str] = &[
    "eq?",
    "not-eq?",
    "any-eq?",
    "any-not-eq?",
    "match?",
    "not-match?",
    "any-match?",
    "any-not-match?",
    "any-of?",
    "not-any-of?",
];

/// A leaf pattern as read from its source.
#[derive(Debug, PartialEq, Eq)]
pub struct Spec {
    pub kinds: Vec<String>,
    pub captures: Vec<String>,
    /// The texts allowed by `#eq?` / `#any-of?`, if any.
    pub texts: Option<Vec<String>>,
    /// `#match?` regexes the text must match.
    pub regexes: Vec<String>,
}

struct Leaf {
    pattern: usize,
    captures: Box<[u32]>,
    regexes: Box<[Regex]>,
    /// The pattern applies the guard predicate to its leaf: `for_each`
    /// asks its `admit` before reporting a match.
    guarded: bool,
}

#[derive(Default)]
struct Kind {
    by_text: FxHashMap<Box<[u8]>, Vec<u32>>,
    any_text: Vec<u32>,
}

/// The leaf patterns of one compiled query, by node kind and text, and the
/// kinds the query's other patterns start at.
#[derive(Default)]
pub struct Leaves {
    leaves: Vec<Leaf>,
    /// Indexed by node kind id.
    kinds: Vec<Option<Box<Kind>>>,
    /// Indexed by node kind id: 1 + the slot of the kind in [`Roots`] when
    /// a pattern left in the query starts at nodes of this kind, else 0.
    /// `None` when one of them may start elsewhere too.
    roots: Option<Vec<u8>>,
    /// How many kinds patterns left in the query start at.
    root_kinds: usize,
    /// The patterns left in the query, by the kind they start at (see
    /// [`Leaves::live_roots`]).
    root_patterns: Vec<RootPattern>,
    /// The texts one of which every node where a pattern matches holds,
    /// bar the names of a file's bindings; `None` when some pattern needs
    /// none (see [`Leaves::live_roots`]).
    needles: Option<AhoCorasick>,
}

struct RootPattern {
    kind: usize,
    /// Texts one of which the node's text holds wherever the pattern
    /// matches (see [`needs`]).
    needs: Option<Box<[Box<[u8]>]>>,
    /// The pattern holds only where a capture resolves to a binding of the
    /// file (to one of these exports, if given); with `true` when that
    /// capture lies in the pattern's node, which then holds the binding's
    /// name or its site.
    resolves: Option<(Option<Exports>, bool)>,
}

/// What a file's bindings let a resolving capture be: the local names, and
/// the sites (declarations, re-exports) of the bindings asked for.
#[derive(Default)]
pub struct Names {
    pub texts: Vec<Box<[u8]>>,
    pub sites: Vec<(usize, usize)>,
}

/// Export names a guard predicate asks for.
type Exports = Box<[Box<str>]>;

/// Where the walk of one file goes: the kinds where a pattern left in the
/// query may match, and, when known, the offsets where a text that every
/// match holds starts. A subtree without one is not walked.
pub struct Roots {
    live: Vec<Option<Root>>,
    starts: Option<Vec<usize>>,
}

/// A kind where patterns left in the query may match: at every node, or
/// only at nodes whose text holds one of `needs` or that hold one of
/// `sites`.
#[derive(Clone, Default)]
struct Root {
    always: bool,
    needs: Vec<Box<[u8]>>,
    sites: Vec<(usize, usize)>,
}

/// More names or sites than this, and a pattern that needs one runs at
/// every node of its kind, and the walk enters every subtree: looking for
/// each in a node or a file would cost more than it saves, and grows with
/// their count (thousands of imported names).
const MAX_NAMES: usize = 64;
/// A node longer than this is not searched for a pattern's texts: the
/// query runs there, as it would have to anyway to match. Nested nodes
/// each searched whole would cost their depth times their length.
const MAX_SEARCHED: usize = 4096;

impl Root {
    fn admits(&self, range: Range<usize>, text: &[u8]) -> bool {
        self.always
            || range.len() > MAX_SEARCHED
            || self
                .needs
                .iter()
                .any(|n| memchr::memmem::find(text, n).is_some())
            || self
                .sites
                .iter()
                .any(|&(s, e)| s >= range.start && e <= range.end)
    }

    fn need(&mut self, texts: &[Box<[u8]>]) {
        for t in texts {
            if !self.needs.contains(t) {
                self.needs.push(t.clone());
            }
        }
    }
}

/// What the walk of [`Leaves::for_each`] meets.
pub enum Visit<'a, 't> {
    /// A match of leaf pattern `pattern`.
    Leaf(usize, &'a [QueryCapture<'t>]),
    /// A node where a pattern left in the query may start: run the query
    /// with start depth 0 on it.
    Root,
}

/// Where the walk is: the node visited (the match's or the root's) and its
/// ancestors, the root first.
pub struct At<'a, 't> {
    pub node: Node<'t>,
    pub ancestors: &'a [Node<'t>],
}

impl Leaves {
    /// Moves every leaf pattern of `query` (compiled from `src`) into the
    /// index and disables it in the query. A pattern whose predicates apply
    /// `guard` to its leaf before any of `rebinding` (predicates that make a
    /// capture name another node) is marked guarded. `guard` and the other
    /// `resolving` predicates hold only for a capture that resolves to a
    /// binding; `guard`'s strings name the exports it asks for.
    pub fn take_from(
        query: &mut Query,
        src: &str,
        language: &Language,
        guard: &str,
        resolving: &[&str],
        rebinding: &[&str],
    ) -> Leaves {
        let mut out = Leaves {
            leaves: Vec::new(),
            kinds: (0..language.node_kind_count()).map(|_| None).collect(),
            roots: Some(vec![0; language.node_kind_count()]),
            root_kinds: 0,
            root_patterns: Vec::new(),
            needles: None,
        };
        let mut needles: Option<Vec<Box<[u8]>>> = Some(Vec::new());
        for p in 0..query.pattern_count() {
            let text = &src[query.start_byte_for_pattern(p)..query.end_byte_for_pattern(p)];
            let known = |k: &String| {
                let id = language.id_for_node_kind(k, true) as usize;
                (id != 0 && id < language.node_kind_count()).then_some(id)
            };
            let leaf = parse(text).and_then(|spec| {
                let ids = spec.kinds.iter().map(known).collect::<Option<Vec<_>>>()?;
                Some((leaf(query, p, &spec)?, spec.texts, spec.regexes, ids))
            });
            let Some((mut leaf, texts, spec_regexes, ids)) = leaf else {
                let root = root_kind(text)
                    .filter(|_| query.is_pattern_rooted(p))
                    .and_then(|k| known(&k));
                match (root, &mut out.roots) {
                    (Some(id), Some(roots)) if roots[id] > 0 || out.root_kinds < 255 => {
                        if roots[id] == 0 {
                            out.root_kinds += 1;
                            roots[id] = out.root_kinds as u8;
                        }
                        let p = RootPattern {
                            kind: id,
                            needs: needs(query, p, text),
                            resolves: resolves(query, p, guard, resolving, rebinding),
                        };
                        // A pattern that needs neither makes its kind walked
                        // everywhere in a file where it may match; that file
                        // is walked whole (`Root::always`).
                        if let (Some(n), Some(texts)) = (needles.as_mut(), &p.needs) {
                            n.extend(texts.iter().cloned());
                        }
                        out.root_patterns.push(p);
                    }
                    _ => out.roots = None,
                }
                continue;
            };
            leaf.guarded = query
                .general_predicates(p)
                .iter()
                .take_while(|pred| !rebinding.contains(&&*pred.operator))
                .any(|pred| {
                    &*pred.operator == guard
                        && matches!(pred.args.first(), Some(tree_sitter::QueryPredicateArg::Capture(c)) if leaf.captures.contains(c))
                });
            if let Some(n) = needles.as_mut() {
                match &texts {
                    Some(texts) => n.extend(texts.iter().map(|t| t.as_bytes().into())),
                    // A guarded leaf is a binding's name or site.
                    None if leaf.guarded => {}
                    None => match spec_regexes.iter().find_map(|r| prefixes(r)) {
                        Some(p) => n.extend(p),
                        None => needles = None,
                    },
                }
            }
            let at = out.leaves.len() as u32;
            out.leaves.push(leaf);
            for id in ids {
                let kind = out.kinds[id].get_or_insert_with(Default::default);
                match &texts {
                    None => kind.any_text.push(at),
                    Some(texts) => {
                        for t in texts {
                            let list = kind.by_text.entry(t.as_bytes().into()).or_default();
                            if !list.contains(&at) {
                                list.push(at);
                            }
                        }
                    }
                }
            }
            query.disable_pattern(p);
        }
        out.needles = needles.and_then(|mut n| {
            n.sort();
            n.dedup();
            AhoCorasick::new(&n).ok()
        });
        out
    }

    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// Whether [`Leaves::for_each`] visits every node where a pattern left
    /// in the query may start; if not, run the query over the whole tree.
    pub fn finds_roots(&self) -> bool {
        self.roots.is_some()
    }

    /// The nodes where a pattern left in the query may match in a file
    /// whose bindings `names` gives (for the exports asked for, or all): a
    /// pattern that needs a capture to resolve never matches where no
    /// binding it asks for has its name or site, nor anywhere in a file
    /// without one. One that compares a capture with texts matches only
    /// where one of them is. Running the query at a node costs more than
    /// visiting it, and the kinds these patterns start at (declarators,
    /// calls, destructuring) are everywhere.
    ///
    /// Within `range` of `src` (all of it for `None`), it also finds where
    /// a node can match at all: every leaf pattern compares its leaf with
    /// texts or regexes that start with known texts, or asks it to be a
    /// binding's name or site, and so does every pattern left in the query
    /// unless one runs at every node of its kind. Tree-sitter's cursor
    /// costs hundreds of instructions a step, and most subtrees of most
    /// files hold none of these.
    pub fn live_roots(
        &self,
        src: &[u8],
        range: Option<Range<usize>>,
        names: impl Fn(Option<&[Box<str>]>) -> Names,
    ) -> Roots {
        let mut live: Vec<Option<Root>> = vec![None; self.root_kinds];
        let Some(slots) = &self.roots else {
            // The query runs over the whole tree instead.
            return Roots { live, starts: None };
        };
        // Patterns share the few export lists they ask for.
        let mut named: Vec<(Option<&[Box<str>]>, Names)> = Vec::new();
        for p in &self.root_patterns {
            let resolves = p
                .resolves
                .as_ref()
                .map(|(e, within)| (names_for(&mut named, e.as_deref(), &names), *within));
            if let Some((at, _)) = resolves {
                let n = &named[at].1;
                if n.texts.is_empty() && n.sites.is_empty() {
                    continue;
                }
            }
            let root = live[slots[p.kind] as usize - 1].get_or_insert_with(Root::default);
            match (&p.needs, resolves) {
                (Some(needs), _) => root.need(needs),
                (None, Some((at, true)))
                    if named[at].1.texts.len() <= MAX_NAMES
                        && named[at].1.sites.len() <= MAX_NAMES =>
                {
                    let n = &named[at].1;
                    root.need(&n.texts);
                    root.sites.extend(n.sites.iter().copied());
                }
                (None, _) => root.always = true,
            }
        }
        let starts = self
            .needles
            .as_ref()
            .filter(|_| !live.iter().flatten().any(|r| r.always))
            .and_then(|needles| {
                let at = names_for(&mut named, None, &names);
                let all = &named[at].1;
                if all.texts.len() > MAX_NAMES {
                    return None;
                }
                let from = range.as_ref().map_or(0, |r| r.start.min(src.len()));
                let to = range.as_ref().map_or(src.len(), |r| r.end.min(src.len()));
                let text = src.get(from..to).unwrap_or_default();
                // Overlapping: a text inside another (`Clerk` in
                // `createClerkClient`) can be a node of its own.
                let mut starts: Vec<usize> = needles
                    .find_overlapping_iter(text)
                    .map(|m| from + m.start())
                    .collect();
                for name in &all.texts {
                    starts.extend(memchr::memmem::find_iter(text, name).map(|at| from + at));
                }
                starts.extend(all.sites.iter().map(|&(s, _)| s));
                starts.sort_unstable();
                starts.dedup();
                Some(starts)
            });
        Roots { live, starts }
    }

    /// Walks the nodes under `root` that intersect `range` (as tree-sitter's
    /// `set_byte_range` would) in document order, calling `f` with each
    /// match of a leaf pattern and each node where another pattern may
    /// start; stops when `stop` says so. Matches of guarded patterns are
    /// reported only for nodes `admit` accepts (given the node and its
    /// text): it must accept every node the guard predicate would.
    #[allow(clippy::too_many_arguments)]
    pub fn for_each<'t>(
        &self,
        root: Node<'t>,
        src: &[u8],
        range: Option<Range<usize>>,
        roots: &Roots,
        mut stop: impl FnMut() -> bool,
        admit: impl Fn(Node<'t>, &[u8]) -> bool,
        mut f: impl FnMut(&At<'_, 't>, Visit<'_, 't>),
    ) {
        let starts = roots.starts.as_deref();
        let slots = self.roots.as_deref().unwrap_or_default();
        let roots = &roots.live;
        if self.leaves.is_empty() && roots.iter().all(Option::is_none) {
            return;
        }
        let range = range.unwrap_or(0..usize::MAX);
        // A node in the range that holds the start of a text some match
        // needs, if they are known.
        let wanted = |n: &Node| {
            let (s, e) = (n.start_byte(), n.end_byte());
            (e > range.start || (s == e && e == range.start))
                && s < range.end
                && starts.is_none_or(|starts| {
                    let i = starts.partition_point(|&at| at < s);
                    starts.get(i).is_some_and(|&at| at < e)
                })
        };
        if !wanted(&root) {
            return;
        }
        // From the cursor's node, the first sibling (itself included) that
        // is wanted; `false` when none is. `left` counts the siblings after
        // the cursor's node.
        let settle = |c: &mut tree_sitter::TreeCursor<'t>, left: &mut u32| loop {
            let n = c.node();
            if n.start_byte() >= range.end {
                return false;
            }
            if wanted(&n) {
                return true;
            }
            if *left == 0 {
                return false;
            }
            *left -= 1;
            c.goto_next_sibling();
        };
        let mut caps: Vec<QueryCapture<'t>> = Vec::new();
        let mut ancestors: Vec<Node<'t>> = Vec::new();
        // Per level below `root`, the siblings after the cursor's node. A
        // node's child count is stored in it, while asking the cursor for a
        // sibling that does not exist climbs through every hidden node
        // above it: the walk moves only where it knows there is a node.
        let mut left: Vec<u32> = Vec::new();
        let mut c = root.walk();
        let mut seen = 0u32;
        'visit: loop {
            let node = c.node();
            let id = node.kind_id() as usize;
            let here = At {
                node,
                ancestors: &ancestors,
            };
            let slot = slots.get(id).map_or(0, |&s| s as usize);
            if let Some(Some(root)) = slot.checked_sub(1).and_then(|s| roots.get(s)) {
                let range = node.byte_range();
                if root.admits(range.clone(), src.get(range).unwrap_or_default()) {
                    f(&here, Visit::Root);
                }
            }
            if let Some(kind) = self.kinds.get(id).and_then(|k| k.as_deref()) {
                let text = src.get(node.byte_range()).unwrap_or_default();
                let by_text = kind
                    .by_text
                    .get(text)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let mut admitted = None;
                for &at in by_text.iter().chain(&kind.any_text) {
                    let leaf = &self.leaves[at as usize];
                    if !leaf.regexes.iter().all(|r| r.is_match(text)) {
                        continue;
                    }
                    if leaf.guarded && !*admitted.get_or_insert_with(|| admit(node, text)) {
                        continue;
                    }
                    caps.clear();
                    caps.extend(
                        leaf.captures
                            .iter()
                            .map(|&index| QueryCapture { node, index }),
                    );
                    f(&here, Visit::Leaf(leaf.pattern, &caps));
                }
            }
            seen += 1;
            if seen % 4096 == 0 && stop() {
                return;
            }
            let count = node.child_count();
            let first = match (count, range.start) {
                (0, _) => None,
                (_, 0) => c.goto_first_child().then_some(0),
                (_, s) => c.goto_first_child_for_byte(s - 1),
            };
            if let Some(i) = first {
                let mut after = count.saturating_sub(1 + i as u32);
                if settle(&mut c, &mut after) {
                    ancestors.push(node);
                    left.push(after);
                    continue;
                }
                c.goto_parent();
            }
            loop {
                let Some(after) = left.last_mut() else {
                    return;
                };
                if *after > 0 {
                    *after -= 1;
                    c.goto_next_sibling();
                    if settle(&mut c, after) {
                        continue 'visit;
                    }
                    *after = 0;
                }
                c.goto_parent();
                left.pop();
                ancestors.pop();
            }
        }
    }
}

/// Where in `named` the names for `exports` are, asked of `names` the
/// first time.
fn names_for<'e>(
    named: &mut Vec<(Option<&'e [Box<str>]>, Names)>,
    exports: Option<&'e [Box<str>]>,
    names: &impl Fn(Option<&[Box<str>]>) -> Names,
) -> usize {
    match named.iter().position(|(k, _)| *k == exports) {
        Some(at) => at,
        None => {
            named.push((exports, names(exports)));
            named.len() - 1
        }
    }
}

/// Whether pattern `p` holds only where one of `resolving` holds, which
/// needs its capture to resolve to a binding; with the exports its first
/// `guard` predicate with arguments asks for, and whether that capture lies
/// in the pattern's node: not after a `rebinding` predicate, which can make
/// it name a node outside.
fn resolves(
    query: &Query,
    p: usize,
    guard: &str,
    resolving: &[&str],
    rebinding: &[&str],
) -> Option<(Option<Exports>, bool)> {
    let preds = query.general_predicates(p);
    let within = !preds
        .iter()
        .any(|pred| rebinding.contains(&&*pred.operator));
    let exports = preds.iter().find_map(|pred| {
        let names: Exports = pred
            .args
            .iter()
            .filter_map(|a| match a {
                tree_sitter::QueryPredicateArg::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        (&*pred.operator == guard && !names.is_empty()).then_some(names)
    });
    let resolving = preds.iter().any(|pred| {
        resolving.contains(&&*pred.operator)
            && matches!(
                pred.args.first(),
                Some(tree_sitter::QueryPredicateArg::Capture(_))
            )
    });
    (exports.is_some() || resolving).then_some((exports, within))
}

/// Texts pattern `p` (whose source is `src`) needs its root node's text to
/// hold: the strings of an `#eq?` or `#any-of?` on a capture the pattern
/// always makes, which lies inside the root. `None` when it has no such
/// test. (A text test on a capture that may be absent holds vacuously.)
fn needs(query: &Query, p: usize, src: &str) -> Option<Box<[Box<[u8]>]>> {
    let toks = tokens(src)?;
    let quantifiers = query.capture_quantifiers(p);
    let always = |c: &str| {
        query.capture_index_for_name(c).is_some_and(|i| {
            matches!(
                quantifiers.get(i as usize),
                Some(CaptureQuantifier::One | CaptureQuantifier::OneOrMore)
            )
        })
    };
    let mut best: Option<Vec<&String>> = None;
    for (i, t) in toks.iter().enumerate() {
        let (Tok::Pred(op), Some(Tok::Capture(c))) = (t, toks.get(i + 1)) else {
            continue;
        };
        if !matches!(op.as_str(), "eq?" | "any-of?")
            || toks.get(i.wrapping_sub(1)) != Some(&Tok::Open)
            || !always(c)
        {
            continue;
        }
        let mut strs = Vec::new();
        let mut j = i + 2;
        while let Some(Tok::Str(s)) = toks.get(j) {
            strs.push(s);
            j += 1;
        }
        if toks.get(j) != Some(&Tok::Close) || strs.is_empty() || (op == "eq?" && strs.len() != 1) {
            continue;
        }
        // The fewest alternatives say the most.
        if best.as_ref().is_none_or(|b| strs.len() < b.len()) {
            best = Some(strs);
        }
    }
    best.map(|b| b.into_iter().map(|s| s.as_bytes().into()).collect())
}

/// Texts one of which every match of `regex` starts with, if it has such a
/// finite set of texts, none empty.
fn prefixes(regex: &str) -> Option<Vec<Box<[u8]>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::parse(regex).ok()?;
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(&hir);
    let literals = seq.literals()?;
    (!literals.is_empty() && literals.iter().all(|l| !l.as_bytes().is_empty()))
        .then(|| literals.iter().map(|l| l.as_bytes().into()).collect())
}

/// The index entry of leaf pattern `p` of `query`, unless one of its
/// captures or regexes does not resolve.
fn leaf(query: &Query, p: usize, spec: &Spec) -> Option<Leaf> {
    let captures = spec
        .captures
        .iter()
        .map(|c| query.capture_index_for_name(c))
        .collect::<Option<Box<[u32]>>>()?;
    let regexes = spec
        .regexes
        .iter()
        .map(|r| Regex::new(r).ok())
        .collect::<Option<Box<[Regex]>>>()?;
    Some(Leaf {
        pattern: p,
        captures,
        regexes,
        guarded: false,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    Capture(String),
    Str(String),
    Pred(String),
    Word(String),
}

fn tokens(src: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    let mut chars = src.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            c if c.is_whitespace() => {}
            ';' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            '[' => out.push(Tok::OpenAlt),
            ']' => out.push(Tok::CloseAlt),
            '"' => {
                let mut s = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => s.push(match chars.next()? {
                            'n' => '\n',
                            'r' => '\r',
                            't' => '\t',
                            '0' => '\0',
                            c => c,
                        }),
                        c => s.push(c),
                    }
                }
                out.push(Tok::Str(s));
            }
            _ => {
                let mut w = String::from(ch);
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "()[]\";".contains(c) {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                out.push(match w.chars().next() {
                    Some('@') => Tok::Capture(w[1..].to_string()),
                    Some('#') => Tok::Pred(w[1..].to_string()),
                    _ => Tok::Word(w),
                });
            }
        }
    }
    Some(out)
}

fn is_kind(w: &str) -> bool {
    w != "_" && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The kind of the node a pattern's source starts with, unless it starts
/// with an alternation or a wildcard.
fn root_kind(src: &str) -> Option<String> {
    let toks = tokens(src)?;
    let at = usize::from(matches!(toks.as_slice(), [Tok::Open, Tok::Open, ..]));
    match toks.get(at..at + 2)? {
        [Tok::Open, Tok::Word(k)] if is_kind(k) => Some(k.clone()),
        _ => None,
    }
}

/// Reads a pattern's source; `Some` when it is one named node kind (or an
/// alternation of them) with captures and predicates, and its text tests
/// are ones this module applies.
pub fn parse(src: &str) -> Option<Spec> {
    let toks = tokens(src)?;
    let grouped = matches!(toks.as_slice(), [Tok::Open, Tok::Open | Tok::OpenAlt, ..]);
    let mut i = usize::from(grouped);
    let mut kinds = Vec::new();
    let node = |i: usize| match toks.get(i..i + 3) {
        Some([Tok::Open, Tok::Word(k), Tok::Close]) if is_kind(k) => Some(k.clone()),
        _ => None,
    };
    if toks.get(i) == Some(&Tok::OpenAlt) {
        i += 1;
        while toks.get(i) != Some(&Tok::CloseAlt) {
            kinds.push(node(i)?);
            i += 3;
        }
        i += 1;
        if kinds.is_empty() {
            return None;
        }
    } else {
        kinds.push(node(i)?);
        i += 3;
    }
    let mut captures = Vec::new();
    while let Some(Tok::Capture(c)) = toks.get(i) {
        captures.push(c.clone());
        i += 1;
    }
    if captures.is_empty() {
        return None;
    }
    let mut texts: Option<Vec<String>> = None;
    let mut regexes = Vec::new();
    if grouped {
        loop {
            let op = match (toks.get(i)?, toks.get(i + 1)) {
                (Tok::Close, _) => break,
                (Tok::Open, Some(Tok::Pred(op))) => op,
                _ => return None,
            };
            let mut args = Vec::new();
            i += 2;
            loop {
                match toks.get(i)? {
                    Tok::Close => break,
                    t @ (Tok::Capture(_) | Tok::Str(_) | Tok::Word(_)) => args.push(t.clone()),
                    _ => return None,
                }
                i += 1;
            }
            i += 1;
            if !TEXT_PREDICATES.contains(&op.as_str()) {
                continue;
            }
            let (Some(Tok::Capture(c)), rest) = (args.first(), args.get(1..).unwrap_or_default())
            else {
                return None;
            };
            if !captures.contains(c) || rest.is_empty() {
                return None;
            }
            let strs = rest
                .iter()
                .map(|a| match a {
                    Tok::Str(s) => Some(s.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?;
            match op.as_str() {
                "eq?" if texts.is_none() && strs.len() == 1 => texts = Some(strs),
                "any-of?" if texts.is_none() => texts = Some(strs),
                "match?" if strs.len() == 1 => regexes.push(strs[0].clone()),
                _ => return None,
            }
        }
        i += 1;
    }
    (i == toks.len()).then_some(Spec {
        kinds,
        captures,
        texts,
        regexes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kinds: &[&str], caps: &[&str], texts: Option<&[&str]>, regexes: &[&str]) -> Spec {
        let v = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Spec {
            kinds: v(kinds),
            captures: v(caps),
            texts: texts.map(v),
            regexes: v(regexes),
        }
    }

    #[test]
    fn reads_leaf_patterns() {
        assert_eq!(
            parse(
                "((property_identifier) @finding\n  (#eq? @finding \"claims\") ; why\n  (#clerk-file?)\n  (#object-holds? @finding \"authObject\"))"
            ),
            Some(spec(&["property_identifier"], &["finding"], Some(&["claims"]), &[]))
        );
        assert_eq!(
            parse("([(identifier) (property_identifier)] @finding @name (#any-of? @finding \"a\" \"b\") (#set! message \"x (y)\"))"),
            Some(spec(
                &["identifier", "property_identifier"],
                &["finding", "name"],
                Some(&["a", "b"]),
                &[]
            ))
        );
        assert_eq!(
            parse("((string_fragment) @finding (#match? @finding \"a\\\\.b\\\"\") (#clerk-file?))"),
            Some(spec(&["string_fragment"], &["finding"], None, &["a\\.b\""]))
        );
        assert_eq!(
            parse("((identifier) @finding (#clerk-ref? @finding \"x\"))"),
            Some(spec(&["identifier"], &["finding"], None, &[]))
        );
    }

    #[test]
    fn leaves_other_patterns_to_the_query() {
        for p in [
            "((object_pattern (shorthand_property_identifier_pattern) @finding) (#eq? @finding \"x\"))",
            "((import_specifier name: (identifier) @finding) (#eq? @finding \"x\"))",
            "((identifier) @a (#not-eq? @a \"x\"))",
            "((identifier) @a (#eq? @a @b))",
            "((identifier) @a (#eq? @a \"x\") (#any-of? @a \"x\" \"y\"))",
            "((identifier)* @a)",
            "(_) @a",
            "((identifier))",
            "((identifier) @a (identifier) @b)",
            "((identifier) @a (#eq? @a \"x\"",
        ] {
            assert_eq!(parse(p), None, "{p}");
        }
    }
}

#[cfg(test)]
mod same_as_the_query {
    use std::path::{Path, PathBuf};

    use super::super::{
        facts::Facts, fixers::Memo, lang::Lang, parse, query, run_rules_in, settings::Settings,
        Finding,
    };

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if !p.ends_with("node_modules") {
                    sources(&p, out);
                }
            } else if Lang::from_path(&p).is_some_and(|l| l.ts_language().is_some()) {
                out.push(p);
            }
        }
    }

    fn key(f: &Finding) -> String {
        format!(
            "{} {:?} {:?} {} {:?} {:?}",
            f.rule.id, f.range, f.severity, f.message, f.fix, f.official
        )
    }

    /// Findings of `src` by the indexed and the plain query, whole file
    /// and per top-level statement; the number of findings compared.
    fn compare(
        src: &str,
        lang: Lang,
        indexed: &query::Compiled,
        plain: &query::Compiled,
        what: &str,
    ) -> usize {
        let settings = Settings::default();
        let Some(tree) = parse(src, lang, None) else {
            return 0;
        };
        let facts = Facts::compute(&tree, src, lang);
        let mut ranges = vec![None];
        let mut c = tree.root_node().walk();
        ranges.extend(
            tree.root_node()
                .children(&mut c)
                .map(|n| Some(n.byte_range())),
        );
        let mut compared = 0;
        for r in ranges {
            let run = |c: &query::Compiled| {
                let memo = Memo::default();
                let found = run_rules_in(
                    c,
                    &tree,
                    src,
                    lang,
                    &settings,
                    &facts,
                    r.clone(),
                    Some(&memo),
                );
                let mut out: Vec<String> = found.iter().map(key).collect();
                out.sort();
                out
            };
            let got = run(indexed);
            assert_eq!(got, run(plain), "{what} as {}, range {r:?}", lang.name());
            compared += got.len();
        }
        compared
    }

    fn corpus() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("tests/fixtures"), &mut files);
        sources(&root.join("examples"), &mut files);
        files
    }

    /// Every fixture and example file gives the same findings, fixes included,
    /// whether leaf patterns are matched by the index or by tree-sitter's
    /// cursor, over whole files and over each top-level statement.
    #[test]
    fn the_leaf_index_finds_what_the_query_finds() {
        let files = corpus();
        assert!(files.len() > 50, "{} files", files.len());
        let mut indexed_matches = 0;
        for lang in Lang::GRAMMARS {
            let indexed = query::compile_with(lang, true).unwrap();
            let plain = query::compile_with(lang, false).unwrap();
            assert!(!indexed.leaves.is_empty() && indexed.leaves.finds_roots());
            for f in &files {
                let src = std::fs::read_to_string(f).unwrap();
                indexed_matches += compare(&src, lang, &indexed, &plain, &f.display().to_string());
            }
        }
        assert!(indexed_matches > 500, "{indexed_matches} findings compared");
    }

    /// The query runs at a call only in files that can name one of the
    /// exports its call pattern asks for (`publishable-key-required`).
    #[test]
    fn roots_live_only_where_the_file_can_name_their_exports() {
        let compiled = query::compile_with(Lang::TypeScript, true).unwrap();
        let language = Lang::TypeScript.ts_language().unwrap();
        let call = language.id_for_node_kind("call_expression", true) as usize;
        for (src, live) in [
            (
                "import { clerkClient } from '@clerk/clerk-sdk-node';",
                false,
            ),
            ("const x = 1;", false),
            (
                "import { createClerkExpressRequireAuth as m } from '@clerk/clerk-sdk-node';",
                true,
            ),
            ("import * as sdk from '@clerk/clerk-sdk-node';", true),
            ("const sdk = require('@clerk/clerk-sdk-node');", true),
        ] {
            let tree = parse(src, Lang::TypeScript, None).unwrap();
            let facts = Facts::compute(&tree, src, Lang::TypeScript);
            let roots = compiled
                .leaves
                .live_roots(src.as_bytes(), None, |e| facts.names(e));
            let slot = compiled.leaves.roots.as_ref().unwrap()[call] as usize;
            assert_eq!(slot > 0 && roots.live[slot - 1].is_some(), live, "{src}");
        }
    }

    /// Where the patterns of a kind compare a capture with texts, or need
    /// one to resolve to a binding, the query runs only at the nodes of
    /// that kind that hold such a text, or a binding's name or site.
    #[test]
    fn the_query_runs_only_at_nodes_holding_what_their_patterns_need() {
        let compiled = query::compile_with(Lang::TypeScript, true).unwrap();
        let src = "import { createClerkClient as make } from '@clerk/clerk-sdk-node';\n\
                   import express from 'express';\n\
                   const app = express();\n\
                   const client = make({ secretKey: 'k' });\n\
                   const { CLERK_API_KEY } = process.env;\n\
                   const { id } = app;\n\
                   const { claims } = req.auth;\n";
        let tree = parse(src, Lang::TypeScript, None).unwrap();
        let facts = Facts::compute(&tree, src, Lang::TypeScript);
        let roots = compiled
            .leaves
            .live_roots(src.as_bytes(), None, |e| facts.names(e));
        let mut ran = Vec::new();
        compiled.leaves.for_each(
            tree.root_node(),
            src.as_bytes(),
            None,
            &roots,
            || false,
            |_, _| true,
            |at, v| {
                if let super::Visit::Root = v {
                    ran.push(format!("{} {}", at.node.kind(), &src[at.node.byte_range()]));
                }
            },
        );
        assert_eq!(
            ran,
            [
                "import_clause { createClerkClient as make }",
                // Texts are looked for as parts: `Clerk` (the removed
                // factory) is in `createClerkClient`.
                "import_specifier createClerkClient as make",
                "variable_declarator client = make({ secretKey: 'k' })",
                "variable_declarator { CLERK_API_KEY } = process.env",
                "object_pattern { claims }",
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The same on broken code: fixtures with a span cut out and
        /// another pasted elsewhere, which leaves error and missing nodes.
        #[test]
        fn and_on_broken_code(file in 0usize..1000, a in 0usize..4000, len in 0usize..200, b in 0usize..4000) {
            use std::sync::OnceLock;
            static C: OnceLock<Vec<(query::Compiled, query::Compiled)>> = OnceLock::new();
            let compiled = C.get_or_init(|| {
                Lang::GRAMMARS
                    .iter()
                    .map(|&l| (query::compile_with(l, true).unwrap(), query::compile_with(l, false).unwrap()))
                    .collect()
            });
            let files = corpus();
            let path = &files[file % files.len()];
            let src = std::fs::read_to_string(path).unwrap();
            let at = |i: usize| (0..=i.min(src.len())).rev().find(|&i| src.is_char_boundary(i)).unwrap();
            let (from, to) = (at(a), at(a + len));
            let cut = &src[from..to];
            let mut broken = format!("{}{}", &src[..from], &src[to..]);
            let into = (0..=b.min(broken.len())).rev().find(|&i| broken.is_char_boundary(i)).unwrap();
            broken.insert_str(into, cut);
            for (i, lang) in Lang::GRAMMARS.into_iter().enumerate() {
                let (indexed, plain) = &compiled[i];
                compare(&broken, lang, indexed, plain, &path.display().to_string());
            }
        }
    }
}
