//! What one analysis may cost, for the CLI and the server alike: a size cap,
//! time budgets for parsing, checking and fixing, a bound on the query
//! engine's in-flight matches, and containment of a rule that fails. A file
//! beyond a cap gets exactly one information-level finding saying so.
use std::{
    cell::{Cell, RefCell},
    ops::ControlFlow,
    panic::{self, AssertUnwindSafe},
    sync::{
        atomic::{AtomicUsize, Ordering},
        LazyLock,
    },
    time::{Duration, Instant},
};

use tree_sitter::{ParseOptions, ParseState, Parser, QueryCursor, QueryCursorState, Tree};

use super::{may_have_findings, rules::Rule, Finding, Settings, Severity};

/// Largest text analysed. Hand-written sources are far below it; what is
/// above is generated (bundles, minified vendor code) and not worth seconds
/// of parsing on every keystroke.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;
/// Largest file the CLI reads at all, only to tell whether it concerns Clerk.
pub const MAX_READ_BYTES: u64 = 64 * 1024 * 1024;
/// In-flight matches the query engine keeps. Deeply nested objects would
/// otherwise keep one partial match per ancestor alive at every node, which
/// costs time quadratic in the depth; real code never nests this deep.
pub const QUERY_MATCH_LIMIT: u32 = 256;
/// Id of the pseudo-rule of "not checked" findings. No settings apply to it.
pub const RULE_ID: &str = "not-analysed";

/// Fixers look up the parents of nodes, which tree-sitter finds by walking
/// down from the root: in a tree deeper than this, findings come without
/// fixes rather than in time quadratic in the depth. Written code stays far
/// below it; generated or hostile text does not.
pub const MAX_FIX_DEPTH: usize = 400;

/// Whether the tree nests deeper than `max` levels (stops as soon as it
/// does). A subtree cannot nest deeper than it has nodes, which a node
/// knows without a walk: only the few subtrees big enough are entered.
pub fn deeper_than(tree: &Tree, max: usize) -> bool {
    let mut c = tree.walk();
    let mut depth = 0usize;
    loop {
        let below = c.node().descendant_count().saturating_sub(1);
        if depth + below > max && c.goto_first_child() {
            depth += 1;
            if depth > max {
                return true;
            }
            continue;
        }
        while !c.goto_next_sibling() {
            if !c.goto_parent() {
                return false;
            }
            depth -= 1;
        }
    }
}

/// Time budgets of one analysis, per thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// One parse.
    pub parse: Duration,
    /// One run of the rule queries and predicates.
    pub check: Duration,
    /// One fix-all, every round included.
    pub fix: Duration,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            parse: Duration::from_secs(5),
            check: Duration::from_secs(5),
            fix: Duration::from_secs(10),
        }
    }
}

/// Why a file was not checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// The text has this many bytes, over `MAX_BYTES`.
    TooLarge(u64),
    /// NUL bytes, or mostly not UTF-8.
    Binary,
    ParseTimeout,
    CheckTimeout,
}

impl Skip {
    pub fn message(self) -> String {
        let mb = |n: u64| n as f64 / (1024.0 * 1024.0);
        let why = match self {
            Skip::TooLarge(n) => format!(
                "it is {:.1} MB, over the {:.0} MB limit",
                mb(n),
                mb(MAX_BYTES as u64)
            ),
            Skip::Binary => "it looks binary (NUL bytes or mostly not UTF-8)".to_string(),
            Skip::ParseTimeout => format!(
                "parsing it took longer than {} s",
                budget().parse.as_secs_f32()
            ),
            Skip::CheckTimeout => format!(
                "checking it took longer than {} s",
                budget().check.as_secs_f32()
            ),
        };
        format!("Not checked for Clerk Core 2 changes: {why}")
    }
}

