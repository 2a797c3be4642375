//! The project-wide view: workspace scan with progress, watched files, pull
//! diagnostics, and publishing order under a burst of edits.
mod common;

use std::fs;

use common::{codes, Client};
use serde_json::{json, Value};

const CORE1: &str =
    "import { setClerkApiKey } from '@clerk/clerk-sdk-node';\nsetClerkApiKey('x');\n";

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, s: &str| {
        let path = dir.path().join(p);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, s).unwrap();
    };
    w("src/a.ts", CORE1);
    w("src/b.js", "const x = 1;\n");
    w(
        "src/c.cjs",
        "const { setClerkApiKey } = require('@clerk/clerk-sdk-node');\n",
    );
    w("node_modules/x/index.js", CORE1);
    dir
}

fn uri(dir: &tempfile::TempDir, rel: &str) -> String {
    format!("file://{}/{}", dir.path().display(), rel)
}

fn caps_push() -> Value {
    json!({
        "window": {"workDoneProgress": true},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
    })
}

async fn init(c: &mut Client, dir: &tempfile::TempDir, caps: Value) -> Value {
    c.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": null,
            "workspaceFolders": [{"uri": format!("file://{}", dir.path().display()), "name": "w"}],
            "capabilities": caps,
        }),
    )
    .await
}

#[tokio::test]
async fn scan_publishes_unopened_files_with_progress_and_skips_node_modules() {
    let dir = workspace();
    let mut c = Client::in_process();
    init(&mut c, &dir, caps_push()).await;
    c.notify("initialized", json!({})).await;

    let a = c.diagnostics(&uri(&dir, "src/a.ts"), None).await;
    assert_eq!(
        codes(&a),
        ["client-setter-removed", "client-setter-removed"]
    );
    let cc = c.diagnostics(&uri(&dir, "src/c.cjs"), None).await;
    assert_eq!(codes(&cc), ["client-setter-removed"]);

    let end = c
        .wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    let msg = end["params"]["value"]["message"].as_str().unwrap();
    assert!(msg.contains("2 need Core 2 changes"), "{msg}");
    // The token was created and a watcher registered by server requests.
    assert!(c
        .backlog
        .iter()
        .any(|m| m["method"] == "window/workDoneProgress/create"));
    assert!(c
        .backlog
        .iter()
        .any(|m| m["method"] == "client/registerCapability"
            && m["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"));
    assert!(
        !c.backlog.iter().any(|m| m["params"]["uri"]
            .as_str()
            .is_some_and(|u| u.contains("node_modules"))),
        "node_modules is not scanned"
    );
}

#[tokio::test]
async fn open_buffers_win_over_disk_and_closing_returns_to_disk() {
    let dir = workspace();
    let mut c = Client::in_process();
    init(&mut c, &dir, caps_push()).await;
    c.notify("initialized", json!({})).await;
    let a = uri(&dir, "src/a.ts");
    assert_eq!(c.diagnostics(&a, None).await.len(), 2);
    c.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;

    // The buffer differs from disk: its diagnostics are the buffer's.
    c.open(&a, "typescript", 1, "const fine = 1;\n").await;
    assert!(c.diagnostics(&a, Some(1)).await.is_empty());

    // Closing without saving: the disk contents count again.
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": a}}))
        .await;
    assert!(
        c.diagnostics(&a, None).await.is_empty(),
        "close clears first"
    );
    assert_eq!(c.diagnostics(&a, None).await.len(), 2, "then disk findings");
}

#[tokio::test]
async fn watched_file_changes_update_the_view() {
    let dir = workspace();
    let mut c = Client::in_process();
    init(&mut c, &dir, caps_push()).await;
    c.notify("initialized", json!({})).await;
    let b = uri(&dir, "src/b.js");
    let a = uri(&dir, "src/a.ts");
    c.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;

    fs::write(dir.path().join("src/b.js"), CORE1).unwrap();
    fs::remove_file(dir.path().join("src/a.ts")).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": b, "type": 2}, {"uri": a, "type": 3}]}),
    )
    .await;
    assert_eq!(c.diagnostics(&b, None).await.len(), 2);
    // `a` was reported during the scan; its deletion clears it.
    let cleared = c
        .wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == a
                && m["params"]["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(cleared["params"]["version"].is_null());
}

#[tokio::test]
async fn pull_clients_get_document_and_workspace_reports() {
    let dir = workspace();
    let mut c = Client::in_process();
    let r = init(
        &mut c,
        &dir,
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}}),
    )
    .await;
    let dp = &r["capabilities"]["diagnosticProvider"];
    assert_eq!(dp["workspaceDiagnostics"], true);
    assert_eq!(dp["interFileDependencies"], false);
    c.notify("initialized", json!({})).await;

    let open = "file:///virtual/open.ts";
    c.open(open, "typescript", 1, CORE1).await;
    let rep = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": open}}),
        )
        .await;
    assert_eq!(rep["kind"], "full");
    assert_eq!(rep["items"].as_array().unwrap().len(), 2);
    let id = rep["resultId"].clone();
    let again = c
        .request(
            "textDocument/diagnostic",
            json!({"textDocument": {"uri": open}, "previousResultId": id}),
        )
        .await;
    assert_eq!(again["kind"], "unchanged");

    // Give the scan time to finish, then pull the workspace.
    let a = uri(&dir, "src/a.ts");
    let mut found = false;
    for _ in 0..100 {
        let ws = c
            .request("workspace/diagnostic", json!({"previousResultIds": []}))
            .await;
        let items = ws["items"].as_array().unwrap();
        if items
            .iter()
            .any(|i| i["uri"] == a && i["items"].as_array().unwrap().len() == 2)
        {
            found = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(found, "workspace report lists the unopened Core 1 file");
    // In pull mode open documents are never pushed.
    assert!(!c
        .backlog
        .iter()
        .any(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == open));
}

#[tokio::test]
async fn a_burst_of_edits_never_publishes_an_older_version_after_a_newer_one() {
    let mut c = Client::in_process();
    c.initialize(json!({}), Value::Null).await;
    let u = "file:///burst.ts";
    let mut text = String::from(CORE1);
    for i in 0..200 {
        text.push_str(&format!(
            "const v{i} = createClerkClient({{ apiKey: k }});\n"
        ));
    }
    text = text.replace(
        "import { setClerkApiKey }",
        "import { setClerkApiKey, createClerkClient }",
    );
    c.open(u, "typescript", 1, &text).await;
    c.diagnostics(u, Some(1)).await;
    for v in 2..=60 {
        c.change(
            u,
            v,
            json!([{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}, "text": " "}]),
        )
        .await;
    }
    let last = c.diagnostics(u, Some(60)).await;
    assert_eq!(last.len(), 202);
    assert_eq!(
        last[1]["range"]["start"]["character"], 59,
        "all 59 spaces applied"
    );
    let versions: Vec<i64> = c
        .backlog
        .iter()
        .filter(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u)
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "published versions go only forward: {versions:?}"
    );
}

