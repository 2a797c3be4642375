//! Byte offsets inside, line/column only at the edges. Columns are counted in
//! the negotiated encoding: UTF-16 code units (the LSP default), UTF-8 bytes
//! or code points. Lines end at `\n`, `\r\n` or `\r`, as LSP defines them.
use ropey::Rope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

/// A 0-based line and column in some encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

fn line_end_char(rope: &Rope, line: usize) -> usize {
    let start = rope.line_to_char(line);
    let slice = rope.line(line);
    let mut len = slice.len_chars();
    // Drop the line break: `\n`, `\r\n` or `\r`.
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    start + len
}

pub fn offset_to_linecol(rope: &Rope, byte: usize, enc: Encoding) -> LineCol {
    let byte = byte.min(rope.len_bytes());
    let line = rope.byte_to_line(byte);
    let col = match enc {
        Encoding::Utf8 => byte - rope.line_to_byte(line),
        Encoding::Utf16 => {
            let c = rope.byte_to_char(byte);
            rope.char_to_utf16_cu(c) - rope.char_to_utf16_cu(rope.line_to_char(line))
        }
        Encoding::Utf32 => rope.byte_to_char(byte) - rope.line_to_char(line),
    };
    LineCol {
        line: line as u32,
        col: col as u32,
    }
}

/// The byte offset of a position; a column past the end of its line means the
/// end of that line, a line past the end of the text means the end of the text,
/// and a column inside a character (half a surrogate pair, a byte inside a
/// UTF-8 sequence) means the start of that character.
pub fn linecol_to_offset(rope: &Rope, pos: LineCol, enc: Encoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let start_char = rope.line_to_char(line);
    let end_char = line_end_char(rope, line);
    let col = pos.col as usize;
    let ch = match enc {
        Encoding::Utf8 => {
            let start = rope.line_to_byte(line);
            let end = rope.char_to_byte(end_char);
            rope.byte_to_char((start + col).min(end))
        }
        Encoding::Utf16 => {
            let base = rope.char_to_utf16_cu(start_char);
            let end = rope.char_to_utf16_cu(end_char);
            rope.utf16_cu_to_char((base + col).min(end))
        }
        Encoding::Utf32 => (start_char + col).min(end_char),
    };
    rope.char_to_byte(ch)
}

/// Converts many offsets of one text, mostly in ascending order, in time
/// proportional to the text between them: a sweep forward from the last
/// offset, with the rope, if there is one, to jump back (else the sweep
/// starts over). `text` must be the rope's content.
pub struct Sweep<'a> {
    rope: Option<&'a Rope>,
    text: &'a str,
    line: usize,
    line_start: usize,
    /// Where counting stopped, and the column there, on `line`.
    at: usize,
    col: usize,
    enc: Encoding,
}

impl<'a> Sweep<'a> {
    pub fn new(rope: Option<&'a Rope>, text: &'a str, enc: Encoding) -> Sweep<'a> {
        Sweep {
            rope,
            text,
            line: 0,
            line_start: 0,
            at: 0,
            col: 0,
            enc,
        }
    }

    pub fn linecol(&mut self, byte: usize) -> LineCol {
        let byte = byte.min(self.text.len());
        if !self.text.is_char_boundary(byte) {
            // Inside a character: that character's column, or the byte's
            // in UTF-8, as `offset_to_linecol` counts.
            let mut start = byte;
            while !self.text.is_char_boundary(start) {
                start -= 1;
            }
            let mut lc = self.linecol(start);
            if self.enc == Encoding::Utf8 {
                lc.col += (byte - start) as u32;
            }
            return lc;
        }
        if byte < self.at {
            match self.rope {
                Some(rope) => {
                    self.line = rope.byte_to_line(byte);
                    self.line_start = rope.line_to_byte(self.line);
                }
                None => (self.line, self.line_start) = (0, 0),
            }
            self.at = self.line_start;
            self.col = 0;
        }
        let bytes = self.text.as_bytes();
        for i in memchr::memchr2_iter(b'\n', b'\r', &bytes[self.at..byte]) {
            let i = self.at + i;
            // `\r\n` is one break, counted at its `\n`.
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                continue;
            }
            self.line += 1;
            self.line_start = i + 1;
            self.col = 0;
        }
        let from = self.at.max(self.line_start);
        let run = &self.text[from..byte];
        self.col += match self.enc {
            Encoding::Utf8 => run.len(),
            _ if run.is_ascii() => run.len(),
            Encoding::Utf16 => run.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => run.chars().count(),
        };
        self.at = byte;
        LineCol {
            line: self.line as u32,
            col: self.col as u32,
        }
    }
}

