//! A client that breaks the protocol: broken frames, bodies that are not
//! JSON-RPC, wrong params, positions past the end, unopened documents,
//! versions out of order, requests after `shutdown`, input cut short. Each
//! gets its JSON-RPC error or is dropped with a log line, and the server keeps
//! serving. Run over the real binary's stdio and in process.
mod common;

use common::{codes, Client};
use serde_json::{json, Value};

const URI: &str = "file:///project/src/clerk.ts";
const CORE1: &str = "import { createClerkClient, setClerkApiKey } from '@clerk/clerk-sdk-node';\n\
setClerkApiKey('sk_test_x');\n\
const clerk = createClerkClient({ apiKey: 'sk_test_x' });\n";

fn framed(body: &[u8]) -> Vec<u8> {
    let mut f = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    f.extend_from_slice(body);
    f
}

/// The next error response with a null id.
async fn null_id_error(c: &mut Client) -> i64 {
    let m = c
        .wait_for(|m| m.get("error").is_some() && m["id"].is_null())
        .await;
    m["error"]["code"].as_i64().unwrap()
}

/// A request the server can only answer while it is alive and in step.
async fn still_serving(c: &mut Client) {
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 35}}),
        )
        .await;
    assert!(
        h["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.contains("secretKey")),
        "{h}"
    );
}

