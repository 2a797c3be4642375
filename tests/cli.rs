//! `check` as a user runs it: each format and exit code, on real folders.
mod common;

use std::{fs, path::Path};

use assert_cmd::Command;
use serde_json::Value;

const CORE1_TS: &str =
    "import { createClerkClient, setClerkApiKey } from '@clerk/clerk-sdk-node';\n\
setClerkApiKey('sk_test_x');\n\
const clerk = createClerkClient({ apiKey: 'sk_test_x' });\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, s: &str| {
        let path = dir.path().join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, s).unwrap();
    };
    w("src/clerk.ts", CORE1_TS);
    w("src/clean.js", "console.log('no clerk here');\n");
    // Emoji and CJK before the finding: columns are UTF-16 code units.
    w(
        "src/unicode.mjs",
        "import * as sdk from '@clerk/clerk-sdk-node';\nconst s = '日本😀'; sdk.setClerkApiVersion('v1');\n",
    );
    w(
        "node_modules/dep/index.js",
        "require('@clerk/clerk-sdk-node').setClerkApiKey('x');\n",
    );
    w("ignored/gen.ts", CORE1_TS);
    w(".gitignore", "ignored/\n");
    w("README.md", "setClerkApiKey('not code')\n");
    dir
}

fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("clerk-core2-lsp")
        .unwrap()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn human_lists_findings_with_links_and_a_summary_without_colour_when_piped() {
    let dir = project();
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(
        lines[..4],
        [
            "src/clerk.ts:1:29: error client-setter-removed `setClerkApiKey` was removed in v5: pass the value to `createClerkClient({ ... })` instead, or drop the call if v5's default already matches",
            "src/clerk.ts:2:1: error client-setter-removed `setClerkApiKey` was removed in v5: pass the value to `createClerkClient({ ... })` instead, or drop the call if v5's default already matches",
            "src/clerk.ts:3:35: error api-key-option `apiKey` is ignored by `createClerkClient` in v5: rename it to `secretKey`",
            "src/unicode.mjs:2:19: error client-setter-removed `setClerkApiVersion` was removed in v5: pass the value to `createClerkClient({ ... })` instead, or drop the call if v5's default already matches",
        ]
    );
    assert!(out.contains(
        "    see https://clerk.com/docs/guides/development/upgrading/upgrade-guides/core-2/node#deprecation-removals"
    ));
    assert!(
        out.ends_with("\n4 findings (4 errors) in 2 files; 4 with an automatic fix.\n"),
        "{out}"
    );
    assert!(!out.contains('\x1b'), "no colour codes when not a terminal");
    assert!(
        !out.contains("node_modules") && !out.contains("ignored/"),
        "{out}"
    );
}

#[test]
fn json_has_the_documented_fields_with_utf16_columns() {
    let dir = project();
    let (code, out, _) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 4);
    let u = arr.iter().find(|f| f["path"] == "src/unicode.mjs").unwrap();
    // `const s = '日本😀'; ` = 18 UTF-16 units (the emoji counts 2), so the
    // call starts at column 19, and `sdk.setClerkApiVersion` spans 22 units.
    assert_eq!(u["line"], 2);
    assert_eq!(u["column"], 19);
    assert_eq!(u["endLine"], 2);
    assert_eq!(u["endColumn"], 41);
    assert_eq!(u["rule"], "client-setter-removed");
    assert_eq!(u["severity"], "error");
    // `v1` is v5's default: the call can simply go.
    assert_eq!(u["fixable"], true);
    assert_eq!(
        u["officialSlugs"],
        serde_json::json!(["setclerkapiversion"])
    );
    assert!(u["url"]
        .as_str()
        .unwrap()
        .starts_with("https://clerk.com/docs/"));
    let k = arr.iter().find(|f| f["rule"] == "api-key-option").unwrap();
    assert_eq!(k["fixable"], true);
    let keys: Vec<&String> = k.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "column",
            "endColumn",
            "endLine",
            "fixable",
            "line",
            "message",
            "officialSlugs",
            "path",
            "rule",
            "severity",
            "url"
        ]
    );
}

#[test]
fn sarif_is_2_1_0_with_rules_and_relative_locations() {
    let dir = project();
    let (code, out, _) = check(dir.path(), &["--format", "sarif", "src"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "clerk-core2-lsp");
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("src/"), "{uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
    }
    for rule in rules {
        assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
        assert!(rule["shortDescription"]["text"].as_str().is_some());
    }
}

