//! `.env` and `.env.*` files: keys v5 no longer reads. Values are secrets:
//! nothing here reads them beyond finding where they end, and nothing of
//! them goes into a message, a fix title or any other output.
use std::ops::Range;

use super::{Finding, Settings};

/// One `KEY=value` assignment: the key's byte range, and the value's
/// without quotes or a trailing comment (the part on the key's line, for a
/// value that spans lines).
#[derive(Debug, PartialEq, Eq)]
pub struct Assignment {
    pub key: Range<usize>,
    pub value: Range<usize>,
}

/// The keys assigned in a dotenv file, as the `dotenv` package reads them:
/// `KEY=value`, `export KEY=value`, `KEY: value`, `#` comments, and quoted
/// values that span lines (whose inner lines are not assignments).
pub fn assignments(src: &str) -> Vec<Assignment> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut open_quote: Option<u8> = None;
    for raw in src.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if let Some(q) = open_quote {
            if line.as_bytes().contains(&q) {
                open_quote = None;
            }
            continue;
        }
        let body = line.trim_start();
        let mut at = start + (line.len() - body.len());
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let mut body = body;
        if let Some(rest) = body.strip_prefix("export") {
            if rest.starts_with([' ', '\t']) {
                let trimmed = rest.trim_start();
                at += body.len() - trimmed.len();
                body = trimmed;
            }
        }
        let key_len = body
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
            .count();
        if key_len == 0 {
            continue;
        }
        let after = body[key_len..].trim_start_matches([' ', '\t']);
        let value = if let Some(v) = after.strip_prefix('=') {
            v
        } else if let Some(v) = after.strip_prefix(':') {
            v
        } else {
            continue;
        };
        let value = value.trim_start_matches([' ', '\t']);
        let v_at = value.as_ptr() as usize - src.as_ptr() as usize;
        let quote = value
            .bytes()
            .next()
            .filter(|b| matches!(b, b'"' | b'\'' | b'`'));
        let value_range = match quote {
            Some(q) => match value.as_bytes()[1..].iter().position(|b| *b == q) {
                Some(end) => v_at + 1..v_at + 1 + end,
                None => {
                    open_quote = Some(q);
                    v_at + 1..v_at + value.len()
                }
            },
            None => {
                let bare = value.find(" #").map_or(value, |i| &value[..i]);
                v_at..v_at + bare.trim_end().len()
            }
        };
        out.push(Assignment {
            key: at..at + key_len,
            value: value_range,
        });
    }
    out
}

/// `CLERK_FRONTEND_API=<host>` -> `CLERK_PUBLISHABLE_KEY=<key derived from
/// the host>`; a value that is already a publishable key keeps its value.
/// The value never appears in the title.
fn frontend_api_fix(src: &str, a: &Assignment) -> Option<super::Fix> {
    let value = &src[a.value.clone()];
    let rename = super::Edit {
        range: a.key.clone(),
        text: "CLERK_PUBLISHABLE_KEY".to_string(),
    };
    if value.starts_with("pk_test_") || value.starts_with("pk_live_") {
        return Some(super::Fix {
            title: "Rename the key to `CLERK_PUBLISHABLE_KEY`".to_string(),
            edits: vec![rename].into(),
            introduces: Vec::new(),
        });
    }
    let key = super::fixers::publishable::from_frontend_api(value)?;
    Some(super::Fix {
        title: "Rename the key to `CLERK_PUBLISHABLE_KEY` and derive the publishable key from the frontend API host".to_string(),
        edits: vec![
            rename,
            super::Edit {
                range: a.value.clone(),
                text: key,
            },
        ].into(),
        introduces: Vec::new(),
    })
}

