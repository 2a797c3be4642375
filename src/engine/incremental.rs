//! Re-analysis after edits: only the top-level statements the edits touched
//! are queried again, and findings elsewhere are shifted. A change to what is
//! bound to Clerk, or no usable history, means a full analysis instead.
//! Findings come without fixes: the fixers read the whole file, so a fix is
//! computed afresh when one is asked for (`Fixes::Skip`).
use crate::engine::fields::Field;
use std::{
    collections::BTreeSet,
    hash::{Hash, Hasher},
    ops::Range,
    sync::Arc,
};

use tree_sitter::{Node, Tree};

use super::{
    drop_suppressed,
    facts::{Facts, Kept},
    fixers::is_word,
    lang::Lang,
    limits, order, run_rules, suppress,
    values::WalkCache,
    Finding, Fixes, Settings,
};

/// One edit in byte offsets: `start..old_end` of the old text became
/// `start..new_end` of the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EditSpan {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl EditSpan {
    /// Where an offset of the text before this edit lies after it; `None`
    /// when it was inside the replaced text.
    fn map(&self, p: usize) -> Option<usize> {
        if p <= self.start {
            Some(p)
        } else if p >= self.old_end {
            Some(p - self.old_end + self.new_end)
        } else {
            None
        }
    }

    fn touches(&self, r: &Range<usize>) -> bool {
        self.start <= r.end && self.old_end >= r.start
    }
}

/// What one analysis leaves for the next.
#[derive(Debug, Clone)]
pub struct State {
    signature: u64,
    /// Findings before ignore comments are applied, [`order`]ed. Shared
    /// with the output when no ignore comment applies, which is always so
    /// for [`splice`]: at thousands of findings a copy is a good part of a
    /// keystroke.
    raw: Arc<Vec<Finding>>,
    /// False when a limit cut the analysis short: nothing of it can be reused.
    complete: bool,
    /// What the value walk learned per top-level statement.
    walk: Option<WalkCache>,
    /// Kind id and byte bounds of each top-level statement, in order.
    tops: Vec<(u16, usize, usize)>,
    /// How each of `tops` ends.
    ends: Vec<End>,
    /// The binding facts.
    facts: Kept,
    /// Where the names of top-level options `const`s occur (see
    /// `signature`): a statement holding one can change which Clerk call
    /// such an object is handed to.
    wired: Vec<usize>,
    wire_names: Vec<String>,
    /// Whether the parse failed at its root: an ERROR root over tokens
    /// that hold no error, which `tops` and `ends` do not show.
    root_error: bool,
}

impl State {
    /// Whether the text the analysis saw holds a syntax error: its findings
    /// are then those of one recovery from it, which a fresh parse of the
    /// whole file may not make (recovery can go otherwise when text far
    /// from the error changes).
    pub fn broken(&self) -> bool {
        self.root_error || self.ends.contains(&End::Broken)
    }

    /// Kind id and byte range of each top-level node (statement or
    /// comment) the analysis saw, in order: what a fresh parse of the same
    /// text must agree with.
    pub fn statements(&self) -> impl Iterator<Item = (u16, Range<usize>)> + '_ {
        self.tops
            .iter()
            .map(|&(kind, start, end)| (kind, start..end))
    }
}

/// How a top-level statement ends, for what may follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// A comment, which automatic semicolon insertion looks through.
    Comment,
    /// With `;`: only a keyword that cannot start a statement (`else`) can
    /// carry it on.
    Closed,
    /// Without `;`, in a closing bracket, a string, a name or a number
    /// (`x = f(y)`, `x = y`, and declarations: the parser reads
    /// `class K {}` followed by `in x` as one expression): the next line
    /// carries it on only if it starts with a bracket, an operator or a few
    /// keywords (`(z)` makes it a call); see [`stops_before`].
    Bare,
    /// Anything else (an operator, a keyword that takes something after it,
    /// a comment inside the statement at its end).
    Open,
    /// A syntax error, or a statement holding one: error recovery may take
    /// in text from either side of it.
    Broken,
}

fn end_of(node: Node, src: &str) -> End {
    if node.has_error() {
        return End::Broken;
    }
    if node.kind() == "comment" || node.kind() == "html_comment" {
        return End::Comment;
    }
    let closed = src.as_bytes().get(node.end_byte().wrapping_sub(1)) == Some(&b';');
    if closed {
        End::Closed
    } else if bare_tail(node, src) {
        End::Bare
    } else {
        End::Open
    }
}