async fn broken_frames_are_answered_and_skipped(mut c: Client) {
    c.initialize(json!({}), Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(c.diagnostics(URI, Some(1)).await.len(), 3);

    // Not JSON.
    c.send_bytes(&framed(b"{\"jsonrpc\": \"2.0\", \"id\": "))
        .await;
    assert_eq!(null_id_error(&mut c).await, -32700);
    still_serving(&mut c).await;

    // Not UTF-8.
    c.send_bytes(&framed(b"{\"a\": \"\xff\xfe\"}")).await;
    assert_eq!(null_id_error(&mut c).await, -32700);
    still_serving(&mut c).await;

    // JSON, but not JSON-RPC: the id is kept when there is one.
    c.send_bytes(&framed(b"[1, 2, 3]")).await;
    assert_eq!(null_id_error(&mut c).await, -32600);
    c.send_bytes(&framed(br#"{"jsonrpc": "2.0", "id": 77}"#))
        .await;
    let m = c.wait_for(|m| m["id"] == 77).await;
    assert_eq!(m["error"]["code"], -32600, "{m}");
    c.send_bytes(&framed(br#"{"jsonrpc": "1.0", "id": 78, "method": "x"}"#))
        .await;
    let m = c.wait_for(|m| m["id"] == 78).await;
    assert_eq!(m["error"]["code"], -32600, "{m}");
    c.send_bytes(&framed(b"")).await;
    assert_eq!(null_id_error(&mut c).await, -32700);
    still_serving(&mut c).await;

    // A Content-Length that is not a number: its body is skipped and the
    // next message is read.
    c.send_bytes(b"Content-Length: many\r\n\r\n{\"jsonrpc\": \"2.0\"}")
        .await;
    assert_eq!(null_id_error(&mut c).await, -32700);
    still_serving(&mut c).await;

    // No Content-Length at all.
    c.send_bytes(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n")
        .await;
    assert_eq!(null_id_error(&mut c).await, -32700);
    still_serving(&mut c).await;

    // Headers the library would reject are taken: a line without a colon,
    // a lower-case name, another charset, bare `\n` line ends.
    let body = br#"{"jsonrpc": "2.0", "id": 90, "method": "textDocument/hover", "params": {"textDocument": {"uri": "file:///project/src/clerk.ts"}, "position": {"line": 2, "character": 35}}}"#;
    let mut msg = format!(
        "garbage line\r\ncontent-length: {}\ncontent-type: text/plain; charset=latin1\n\n",
        body.len()
    )
    .into_bytes();
    msg.extend_from_slice(body);
    c.send_bytes(&msg).await;
    let m = c.wait_for(|m| m["id"] == 90).await;
    assert!(m["result"]["contents"].is_object(), "{m}");

    // Bytes before a header, and an over-long header line.
    let mut msg = b"\x00\x01 stray bytes ".to_vec();
    msg.extend_from_slice(&framed(
        br#"{"jsonrpc": "2.0", "id": 91, "method": "shutdown!"}"#,
    ));
    msg.extend_from_slice(&vec![b'x'; 100_000]);
    msg.extend_from_slice(b"\r\n\r\n");
    c.send_bytes(&msg).await;
    let m = c.wait_for(|m| m["id"] == 91).await;
    assert_eq!(m["error"]["code"], -32601, "{m}");
    assert_eq!(null_id_error(&mut c).await, -32700);
    still_serving(&mut c).await;

    c.shutdown_and_exit().await;
    assert_eq!(c.exit_code().await, Some(0));
}

#[tokio::test]
async fn broken_frames_over_stdio() {
    broken_frames_are_answered_and_skipped(Client::spawn_binary()).await;
}

#[tokio::test]
async fn broken_frames_in_process() {
    broken_frames_are_answered_and_skipped(Client::in_process()).await;
}

async fn wrong_requests_get_errors_or_are_ignored(mut c: Client) {
    // Before `initialize`, requests are refused.
    let r = c
        .request_full(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(r["error"]["code"], -32002, "{r}");
    c.initialize(json!({}), Value::Null).await;

    let r = c.request_full("clerk/nonsense", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
    c.notify("clerk/nonsense", json!({"x": 1})).await;
    let r = c
        .request_full("textDocument/hover", json!({"textDocument": 5}))
        .await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    let r = c.request_full("textDocument/codeAction", json!("x")).await;
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // Notifications with wrong params are dropped.
    c.notify("textDocument/didOpen", json!({"textDocument": "x"}))
        .await;
    c.notify("textDocument/didChange", json!([1, 2])).await;

    // Changes to documents never opened are ignored.
    c.change(
        "file:///never/opened.ts",
        3,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]),
    )
    .await;

    c.open(URI, "typescript", 5, CORE1).await;
    assert_eq!(c.diagnostics(URI, Some(5)).await.len(), 3);

    // Positions past the end of a line and of the file clamp.
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 9999, "character": 9999}}),
        )
        .await;
    assert!(h.is_null());
    c.change(
        URI,
        6,
        json!([{"range": {"start": {"line": 99, "character": 7}, "end": {"line": 120, "character": 0}}, "text": "setClerkApiKey('y');\n"}]),
    )
    .await;
    let d = c.diagnostics(URI, Some(6)).await;
    assert_eq!(
        codes(&d),
        [
            "client-setter-removed",
            "client-setter-removed",
            "api-key-option",
            "client-setter-removed"
        ]
    );
    assert_eq!(d[3]["range"]["start"], json!({"line": 3, "character": 0}));
    // Start after end: the range is taken the other way round.
    c.change(
        URI,
        7,
        json!([{"range": {"start": {"line": 4, "character": 0}, "end": {"line": 3, "character": 0}}, "text": ""}]),
    )
    .await;
    assert_eq!(c.diagnostics(URI, Some(7)).await.len(), 3);

    // An older version is applied all the same (the edits are relative to
    // the current text) and the server stays in step.
    c.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "\n"}]),
    )
    .await;
    let d = c.diagnostics(URI, Some(2)).await;
    assert_eq!(d[0]["range"]["start"]["line"], 1);
    c.change(URI, 2, json!([{"text": "const x = 1;\n"}])).await;
    assert!(c.diagnostics(URI, Some(2)).await.is_empty());

    // After `shutdown` requests are refused, and `exit` ends with 0.
    c.request("shutdown", Value::Null).await;
    let r = c
        .request_full(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert_eq!(r["error"]["code"], -32600, "{r}");
    let r = c.request_full("shutdown", Value::Null).await;
    assert_eq!(r["error"]["code"], -32600, "{r}");
    c.notify("exit", Value::Null).await;
    assert_eq!(c.exit_code().await, Some(0));
}

#[tokio::test]
async fn wrong_requests_over_stdio() {
    wrong_requests_get_errors_or_are_ignored(Client::spawn_binary()).await;
}

#[tokio::test]
async fn wrong_requests_in_process() {
    wrong_requests_get_errors_or_are_ignored(Client::in_process()).await;
}

