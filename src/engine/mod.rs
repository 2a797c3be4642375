//! The analysis engine: text in, findings out. It knows nothing of LSP or the
//! terminal; the server and the CLI are adapters over `analyze`.
pub mod cache;
pub mod env;
pub mod facts;
pub mod fields;
pub mod fixers;
pub mod fixes;
pub mod incremental;
pub mod lang;
pub mod leaves;
pub mod limits;
pub mod package_json;
pub mod position;
pub mod query;
pub mod rules;
pub mod settings;
pub mod shapes;
pub mod suppress;
pub mod values;
pub mod workspace;

use std::{cell::RefCell, ops::Range, sync::Arc};

use tree_sitter::{
    Node, Parser, Query, QueryCapture, QueryCursor, QueryCursorOptions, QueryPredicateArg,
    StreamingIterator, Tree,
};

pub use facts::Facts;
pub use lang::Lang;
pub use rules::{catalogue, Rule, Severity};
pub use settings::{Level, Scope, Settings};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    /// Shared: a rewrite of the whole module (the setters) is the fix of
    /// each of its findings, and must not be copied once per finding.
    pub edits: std::sync::Arc<[Edit]>,
    /// Names the fix declares (an import it adds, a renamed binding): two
    /// fixes that declare the same name are not applied in one round.
    pub introduces: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    /// Byte range of exactly the code that must change.
    pub range: Range<usize>,
    pub severity: Severity,
    /// Shared, like `official`: typing moves thousands of findings a
    /// keystroke, and a copy should not cost allocations.
    pub message: Arc<str>,
    pub fix: Option<Fix>,
    /// The official scanner entries this finding covers.
    pub official: Arc<[&'static str]>,
}