/// Whether the last token of `node` is one after which a line that starts
/// with a plain word begins a new statement: a closing bracket, a string or
/// template, a number, or a name that is no keyword reaching on.
fn bare_tail(node: Node, src: &str) -> bool {
    let mut last = node;
    while let Some(child) = last.child(last.child_count().wrapping_sub(1)) {
        last = child;
    }
    if last.is_extra() || last.is_missing() {
        return false;
    }
    let bytes = src.as_bytes();
    let end = last.end_byte();
    match bytes.get(..end).and_then(|b| b.last()) {
        Some(b')' | b']' | b'}' | b'\'' | b'"' | b'`') => true,
        Some(&b) if is_word(b) => {
            let len = bytes[..end]
                .iter()
                .rev()
                .take_while(|b| is_word(**b))
                .count();
            let start = end - len;
            let word = &src[start..end];
            start.checked_sub(1).is_none_or(|p| bytes[p].is_ascii())
                && !TAKING_WORDS.contains(&word)
                && !CONTINUING_WORDS.contains(&word)
        }
        _ => false,
    }
}

/// Words that take something after them, on the next line too (`async` /
/// `function`, `type` / `A = B`, `export` / `default`): keywords, contextual
/// or not. A statement ending in one of these, or in one of
/// [`CONTINUING_WORDS`] (`a as` / `T`), may go on with the next line.
const TAKING_WORDS: &[&str] = &[
    "abstract",
    "accessor",
    "async",
    "await",
    "break",
    "case",
    "class",
    "const",
    "continue",
    "declare",
    "default",
    "delete",
    "do",
    "enum",
    "export",
    "for",
    "function",
    "get",
    "global",
    "if",
    "import",
    "interface",
    "let",
    "meta",
    "module",
    "namespace",
    "new",
    "out",
    "override",
    "private",
    "protected",
    "public",
    "readonly",
    "return",
    "set",
    "static",
    "switch",
    "target",
    "throw",
    "try",
    "type",
    "typeof",
    "unique",
    "using",
    "var",
    "void",
    "yield",
];

/// Words that on a line of their own start may carry on the statement
/// before: `else`, `catch`, `from` and the like. Other keywords only start
/// statements.
const CONTINUING_WORDS: &[&str] = &[
    "as",
    "assert",
    "asserts",
    "catch",
    "else",
    "extends",
    "finally",
    "from",
    "implements",
    "in",
    "infer",
    "instanceof",
    "is",
    "keyof",
    "of",
    "satisfies",
    "while",
    "with",
];

/// Whether a statement that ends at `end` in a bare tail ([`End::Bare`])
/// stops there when the statement at `next` follows it, whatever else the
/// file holds. Tree-sitter's scanners (JavaScript and TypeScript alike) end
/// it with an automatic semicolon when a line break, then white space and
/// comments, come before a token that starts with a letter other than
/// `in..`; and a plain word cannot carry on such a tail by the grammar. So
/// it stops if its line ends with it and the next statement starts with a
/// word that cannot carry on the one before.
fn stops_before(src: &str, end: usize, next: usize) -> bool {
    let bytes = src.as_bytes();
    let Some(gap) = bytes.get(end..next) else {
        return false;
    };
    if !ends_line(gap) || !gap.contains(&b'\n') {
        return false;
    }
    let head_len = bytes[next..].iter().take_while(|b| is_word(**b)).count();
    let head = &src[next..next + head_len];
    // The scanners read `in` and `instanceof` by hand, as any letters that
    // do not go on as an ASCII letter.
    let letter_at = |n: usize| bytes.get(next + n).is_some_and(u8::is_ascii_alphabetic);
    let operator = head.starts_with("in")
        && (!letter_at(2) || head.starts_with("instanceof") && !letter_at(10));
    head.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && !operator
        && bytes.get(next + head_len).is_none_or(|b| b.is_ascii())
        && !CONTINUING_WORDS.contains(&head)
}

/// Whether `gap`, after a statement, holds white space and comments only,
/// with a line break before the first comment.
fn ends_line(gap: &[u8]) -> bool {
    let spaces = gap
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\r'))
        .count();
    match gap.get(spaces) {
        None => true,
        Some(b'\n') => only_comments(&gap[spaces..]),
        Some(_) => false,
    }
}