#[tokio::test]
async fn input_cut_inside_a_message_ends_the_server_with_1() {
    for cut in [
        &b"Content-Length: 100\r\n\r\n{\"jsonrpc\""[..],
        b"Content-Length: 100\r\n",
        b"Content-Len",
        b"Content-Length: 99999999999\r\n\r\n{",
    ] {
        let mut c = Client::spawn_binary();
        c.initialize(json!({}), Value::Null).await;
        c.send_bytes(cut).await;
        c.close_input().await;
        assert_eq!(
            c.exit_code().await,
            Some(1),
            "{:?}",
            String::from_utf8_lossy(cut)
        );
    }
    // In process too, after a clean shutdown: 0.
    let mut c = Client::in_process();
    c.initialize(json!({}), Value::Null).await;
    c.request("shutdown", Value::Null).await;
    c.send_bytes(b"Content-Length: 100\r\n\r\n{").await;
    c.close_input().await;
    assert_eq!(c.exit_code().await, Some(0));
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_skipped_unread() {
    let mut c = Client::spawn_binary();
    c.initialize(json!({}), Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    c.diagnostics(URI, Some(1)).await;
    let len = clerk_core2_lsp::lsp::guard::MAX_MESSAGE_BYTES + 1;
    let mut msg = format!("Content-Length: {len}\r\n\r\n").into_bytes();
    msg.resize(msg.len() + len, b' ');
    c.send_bytes(&msg).await;
    assert_eq!(null_id_error(&mut c).await, -32600);
    still_serving(&mut c).await;
    c.shutdown_and_exit().await;
    assert_eq!(c.exit_code().await, Some(0));
}

#[tokio::test]
async fn exit_codes_follow_the_spec() {
    // `exit` before `initialize`, and `exit` twice after `shutdown`.
    let mut c = Client::spawn_binary();
    c.notify("exit", Value::Null).await;
    assert_eq!(c.exit_code().await, Some(1));
    let mut c = Client::spawn_binary();
    c.initialize(json!({}), Value::Null).await;
    c.request("shutdown", Value::Null).await;
    c.notify("exit", Value::Null).await;
    c.notify("exit", Value::Null).await;
    assert_eq!(c.exit_code().await, Some(0));
    // End of input without `exit`.
    let mut c = Client::spawn_binary();
    c.initialize(json!({}), Value::Null).await;
    c.close_input().await;
    assert_eq!(c.exit_code().await, Some(1));
}

/// Failures on purpose need the debug-only switches.
fn injection_available() -> bool {
    if !cfg!(debug_assertions) {
        eprintln!("skipped: the failure switches exist in debug builds only");
    }
    cfg!(debug_assertions)
}

#[tokio::test]
async fn a_failing_rule_costs_only_its_own_findings() {
    if !injection_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let mut c = Client::spawn_binary_with(
        &[("CLERK_CORE2_TEST_PANIC_RULE", "client-setter-removed")],
        &log,
    );
    c.initialize(json!({}), Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(
        codes(&c.diagnostics(URI, Some(1)).await),
        ["api-key-option"]
    );
    c.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": "createClerkClient({ apiKey });\n"}]),
    )
    .await;
    assert_eq!(
        codes(&c.diagnostics(URI, Some(2)).await),
        ["api-key-option", "api-key-option"]
    );
    still_serving(&mut c).await;
    let fix_all = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll.clerk-core2"]}}),
        )
        .await;
    assert_eq!(fix_all[0]["kind"], "source.fixAll.clerk-core2");
    c.shutdown_and_exit().await;
    assert_eq!(c.exit_code().await, Some(0));
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("rule client-setter-removed failed with an internal error"),
        "{log}"
    );
    assert!(
        !log.contains("fails on purpose"),
        "panic payloads stay out of the log: {log}"
    );
}

#[tokio::test]
async fn a_failing_handler_answers_an_internal_error_and_the_server_goes_on() {
    if !injection_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let mut c = Client::spawn_binary_with(
        &[("CLERK_CORE2_TEST_PANIC_METHOD", "textDocument/hover")],
        &log,
    );
    c.initialize(json!({}), Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(c.diagnostics(URI, Some(1)).await.len(), 3);
    for _ in 0..3 {
        let r = c
            .request_full(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 2, "character": 35}}),
            )
            .await;
        assert_eq!(r["error"]["code"], -32603, "{r}");
    }
    c.change(URI, 2, json!([{"text": "const x = 1;\n"}])).await;
    assert!(c.diagnostics(URI, Some(2)).await.is_empty());
    c.shutdown_and_exit().await;
    assert_eq!(c.exit_code().await, Some(0));
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("textDocument/hover failed with an internal error"),
        "{log}"
    );
}