thread_local! {
    static PARSERS: RefCell<Vec<(Lang, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parses with a per-thread parser for the grammar, reusing `old` (already
/// `edit`ed) for an incremental parse.
pub fn parse(src: &str, lang: Lang, old: Option<&Tree>) -> Option<Tree> {
    parse_until(src, lang, old, &|| false)
}

/// [`parse`] that gives up, returning `None`, once `stop` says so.
pub fn parse_until(
    src: &str,
    lang: Lang,
    old: Option<&Tree>,
    stop: &dyn Fn() -> bool,
) -> Option<Tree> {
    with_parser(lang, |parser| limits::parse(parser, src, old, stop))
}

/// Runs `f` with this thread's parser for `lang`.
fn with_parser<T>(lang: Lang, f: impl FnOnce(&mut Parser) -> Option<T>) -> Option<T> {
    let language = lang.ts_language()?;
    PARSERS.with(|p| {
        let mut parsers = p.borrow_mut();
        let idx = match parsers.iter().position(|(l, _)| *l == lang) {
            Some(i) => i,
            None => {
                let mut parser = Parser::new();
                parser.set_language(&language).ok()?;
                parsers.push((lang, parser));
                parsers.len() - 1
            }
        };
        f(&mut parsers[idx].1)
    })
}

/// Parses only `range` of `src`, as if the rest were not there; the nodes
/// keep their offsets in `src`. What one statement means on its own, in the
/// time its length takes rather than the file's.
pub(crate) fn parse_range(src: &str, lang: Lang, range: Range<usize>) -> Option<Tree> {
    // Rows counted up to the start, then on from it to the end.
    let point = |from: tree_sitter::Point, from_byte: usize, at: usize| {
        let part = &src.as_bytes()[from_byte..at];
        match memchr::memrchr(b'\n', part) {
            Some(last) => tree_sitter::Point {
                row: from.row + memchr::memchr_iter(b'\n', part).count(),
                column: at - (from_byte + last + 1),
            },
            None => tree_sitter::Point {
                row: from.row,
                column: from.column + (at - from_byte),
            },
        }
    };
    let start_point = point(tree_sitter::Point::default(), 0, range.start);
    let included = tree_sitter::Range {
        start_byte: range.start,
        end_byte: range.end,
        start_point,
        end_point: point(start_point, range.start, range.end),
    };
    with_parser(lang, |parser| {
        parser.set_included_ranges(&[included]).ok()?;
        let tree = limits::parse(parser, src, None, &|| false);
        // The parser is shared by every parse of this thread.
        let _ = parser.set_included_ranges(&[]);
        tree
    })
}

/// Parses and analyses a whole text.
pub fn analyze_source(src: &str, lang: Lang, settings: &Settings) -> Vec<Finding> {
    analyze_parsed(parse_for_analysis(src, lang, settings), src, lang, settings)
}

/// A whole text on its way to its findings: its tree, or its findings
/// already (a text over the caps, a `.env` or `package.json`, a parse that
/// ran out of time).
pub enum Parsed {
    Tree(Tree),
    Done(Vec<Finding>),
}

/// The first half of [`analyze_source`]. Parsing a run of files before
/// analysing them is faster than taking each through both (most likely the
/// parser's tables and the analysis' indexes stop evicting each other from
/// the caches).
pub fn parse_for_analysis(src: &str, lang: Lang, settings: &Settings) -> Parsed {
    if let Some(skipped) = limits::oversized(src, settings) {
        return Parsed::Done(skipped);
    }
    match lang {
        Lang::Env => return Parsed::Done(env::analyze(src, settings)),
        Lang::PackageJson => return Parsed::Done(package_json::analyze(src, settings)),
        _ => {}
    }
    match parse(src, lang, None) {
        Some(tree) => Parsed::Tree(tree),
        None => Parsed::Done(vec![limits::finding(limits::Skip::ParseTimeout)]),
    }
}

/// The second half of [`analyze_source`].
pub fn analyze_parsed(parsed: Parsed, src: &str, lang: Lang, settings: &Settings) -> Vec<Finding> {
    match parsed {
        Parsed::Tree(tree) => analyze(&tree, src, lang, settings),
        Parsed::Done(findings) => findings,
    }
}

/// Cheap test that lets whole files skip parsing: every rule needs the word
/// "clerk" somewhere (a module specifier, an env var, an API host) unless the
/// user widened the scope of property rules to every file.
pub fn may_have_findings(src: &str, settings: &Settings) -> bool {
    settings.scope == Scope::AllFiles
        || memchr::memmem::find(src.as_bytes(), b"clerk").is_some()
        || memchr::memmem::find(src.as_bytes(), b"CLERK").is_some()
        || memchr::memmem::find(src.as_bytes(), b"Clerk").is_some()
}

/// Whether an analysis computes each finding's fix. Fixers read the whole
/// file, so the editor skips them while the user types and asks for them
/// when it is about to offer code actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    Compute,
    Skip,
}

/// Runs every rule for `lang` over a parsed tree, fixes included.
pub fn analyze(tree: &Tree, src: &str, lang: Lang, settings: &Settings) -> Vec<Finding> {
    analyze_with(tree, src, lang, settings, Fixes::Compute)
}

pub fn analyze_with(
    tree: &Tree,
    src: &str,
    lang: Lang,
    settings: &Settings,
    fixes: Fixes,
) -> Vec<Finding> {
    let facts = Facts::compute(tree, src, lang);
    let raw = run_rules(tree, src, lang, settings, &facts, None, fixes);
    finish(raw, src, tree)
}

/// Runs the combined query over the whole tree, or only over `ranges`
/// (whole top-level statements), returning findings before suppression.
pub(crate) fn run_rules(
    tree: &Tree,
    src: &str,
    lang: Lang,
    settings: &Settings,
    facts: &Facts,
    ranges: Option<&[Range<usize>]>,
    fixes: Fixes,
) -> Vec<Finding> {
    limits::contain(|| {
        let mut out = Vec::new();
        let memo = fixers::Memo::default();
        let memo = (fixes == Fixes::Compute).then_some(&memo);
        let compiled = query::compiled(lang);
        let run = |r| run_rules_in(compiled, tree, src, lang, settings, facts, r, memo);
        match ranges {
            None => out = run(None),
            Some(rs) => {
                for r in rs {
                    out.extend(run(Some(r.clone())));
                }
            }
        }
        out
    })
}

#[allow(clippy::too_many_arguments)]
fn run_rules_in<'t>(
    compiled: &query::Compiled,
    tree: &'t Tree,
    src: &str,
    lang: Lang,
    settings: &Settings,
    facts: &Facts,
    range: Option<Range<usize>>,
    memo: Option<&fixers::Memo>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let q = &compiled.query;
    let names = q.capture_names();
    let rules = catalogue();
    let mut cursor = limits::query_cursor();
    if let Some(r) = range.clone() {
        cursor.set_byte_range(r);
    }
    let parents = shapes::Parents::new(tree);
    // One allocation per distinct message, which the server's frame
    // escapes once.
    let mut messages: rustc_hash::FxHashSet<Arc<str>> = Default::default();
    let mut args: Vec<&str> = Vec::new();
    let mut eval = |pattern: usize, captures: &[QueryCapture<'t>]| {
        let rule = &rules[compiled.rule_of_pattern[pattern]];
        if !limits::enter_rule(rule.id) {
            return;
        }
        let severity = match settings.level(rule.id, rule.severity) {
            settings::Level::Off => return,
            settings::Level::On(s) => s,
        };
        let node_of = |i: u32| captures.iter().find(|c| c.index == i).map(|c| c.node);
        let mut bound = Bound::default();
        let ok = q.general_predicates(pattern).iter().all(|p| {
            let cap = match p.args.first() {
                // After a predicate chose the node to report, `@finding` is it.
                Some(QueryPredicateArg::Capture(i)) if *i == compiled.finding_capture => {
                    bound.found.or_else(|| node_of(*i))
                }
                Some(QueryPredicateArg::Capture(i)) => node_of(*i),
                _ => None,
            };
            let strs = p.args.iter().skip(1).filter_map(|a| match a {
                QueryPredicateArg::String(s) => Some(&**s),
                _ => None,
            });
            // One buffer for every predicate evaluated: thousands a file.
            args.clear();
            args.extend(strs);
            let pred = Pred {
                op: &p.operator,
                cap,
                args: &args,
            };
            pred.eval(facts, tree, src, settings, &parents, &mut bound)
        });
        if !ok {
            return;
        }
        let Bound { vars, found } = bound;
        let Some(finding) = found.or_else(|| node_of(compiled.finding_capture)) else {
            return;
        };
        let props = q.property_settings(pattern);
        let prop = |k: &str| {
            props
                .iter()
                .find(|p| &*p.key == k)
                .and_then(|p| p.value.as_deref())
        };
        let expand = |t: &str| {
            fill(t, |name| {
                let var = vars
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.as_str());
                var.or_else(|| {
                    let c = captures.iter().find(|c| names[c.index as usize] == name)?;
                    Some(src.get(c.node.byte_range()).unwrap_or(""))
                })
            })
        };
        let mut range = finding.byte_range();
        // Some findings are part of a node: the `https://api.clerk.dev` of a
        // longer URL string.
        if let Some(part) = prop("finding.text") {
            match src[range.clone()].find(part) {
                Some(at) => range = range.start + at..range.start + at + part.len(),
                None => return,
            }
        }
        let message = expand(prop("message").unwrap_or(&rule.message));
        let message = match messages.get(message.as_str()) {
            Some(m) => m.clone(),
            None => {
                let m: Arc<str> = message.into();
                messages.insert(m.clone());
                m
            }
        };
        let official = official_for(rule, &expand);
        // A pattern may state its own severity; the user's setting still wins.
        let severity = match prop("severity").and_then(Severity::parse) {
            Some(s) => match settings.level(rule.id, s) {
                settings::Level::Off => return,
                settings::Level::On(s) => s,
            },
            None => severity,
        };
        let fix = memo.filter(|m| m.fixes_allowed(tree)).and_then(|memo| {
            let cx = fixers::Ctx {
                rule,
                node: finding,
                range: range.clone(),
                captures,
                capture_names: names,
                src,
                tree,
                lang,
                facts,
                vars: &vars,
                memo,
            };
            fixers::fix(&cx, prop("fix.fixer"), prop("fix.rename"), &expand)
        });
        out.push(Finding {
            rule,
            range,
            severity,
            message,
            fix,
            official: official.into(),
        });
    };
    let root = tree.root_node();
    if !compiled.leaves.finds_roots() {
        query_matches(&mut cursor, q, root, src, &mut eval);
    }
    // The other patterns run only at the nodes they can start at, found by
    // the same walk that matches the leaf patterns.
    cursor.set_max_start_depth(Some(0));
    let live = compiled
        .leaves
        .live_roots(src.as_bytes(), range.clone(), |exports| {
            facts.names(exports)
        });
    compiled.leaves.for_each(
        root,
        src.as_bytes(),
        range,
        &live,
        limits::out_of_time,
        |node, text| facts.may_resolve(node, text),
        |at, v| {
            parents.set_path(at.ancestors, at.node);
            match v {
                leaves::Visit::Leaf(pattern, captures) => eval(pattern, captures),
                leaves::Visit::Root => query_matches(&mut cursor, q, at.node, src, &mut eval),
            }
        },
    );
    out
}