/// A pull client told to pull again (settings changed: the text and its
/// version did not) must be sent the new findings, not told that the ones
/// it has, by the result id it was given, are unchanged.
#[tokio::test]
async fn pull_clients_are_sent_findings_that_changed_without_an_edit() {
    let dir = workspace();
    let mut c = Client::in_process();
    init(
        &mut c,
        &dir,
        json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}},
               "workspace": {"diagnostics": {"refreshSupport": true}}}),
    )
    .await;
    c.notify("initialized", json!({})).await;
    let open = "file:///virtual/open.ts";
    c.open(open, "typescript", 1, CORE1).await;
    let pull = |id: Value| json!({"textDocument": {"uri": open}, "previousResultId": id});
    let first = c
        .request("textDocument/diagnostic", pull(Value::Null))
        .await;
    assert_eq!(
        codes(first["items"].as_array().unwrap()),
        ["client-setter-removed", "client-setter-removed"]
    );

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"clerkCore2": {"rules": {"client-setter-removed": "off"}}}}),
    )
    .await;
    while c.next_unanswered().await["method"] != "workspace/diagnostic/refresh" {}
    let again = c
        .request("textDocument/diagnostic", pull(first["resultId"].clone()))
        .await;
    assert_eq!(again["kind"], "full");
    assert!(again["items"].as_array().unwrap().is_empty());
    assert_ne!(again["resultId"], first["resultId"]);
    let same = c
        .request("textDocument/diagnostic", pull(again["resultId"].clone()))
        .await;
    assert_eq!(same["kind"], "unchanged");
}

/// Starts the server on `dir` with `env`, waits for the scan to end, and
/// returns the last diagnostics of two unopened files.
async fn scan_with(
    dir: &tempfile::TempDir,
    env: &[(&str, &str)],
    log: &std::path::Path,
) -> (Option<Value>, Option<Value>) {
    let mut c = Client::spawn_binary_with(env, log);
    init(&mut c, dir, caps_push()).await;
    c.notify("initialized", json!({})).await;
    c.wait_for(|m| m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end")
        .await;
    let of = |rel: &str| {
        let u = uri(dir, rel);
        c.backlog
            .iter()
            .rev()
            .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == u)
            .map(|m| m["params"]["diagnostics"].clone())
    };
    let seen = (of("src/a.ts"), of("src/c.cjs"));
    c.shutdown_and_exit().await;
    seen
}

/// The scan keeps its findings where `check` does: a server started again
/// on the same folders takes them for the files that did not change.
#[tokio::test]
async fn a_second_scan_reuses_kept_findings_for_files_that_did_not_change() {
    let dir = workspace();
    let home = tempfile::tempdir().unwrap();
    let env = [("XDG_CACHE_HOME", home.path().to_str().unwrap())];
    let log = home.path().join("log");
    let (a, cjs) = scan_with(&dir, &env, &log).await;
    assert!(a.is_some() && cjs.is_some());

    let kept = home.path().join("clerk-core2-lsp");
    let file = fs::read_dir(&kept).unwrap().next().unwrap().unwrap().path();
    common::alter_in_place(&file, b"was removed in v5", b"kept, not parsed!");
    // Changed, with the same findings as before: parsed again.
    fs::write(dir.path().join("src/a.ts"), format!("{CORE1}\n")).unwrap();

    let (a2, cjs2) = scan_with(&dir, &env, &log).await;
    assert_eq!(a2, a, "a changed file is checked again");
    let cjs2 = cjs2.unwrap().to_string();
    assert!(cjs2.contains("kept, not parsed!"), "{cjs2}");
}