static LIMIT_RULE: LazyLock<Rule> = LazyLock::new(|| Rule {
    id: RULE_ID,
    title: "File not checked".to_string(),
    severity: Severity::Information,
    section: String::new(),
    link: Rule::link_to(""),
    official: Vec::new(),
    official_by: None,
    message: String::new(),
    explanation: format!(
        "Files over {} MB, files that look binary, and files whose parsing or checking \
         takes longer than {} s are skipped so that the editor stays responsive. \
         Nothing in such a file is reported.",
        MAX_BYTES / (1024 * 1024),
        Budget::default().parse.as_secs()
    ),
    langs: Vec::new(),
    query: None,
    fix: None,
});

/// The one finding of a file that was not checked, at its start.
pub fn finding(skip: Skip) -> Finding {
    Finding {
        rule: &LIMIT_RULE,
        range: 0..0,
        severity: Severity::Information,
        message: skip.message().into(),
        fix: None,
        official: Vec::new().into(),
    }
}

pub fn is_limit(f: &Finding) -> bool {
    f.rule.id == RULE_ID
}

/// `Some` when `src` is over the size cap: what to report instead of an
/// analysis (nothing when the text cannot concern Clerk anyway).
pub fn oversized(src: &str, settings: &Settings) -> Option<Vec<Finding>> {
    if src.len() <= MAX_BYTES {
        return None;
    }
    Some(if may_have_findings(src, settings) {
        vec![finding(Skip::TooLarge(src.len() as u64))]
    } else {
        Vec::new()
    })
}

/// NUL bytes anywhere, or more than one byte in a hundred that is not UTF-8:
/// not source code, whatever the file name says.
pub fn looks_binary(bytes: &[u8]) -> bool {
    if memchr::memchr(0, bytes).is_some() {
        return true;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return false;
    }
    let invalid: usize = bytes.utf8_chunks().map(|c| c.invalid().len()).sum();
    invalid * 100 > bytes.len()
}