/// Whether `text` is white space and `//` or `/* */` comments only.
fn only_comments(mut text: &[u8]) -> bool {
    loop {
        let ws = text.iter().take_while(|b| b.is_ascii_whitespace()).count();
        text = &text[ws..];
        if text.is_empty() {
            return true;
        }
        let rest = if let Some(line) = text.strip_prefix(b"//") {
            memchr::memchr(b'\n', line).map_or(&[][..], |n| &line[n..])
        } else if let Some(block) = text.strip_prefix(b"/*") {
            match memchr::memmem::find(block, b"*/") {
                Some(n) => &block[n + 2..],
                None => return false,
            }
        } else {
            return false;
        };
        text = rest;
    }
}

fn tops_of(children: &[Node]) -> Vec<(u16, usize, usize)> {
    children
        .iter()
        .map(|c| (c.kind_id(), c.start_byte(), c.end_byte()))
        .collect()
}

/// Start offsets of every whole-word occurrence of `names` in `src`.
fn occurrences(src: &str, names: &[String]) -> Vec<usize> {
    let mut out: Vec<usize> = names
        .iter()
        .flat_map(|n| super::fixers::word_hits(src, n))
        .collect();
    out.sort_unstable();
    out
}

/// The findings of `raw` a user sees: all of them, shared, unless ignore
/// comments silence some.
fn shown(raw: &Arc<Vec<Finding>>, src: &str, tree: &Tree) -> Arc<Vec<Finding>> {
    let sups = suppress::suppressions(src, Some(tree));
    if sups.is_empty() {
        return raw.clone();
    }
    let mut out = raw.to_vec();
    drop_suppressed(&mut out, &sups, src);
    Arc::new(out)
}

pub struct Output {
    pub findings: Arc<Vec<Finding>>,
    pub state: Arc<State>,
    /// Whether only part of the tree was queried.
    pub partial: bool,
}

/// Everything the rules may read across statements, reduced to a hash: the
/// binding facts, and which Clerk function each top-level options `const`
/// is handed to. Byte positions are left out because edits move them.
fn signature(
    f: &Facts,
    tree: &Tree,
    children: &[Node],
    src: &str,
    settings: &Settings,
    prev: Option<&WalkCache>,
    wire_names: &mut Vec<String>,
) -> u64 {
    let mut items: Vec<(&str, &str, &str)> = f
        .bindings
        .iter()
        .map(|(k, b)| (k.as_str(), b.module.as_str(), b.export.as_str()))
        .collect();
    items.sort_unstable();
    let mut mods: Vec<&str> = f.modules.iter().map(|m| m.module.as_str()).collect();
    mods.sort_unstable();
    let wiring: Vec<(&str, Option<String>)> = top_level_object_consts(children, src)
        .into_iter()
        .map(|(name, obj)| (name, f.options_of(obj, tree.root_node(), src)))
        .collect();
    wire_names.extend(wiring.iter().map(|(n, _)| n.to_string()));
    let mut h = std::collections::hash_map::DefaultHasher::new();
    items.hash(&mut h);
    mods.hash(&mut h);
    wiring.hash(&mut h);
    // Values held across statements (what a variable holds, which names are
    // called, which reads treat a result as paginated) matter only where
    // the property rules run.
    if f.uses_clerk() || settings.scope == super::Scope::AllFiles {
        f.walked_from(tree, src, prev).signature().hash(&mut h);
    }
    h.finish()
}

/// Where the edits' new text lies in the text after all of them: each
/// edit's new text carried through the edits after it.
pub fn edited(edits: &[EditSpan]) -> Vec<Range<usize>> {
    let mut changed = Vec::with_capacity(edits.len());
    for (i, e) in edits.iter().enumerate() {
        let mut r = e.start..e.new_end;
        for later in &edits[i + 1..] {
            let s = later.map(r.start).unwrap_or(later.start);
            let end = later.map(r.end).unwrap_or(later.new_end);
            r = s.min(end)..end.max(s);
        }
        changed.push(r);
    }
    changed
}

fn shift(r: &Range<usize>, edits: &[EditSpan]) -> Option<Range<usize>> {
    let mut r = r.clone();
    for e in edits {
        if e.touches(&r) {
            return None;
        }
        r = e.map(r.start)?..e.map(r.end)?;
    }
    Some(r)
}