#[test]
fn exit_zero_when_nothing_is_found() {
    let dir = project();
    let (code, out, _) = check(dir.path(), &["src/clean.js"]);
    assert_eq!(code, 0);
    assert_eq!(out, "No Core 2 changes needed.\n");
    let (code, out, _) = check(dir.path(), &["--format", "json", "src/clean.js"]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "[]");
}

#[test]
fn exit_two_on_missing_paths_and_bad_usage_but_other_files_are_checked() {
    let dir = project();
    let (code, out, err) = check(dir.path(), &["no/such/dir", "src/clerk.ts"]);
    assert_eq!(code, 2);
    assert!(err.contains("no/such/dir"), "{err}");
    assert!(
        out.contains("src/clerk.ts:1:29"),
        "the other path is still checked: {out}"
    );

    let (code, _, err) = check(dir.path(), &["--format", "xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("xml"), "{err}");

    let (code, _, err) = check(
        dir.path(),
        &["--config", "{\"rules\": {\"nope\": \"off\"}}"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `nope`"), "{err}");
}

#[test]
fn config_turns_rules_off() {
    let dir = project();
    let (code, out, _) = check(
        dir.path(),
        &[
            "--config",
            r#"{"rules": {"client-setter-removed": "off"}}"#,
            "src",
        ],
    );
    assert_eq!(code, 1);
    assert!(!out.contains("client-setter-removed"));
    assert!(out.contains("api-key-option"));
}

#[test]
fn version_and_help() {
    let out = Command::cargo_bin("clerk-core2-lsp")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("clerk-core2-lsp "));
    let out = Command::cargo_bin("clerk-core2-lsp")
        .unwrap()
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--format") && help.contains("sarif"),
        "{help}"
    );
}

mod fix {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    const FIXABLE: &str =
        "import { createClerkClient } from '@clerk/clerk-sdk-node/esm/instance';\n\
const c = createClerkClient({ apiKey: 'k' });\n";
    const FIXED: &str = "import { createClerkClient } from '@clerk/clerk-sdk-node';\n\
const c = createClerkClient({ secretKey: 'k' });\n";

    #[test]
    fn fixes_in_place_keeping_crlf_bom_and_mode_then_reports_what_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let crlf = format!("\u{feff}{}", FIXABLE.replace('\n', "\r\n"));
        fs::write(dir.path().join("a.ts"), &crlf).unwrap();
        fs::set_permissions(dir.path().join("a.ts"), fs::Permissions::from_mode(0o640)).unwrap();
        // A finding with no automatic fix stays and keeps the exit code at 1.
        fs::write(
            dir.path().join("b.js"),
            "const { setClerkHttpOptions } = require('@clerk/clerk-sdk-node');\nsetClerkHttpOptions({});\n",
        )
        .unwrap();
        let (code, out, err) = check(dir.path(), &["--fix"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("Fixed 2 findings in 1 file."), "{err}");
        assert!(!out.contains("a.ts"), "{out}");
        assert!(out.contains("b.js:1:9"), "{out}");
        let a = fs::read_to_string(dir.path().join("a.ts")).unwrap();
        assert_eq!(a, format!("\u{feff}{}", FIXED.replace('\n', "\r\n")));
        let mode = fs::metadata(dir.path().join("a.ts"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.starts_with(".clerk-core2-"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // A second run changes nothing.
        let before = fs::read(dir.path().join("a.ts")).unwrap();
        let (code, _, err) = check(dir.path(), &["--fix"]);
        assert_eq!(code, 1);
        assert!(err.contains("Fixed 0 findings in 0 files."), "{err}");
        assert_eq!(fs::read(dir.path().join("a.ts")).unwrap(), before);
    }

    #[test]
    fn exit_zero_when_everything_was_fixed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.ts"), FIXABLE).unwrap();
        let (code, out, _) = check(dir.path(), &["--fix", "--format", "json"]);
        assert_eq!(code, 0);
        assert_eq!(out.trim(), "[]");
        assert_eq!(fs::read_to_string(dir.path().join("a.ts")).unwrap(), FIXED);
    }

    #[test]
    fn read_only_files_are_reported_and_the_others_still_fixed() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("ro.ts"), FIXABLE).unwrap();
        fs::set_permissions(dir.path().join("ro.ts"), fs::Permissions::from_mode(0o444)).unwrap();
        fs::write(dir.path().join("rw.ts"), FIXABLE).unwrap();
        let (code, _, err) = check(dir.path(), &["--fix"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("ro.ts: not fixed: the file is read-only"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("ro.ts")).unwrap(),
            FIXABLE
        );
        assert_eq!(fs::read_to_string(dir.path().join("rw.ts")).unwrap(), FIXED);
    }

    #[test]
    fn never_writes_through_a_link_that_leaves_the_given_paths() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("target.ts"), FIXABLE).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("target.ts"), dir.path().join("link.ts"))
            .unwrap();
        let (code, _, err) = check(dir.path(), &["--fix", "link.ts"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("outside the paths given"), "{err}");
        assert_eq!(
            fs::read_to_string(outside.path().join("target.ts")).unwrap(),
            FIXABLE
        );
        assert!(fs::symlink_metadata(dir.path().join("link.ts"))
            .unwrap()
            .file_type()
            .is_symlink());

        // A link inside the given folder is followed, and stays a link.
        fs::write(dir.path().join("real.ts"), FIXABLE).unwrap();
        fs::remove_file(dir.path().join("link.ts")).unwrap();
        std::os::unix::fs::symlink("real.ts", dir.path().join("link.ts")).unwrap();
        let (_, _, err) = check(dir.path(), &["--fix", "link.ts"]);
        assert!(!err.contains("error"), "{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("real.ts")).unwrap(),
            FIXED
        );
        assert!(fs::symlink_metadata(dir.path().join("link.ts"))
            .unwrap()
            .file_type()
            .is_symlink());
    }
}

/// The SARIF output validates against the official SARIF 2.1.0 schema
/// (`tests/data/sarif-2.1.0-rtm.5.json`, from Microsoft's MIT-licensed
/// `@microsoft/jest-sarif` package), the one GitHub code scanning ingests.
#[test]
fn sarif_validates_against_the_official_schema() {
    let dir = project();
    let (_, out, _) = check(dir.path(), &["--format", "sarif"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    let mut schema: Value =
        serde_json::from_str(include_str!("data/sarif-2.1.0-rtm.5.json")).unwrap();
    // The schema's `language` properties carry a `pattern` that is not a
    // valid regex (an unbalanced `]`); the validator refuses to compile it,
    // and the report has no `language`, so those two constraints are left out.
    for def in ["run", "toolComponent"] {
        schema["definitions"][def]["properties"]["language"]
            .as_object_mut()
            .unwrap()
            .remove("pattern");
    }
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A broken report must not pass, or this test proves nothing.
    let mut broken = report.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}

/// Findings kept between runs: a file is not parsed again while neither it,
/// the settings nor the build changed.
mod cache {
    use super::*;

    fn cache_file(dir: &Path) -> std::path::PathBuf {
        let files: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files.into_iter().next().unwrap()
    }

    /// How a kept finding's message ends once altered in the cache file (in
    /// place, the same length) to tell it apart from one parsed afresh.
    const KEPT: &str = "kept, not parsed!";

    /// Alters `message` in the cache `file`, returning what it now says.
    fn alter_message(file: &Path, message: &str) -> String {
        let altered = format!("{}{KEPT}", &message[..message.len() - KEPT.len()]);
        common::alter_in_place(file, message.as_bytes(), altered.as_bytes());
        altered
    }

    /// Alters what the kept findings of `src/unicode.mjs` say.
    fn alter_kept(file: &Path) {
        alter_message(file, "`setClerkApiVersion` was removed in v5");
    }

    #[test]
    fn a_second_run_reports_the_kept_findings_and_a_changed_file_afresh() {
        let dir = project();
        let kept = tempfile::tempdir().unwrap();
        let at = kept.path().to_str().unwrap();
        let first = check(dir.path(), &["--format", "json", "--cache-dir", at]);
        assert_eq!(first.0, 1);
        let file = cache_file(kept.path());
        assert_eq!(
            check(dir.path(), &["--format", "json", "--cache-dir", at]),
            first
        );

        // The kept findings are what the second run reports: one altered
        // in the file shows.
        alter_kept(&file);
        let (_, out, _) = check(dir.path(), &["--format", "json", "--cache-dir", at]);
        assert!(out.contains(KEPT), "{out}");

        // A file that changed is checked again, whatever was kept, even
        // with its size and time as they were.
        let changed = dir.path().join("src/unicode.mjs");
        let when = fs::metadata(&changed).unwrap().modified().unwrap();
        let text = fs::read_to_string(&changed).unwrap();
        fs::write(&changed, text.replace("ApiVersion", "ApiVersioN")).unwrap();
        fs::File::options()
            .write(true)
            .open(&changed)
            .unwrap()
            .set_modified(when)
            .unwrap();
        let (_, out, _) = check(dir.path(), &["--format", "json", "--cache-dir", at]);
        assert!(!out.contains(KEPT), "{out}");
        assert_eq!(
            out,
            check(dir.path(), &["--format", "json", "--no-cache"]).1
        );

        // So is every file under other settings.
        let off = r#"{"rules": {"api-key-option": "off"}}"#;
        assert_eq!(
            check(
                dir.path(),
                &["--format", "json", "--cache-dir", at, "--config", off]
            ),
            check(
                dir.path(),
                &["--format", "json", "--no-cache", "--config", off]
            )
        );
    }

    #[test]
    fn a_run_after_fix_takes_the_findings_left_in_the_written_files_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("left.ts");
        fs::write(
            &file,
            "import { API_URL, setClerkApiKey } from '@clerk/clerk-sdk-node';\nsetClerkApiKey('sk_test_x');\nconsole.log(API_URL);\n",
        )
        .unwrap();
        let kept = tempfile::tempdir().unwrap();
        let at = kept.path().to_str().unwrap();
        let (code, _, err) = check(dir.path(), &["--fix", "--cache-dir", at]);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("Fixed 2 findings in 1 file."), "{err}");
        assert!(!fs::read_to_string(&file)
            .unwrap()
            .contains("setClerkApiKey("));

        // What the next run reports for the written file is what `--fix`
        // kept: a finding altered in the cache file shows.
        let message = "check code that depends on its text";
        let altered = alter_message(&cache_file(kept.path()), message);
        let (code, out, _) = check(dir.path(), &["--format", "json", "--cache-dir", at]);
        assert_eq!(code, 1);
        assert!(out.contains(KEPT), "{out}");
        assert_eq!(
            out.replace(&altered, message),
            check(dir.path(), &["--format", "json", "--no-cache"]).1
        );
    }

    #[test]
    fn no_cache_neither_reads_nor_writes_one() {
        let dir = project();
        let kept = tempfile::tempdir().unwrap();
        let at = kept.path().join("c");
        let at = at.to_str().unwrap();
        let (code, fresh, _) = check(dir.path(), &["--no-cache", "--cache-dir", at]);
        assert_eq!(code, 1);
        assert!(!kept.path().join("c").exists());
        check(dir.path(), &["--cache-dir", at]);
        alter_kept(&cache_file(&kept.path().join("c")));
        assert_eq!(
            check(dir.path(), &["--no-cache", "--cache-dir", at]).1,
            fresh
        );
    }

    #[test]
    fn a_cache_that_cannot_be_read_or_written_changes_nothing_else() {
        let dir = project();
        let fresh = check(dir.path(), &["--format", "json", "--no-cache"]);
        // A file where the folder should be: nothing can be written.
        let blocked = tempfile::NamedTempFile::new().unwrap();
        let at = blocked.path().to_str().unwrap();
        assert_eq!(
            check(dir.path(), &["--format", "json", "--cache-dir", at]),
            fresh
        );
        // Garbage where the cache should be.
        let kept = tempfile::tempdir().unwrap();
        let at = kept.path().to_str().unwrap();
        check(dir.path(), &["--cache-dir", at]);
        let file = cache_file(kept.path());
        let whole = fs::read(&file).unwrap();
        fs::write(&file, &whole[..whole.len() / 2]).unwrap();
        assert_eq!(
            check(dir.path(), &["--format", "json", "--cache-dir", at]),
            fresh
        );
        // And it is whole again after that run.
        alter_kept(&file);
        let (_, out, _) = check(dir.path(), &["--format", "json", "--cache-dir", at]);
        assert!(out.contains(KEPT), "{out}");
    }
}
