//! How much typing is analysed without parsing the file: every line of the
//! bundled example project is deleted and typed again one character at a
//! time, and each keystroke counts as spliced when its analysis parsed only
//! the statements around it. Run with `cargo bench --bench splice`.
use std::path::Path;

use clerk_core2_lsp::{
    engine::{lang::Lang, position::Encoding, Settings},
    lsp::document::Document,
};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

/// Replaces columns `from..to` of `line` with `text` and analyses the
/// result; true when the analysis was a splice.
fn edit(doc: &mut Document, line: u32, from: u32, to: u32, text: &str) -> bool {
    let settings = Settings::default();
    doc.apply_changes(
        &[TextDocumentContentChangeEvent {
            range: Some(Range::new(
                Position::new(line, from),
                Position::new(line, to),
            )),
            range_length: None,
            text: text.to_string(),
        }],
        Encoding::Utf16,
    );
    let a = doc.snapshot().analyze(&settings);
    doc.accept(a);
    doc.lagging
}

fn main() {
    let settings = Settings::default();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/core1-express/src");
    let mut files: Vec<_> = ignore::WalkBuilder::new(&root)
        .build()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "ts" || e == "js"))
        .collect();
    files.sort();
    let (mut spliced, mut typed) = (0usize, 0usize);
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let lang = if path.extension().is_some_and(|e| e == "js") {
            Lang::JavaScript
        } else {
            Lang::TypeScript
        };
        let (mut file_spliced, mut file_typed) = (0, 0);
        for (i, line) in text.lines().enumerate() {
            // Columns are UTF-16 units: ASCII lines keep them equal to bytes.
            if line.trim().is_empty() || !line.is_ascii() {
                continue;
            }
            let mut doc = Document::new(lang, 1, text.clone(), &settings);
            edit(&mut doc, i as u32, 0, line.len() as u32, "");
            doc.settle(&settings);
            for (col, ch) in line.char_indices() {
                let col = col as u32;
                if edit(&mut doc, i as u32, col, col, &ch.to_string()) {
                    file_spliced += 1;
                }
                file_typed += 1;
                // As the server does once typing pauses.
                if doc.needs_settling() {
                    doc.settle(&settings);
                }
            }
            assert_eq!(&*doc.text, text.as_str());
        }
        println!(
            "{}: {file_spliced} of {file_typed} keystrokes spliced",
            path.strip_prefix(&root).unwrap().display()
        );
        spliced += file_spliced;
        typed += file_typed;
    }
    println!(
        "every line of the example project typed again: {spliced} of {typed} keystrokes ({:.1}%) analysed without parsing the file",
        100.0 * spliced as f64 / typed as f64
    );
}
