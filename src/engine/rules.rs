//! Rule metadata: one `queries/<id>.toml` per breaking change, embedded at build time.
use std::{collections::BTreeMap, sync::OnceLock};

use serde::Deserialize;

use super::lang::Lang;

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// The page every finding links to.
pub const GUIDE_URL: &str =
    "https://clerk.com/docs/guides/development/upgrading/upgrade-guides/core-2/node";

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Information,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Information => "information",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "information" | "info" => Severity::Information,
            "hint" => Severity::Hint,
            _ => return None,
        })
    }
}

/// A rule's declarative quick fix.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    /// Title shown in the editor; `{finding}` and other capture names expand.
    pub title: Option<String>,
    /// Replace the `@finding` text (property keys keep shorthand valid).
    pub rename: Option<String>,
    /// A fixer in `engine::fixers` that computes the edits.
    pub fixer: Option<String>,
    /// Why there is no automatic fix, shown instead of an action.
    pub manual: Option<String>,
}

/// Which of a rule's official entries one finding covers, chosen by the text
/// of a capture or predicate variable (`fn`, `export`, ...). Findings whose
/// value is not in the map cover all of the rule's entries.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficialBy {
    pub var: String,
    pub map: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    title: String,
    severity: Severity,
    section: String,
    #[serde(default)]
    official: Vec<String>,
    #[serde(default)]
    official_by: Option<OfficialBy>,
    message: String,
    explanation: String,
    #[serde(default)]
    grammars: Option<Vec<String>>,
    #[serde(default)]
    fix: Option<FixSpec>,
}

#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub title: String,
    pub severity: Severity,
    /// The guide heading the rule belongs to; its slug is the link anchor.
    pub section: String,
    pub official: Vec<String>,
    pub official_by: Option<OfficialBy>,
    /// Message template: `{capture}` expands to that capture's text.
    pub message: String,
    /// Markdown shown on hover.
    pub explanation: String,
    pub langs: Vec<Lang>,
    pub query: Option<&'static str>,
    pub fix: Option<FixSpec>,
    /// The guide link, built once: every finding carries it.
    pub link: String,
}

impl Rule {
    pub fn url(&self) -> &str {
        &self.link
    }

    /// The link to the guide section `section`.
    pub fn link_to(section: &str) -> String {
        format!("{GUIDE_URL}#{}", slug(section))
    }

    pub fn applies_to(&self, lang: Lang) -> bool {
        self.langs.contains(&lang)
    }
}

/// The anchor a heading gets on the guide page (GitHub-style slugging).
pub fn slug(heading: &str) -> String {
    let mut out = String::with_capacity(heading.len());
    for c in heading.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.push(c);
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

fn parse_lang(s: &str) -> Lang {
    match s {
        "javascript" => Lang::JavaScript,
        "typescript" => Lang::TypeScript,
        "tsx" => Lang::Tsx,
        "env" => Lang::Env,
        "package.json" => Lang::PackageJson,
        other => panic!("unknown grammar {other:?} in rule metadata"),
    }
}

fn load() -> Vec<Rule> {
    EMBEDDED_RULES
        .iter()
        .map(|(id, toml_src, scm)| {
            let f: RuleFile = toml::from_str(toml_src)
                .unwrap_or_else(|e| panic!("queries/{id}.toml is invalid: {e}"));
            let langs = match &f.grammars {
                Some(g) => g.iter().map(|s| parse_lang(s)).collect(),
                None => Lang::GRAMMARS.to_vec(),
            };
            Rule {
                id,
                title: f.title,
                severity: f.severity,
                link: Rule::link_to(&f.section),
                section: f.section,
                official: f.official,
                official_by: f.official_by,
                message: f.message,
                explanation: f.explanation,
                langs,
                query: *scm,
                fix: f.fix,
            }
        })
        .collect()
}

/// Every rule, in id order. Loaded once; the metadata is checked by tests, so
/// a malformed file fails the build's test run rather than a user's session.
pub fn catalogue() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(load)
}

pub fn rule(id: &str) -> Option<&'static Rule> {
    catalogue().iter().find(|r| r.id == id)
}

/// Rule id -> official slugs, for documentation and coverage checks.
pub fn official_coverage() -> BTreeMap<&'static str, Vec<String>> {
    catalogue()
        .iter()
        .map(|r| (r.id, r.official.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_heading_rules() {
        assert_eq!(
            slug("Clerk client setters removed in favor of `createClerkClient` options"),
            "clerk-client-setters-removed-in-favor-of-createclerkclient-options"
        );
        assert_eq!(
            slug("`cjs/instance` and `esm/instance` imports no longer needed"),
            "cjsinstance-and-esminstance-imports-no-longer-needed"
        );
    }

    #[test]
    fn official_by_names_only_the_rules_own_slugs() {
        for r in catalogue() {
            if let Some(by) = &r.official_by {
                for slugs in by.map.values() {
                    for s in slugs {
                        assert!(r.official.contains(s), "{}: {s} not in `official`", r.id);
                    }
                }
            }
        }
    }

    #[test]
    fn catalogue_loads_and_ids_are_kebab_case() {
        assert!(!catalogue().is_empty());
        for r in catalogue() {
            assert!(
                r.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{}",
                r.id
            );
            assert!(!r.message.is_empty() && !r.explanation.is_empty());
        }
    }
}
