//! An open buffer: the rope the client edits, the tree parsed from it, and the
//! findings of its latest version.
use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Point, Tree};

use crate::engine::{
    self, fixes,
    incremental::{self, EditSpan, State},
    lang::Lang,
    limits,
    position::{linecol_to_offset, offset_to_linecol, Encoding, LineCol},
    Finding, Fixes, Settings,
};

/// Source of [`Document::report`].
static REPORTS: AtomicU64 = AtomicU64::new(1);

pub struct Document {
    pub lang: Lang,
    pub version: i32,
    /// Bumped on every change; analysis results carry the generation they
    /// were computed for, so a late result never overwrites a newer one.
    pub generation: u64,
    pub rope: Rope,
    /// Contiguous copy of the rope for the parser and the queries, refreshed
    /// once per change notification rather than once per edit, and shared
    /// with analysis running off the protocol loop.
    pub text: Arc<str>,
    pub tree: Option<Tree>,
    /// Shared with the state for the next analysis.
    pub findings: Arc<Vec<Finding>>,
    /// Generation `findings` (and `tree`) belong to.
    pub analyzed: u64,
    /// Names `findings` for clients that pull them (`resultId`): new with
    /// every analysis stored, and unique in the process. A settling pass or
    /// new settings change the findings but not the generation; a client
    /// pulling again with the old name must be sent them.
    pub report: u64,
    /// What the last analysis leaves for an incremental one.
    state: Option<Arc<State>>,
    /// Edits since that analysis; `None` after a whole-text replacement.
    pending: Option<Vec<EditSpan>>,
    /// Findings with their fixes, computed when code actions were last
    /// asked for, and the generation they belong to.
    fixed: Option<(u64, Arc<Vec<Finding>>)>,
    /// When the document was last opened or changed, on the server's clock.
    pub touched: u64,
    /// `tree` came from an incremental parse and has a syntax error, or it
    /// lags (see `lagging`) and the text has one. Error recovery can settle
    /// differently when it reuses an old tree or parses a statement alone,
    /// so such a tree (and what was found in it) may differ from a fresh
    /// parse of the same text until [`Document::settle`] or the server's
    /// settling pass replaces it.
    pub unsettled: bool,
    /// `findings` are those of the text, but `tree` is of an earlier text
    /// (with the edits since applied): the last edits fell inside one
    /// statement, which was parsed and analysed on its own
    /// ([`incremental::splice`]). The settling pass reparses the whole file.
    pub lagging: bool,
}

/// What computing fixes off the protocol loop needs.
pub struct FixSnapshot {
    pub lang: Lang,
    pub generation: u64,
    pub text: Arc<str>,
    /// The tree of exactly `text`, when the document has one.
    tree: Option<Tree>,
    cached: Option<Arc<Vec<Finding>>>,
}

impl FixSnapshot {
    /// Every finding of the text with its fix. Typing skips the fixers
    /// (they read the whole file), so they run here, once per version.
    pub fn findings(&self, settings: &Settings) -> Arc<Vec<Finding>> {
        if let Some(c) = &self.cached {
            return c.clone();
        }
        let findings = match &self.tree {
            Some(t) if limits::oversized(&self.text, settings).is_none() => {
                engine::analyze_with(t, &self.text, self.lang, settings, Fixes::Compute)
            }
            _ => engine::analyze_source(&self.text, self.lang, settings),
        };
        Arc::new(findings)
    }

    /// The text with every fix applied (see [`fixes::fix_all`]), from the
    /// document's tree when it has a settled one.
    pub fn fix_all(&self, settings: &Settings) -> Option<String> {
        match &self.tree {
            Some(t) => fixes::fix_all_parsed(&self.text, t, self.lang, settings),
            None => fixes::fix_all(&self.text, self.lang, settings),
        }
    }
}

/// What analysis off the protocol loop needs: cheap to take (an `Arc` and a
/// reference-counted tree).
pub struct Snapshot {
    pub lang: Lang,
    pub generation: u64,
    pub text: Arc<str>,
    pub tree: Option<Tree>,
    state: Option<Arc<State>>,
    edits: Option<Vec<EditSpan>>,
}

pub struct Analyzed {
    pub generation: u64,
    pub tree: Option<Tree>,
    pub findings: Arc<Vec<Finding>>,
    state: Option<Arc<State>>,
    /// Whether only edited statements were analysed.
    pub partial: bool,
    /// Whether `tree` is unsettled (see [`Document::unsettled`]).
    pub unsettled: bool,
    /// Whether `tree` lags behind the text (see [`Document::lagging`]).
    pub lagging: bool,
}

impl Snapshot {
    pub fn analyze(self, settings: &Settings) -> Analyzed {
        self.analyze_until(settings, &|| false)
            .expect("a parse that is never stopped finishes")
    }

