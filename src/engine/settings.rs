//! User settings shared by the server (initializationOptions,
//! didChangeConfiguration) and the CLI (flags).
use std::collections::HashMap;

use serde_json::Value;

use super::rules::{rule, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Property-based rules run only in files that import or require Clerk.
    #[default]
    ClerkFiles,
    /// Property-based rules run in every file (for a workspace that depends
    /// on Clerk but passes its objects between modules).
    AllFiles,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub rules: HashMap<String, Level>,
    pub scope: Scope,
}

impl Settings {
    /// Reads `{ "rules": { "<id>": "off" | "error" | ... }, "scope": "clerkFiles" | "allFiles" }`,
    /// also when nested under a `clerkCore2` key as editors send it. Unknown
    /// rules and values are reported back, not fatal.
    pub fn from_json(v: &Value) -> (Settings, Vec<String>) {
        let v = v.get("clerkCore2").unwrap_or(v);
        let mut s = Settings::default();
        let mut problems = Vec::new();
        if let Some(rules) = v.get("rules").and_then(Value::as_object) {
            for (id, level) in rules {
                if rule(id).is_none() {
                    problems.push(format!("unknown rule `{id}` in settings"));
                    continue;
                }
                let level = match level.as_str() {
                    Some("off") => Some(Level::Off),
                    Some(s) => Severity::parse(s).map(Level::On),
                    None => None,
                };
                match level {
                    Some(l) => {
                        s.rules.insert(id.clone(), l);
                    }
                    None => problems.push(format!(
                        "rule `{id}`: expected \"off\", \"error\", \"warning\", \"information\" or \"hint\""
                    )),
                }
            }
        }
        match v.get("scope").and_then(Value::as_str) {
            None | Some("clerkFiles") => {}
            Some("allFiles") => s.scope = Scope::AllFiles,
            Some(other) => problems.push(format!(
                "scope `{other}`: expected \"clerkFiles\" or \"allFiles\""
            )),
        }
        (s, problems)
    }

    pub fn level(&self, id: &str, default: Severity) -> Level {
        self.rules.get(id).copied().unwrap_or(Level::On(default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_levels_and_reports_bad_entries() {
        let id = crate::engine::rules::catalogue()[0].id;
        let (s, problems) = Settings::from_json(&json!({
            "clerkCore2": { "rules": { id: "off", "nope": "error" }, "scope": "allFiles" }
        }));
        assert_eq!(s.level(id, Severity::Error), Level::Off);
        assert_eq!(s.scope, Scope::AllFiles);
        assert_eq!(problems.len(), 1);
    }
}