/// Hands each match of `q` under `node` to `eval`, within the check budget.
fn query_matches<'t>(
    cursor: &mut QueryCursor,
    q: &Query,
    node: Node<'t>,
    src: &str,
    eval: &mut impl FnMut(usize, &[QueryCapture<'t>]),
) {
    let mut progress = limits::query_progress;
    let options = QueryCursorOptions::new().progress_callback(&mut progress);
    let mut matches = cursor.matches_with_options(q, node, src.as_bytes(), options);
    while let Some(m) = matches.next() {
        eval(m.pattern_index, m.captures());
    }
}

/// Replaces each `{name}` of a message or title template by its value; a
/// name without one stays as written (`{ clerkClient }` in prose). Values
/// are not expanded again.
fn fill<'v>(template: &str, value: impl Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        match value(name) {
            Some(v) => out.push_str(v),
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[test]
fn fill_replaces_known_names_once() {
    let value = |n: &str| match n {
        "a" => Some("{b}"),
        "b" => Some("B"),
        _ => None,
    };
    assert_eq!(fill("x {a} {b}{b} { c } {", value), "x {b} BB { c } {");
    assert_eq!(fill("plain", value), "plain");
    assert_eq!(fill("{a", value), "{a");
}

/// Orders findings, drops duplicates (two patterns of one rule on one
/// range) and applies ignore comments.
pub(crate) fn finish(out: Vec<Finding>, src: &str, tree: &Tree) -> Vec<Finding> {
    let mut out = order(out);
    let sups = suppress::suppressions(src, Some(tree));
    if !sups.is_empty() {
        drop_suppressed(&mut out, &sups, src);
    }
    out
}

/// Findings sorted by place, each rule's finding at one range once.
pub(crate) fn order(mut out: Vec<Finding>) -> Vec<Finding> {
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.id).cmp(&(b.range.start, b.range.end, b.rule.id))
    });
    out.dedup_by(|a, b| a.rule.id == b.rule.id && a.range == b.range);
    out
}

