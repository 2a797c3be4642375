//! `// clerk-core2-ignore-next-line [rule-id ...]` comments.
use tree_sitter::Tree;

pub const MARKER: &str = "clerk-core2-ignore-next-line";

/// A suppression: the line it applies to and the rules it names (none = all).
#[derive(Debug, PartialEq, Eq)]
pub struct Suppression {
    pub line: usize,
    pub rules: Vec<String>,
}

/// Finds the markers that sit inside comments (a marker in a string is text,
/// not an instruction). `tree` is `None` for files without a grammar, where
/// a `#` comment line carries it.
pub fn suppressions(src: &str, tree: Option<&Tree>) -> Vec<Suppression> {
    let mut out = Vec::new();
    // Lines counted from the previous marker, so many markers stay linear.
    let (mut line, mut counted) = (0, 0);
    for at in memchr::memmem::find_iter(src.as_bytes(), MARKER.as_bytes()) {
        let end_of_comment = match tree {
            Some(tree) => {
                let Some(node) = tree
                    .root_node()
                    .descendant_for_byte_range(at, at + MARKER.len())
                else {
                    continue;
                };
                if node.kind() != "comment" {
                    continue;
                }
                node.end_position().row
            }
            None => {
                let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
                if !src[line_start..at].trim_start().starts_with('#') {
                    continue;
                }
                line += memchr::memchr_iter(b'\n', &src.as_bytes()[counted..at]).count();
                counted = at;
                line
            }
        };
        let rest = &src[at + MARKER.len()..];
        let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
        let rest = rest.trim_end_matches("*/");
        let rules = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        out.push(Suppression {
            line: end_of_comment + 1,
            rules,
        });
    }
    out
}

/// `sups` as `suppressions` returns them, in text order: a binary search
/// keeps files with thousands of markers and findings linear.
pub fn is_suppressed(sups: &[Suppression], line: usize, rule: &str) -> bool {
    let first = sups.partition_point(|s| s.line < line);
    sups[first..]
        .iter()
        .take_while(|s| s.line == line)
        .any(|s| s.rules.is_empty() || s.rules.iter().any(|r| r == rule))
}
