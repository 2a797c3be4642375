//! Report formats of `check`: human, JSON and SARIF 2.1.0.
use std::{
    io::{self, IsTerminal, Write},
    path::Path,
};

use serde::Serialize;
use serde_json::{json, Value};

use crate::engine::{
    catalogue,
    position::{range_line_cols, Encoding, LineCol},
    Finding, Severity,
};

pub struct FileReport {
    /// Path as the user wrote it (or as found under a folder they named).
    pub path: String,
    pub findings: Vec<Finding>,
    spans: Vec<Span>,
}

/// 1-based line and UTF-16 column of a finding's start and end.
pub struct Span {
    pub start: LineCol,
    pub end: LineCol,
}

impl FileReport {
    pub fn new(path: &Path, src: &str, findings: Vec<Finding>) -> FileReport {
        let shown = path.to_string_lossy();
        let shown = shown.strip_prefix("./").unwrap_or(&shown).to_string();
        let one = |lc: LineCol| LineCol {
            line: lc.line + 1,
            col: lc.col + 1,
        };
        let spans = range_line_cols(
            src,
            findings.iter().map(|f| f.range.clone()),
            Encoding::Utf16,
        )
        .into_iter()
        .map(|(s, e)| Span {
            start: one(s),
            end: one(e),
        })
        .collect();
        FileReport {
            path: shown,
            findings,
            spans,
        }
    }

    /// Each finding with its span.
    pub fn items(&self) -> impl Iterator<Item = (&Finding, &Span)> {
        self.findings.iter().zip(&self.spans)
    }
}

/// Colour only for a terminal, and never when NO_COLOR is set.
pub fn use_colour() -> bool {
    io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn paint(on: bool, code: &str, s: &str) -> String {
    if on {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Information => "1;34",
        Severity::Hint => "1;36",
    }
}

pub fn human(out: &mut impl Write, reports: &[FileReport], colour: bool) -> io::Result<()> {
    let mut counts = [0usize; 4];
    let mut fixable = 0;
    let mut files = 0;
    for r in reports {
        if !r.findings.is_empty() {
            files += 1;
        }
        for (f, s) in r.items() {
            counts[f.severity as usize] += 1;
            fixable += usize::from(f.fix.is_some());
            writeln!(
                out,
                "{}:{}:{}: {} {} {}",
                paint(colour, "1", &r.path),
                s.start.line,
                s.start.col,
                paint(colour, severity_colour(f.severity), f.severity.as_str()),
                paint(colour, "2", f.rule.id),
                f.message
            )?;
            writeln!(out, "    see {}", f.rule.url())?;
        }
    }
    let total: usize = counts.iter().sum();
    if total == 0 {
        writeln!(out, "No Core 2 changes needed.")?;
        return Ok(());
    }
    let names = ["error", "warning", "information", "hint"];
    let parts: Vec<String> = counts
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(n, name)| {
            let plural = if *n != 1 && name != "information" {
                "s"
            } else {
                ""
            };
            format!("{n} {name}{plural}")
        })
        .collect();
    writeln!(
        out,
        "\n{} finding{} ({}) in {} file{}; {} with an automatic fix.",
        total,
        if total == 1 { "" } else { "s" },
        parts.join(", "),
        files,
        if files == 1 { "" } else { "s" },
        fixable
    )
}

/// One finding of the JSON report, borrowed from the report.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    path: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    url: &'a str,
    fixable: bool,
    official_slugs: &'a [&'static str],
}

fn json_findings(reports: &[FileReport]) -> Vec<JsonFinding<'_>> {
    reports
        .iter()
        .flat_map(|r| {
            r.items().map(|(f, s)| JsonFinding {
                path: &r.path,
                line: s.start.line,
                column: s.start.col,
                end_line: s.end.line,
                end_column: s.end.col,
                rule: f.rule.id,
                severity: f.severity.as_str(),
                message: &f.message,
                url: f.rule.url(),
                fixable: f.fix.is_some(),
                official_slugs: &f.official,
            })
        })
        .collect()
}