/// Takes the findings ignore comments silence out of [`order`]ed ones.
pub(crate) fn drop_suppressed(out: &mut Vec<Finding>, sups: &[suppress::Suppression], src: &str) {
    let mut suppressed = Vec::new();
    // Sorted findings: count lines from the previous one, not from the start.
    let (mut line, mut at) = (0, 0);
    out.retain(|f| {
        line += memchr::memchr_iter(b'\n', &src.as_bytes()[at..f.range.start]).count();
        at = f.range.start;
        let keep = !suppress::is_suppressed(sups, line, f.rule.id);
        if !keep {
            suppressed.push((f.rule.id, f.range.clone()));
        }
        keep
    });
    fixers::forget_fixes_over(out, &suppressed);
}

/// The official entries a finding covers: narrowed by the rule's
/// `official_by` variable when its value is known, else all of the rule's.
pub fn official_for(rule: &'static Rule, expand: &dyn Fn(&str) -> String) -> Vec<&'static str> {
    if let Some(by) = &rule.official_by {
        let value = expand(&format!("{{{}}}", by.var));
        if let Some(slugs) = by.map.get(&value) {
            return rule
                .official
                .iter()
                .filter(|s| slugs.contains(s))
                .map(String::as_str)
                .collect();
        }
    }
    rule.official.iter().map(String::as_str).collect()
}

/// `#clerk-options-of?`: the Clerk function `obj` is handed to is one of
/// `args` (any when none); binds `{fn}`.
fn options_of(
    obj: &Option<Node>,
    (facts, tree): (&Facts, &Tree),
    src: &str,
    args: &[&str],
    vars: &mut Vec<(&'static str, String)>,
) -> bool {
    let Some(f) = obj.and_then(|n| facts.options_of(n, tree.root_node(), src)) else {
        return false;
    };
    if !(args.is_empty() || args.contains(&f.as_str())) {
        return false;
    }
    let shown = if f == "default" { "Clerk" } else { &f };
    vars.push(("fn", shown.to_string()));
    true
}

/// Reports `node` instead of a `@finding` capture, which the pattern does
/// not have: `{finding}` in messages is its text.
fn derive<'t>(node: Option<Node<'t>>, src: &str, bound: &mut Bound<'t>) -> bool {
    let Some(n) = node else { return false };
    bound
        .vars
        .push(("finding", src[n.byte_range()].to_string()));
    bound.found = Some(n);
    true
}

/// A finding of a rule without a query (`.env`, `package.json`), with the
/// user's level applied: `None` when the rule is off. `vars` expand in the
/// message and in the fix title; the fix is the rule's declared `rename`.
pub(crate) fn plain_finding(
    id: &str,
    range: Range<usize>,
    vars: &[(&str, &str)],
    settings: &Settings,
) -> Option<Finding> {
    let rule = rules::rule(id).unwrap_or_else(|| panic!("rule {id} is not in queries/"));
    let severity = match settings.level(rule.id, rule.severity) {
        settings::Level::Off => return None,
        settings::Level::On(s) => s,
    };
    let expand = |t: &str| {
        fill(t, |name| {
            vars.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
        })
    };
    let fix = rule.fix.as_ref().and_then(|spec| {
        let new = spec.rename.as_deref()?;
        let title = spec
            .title
            .as_deref()
            .map(|t| expand(&t.replace("{new}", new)))
            .unwrap_or_else(|| format!("Change to `{new}`"));
        Some(Fix {
            title,
            edits: vec![Edit {
                range: range.clone(),
                text: new.to_string(),
            }]
            .into(),
            introduces: Vec::new(),
        })
    });
    let official = official_for(rule, &|t: &str| expand(t));
    Some(Finding {
        rule,
        message: expand(&rule.message).into(),
        range,
        severity,
        fix,
        official: official.into(),
    })
}

/// What the predicates of one match bind: message variables, and the node
/// to report when the pattern captures no `@finding`.
#[derive(Default)]
struct Bound<'t> {
    vars: Vec<(&'static str, String)>,
    found: Option<Node<'t>>,
}

struct Pred<'a, 'b, 't> {
    op: &'a str,
    cap: Option<Node<'t>>,
    args: &'b [&'a str],
}