    /// [`Snapshot::analyze`] that gives up, returning `None`, once `stop`
    /// says so while parsing.
    pub fn analyze_until(self, settings: &Settings, stop: &dyn Fn() -> bool) -> Option<Analyzed> {
        if let Some(findings) = limits::oversized(&self.text, settings) {
            return Some(Analyzed {
                generation: self.generation,
                tree: None,
                findings: Arc::new(findings),
                state: None,
                partial: false,
                unsettled: false,
                lagging: false,
            });
        }
        if let Some(a) = self.splice(settings) {
            return Some(a);
        }
        let tree = if self.lang.is_grammar() {
            let t = engine::parse_until(&self.text, self.lang, self.tree.as_ref(), stop);
            if t.is_none() && stop() {
                return None;
            }
            t
        } else {
            None
        };
        // Error recovery can settle differently when reusing an old tree,
        // even for an error far from the edits. A parse afresh costs as much
        // as opening the file, so the reused tree is kept and marked: the
        // server settles it once typing pauses.
        let unsettled =
            self.tree.is_some() && tree.as_ref().is_some_and(|t| t.root_node().has_error());
        let (findings, state, partial) = match &tree {
            Some(t) => {
                let out = incremental::analyze(
                    t,
                    &self.text,
                    self.lang,
                    settings,
                    self.state.as_deref(),
                    self.edits.as_deref(),
                );
                (out.findings, Some(out.state), out.partial)
            }
            // Out of parse budget: saying so beats parsing again.
            None if self.lang.is_grammar() => (
                Arc::new(vec![limits::finding(limits::Skip::ParseTimeout)]),
                None,
                false,
            ),
            None => (
                Arc::new(engine::analyze_source(&self.text, self.lang, settings)),
                None,
                false,
            ),
        };
        Some(Analyzed {
            generation: self.generation,
            tree,
            findings,
            state,
            partial,
            unsettled,
            lagging: false,
        })
    }

    /// The analysis of edits inside a run of statements, from that run
    /// alone, keeping the old tree.
    fn splice(&self, settings: &Settings) -> Option<Analyzed> {
        // A snapshot without the previous analysis (a settling one, or after
        // a whole-text change) parses the whole file.
        if !self.lang.is_grammar() {
            return None;
        }
        let (tree, state, edits) = (
            self.tree.as_ref()?,
            self.state.as_ref()?,
            self.edits.as_ref()?,
        );
        let out = incremental::splice(&self.text, self.lang, settings, state, edits)?;
        let broken = out.state.broken();
        Some(Analyzed {
            generation: self.generation,
            tree: Some(tree.clone()),
            findings: out.findings,
            state: Some(out.state),
            partial: true,
            // With a syntax error, in the statement or elsewhere, a fresh
            // parse might recover from it differently, as after any
            // incremental reparse; the settling pass then parses afresh
            // rather than from this tree (which is of an earlier text, and
            // may hold the error or not).
            unsettled: broken,
            lagging: true,
        })
    }
}

fn point(rope: &Rope, byte: usize) -> Point {
    let row = rope.byte_to_line(byte);
    Point {
        row,
        column: byte - rope.line_to_byte(row),
    }
}

impl Document {
    pub fn new(lang: Lang, version: i32, text: String, settings: &Settings) -> Document {
        let mut doc = Document {
            lang,
            version,
            generation: 0,
            rope: Rope::from_str(&text),
            text: text.into(),
            tree: None,
            findings: Arc::default(),
            analyzed: u64::MAX,
            report: 0,
            state: None,
            pending: None,
            fixed: None,
            touched: 0,
            unsettled: false,
            lagging: false,
        };
        doc.refresh(settings);
        doc
    }

    pub fn offset(&self, pos: Position, enc: Encoding) -> usize {
        linecol_to_offset(
            &self.rope,
            LineCol {
                line: pos.line,
                col: pos.character,
            },
            enc,
        )
    }

    pub fn position(&self, byte: usize, enc: Encoding) -> Position {
        let lc = offset_to_linecol(&self.rope, byte, enc);
        Position::new(lc.line, lc.col)
    }

    pub fn range(&self, r: &std::ops::Range<usize>, enc: Encoding) -> Range {
        Range::new(self.position(r.start, enc), self.position(r.end, enc))
    }