/// Top-level statements (children of the root) that intersect or touch `r`,
/// and the first one after it: an edit between statements (deleting a
/// whole comment) can change what the next one means.
fn statements_touching(children: &[Node], r: &Range<usize>, out: &mut BTreeSet<usize>) {
    let first = children.partition_point(|c| c.end_byte() < r.start);
    for (i, c) in children.iter().enumerate().skip(first) {
        out.insert(i);
        if c.start_byte() > r.end {
            break;
        }
    }
}

/// Top-level `const name = { .. }` declarations: (name, the object).
fn top_level_object_consts<'t, 's>(
    children: &[Node<'t>],
    src: &'s str,
) -> Vec<(&'s str, Node<'t>)> {
    let mut out = Vec::new();
    for c in children {
        let decl = match c.kind() {
            "lexical_declaration" | "variable_declaration" => Some(*c),
            "export_statement" => c.field("declaration"),
            _ => None,
        };
        let Some(decl) = decl else { continue };
        let mut cur = decl.walk();
        for d in decl.named_children(&mut cur) {
            if d.kind() != "variable_declarator" {
                continue;
            }
            let (Some(n), Some(v)) = (d.field("name"), d.field("value")) else {
                continue;
            };
            if n.kind() == "identifier" && v.kind() == "object" {
                out.push((&src[n.byte_range()], v));
            }
        }
    }
    out
}

/// Top-level statements of the new tree that may differ from the old
/// tree's beyond the edits: those whose kind or bounds differ (where the
/// parser restructured), and those holding a syntax error in either tree
/// (where error recovery may have gone otherwise inside). Any other
/// statement has the same text and bounds as before and no error, and a
/// top-level statement without an error parses the same from the same
/// text; so this and the edited statements are all that can change. It
/// costs a pass over the top-level children, where `Tree::changed_ranges`
/// compares the trees node by node (and, for a grammar with an external
/// scanner, looks for the last external token under every node it
/// compares: a quarter of a keystroke that breaks the syntax at 10,000
/// lines). The old bounds are those the previous analysis kept, moved by
/// the edits; a statement the edits touched is left out of them, so it
/// counts as moved (it is asked again anyway, as edited).
fn moved_statements(
    before: &[(u16, usize, usize)],
    ends: &[End],
    edits: &[EditSpan],
    children: &[Node],
) -> Vec<Range<usize>> {
    let before: Vec<(u16, usize, usize)> = before
        .iter()
        .zip(ends)
        .filter(|(_, end)| **end != End::Broken)
        .filter_map(|(&(kind, start, end), _)| {
            let r = shift(&(start..end), edits)?;
            Some((kind, r.start, r.end))
        })
        .collect();
    // Both lists are in text order: one merge instead of a set.
    let mut i = 0;
    let mut moved = Vec::new();
    for c in children {
        let here = (c.kind_id(), c.start_byte(), c.end_byte());
        while i < before.len() && before[i].1 < here.1 {
            i += 1;
        }
        let same = before[i..]
            .iter()
            .take_while(|b| b.1 == here.1)
            .any(|b| *b == here);
        if !same || c.has_error() {
            moved.push(c.byte_range());
        }
    }
    moved
}

/// Analyses `tree` (parsed from `src`), reusing `prev` when the edits since
/// it are known.
pub fn analyze(
    tree: &Tree,
    src: &str,
    lang: Lang,
    settings: &Settings,
    prev: Option<&State>,
    edits: Option<&[EditSpan]>,
) -> Output {
    let facts = Facts::compute(tree, src, lang);
    let root = tree.root_node();
    let mut cur = root.walk();
    let children: Vec<Node> = root.children(&mut cur).collect();
    let mut wire_names = Vec::new();
    let sig = signature(
        &facts,
        tree,
        &children,
        src,
        settings,
        prev.and_then(|p| p.walk.as_ref()),
        &mut wire_names,
    );
    let ends: Vec<End> = children.iter().map(|c| end_of(*c, src)).collect();
    let wired = occurrences(src, &wire_names);
    // What this analysis leaves for the next, whichever way it went.
    let output = |raw: Vec<Finding>, partial: bool| {
        let raw = Arc::new(order(raw));
        Output {
            findings: shown(&raw, src, tree),
            state: Arc::new(State {
                signature: sig,
                complete: !raw.iter().any(limits::is_limit),
                raw,
                walk: facts.walked.get().map(|w| w.cache()),
                tops: tops_of(&children),
                ends: ends.clone(),
                facts: facts.keep(),
                wired: wired.clone(),
                wire_names: wire_names.clone(),
                root_error: tree.root_node().is_error(),
            }),
            partial,
        }
    };
    let full = |facts: &Facts| {
        output(
            run_rules(tree, src, lang, settings, facts, None, Fixes::Skip),
            false,
        )
    };
    let (Some(prev), Some(edits)) = (prev, edits) else {
        return full(&facts);
    };
    if prev.signature != sig || !prev.complete {
        return full(&facts);
    }

    // What changed, in the new text's offsets: the edits, and whatever the
    // parser restructured.
    let mut changed = edited(edits);
    changed.extend(moved_statements(&prev.tops, &prev.ends, edits, &children));

    let mut affected = BTreeSet::new();
    for r in &changed {
        statements_touching(&children, r, &mut affected);
    }
    // A comment speaks of the statement after it (the note above a client
    // folded from the removed setters), and an edit can make or unmake a
    // comment: the statement after each changed one is asked again.
    let next: Vec<usize> = affected
        .iter()
        .map(|&i| i + 1)
        .filter(|&i| i < children.len())
        .collect();
    affected.extend(next);
    let mut kept = Vec::with_capacity(prev.raw.len());
    for f in prev.raw.iter() {
        let Some(range) = shift(&f.range, edits) else {
            continue;
        };
        let mut f = f.clone();
        f.range = range;
        kept.push(f);
    }
    // Runs of neighbouring statements are queried as one range: after an
    // edit that breaks the syntax, the root can have thousands of small
    // children, and one query per child would be quadratic.
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut prev_index = None;
    for &i in &affected {
        let r = children[i].byte_range();
        match ranges.last_mut() {
            Some(last) if prev_index.is_some_and(|p| p + 1 == i) => last.end = r.end,
            _ => ranges.push(r),
        }
        prev_index = Some(i);
    }
    kept.retain(|f| {
        !ranges
            .iter()
            .any(|r| r.start <= f.range.start && f.range.start < r.end.max(r.start + 1))
    });
    let fresh = run_rules(
        tree,
        src,
        lang,
        settings,
        &facts,
        Some(&ranges),
        Fixes::Skip,
    );
    if fresh.iter().any(limits::is_limit) {
        // Half an analysis would show stale findings as current.
        kept = fresh;
    } else {
        kept.extend(fresh);
    }
    output(kept, true)
}

/// Re-analysis after edits that fall inside a run of top-level statements,
/// without parsing the rest of the file: the run's new text is parsed on
/// its own and queried with the facts of the previous analysis.
/// Tree-sitter's incremental reparse shifts every top-level statement again
/// (the grammar's repetition nodes are never reused), which at ten thousand
/// lines costs more than everything else a keystroke does; this costs what
/// the run's length does. Statements with a syntax error next to it
/// (and the statement after each) are parsed with it: recovery from an
/// error can take in text from either side. Edits between two statements
/// (a line typed between them) count as inside both; edits after the last
/// statement, as inside it, the run then reaching the end of the file;
/// edits before the first, as inside it, the run starting the file. A
/// file that does not use Clerk has no value walk (no rule asks what its
/// names hold): it is spliced as long as no rule asks now.
///
/// `None` unless that is provably what a full analysis would find where
/// no syntax error is involved: the text parses on its own to statements
/// that span it, but for white space before the first and after the
/// last (none, when statements are deleted whole; when one statement
/// without an error stays one, of its old kind); the last of them is no
/// comment; neither the last of them (unless it ends the file) nor the
/// statement before them (comments aside) can run on into its neighbour
/// (they end with `;`, or in a bare tail followed by a line that starts
/// with a plain word: see [`stops_before`]); nothing in them binds Clerk
/// or names a top-level options `const`; the value walk learns the same
/// from them; no rule asked about text outside them; and the file has no
/// ignore comments.
///
/// A syntax error there or further away is no reason to decline: typing
/// goes through errors (a call is open until its `)`), and a parse of the
/// whole file with one costs what opening the file does. The text parsed
/// alone is then one recovery from the error, and errors elsewhere are
/// left as they were, as an incremental reparse leaves them; a fresh parse
/// may recover otherwise (even into the neighbours, or in a statement whose
/// text did not change), so the caller treats the result as it treats such
/// a reparse ([`State::broken`]). The caller keeps the previous tree,
/// edited, for a full reparse later.
pub fn splice(
    src: &str,
    lang: Lang,
    settings: &Settings,
    prev: &State,
    edits: &[EditSpan],
) -> Option<Output> {
    // The top-level nodes of a parse that failed at its root are no
    // statements.
    if !prev.complete || prev.root_error {
        return None;
    }
    // No walk: no rule asked what names hold (the file does not use Clerk),
    // and none may now (below).
    let walk = prev.walk.as_ref();
    let first = edits.first()?;
    let last = prev.tops.len().checked_sub(1)?;
    let old_len = edits
        .iter()
        .try_fold(src.len(), |n, e| (n + e.old_end).checked_sub(e.new_end))?;
    let i = prev.tops.partition_point(|t| t.2 < first.start);
    // The statements parsed again: the ones edited, and any statement with
    // a syntax error next to them, with the statement after it (recovery
    // from an error can take in text from either side: `xexport function
    // f() {}` is an error and a function, and the `x` deleted joins them).
    let code = |j: &usize| prev.ends[*j] != End::Comment;
    let broken = |j: usize| prev.ends[j] == End::Broken;
    // An edit between two statements (a line typed between them) falls to
    // both; one after the last statement, to the last; one before the
    // first, to the first, the text parsed then starting the file.
    let gap = prev.tops.get(i).is_none_or(|t| first.start < t.1);
    let (mut a, mut b) = (if gap { i.saturating_sub(1) } else { i }, i.min(last));
    // An edit over several statements (a paste, a deleted block) falls to
    // each, and to the next when it ends between two.
    while b < last && prev.tops[b].2 < first.old_end {
        b += 1;
    }
    while let Some(j) = (0..a).rev().find(code).filter(|&j| broken(j)) {
        a = j;
    }
    while let Some(j) = (b + 1..prev.ends.len())
        .find(code)
        .filter(|&j| broken(b) || broken(j))
    {
        b = j;
    }
    // After the last statement there is only white space: the text parsed
    // runs to the end of the file, so that an edit there is inside it.
    let end = if b == last { old_len } else { prev.tops[b].2 };
    let start = if gap && i == 0 { 0 } else { prev.tops[a].1 };
    let mut new_end = end;
    for e in edits {
        if e.start < start || e.old_end > new_end {
            return None;
        }
        new_end = new_end - (e.old_end - e.start) + (e.new_end - e.start);
    }
    let old = start..end;
    if prev.facts.made_within(&old)
        || prev.wired.iter().any(|&w| old.contains(&w))
        || memchr::memmem::find(src.as_bytes(), super::suppress::MARKER.as_bytes()).is_some()
    {
        return None;
    }
    let before = (0..a).rev().find(code);
    let after = (b + 1..prev.ends.len()).find(code);
    if before.is_some_and(|j| prev.ends[j] == End::Open) {
        return None;
    }
    let range = start..new_end;
    let text = src.get(range.clone())?;
    if memchr::memmem::find(text.as_bytes(), b"@clerk/").is_some()
        || !occurrences(text, &prev.wire_names).is_empty()
    {
        return None;
    }
    let tree = super::parse_range(src, lang, range.clone())?;
    let root = tree.root_node();
    let mut cur = root.walk();
    let stmts: Vec<Node> = root.children(&mut cur).collect();
    let moved = |p: usize| if p >= end { p - end + new_end } else { p };
    let now: Vec<End> = stmts.iter().map(|s| end_of(*s, src)).collect();
    // Typing goes through syntax errors (a call half written), and parsing
    // the whole file again for each keystroke then costs what opening it
    // does. Parsed alone, a statement with an error is one recovery among
    // those the parser could make, and the statements around it are kept
    // as they were: the caller treats the result as after an incremental
    // reparse with errors ([`State::broken`]). Without one, the parser
    // parts the statements as a parse of the file does, from the same
    // start, up to the last one's end.
    // One statement that stays one keeps its kind (a check, as the parser
    // decides kinds as it decides bounds); a new line typed after one adds
    // a statement.
    let new_error = now.contains(&End::Broken);
    let erring = new_error || prev.ends[a..=b].contains(&End::Broken);
    let same_kind = || erring || stmts.len() != 1 || a != b || stmts[0].kind_id() == prev.tops[a].0;
    // The statements must span the text, but for white space before the
    // first and after the last; none is left of a statement deleted whole.
    let last_end = stmts.last().map_or(start, |s| s.end_byte());
    let blank = |r: Range<usize>| src.as_bytes()[r].iter().all(u8::is_ascii_whitespace);
    let spans =
        stmts.first().is_none_or(|s| blank(start..s.start_byte())) && blank(last_end..new_end);
    // Where the next statement starts now, if any.
    let next = after.map(|k| moved(prev.tops[k].1));
    // Left bare, a statement must stop where it ends now whatever follows:
    // nothing but white space and comments to the end of the file, or a
    // statement on a later line.
    let bare_stops = |end: usize, next: Option<usize>| match next {
        None => ends_line(&src.as_bytes()[end..]),
        Some(n) => stops_before(src, end, n),
    };
    // The statement before, left bare, must stop where it did whatever the
    // edits made of the code after it.
    let before_stops = match before {
        Some(j) if prev.ends[j] == End::Bare => bare_stops(
            prev.tops[j].2,
            stmts.first().map(|s| s.start_byte()).or(next),
        ),
        _ => true,
    };
    // So must the last statement parsed (with none, the one before is that
    // statement). A comment last is not trusted to end where it does in the
    // file (a `//` one parsed alone ends with the text parsed, and automatic
    // semicolon insertion looks through it).
    let stops = match now.last() {
        Some(End::Closed | End::Broken) | None => true,
        Some(End::Comment) => false,
        // At the end of the file no code can carry it on.
        Some(End::Bare | End::Open) if new_end == src.len() => true,
        Some(End::Bare) => bare_stops(last_end, next),
        Some(End::Open) => false,
    };
    // A parse that fails as a whole is an error at the root, over tokens
    // that hold none: the statements it reports are not statements.
    let whole = !root.is_error() && root.has_error() == new_error;
    if !spans
        || !before_stops
        || !whole
        || !same_kind()
        || !stops
        || !top_level_object_consts(&stmts, src).is_empty()
    {
        return None;
    }

    let (walked, cache) = match walk {
        Some(w) => w
            .splice(a..b + 1, &stmts, &tree, src, moved)
            .map(|(walked, cache)| (Some(walked), Some(cache)))?,
        None => (None, None),
    };
    let mut facts = prev.facts.moved(moved);
    facts.view = Some(range.clone());
    if let Some(walked) = walked {
        let _ = facts.walked.set(walked);
    }
    let fresh = run_rules(
        &tree,
        src,
        lang,
        settings,
        &facts,
        Some(std::slice::from_ref(&range)),
        Fixes::Skip,
    );
    // A walk made now would be of these statements alone.
    let walked_alone = cache.is_none() && facts.walked.get().is_some();
    if facts.escaped.get() || walked_alone || fresh.iter().any(limits::is_limit) {
        return None;
    }
    // The statements' findings are replaced; edits inside them move only
    // those after them. Ordered, they are a run of their own.
    let inside = prev.raw.partition_point(|f| f.range.start < start);
    let beyond = prev.raw.partition_point(|f| f.range.start < end);
    let mut raw = Vec::with_capacity(prev.raw.len() + fresh.len());
    raw.extend_from_slice(&prev.raw[..inside]);
    raw.extend(fresh);
    raw.extend(prev.raw[beyond..].iter().map(|f| Finding {
        range: moved(f.range.start)..moved(f.range.end),
        ..f.clone()
    }));
    let raw = Arc::new(order(raw));
    let tail = |t: &(u16, usize, usize)| (t.0, moved(t.1), moved(t.2));
    let mut tops = Vec::with_capacity(prev.tops.len() + stmts.len());
    tops.extend_from_slice(&prev.tops[..a]);
    tops.extend(tops_of(&stmts));
    tops.extend(prev.tops[b + 1..].iter().map(tail));
    // How the statements end now: a splice of the next one trusts the last
    // to stop there (`foo();` typed into `foo()` ends bare, and a next line
    // that starts with `[` would carry it on).
    let mut ends = Vec::with_capacity(tops.len());
    ends.extend_from_slice(&prev.ends[..a]);
    ends.extend(now);
    ends.extend_from_slice(&prev.ends[b + 1..]);
    Some(Output {
        // No ignore comments (see above): what is shown is all there is.
        findings: raw.clone(),
        state: Arc::new(State {
            signature: prev.signature,
            raw,
            complete: true,
            walk: cache,
            tops,
            ends,
            wired: prev.wired.iter().map(|&w| moved(w)).collect(),
            wire_names: prev.wire_names.clone(),
            root_error: false,
            facts: facts.keep(),
        }),
        partial: true,
    })
}