impl<'t> Pred<'_, '_, 't> {
    /// Evaluates one custom predicate; some also bind message variables
    /// (`{fn}`: the Clerk function an options object is passed to), and
    /// those of `query::FINDING_PREDICATES` choose the node to report.
    fn eval(
        &self,
        facts: &Facts,
        tree: &Tree,
        src: &str,
        settings: &Settings,
        parents: &shapes::Parents<'t>,
        bound: &mut Bound<'t>,
    ) -> bool {
        let Pred { op, cap, args } = self;
        let vars = &mut bound.vars;
        // A name declared at the top level may be read anywhere in the file.
        let reads_page = |n: Node<'t>| {
            let scope = values::page_scope(n, |n| parents.of(n));
            (scope.kind() != "program" || facts.in_view(0..src.len()))
                && values::reads_paginated(n, scope, src)
        };
        match *op {
            "clerk-file?" => facts.uses_clerk() || settings.scope == Scope::AllFiles,
            "clerk-ref?" | "not-clerk-ref?" => {
                let hit = cap
                    .and_then(|n| facts.resolve(n, src))
                    .filter(|(_, e)| args.is_empty() || args.contains(&e.as_str()));
                if let Some((module, e)) = &hit {
                    vars.push(("export", e.as_str().to_string()));
                    vars.push(("module", module.to_string()));
                }
                hit.is_some() == (*op == "clerk-ref?")
            }
            "clerk-module?" => cap.is_some_and(|n| {
                src.get(n.byte_range()).is_some_and(|s| {
                    facts::is_clerk_module(s) && (args.is_empty() || args.contains(&s))
                })
            }),
            // `"@clerk/backend"` is that module only; `"@clerk/clerk-sdk-node/*"`
            // is the module and every path under it.
            "clerk-module-of?" => {
                let Some((m, e)) = cap.and_then(|n| facts.resolve(n, src)) else {
                    return false;
                };
                let hit = args.iter().any(|a| match a.strip_suffix("/*") {
                    Some(base) => {
                        m == base || m.strip_prefix(base).is_some_and(|r| r.starts_with('/'))
                    }
                    None => m == *a,
                });
                if hit {
                    vars.push(("export", e.as_str().to_string()));
                    vars.push(("module", m.to_string()));
                }
                hit
            }
            "called?" | "not-called?" => {
                cap.is_some_and(|n| facts.is_called(n, tree, src)) == (*op == "called?")
            }
            "holds?" => {
                let (Some(n), Some(kind)) =
                    (cap, args.first().and_then(|a| values::Held::parse(a)))
                else {
                    return false;
                };
                facts.holds(*n, kind, tree, src)
            }
            "reads-paginated?" | "not-reads-paginated?" => {
                cap.is_some_and(reads_page) == (*op == "reads-paginated?")
            }
            "lacks-key?" => {
                let Some(n) = cap else { return false };
                let obj = match n.kind() {
                    "object" => Some(*n),
                    "identifier" => facts.const_object(tree, src, &src[n.byte_range()]),
                    _ => None,
                };
                obj.is_some_and(|o| !values::has_key(o, src, args))
            }
            "list-result?" => {
                let hit = cap
                    .and_then(|n| parents.list_result(n, src))
                    .filter(|(f, named)| !named || !reads_page(*f));
                derive(hit.map(|(f, _)| f), src, bound)
            }
            "report-parent?" => {
                let hit = match (cap, *args) {
                    (Some(n), [kind, field]) => parents.parent_by(*n, kind, field),
                    _ => None,
                };
                derive(hit, src, bound)
            }
            "field-of?" => match (cap, *args) {
                (Some(n), [kind, field]) => parents.parent_by(*n, kind, field).is_some(),
                _ => false,
            },
            "object-holds?" => {
                let (Some(n), Some(kind)) =
                    (cap, args.first().and_then(|a| values::Held::parse(a)))
                else {
                    return false;
                };
                parents
                    .read_from(*n)
                    .is_some_and(|o| facts.holds(o, kind, tree, src))
            }
            "callee?" => cap.is_some_and(|n| parents.is_callee(n)),
            "env-read?" => cap.is_some_and(|n| parents.env_read(n, src, args)),
            "module-specifier?" => cap.is_some_and(|n| parents.module_specifier(n, src)),
            "password-update?" => derive(
                cap.and_then(|n| parents.password_update(n, src)),
                src,
                bound,
            ),
            "called-method?" => cap.and_then(|n| parents.method_call(n)).is_some(),
            "first-argument-key-of?" => {
                let method = cap
                    .and_then(|n| parents.first_argument_key(n))
                    .map(|m| &src[m.byte_range()])
                    .filter(|m| args.contains(m));
                if let Some(m) = method {
                    vars.push(("_method", m.to_string()));
                }
                method.is_some()
            }
            "setter-client?" => cap.is_some_and(|n| fixers::is_setter_client(n, facts, src)),
            "clerk-options-of?" => options_of(cap, (facts, tree), src, args, vars),
            "option-of?" => {
                let obj = cap.and_then(|n| parents.option_entry(n)).map(|(_, o)| o);
                options_of(&obj, (facts, tree), src, args, vars)
            }
            "option-value?" | "not-option-value?" => {
                let hit = cap
                    .zip(args.first())
                    .and_then(|(n, re)| parents.option_value_matches(n, src, re));
                hit == Some(*op == "option-value?")
            }
            "specifier?" => cap.is_some_and(|n| parents.is_specifier(n)),
            _ => false,
        }
    }
}