    /// Applies the edits of one `didChange` in order, keeping the old tree in
    /// step so the reparse is incremental. Out-of-range positions clamp.
    pub fn apply_changes(&mut self, changes: &[TextDocumentContentChangeEvent], enc: Encoding) {
        for change in changes {
            let Some(range) = change.range else {
                self.rope = Rope::from_str(&change.text);
                self.tree = None;
                self.pending = None;
                continue;
            };
            let mut start = self.offset(range.start, enc);
            let mut end = self.offset(range.end, enc);
            if end < start {
                std::mem::swap(&mut start, &mut end);
            }
            let start_position = point(&self.rope, start);
            let old_end_position = point(&self.rope, end);
            let (sc, ec) = (self.rope.byte_to_char(start), self.rope.byte_to_char(end));
            self.rope.remove(sc..ec);
            self.rope.insert(sc, &change.text);
            let new_end_byte = start + change.text.len();
            if let Some(p) = &mut self.pending {
                p.push(EditSpan {
                    start,
                    old_end: end,
                    new_end: new_end_byte,
                });
            }
            if let Some(tree) = &mut self.tree {
                tree.edit(&InputEdit {
                    start_byte: start,
                    old_end_byte: end,
                    new_end_byte,
                    start_position,
                    old_end_position,
                    new_end_position: point(&self.rope, new_end_byte),
                });
            }
        }
        self.text = self.rope.to_string().into();
        self.generation += 1;
    }

    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            lang: self.lang,
            generation: self.generation,
            text: self.text.clone(),
            tree: self.tree.clone(),
            state: self.state.clone(),
            edits: self.pending.clone(),
        }
    }

    /// Whether the tree is to be replaced once typing pauses.
    pub fn needs_settling(&self) -> bool {
        self.unsettled || self.lagging
    }

    /// What replacing the tree of current findings needs: parsing the text
    /// afresh when the tree is unsettled, reparsing the whole file from the
    /// tree when it lags.
    pub fn settle_snapshot(&self) -> Option<Snapshot> {
        // A full analysis either way, not one of the edits since: this is
        // where what was found statement by statement is confirmed.
        (self.is_fresh() && self.needs_settling()).then(|| Snapshot {
            tree: self.tree.clone().filter(|_| !self.unsettled),
            state: None,
            edits: None,
            ..self.snapshot()
        })
    }

    /// Replaces an unsettled tree and its findings with those of a fresh
    /// parse, as the server does once typing pauses.
    pub fn settle(&mut self, settings: &Settings) {
        if let Some(s) = self.settle_snapshot() {
            let a = s.analyze(settings);
            self.accept(a);
        }
    }

    pub fn fix_snapshot(&self) -> FixSnapshot {
        FixSnapshot {
            lang: self.lang,
            generation: self.generation,
            text: self.text.clone(),
            // Fixes are trusted only on a settled tree of this text.
            tree: self
                .tree
                .clone()
                .filter(|_| self.is_fresh() && !self.needs_settling()),
            cached: self
                .fixed
                .as_ref()
                .filter(|(g, _)| *g == self.generation)
                .map(|(_, f)| f.clone()),
        }
    }

    /// Keeps fixes computed for the current text; stale ones are dropped.
    pub fn keep_fixes(&mut self, generation: u64, findings: Arc<Vec<Finding>>) {
        if generation == self.generation {
            self.fixed = Some((generation, findings));
        }
    }

    /// Stores an analysis if it is of the current text; a stale one is dropped.
    pub fn accept(&mut self, a: Analyzed) -> bool {
        if a.generation != self.generation {
            return false;
        }
        self.tree = a.tree;
        self.findings = a.findings;
        self.analyzed = a.generation;
        self.report = REPORTS.fetch_add(1, Ordering::Relaxed);
        self.state = a.state;
        self.unsettled = a.unsettled;
        self.lagging = a.lagging;
        self.pending = Some(Vec::new());
        true
    }

    /// The top-level statements the latest analysis saw (see
    /// [`State::statements`]), when it left a state.
    pub fn statements(&self) -> Option<Vec<(u16, std::ops::Range<usize>)>> {
        self.state.as_ref().map(|s| s.statements().collect())
    }

    pub fn is_fresh(&self) -> bool {
        self.analyzed == self.generation
    }

    /// Analyses in place when the findings lag behind the text (a request
    /// that arrived while analysis ran elsewhere).
    pub fn refresh(&mut self, settings: &Settings) {
        if !self.is_fresh() {
            let a = self.snapshot().analyze(settings);
            self.accept(a);
        }
    }

    /// Lets go of what only speeds up the next edit: the tree (most of a
    /// document's memory, about 2 MB per 1,000 lines) and the state for
    /// incremental analysis. The next change parses and analyses afresh.
    /// Findings stay, so diagnostics, hover and code actions are unchanged.
    pub fn rest(&mut self) {
        if self.is_fresh() {
            self.tree = None;
            self.state = None;
            self.pending = None;
            self.fixed = None;
            self.lagging = false;
        }
    }

    /// Forces a full reanalysis of the current text (settings changed).
    pub fn reanalyze(&mut self, settings: &Settings) {
        self.analyzed = u64::MAX;
        self.state = None;
        self.fixed = None;
        self.refresh(settings);
    }
}
