//! `package.json`: a `@clerk/clerk-sdk-node` range that v5 does not satisfy,
//! and an `engines.node` range that still admits Node versions v5 does not
//! support (below 18.17.0).
use std::ops::Range;

use jsonc_parser::{
    ast::{Object, StringLit, Value},
    CollectOptions, ParseOptions,
};
use node_semver::{Range as SemverRange, Version};

use super::{Finding, Settings};

pub const SDK: &str = "@clerk/clerk-sdk-node";
const DEPENDENCY_FIELDS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];
/// The oldest Node.js release v5 supports.
pub const MIN_NODE: &str = "18.17.0";

/// The text of a string literal without its quotes, and its byte range.
fn inner(lit: &StringLit, src: &str) -> Option<(Range<usize>, String)> {
    let r = lit.range.start + 1..lit.range.end.checked_sub(1)?;
    let text = src.get(r.clone())?.to_string();
    Some((r, text))
}

/// Whether an npm range lets some 5.x release in. Specifiers that are not
/// ranges (tags, `workspace:`, URLs, `npm:` aliases) are not judged.
pub fn admits_v5(range: &str) -> Option<bool> {
    let r = SemverRange::parse(range.trim()).ok()?;
    let v5 = SemverRange::parse(">=5.0.0 <6.0.0-0").ok()?;
    Some(r.allows_any(&v5))
}

/// Whether a Node range admits a release older than the one v5 needs.
pub fn admits_old_node(range: &str) -> Option<bool> {
    let r = SemverRange::parse(range.trim()).ok()?;
    let min: Version = MIN_NODE.parse().ok()?;
    let older = SemverRange::parse(format!("<{min}")).ok()?;
    Some(r.allows_any(&older))
}

fn uses_clerk(root: &Object) -> bool {
    DEPENDENCY_FIELDS.iter().any(|f| {
        root.get_object(f).is_some_and(|deps| {
            deps.properties
                .iter()
                .any(|p| p.name.as_str().starts_with("@clerk/"))
        })
    })
}

pub fn analyze(src: &str, settings: &Settings) -> Vec<Finding> {
    let Ok(parsed) =
        jsonc_parser::parse_to_ast(src, &CollectOptions::default(), &ParseOptions::default())
    else {
        return Vec::new();
    };
    let Some(Value::Object(root)) = parsed.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for field in DEPENDENCY_FIELDS {
        let Some(lit) = root.get_object(field).and_then(|d| d.get_string(SDK)) else {
            continue;
        };
        let Some((range, text)) = inner(lit, src) else {
            continue;
        };
        if admits_v5(&text) == Some(false) {
            out.extend(super::plain_finding(
                "sdk-version-range",
                range,
                &[("range", &text), ("field", field)],
                settings,
            ));
        }
    }
    // Only a Clerk project's Node floor is this tool's business.
    if uses_clerk(&root) {
        if let Some(lit) = root
            .get_object("engines")
            .and_then(|e| e.get_string("node"))
        {
            if let Some((range, text)) = inner(lit, src) {
                if admits_old_node(&text) == Some(true) {
                    out.extend(super::plain_finding(
                        "node-engine-range",
                        range,
                        &[("range", &text), ("min", MIN_NODE)],
                        settings,
                    ));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_ranges() {
        for (r, ok) in [
            ("^4.13.23", false),
            ("~4.13.0", false),
            ("4.x", false),
            ("4.13.23", false),
            (">=4 <5", false),
            ("^5", true),
            ("^5.1.6", true),
            (">=4", true),
            ("*", true),
            ("^4 || ^5", true),
            ("4.x || 5.x", true),
        ] {
            assert_eq!(admits_v5(r), Some(ok), "{r}");
        }
        assert_eq!(admits_v5("workspace:*"), None);
        assert_eq!(admits_v5("latest"), None);
    }

    #[test]
    fn node_ranges() {
        for (r, old) in [
            (">=16", true),
            ("^18", true),
            (">=18.0.0", true),
            ("16 || 18 || 20", true),
            (">=18.17.0", false),
            ("^18.17.0 || >=20", false),
            (">=20", false),
            ("20.x", false),
        ] {
            assert_eq!(admits_old_node(r), Some(old), "{r}");
        }
    }

    #[test]
    fn settings_apply_and_ranges_are_the_values() {
        use crate::engine::settings::Level;
        let src = r#"{ "dependencies": { "@clerk/clerk-sdk-node": "^4.13.23" }, "engines": { "node": ">=16" } }"#;
        let found = analyze(src, &Settings::default());
        let texts: Vec<&str> = found.iter().map(|f| &src[f.range.clone()]).collect();
        assert_eq!(texts, ["^4.13.23", ">=16"]);
        let mut s = Settings::default();
        s.rules.insert("node-engine-range".into(), Level::Off);
        assert_eq!(analyze(src, &s).len(), 1);
        assert!(analyze("{ not json", &Settings::default()).is_empty());
    }
}