/// Findings for a dotenv file.
pub fn analyze(src: &str, settings: &Settings) -> Vec<Finding> {
    let keys = assignments(src);
    let defines = |name: &str| keys.iter().any(|a| &src[a.key.clone()] == name);
    let mut out = Vec::new();
    for a in &keys {
        let (rule, new) = match &src[a.key.clone()] {
            "CLERK_API_KEY" => ("dotenv-api-key", "CLERK_SECRET_KEY"),
            "CLERK_FRONTEND_API" => ("dotenv-frontend-api", "CLERK_PUBLISHABLE_KEY"),
            _ => continue,
        };
        let both = defines(new);
        let Some(mut f) = super::plain_finding(rule, a.key.clone(), &[("new", new)], settings)
        else {
            continue;
        };
        if rule == "dotenv-frontend-api" {
            f.fix = frontend_api_fix(src, a);
        }
        if both {
            // Renaming would define the new key twice.
            f.message = format!(
                "`{}` is no longer read by v5 and `{new}` is already set in this file: remove the old key",
                &src[a.key.clone()]
            )
            .into();
            f.fix = None;
        }
        out.push(f);
    }
    let sups = super::suppress::suppressions(src, None);
    if !sups.is_empty() {
        out.retain(|f| {
            let line = src[..f.range.start].matches('\n').count();
            !super::suppress::is_suppressed(&sups, line, f.rule.id)
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(src: &str) -> Vec<&str> {
        assignments(src).into_iter().map(|a| &src[a.key]).collect()
    }

    #[test]
    fn reads_keys_like_dotenv() {
        let src = "# CLERK_API_KEY=old\nCLERK_API_KEY=sk\n  export CLERK_FRONTEND_API = x\nexported=1\nA: b\nPEM=\"-----\nCLERK_API_KEY=inside\n-----\"\nB='one line'\nC=2\r\n";
        assert_eq!(
            keys(src),
            [
                "CLERK_API_KEY",
                "CLERK_FRONTEND_API",
                "exported",
                "A",
                "PEM",
                "B",
                "C"
            ]
        );
    }

    #[test]
    fn messages_never_carry_values() {
        let secret = "sk_test_abcdefghijklmnop";
        let src = format!("CLERK_API_KEY={secret}\nCLERK_FRONTEND_API=clerk.example.lcl.dev\n");
        for f in analyze(&src, &Settings::default()) {
            assert!(!f.message.contains(secret) && !f.message.contains("lcl.dev"));
            if let Some(fix) = &f.fix {
                assert!(!fix.title.contains(secret) && !fix.title.contains("lcl.dev"));
                // Only the frontend API host is rewritten (into the key).
                for e in fix.edits.iter() {
                    let old = &src[e.range.clone()];
                    assert!(!old.contains(secret), "{old}");
                }
            }
        }
    }

    #[test]
    fn values_are_found_without_quotes_or_comments() {
        let src = "A=plain # note\nB=\"quoted\" # x\nC='single'\nD=\nE=\"open\nstill\"\n";
        let vals: Vec<&str> = assignments(src)
            .into_iter()
            .map(|a| &src[a.value])
            .collect();
        assert_eq!(vals, ["plain", "quoted", "single", "", "open"]);
    }

    #[test]
    fn frontend_api_value_becomes_the_publishable_key() {
        let src = "CLERK_FRONTEND_API=\"clerk.example.lcl.dev\"\n";
        let f = analyze(src, &Settings::default());
        let fixed = crate::engine::fixes::apply(src, &f[0].fix.as_ref().unwrap().edits);
        assert_eq!(
            fixed,
            "CLERK_PUBLISHABLE_KEY=\"pk_test_Y2xlcmsuZXhhbXBsZS5sY2wuZGV2JA==\"\n"
        );
        let odd = analyze("CLERK_FRONTEND_API=${HOST}\n", &Settings::default());
        assert!(odd[0].fix.is_none());
    }

    #[test]
    fn settings_apply() {
        use crate::engine::settings::Level;
        let src = "CLERK_API_KEY=sk\nCLERK_FRONTEND_API=host\n";
        let mut s = Settings::default();
        s.rules.insert("dotenv-api-key".into(), Level::Off);
        s.rules.insert(
            "dotenv-frontend-api".into(),
            Level::On(crate::engine::Severity::Error),
        );
        let found = analyze(src, &s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].rule.id, "dotenv-frontend-api");
        assert_eq!(found[0].severity, crate::engine::Severity::Error);
    }
}
