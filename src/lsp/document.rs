//! An open buffer: the rope the client edits, the tree parsed from it, and the
//! findings of its latest version.
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Point, Tree};

use crate::engine::{
    self,
    lang::Lang,
    position::{linecol_to_offset, offset_to_linecol, Encoding, LineCol},
    Finding, Settings,
};

pub struct Document {
    pub lang: Lang,
    pub version: i32,
    pub rope: Rope,
    /// Contiguous copy of the rope for the parser and the queries, refreshed
    /// once per change notification rather than once per edit.
    pub text: String,
    pub tree: Option<Tree>,
    pub findings: Vec<Finding>,
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
            rope: Rope::from_str(&text),
            text,
            tree: None,
            findings: Vec::new(),
        };
        doc.reparse(settings);
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
        self.text = self.rope.to_string();
    }

    /// Reparses (incrementally when the tree was kept in step) and reanalyses.
    pub fn reparse(&mut self, settings: &Settings) {
        if self.lang.is_grammar() {
            self.tree = engine::parse(&self.text, self.lang, self.tree.as_ref());
        }
        self.reanalyze(settings);
    }

    pub fn reanalyze(&mut self, settings: &Settings) {
        self.findings = match &self.tree {
            Some(tree) => engine::analyze(tree, &self.text, self.lang, settings),
            None => engine::analyze_source(&self.text, self.lang, settings),
        };
    }
}