pub fn json_value(reports: &[FileReport]) -> Value {
    serde_json::to_value(json_findings(reports)).unwrap_or_default()
}

pub fn json(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    // A report of tens of thousands of findings takes as long to format as
    // a tenth of the analysis: the files are formatted on all cores, each
    // as the elements of the one array that the pretty printer would write.
    let per_core = reports.len().div_ceil(super::cores()).max(1);
    let parts = super::in_parallel(reports.chunks(per_core), json_elements);
    let mut first = true;
    for part in parts {
        let part = part.unwrap_or_else(|| Err(io::Error::other("formatting failed")))?;
        if part.is_empty() {
            continue;
        }
        out.write_all(if first { b"[\n" } else { b",\n" })?;
        out.write_all(&part)?;
        first = false;
    }
    out.write_all(if first { b"[]\n" } else { b"\n]\n" })
}

/// The findings of `reports` as pretty-printed array elements, indented
/// and separated as inside the whole array, without its brackets.
fn json_elements(reports: &[FileReport]) -> io::Result<Vec<u8>> {
    let findings = json_findings(reports);
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    let mut buf = serde_json::to_vec_pretty(&findings)?;
    // "[\n" + elements + "\n]"
    buf.truncate(buf.len() - 2);
    buf.drain(..2);
    Ok(buf)
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    }
}

fn sarif_uri(path: &str) -> String {
    let p = path.replace('\\', "/");
    let encoded: String = p
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_string(),
            '#' => "%23".to_string(),
            '?' => "%3F".to_string(),
            '%' => "%25".to_string(),
            c => c.to_string(),
        })
        .collect();
    if p.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

pub fn sarif_value(reports: &[FileReport]) -> Value {
    let rules: Vec<Value> = catalogue()
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.id,
                "shortDescription": { "text": r.title.replace('`', "") },
                "fullDescription": { "text": r.explanation.trim() },
                "help": { "text": r.explanation.trim(), "markdown": r.explanation.trim() },
                "helpUri": r.url(),
                "defaultConfiguration": { "level": sarif_level(r.severity) },
                "properties": { "tags": ["clerk", "migration"], "officialSlugs": r.official },
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for (f, s) in r.items() {
            let idx = catalogue().iter().position(|x| x.id == f.rule.id).unwrap();
            results.push(json!({
                "ruleId": f.rule.id,
                "ruleIndex": idx,
                "level": sarif_level(f.severity),
                "message": { "text": &*f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": sarif_uri(&r.path), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": s.start.line,
                            "startColumn": s.start.col,
                            "endLine": s.end.line,
                            "endColumn": s.end.col,
                        }
                    }
                }],
            }));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "clerk-core2-lsp",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": crate::engine::rules::GUIDE_URL,
                "rules": rules,
            }},
            "columnKind": "utf16CodeUnits",
            "results": results,
        }]
    })
}

pub fn sarif(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &sarif_value(reports))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{analyze_source, lang::Lang, Settings};

    /// The report formatted on several cores is byte for byte the one the
    /// pretty printer writes for the whole array, for any number of files.
    #[test]
    fn json_in_parts_equals_json_in_one() {
        let src = "import { setClerkApiKey } from '@clerk/clerk-sdk-node';\nsetClerkApiKey('k');\n";
        let findings = analyze_source(src, Lang::TypeScript, &Settings::default());
        assert!(!findings.is_empty());
        for files in 0..7 {
            let reports: Vec<FileReport> = (0..files)
                .map(|i| FileReport::new(Path::new(&format!("src/f{i}.ts")), src, findings.clone()))
                .collect();
            let mut parts = Vec::new();
            json(&mut parts, &reports).unwrap();
            let mut whole = serde_json::to_vec_pretty(&json_findings(&reports)).unwrap();
            whole.push(b'\n');
            assert_eq!(
                String::from_utf8(parts).unwrap(),
                String::from_utf8(whole).unwrap()
            );
        }
    }
}