/// The line/column of each offset, in one pass over `text`.
pub fn line_cols(text: &str, offsets: &[usize], enc: Encoding) -> Vec<LineCol> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);
    let mut out = vec![LineCol { line: 0, col: 0 }; offsets.len()];
    let mut sweep = Sweep::new(None, text, enc);
    for i in order {
        out[i] = sweep.linecol(offsets[i]);
    }
    out
}

/// The start and end line/column of each range, in one pass over `text`.
pub fn range_line_cols(
    text: &str,
    ranges: impl Iterator<Item = std::ops::Range<usize>>,
    enc: Encoding,
) -> Vec<(LineCol, LineCol)> {
    let offsets: Vec<usize> = ranges.flat_map(|r| [r.start, r.end]).collect();
    line_cols(text, &offsets, enc)
        .chunks(2)
        .map(|p| (p[0], p[1]))
        .collect()
}

/// Line/column conversion for a plain string through a rope, one position
/// at a time.
pub struct LineIndex {
    rope: Rope,
}

impl LineIndex {
    pub fn new(src: &str) -> LineIndex {
        LineIndex {
            rope: Rope::from_str(src),
        }
    }

    pub fn linecol(&self, byte: usize, enc: Encoding) -> LineCol {
        offset_to_linecol(&self.rope, byte, enc)
    }

    pub fn offset(&self, pos: LineCol, enc: Encoding) -> usize {
        linecol_to_offset(&self.rope, pos, enc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }

    #[test]
    fn columns_per_encoding_after_non_ascii() {
        // é = 2 bytes/1 unit, 中 = 3 bytes/1 unit, 😀 = 4 bytes/2 units.
        let src = "a\né中😀x\n";
        let r = Rope::from_str(src);
        let x = src.find('x').unwrap();
        assert_eq!(offset_to_linecol(&r, x, Encoding::Utf8), lc(1, 9));
        assert_eq!(offset_to_linecol(&r, x, Encoding::Utf16), lc(1, 4));
        assert_eq!(offset_to_linecol(&r, x, Encoding::Utf32), lc(1, 3));
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let p = offset_to_linecol(&r, x, enc);
            assert_eq!(linecol_to_offset(&r, p, enc), x);
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let r = Rope::from_str("ab\r\ncd");
        assert_eq!(linecol_to_offset(&r, lc(0, 99), Encoding::Utf16), 2);
        assert_eq!(linecol_to_offset(&r, lc(9, 0), Encoding::Utf16), 6);
        assert_eq!(offset_to_linecol(&r, 4, Encoding::Utf16), lc(1, 0));
        // Inside the surrogate pair of 😀: start of the character.
        let r = Rope::from_str("😀b");
        assert_eq!(linecol_to_offset(&r, lc(0, 1), Encoding::Utf16), 0);
        assert_eq!(linecol_to_offset(&r, lc(0, 2), Encoding::Utf16), 4);
        // Inside a UTF-8 sequence: start of the character.
        assert_eq!(linecol_to_offset(&r, lc(0, 2), Encoding::Utf8), 0);
    }

    proptest::proptest! {
        #[test]
        fn a_sweep_agrees_with_the_rope(
            text in "(a|é|😀|\\r|\\n|\\r\\n|中| ){0,60}",
            offsets in proptest::collection::vec(0usize..200, 0..30),
        ) {
            let rope = Rope::from_str(&text);
            let offsets: Vec<usize> = offsets.iter().map(|&o| o.min(text.len())).collect();
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let by_rope: Vec<LineCol> =
                    offsets.iter().map(|&o| offset_to_linecol(&rope, o, enc)).collect();
                for with_rope in [Some(&rope), None] {
                    let mut sweep = Sweep::new(with_rope, &text, enc);
                    let swept: Vec<LineCol> = offsets.iter().map(|&o| sweep.linecol(o)).collect();
                    proptest::prop_assert_eq!(&swept, &by_rope, "{:?} in {:?}", text, enc);
                }
                proptest::prop_assert_eq!(&line_cols(&text, &offsets, enc), &by_rope);
            }
        }
    }

    #[test]
    fn lone_cr_ends_a_line() {
        let r = Rope::from_str("a\rb");
        assert_eq!(offset_to_linecol(&r, 2, Encoding::Utf16), lc(1, 0));
    }
}