thread_local! {
    static BUDGET: Cell<Budget> = Cell::new(Budget::default());
    static CHECK_DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TIMED_OUT: Cell<bool> = const { Cell::new(false) };
    /// The rule whose match is being evaluated, to blame for a panic.
    static CURRENT_RULE: Cell<Option<&'static str>> = const { Cell::new(None) };
    /// Rules that panicked in the current run.
    static FAILED: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The budgets in force on this thread.
pub fn budget() -> Budget {
    BUDGET.get()
}

/// Runs `f` with other budgets on this thread.
pub fn with_budget<R>(b: Budget, f: impl FnOnce() -> R) -> R {
    struct Restore(Budget);
    impl Drop for Restore {
        fn drop(&mut self) {
            BUDGET.set(self.0);
        }
    }
    let _restore = Restore(BUDGET.replace(b));
    f()
}

/// Parses within the parse budget; `None` when it ran out, or as soon as
/// `stop` says so (a newer edit made the result useless). The parser is
/// then reset, or its next parse would resume this one.
pub fn parse(
    parser: &mut Parser,
    src: &str,
    old: Option<&Tree>,
    stop: &dyn Fn() -> bool,
) -> Option<Tree> {
    let deadline = Instant::now() + budget().parse;
    let bytes = src.as_bytes();
    let mut progress = |_: &ParseState| {
        if stop() || Instant::now() >= deadline {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let tree = parser.parse_with_options(
        &mut |at, _| bytes.get(at..).unwrap_or_default(),
        old,
        Some(ParseOptions::new().progress_callback(&mut progress)),
    );
    if tree.is_none() {
        tracing::debug!("parse of {} bytes cancelled after its budget", src.len());
        parser.reset();
    }
    tree
}

/// A query cursor with the in-flight match bound.
pub fn query_cursor() -> QueryCursor {
    let mut c = QueryCursor::new();
    c.set_match_limit(QUERY_MATCH_LIMIT);
    c
}

pub(crate) fn out_of_time() -> bool {
    if TIMED_OUT.get() {
        return true;
    }
    let over = CHECK_DEADLINE.get().is_some_and(|d| Instant::now() >= d);
    TIMED_OUT.set(over);
    over
}

/// Progress callback for query cursors: stops the query once the check
/// budget of the current run is spent.
pub fn query_progress(_: &QueryCursorState) -> ControlFlow<()> {
    if out_of_time() {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}

/// Called before a match of rule `id` is evaluated: `false` to skip it,
/// because the rule failed earlier in this run or the time is up.
pub fn enter_rule(id: &'static str) -> bool {
    if out_of_time() || FAILED.with_borrow(|f| f.contains(&id)) {
        return false;
    }
    CURRENT_RULE.set(Some(id));
    #[cfg(debug_assertions)]
    injected_panic(id);
    true
}

/// A rule that fails on purpose, to test containment: set
/// `CLERK_CORE2_TEST_PANIC_RULE=<rule-id>`. Debug builds only.
#[cfg(debug_assertions)]
fn injected_panic(id: &str) {
    static RULE: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let rule = RULE.get_or_init(|| std::env::var("CLERK_CORE2_TEST_PANIC_RULE").ok());
    if rule.as_deref() == Some(id) {
        panic!("CLERK_CORE2_TEST_PANIC_RULE: rule {id} fails on purpose");
    }
}

static CONTAINED: AtomicUsize = AtomicUsize::new(0);

/// How many rule failures were contained since the process started: zero
/// unless something is wrong (what a fuzzer looks at).
pub fn contained_failures() -> usize {
    CONTAINED.load(Ordering::Relaxed)
}

/// Runs the rules within the check budget, so that a rule that panics
/// costs only its own findings: the run is repeated without it. Past the
/// budget the run's findings are replaced by one saying so.
pub fn contain(run: impl Fn() -> Vec<Finding>) -> Vec<Finding> {
    CHECK_DEADLINE.set(Some(Instant::now() + budget().check));
    TIMED_OUT.set(false);
    FAILED.with_borrow_mut(Vec::clear);
    let found = loop {
        CURRENT_RULE.set(None);
        match panic::catch_unwind(AssertUnwindSafe(&run)) {
            Ok(found) => break found,
            Err(_) => {
                CONTAINED.fetch_add(1, Ordering::Relaxed);
                let Some(id) = CURRENT_RULE.take() else {
                    tracing::error!("the checks failed with an internal error");
                    break Vec::new();
                };
                tracing::error!(
                    "rule {id} failed with an internal error; the other rules still run"
                );
                FAILED.with_borrow_mut(|f| f.push(id));
            }
        }
    };
    CHECK_DEADLINE.set(None);
    CURRENT_RULE.set(None);
    if TIMED_OUT.take() {
        return vec![finding(Skip::CheckTimeout)];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{lang::Lang, parse};

    /// The depth by a walk over every node.
    fn depth(tree: &Tree) -> usize {
        let (mut c, mut d, mut most) = (tree.walk(), 0, 0);
        loop {
            if c.goto_first_child() {
                d += 1;
                most = most.max(d);
                continue;
            }
            while !c.goto_next_sibling() {
                if !c.goto_parent() {
                    return most;
                }
                d -= 1;
            }
        }
    }

    #[test]
    fn depth_check_agrees_with_a_full_walk() {
        for n in [0, 10, 95, 100, 105, 190] {
            let src = format!(
                "f();\nconst x = {}1{};\ng(a.b.c);\n",
                "(".repeat(n),
                ")".repeat(n)
            );
            let tree = parse(&src, Lang::TypeScript, None).unwrap();
            let d = depth(&tree);
            for max in [d.saturating_sub(1), d, d + 1, 100, 400] {
                assert_eq!(
                    deeper_than(&tree, max),
                    d > max,
                    "{n} parentheses, max {max}"
                );
            }
        }
    }
}
