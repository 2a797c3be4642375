//! The server as an editor sees it: an in-process server behind framed
//! JSON-RPC, plus the real binary over stdio.
mod common;

use common::{apply_edits, codes, range_of, Client};
use serde_json::{json, Value};

const URI: &str = "file:///project/src/clerk.ts";

const CORE1: &str = "import { createClerkClient, setClerkApiKey } from '@clerk/clerk-sdk-node';\n\
\n\
setClerkApiKey('sk_test_x');\n\
const clerk = createClerkClient({ apiKey: 'sk_test_x' });\n";

async fn started(options: Value) -> Client {
    let mut c = Client::in_process();
    c.initialize(json!({}), options).await;
    c
}

#[tokio::test]
async fn initialize_announces_incremental_sync_and_utf16_by_default() {
    let mut c = Client::in_process();
    let r = c.initialize(json!({}), Value::Null).await;
    let caps = &r["capabilities"];
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["hoverProvider"], true);
    let kinds = caps["codeActionProvider"]["codeActionKinds"]
        .as_array()
        .unwrap();
    assert!(kinds.contains(&json!("quickfix")));
    assert_eq!(r["serverInfo"]["name"], "clerk-core2-lsp");
}

#[tokio::test]
async fn utf8_is_chosen_when_offered() {
    let mut c = Client::in_process();
    let r = c
        .initialize(
            json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
            Value::Null,
        )
        .await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-8");
}

#[tokio::test]
async fn open_publishes_versioned_diagnostics_with_exact_ranges_and_links() {
    let mut c = started(Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    let d = c.diagnostics(URI, Some(1)).await;
    assert_eq!(
        codes(&d),
        [
            "client-setter-removed",
            "client-setter-removed",
            "api-key-option"
        ]
    );
    assert_eq!(range_of(&d[0]), [0, 28, 0, 42]);
    assert_eq!(range_of(&d[1]), [2, 0, 2, 14]);
    assert_eq!(range_of(&d[2]), [3, 34, 3, 40]);
    assert_eq!(d[0]["source"], "clerk-core2");
    assert_eq!(d[0]["severity"], 1);
    assert_eq!(
        d[0]["codeDescription"]["href"],
        "https://clerk.com/docs/guides/development/upgrading/upgrade-guides/core-2/node#clerk-client-setters-removed-in-favor-of-createclerkclient-options"
    );
    assert!(d[2]["message"].as_str().unwrap().contains("secretKey"));
}

#[tokio::test]
async fn incremental_changes_move_add_and_remove_findings() {
    let mut c = started(Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(c.diagnostics(URI, Some(1)).await.len(), 3);

    // Insert a line at the top: every finding moves down by one.
    c.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// setup\n"}]),
    )
    .await;
    let d = c.diagnostics(URI, Some(2)).await;
    assert_eq!(range_of(&d[1]), [3, 0, 3, 14]);

    // Rename the option to what v5 reads: that finding goes away.
    c.change(
        URI,
        3,
        json!([{"range": {"start": {"line": 4, "character": 34}, "end": {"line": 4, "character": 40}}, "text": "secretKey"}]),
    )
    .await;
    let d = c.diagnostics(URI, Some(3)).await;
    assert_eq!(
        codes(&d),
        ["client-setter-removed", "client-setter-removed"]
    );

    // Two edits in one notification, the second relative to the first's result:
    // delete the setter call line, then add a new call at the end.
    c.change(
        URI,
        4,
        json!([
            {"range": {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 0}}, "text": ""},
            {"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 0}}, "text": "createClerkClient({ apiKey });\n"}
        ]),
    )
    .await;
    let d = c.diagnostics(URI, Some(4)).await;
    assert_eq!(codes(&d), ["client-setter-removed", "api-key-option"]);
    assert_eq!(range_of(&d[1]), [4, 20, 4, 26]);
}

#[tokio::test]
async fn full_replacement_change_is_supported() {
    let mut c = started(Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    c.diagnostics(URI, Some(1)).await;
    c.change(URI, 2, json!([{"text": "const x = 1;\n"}])).await;
    assert!(c.diagnostics(URI, Some(2)).await.is_empty());
}

#[tokio::test]
async fn hover_explains_the_change_with_the_guide_link() {
    let mut c = started(Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    c.diagnostics(URI, Some(1)).await;
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 36}}),
        )
        .await;
    assert_eq!(h["contents"]["kind"], "markdown");
    let md = h["contents"]["value"].as_str().unwrap();
    assert!(md.contains("secretKey"), "{md}");
    assert!(md.contains("](https://clerk.com/docs/guides/development/upgrading/upgrade-guides/core-2/node#deprecation-removals)"), "{md}");
    assert_eq!(h["range"]["start"], json!({"line": 3, "character": 34}));
    let none = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": 0}}),
        )
        .await;
    assert!(none.is_null());
}

#[tokio::test]
async fn close_clears_diagnostics() {
    let mut c = started(Value::Null).await;
    c.open(URI, "typescript", 1, CORE1).await;
    c.diagnostics(URI, Some(1)).await;
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    )
    .await;
    assert!(c.diagnostics(URI, None).await.is_empty());
}

#[tokio::test]
async fn settings_turn_rules_off_and_change_severity() {
    let mut c = started(json!({"rules": {"client-setter-removed": "off"}})).await;
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(
        codes(&c.diagnostics(URI, Some(1)).await),
        ["api-key-option"]
    );

    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"clerkCore2": {"rules": {"api-key-option": "hint"}}}}),
    )
    .await;
    let d = c.diagnostics(URI, Some(1)).await;
    assert_eq!(d.len(), 3);
    assert_eq!(d[2]["severity"], 4);
}

#[tokio::test]
async fn ignore_comment_suppresses_the_next_line_only() {
    let mut c = started(Value::Null).await;
    let text = "import { setClerkApiKey } from '@clerk/clerk-sdk-node';\n\
// clerk-core2-ignore-next-line client-setter-removed\n\
setClerkApiKey('a');\n\
setClerkApiKey('b');\n\
// clerk-core2-ignore-next-line some-other-rule\n\
setClerkApiKey('c');\n";
    c.open(URI, "typescript", 1, text).await;
    let d = c.diagnostics(URI, Some(1)).await;
    let lines: Vec<u64> = d.iter().map(|d| range_of(d)[0]).collect();
    assert_eq!(lines, [0, 3, 5]);
}

#[tokio::test]
async fn quick_fix_edit_produces_the_migrated_text() {
    let mut c = Client::in_process();
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
    )
    .await;
    c.open(URI, "typescript", 1, CORE1).await;
    let d = c.diagnostics(URI, Some(1)).await;
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": d[2]["range"], "context": {"diagnostics": [d[2]], "only": ["quickfix"]}}),
        )
        .await;
    let a = &actions[0];
    assert_eq!(a["title"], "Rename `apiKey` to `secretKey`");
    assert_eq!(a["kind"], "quickfix");
    assert_eq!(a["isPreferred"], true);
    let change = &a["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    let fixed = apply_edits(CORE1, change["edits"].as_array().unwrap());
    assert!(
        fixed.contains("createClerkClient({ secretKey: 'sk_test_x' })"),
        "{fixed}"
    );

    // No diagnostics of ours in the request: no actions.
    let none = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI}, "range": d[2]["range"], "context": {"diagnostics": []}}),
        )
        .await;
    assert!(none.is_null());
}

/// Findings after accented letters, CJK and an emoji (a surrogate pair in
/// UTF-16) on the same line, in both encodings, before and after edits.
#[tokio::test]
async fn non_ascii_columns_in_both_encodings() {
    let text = "import { setClerkApiKey } from '@clerk/clerk-sdk-node';\n\
const é = '中文😀'; setClerkApiKey('x');\n";
    // Before `setClerkApiKey` on line 1: "const é = '中文😀'; " is
    // 17 code points, 18 UTF-16 units (emoji = 2) and 25 UTF-8 bytes
    // (é = 2, each CJK = 3, emoji = 4).
    for (encs, start) in [(json!(["utf-16"]), 18u64), (json!(["utf-8"]), 25u64)] {
        let mut c = Client::in_process();
        c.initialize(json!({"general": {"positionEncodings": encs}}), Value::Null)
            .await;
        c.open(URI, "typescript", 1, text).await;
        let d = c.diagnostics(URI, Some(1)).await;
        assert_eq!(range_of(&d[1]), [1, start, 1, start + 14], "{encs}");

        // Insert another emoji right after the existing one, in the
        // client's encoding: the finding moves by its width in that encoding.
        let emoji_end = if start == 18 { 15 } else { 22 };
        c.change(
            URI,
            2,
            json!([{"range": {"start": {"line": 1, "character": emoji_end}, "end": {"line": 1, "character": emoji_end}}, "text": "🎉"}]),
        )
        .await;
        let d = c.diagnostics(URI, Some(2)).await;
        let width = if start == 18 { 2 } else { 4 };
        assert_eq!(
            range_of(&d[1]),
            [1, start + width, 1, start + width + 14],
            "{encs}"
        );
        let h = c
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": URI}, "position": {"line": 1, "character": start + width + 1}}),
            )
            .await;
        assert!(!h.is_null(), "hover at the moved finding ({encs})");
    }
}

#[tokio::test]
async fn javascript_jsx_and_tsx_documents_are_analysed() {
    let mut c = started(Value::Null).await;
    let js = "const { setClerkApiKey } = require('@clerk/clerk-sdk-node');\nsetClerkApiKey('x');\n";
    c.open("file:///p/a.cjs", "javascript", 1, js).await;
    assert_eq!(c.diagnostics("file:///p/a.cjs", Some(1)).await.len(), 2);
    let tsx = "import { setClerkApiKey } from '@clerk/clerk-sdk-node';\nconst A = () => <div>{setClerkApiKey('x')}</div>;\n";
    c.open("file:///p/a.tsx", "typescriptreact", 1, tsx).await;
    assert_eq!(c.diagnostics("file:///p/a.tsx", Some(1)).await.len(), 2);
    c.open("file:///p/b.jsx", "javascriptreact", 1, tsx).await;
    assert_eq!(c.diagnostics("file:///p/b.jsx", Some(1)).await.len(), 2);
}

#[tokio::test]
async fn unknown_methods_and_unopened_documents_do_not_stop_the_server() {
    let mut c = started(Value::Null).await;
    let r = c.request_full("clerk/nonsense", json!({})).await;
    assert_eq!(r["error"]["code"], -32601);
    c.change("file:///never/opened.ts", 3, json!([{"text": "x"}]))
        .await;
    let h = c
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///never/opened.ts"}, "position": {"line": 0, "character": 0}}),
        )
        .await;
    assert!(h.is_null());
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(c.diagnostics(URI, Some(1)).await.len(), 3);
}

#[tokio::test]
async fn real_binary_over_stdio_serves_and_exits_cleanly() {
    let mut c = Client::spawn_binary();
    let r = c.initialize(json!({}), Value::Null).await;
    assert_eq!(r["capabilities"]["textDocumentSync"]["change"], 2);
    c.open(URI, "typescript", 1, CORE1).await;
    assert_eq!(c.diagnostics(URI, Some(1)).await.len(), 3);
    c.shutdown_and_exit().await;
    assert_eq!(c.exit_code().await, Some(0));
}

#[tokio::test]
async fn exit_without_shutdown_is_an_error_exit() {
    let mut c = Client::spawn_binary();
    c.initialize(json!({}), Value::Null).await;
    c.notify("exit", Value::Null).await;
    assert_eq!(c.exit_code().await, Some(1));
}

/// A request the server sent stays unanswered (the client stopped
/// reading answers to it); `shutdown` and `exit` still end the process,
/// with status 0, rather than leaving it for the client to kill.
#[tokio::test]
async fn exit_ends_the_server_while_a_request_of_its_own_waits_for_an_answer() {
    let mut c = Client::spawn_binary();
    c.initialize(
        json!({"textDocument": {"diagnostic": {}},
               "workspace": {"diagnostics": {"refreshSupport": true}}}),
        Value::Null,
    )
    .await;
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"clerkCore2": {"scope": "allFiles"}}}),
    )
    .await;
    loop {
        let m = c.next_unanswered().await;
        if m["method"] == "workspace/diagnostic/refresh" {
            break;
        }
    }
    c.shutdown_and_exit().await;
    assert_eq!(c.exit_code().await, Some(0));
}

#[tokio::test]
async fn fix_all_applies_every_safe_fix_in_one_versioned_edit() {
    let mut c = Client::in_process();
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
    )
    .await;
    let mut text = String::from(
        "import { createClerkClient } from '@clerk/clerk-sdk-node/cjs/instance';\n// untouched line\n",
    );
    for i in 0..40 {
        text.push_str(&format!("const c{i} = createClerkClient({{ apiKey }});\n"));
    }
    c.open(URI, "typescript", 3, &text).await;
    assert_eq!(c.diagnostics(URI, Some(3)).await.len(), 41);
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll.clerk-core2"]}}),
        )
        .await;
    let a = &actions[0];
    assert_eq!(a["kind"], "source.fixAll.clerk-core2");
    let change = &a["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 3);
    let edits = change["edits"].as_array().unwrap();
    assert!(
        edits.iter().all(|e| e["range"]["start"]["line"] != 1),
        "the unchanged line is not rewritten"
    );
    let fixed = apply_edits(&text, edits);
    let mut expected = String::from(
        "import { createClerkClient } from '@clerk/clerk-sdk-node';\n// untouched line\n",
    );
    for i in 0..40 {
        expected.push_str(&format!(
            "const c{i} = createClerkClient({{ secretKey: apiKey }});\n"
        ));
    }
    assert_eq!(fixed, expected);

    c.change(URI, 4, json!([{"text": fixed}])).await;
    assert!(c.diagnostics(URI, Some(4)).await.is_empty());
    let none = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll.clerk-core2"]}}),
        )
        .await;
    assert!(none.is_null(), "nothing left to fix: {none}");
}

/// Requests the quick fixes for `diags` and returns the actions.
async fn quick_fixes(c: &mut Client, uri: &str, diags: &[Value]) -> Value {
    let range = diags.first().map(|d| d["range"].clone()).unwrap_or(
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}),
    );
    c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range,
               "context": {"diagnostics": diags, "only": ["quickfix"]}}),
    )
    .await
}

#[tokio::test]
async fn a_multi_place_quick_fix_applies_as_one_versioned_edit() {
    let mut c = Client::in_process();
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
    )
    .await;
    let text = "import {\n  clerkClient,\n  setClerkApiKey,\n  setClerkApiVersion,\n} from '@clerk/clerk-sdk-node';\n\nsetClerkApiKey(process.env.CLERK_SECRET_KEY!);\nsetClerkApiVersion('v1');\n\nexport const shared = clerkClient;\n";
    c.open(URI, "typescript", 7, text).await;
    let d = c.diagnostics(URI, Some(7)).await;
    let call = d
        .iter()
        .find(|d| range_of(d)[0] == 6)
        .expect("a finding on the setter call")
        .clone();
    let actions = quick_fixes(&mut c, URI, &[call]).await;
    let a = &actions[0];
    assert_eq!(a["isPreferred"], true);
    assert_eq!(
        a["title"],
        "Remove the 2 setter calls whose values v5 uses by default"
    );
    let change = &a["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 7);
    let fixed = apply_edits(text, change["edits"].as_array().unwrap());
    assert_eq!(
        fixed,
        "import {\n  clerkClient,\n} from '@clerk/clerk-sdk-node';\n\nexport const shared = clerkClient;\n"
    );
    // The editor applies it; nothing is left to report.
    c.change(URI, 8, json!([{"text": fixed}])).await;
    assert!(c.diagnostics(URI, Some(8)).await.is_empty());
}

#[tokio::test]
async fn a_quick_fix_for_diagnostics_of_an_older_version_is_refused() {
    let mut c = Client::in_process();
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
    )
    .await;
    c.open(URI, "typescript", 1, CORE1).await;
    let old = c.diagnostics(URI, Some(1)).await;
    assert!(!quick_fixes(&mut c, URI, &old[2..]).await.is_null());

    // A line goes in above: the old ranges no longer name current findings.
    c.change(
        URI,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// moved\n"}]),
    )
    .await;
    for d in &old {
        let actions = quick_fixes(&mut c, URI, std::slice::from_ref(d)).await;
        assert!(actions.is_null(), "stale diagnostic got {actions}");
    }
    // The current diagnostics still get theirs, for the current version.
    let now = c.diagnostics(URI, Some(2)).await;
    let actions = quick_fixes(&mut c, URI, &now[2..]).await;
    assert_eq!(
        actions[0]["edit"]["documentChanges"][0]["textDocument"]["version"],
        2
    );
}

#[tokio::test]
async fn fix_all_on_a_file_with_many_kinds_of_findings() {
    let mut c = Client::in_process();
    c.initialize(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Value::Null,
    )
    .await;
    let text = "import Clerk from '@clerk/clerk-sdk-node/esm/instance';\n\
import { clerkClient, setClerkApiKey, users, decodeJwt } from '@clerk/clerk-sdk-node';\n\
\n\
setClerkApiKey(process.env.CLERK_API_KEY ?? '');\n\
\n\
export const admin = new Clerk({ apiKey: process.env.ADMIN_KEY });\n\
\n\
export async function handler(req: any, token: string) {\n\
  const list = await users.getUserList({ limit: 10 });\n\
  const first = (await clerkClient.users.getUserList()).map((u) => u.profileImageUrl);\n\
  const { payload } = decodeJwt(token);\n\
  return { list, first, payload, claims: req.auth.claims };\n\
}\n";
    c.open(URI, "typescript", 1, text).await;
    let before = c.diagnostics(URI, Some(1)).await;
    assert!(before.len() >= 10, "{}", before.len());
    let actions = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll.clerk-core2"]}}),
        )
        .await;
    let change = &actions[0]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    let fixed = apply_edits(text, change["edits"].as_array().unwrap());
    assert_eq!(
        fixed,
        "import { clerkClient, createClerkClient } from '@clerk/clerk-sdk-node';\n\
import { decodeJwt } from '@clerk/backend/jwt';\n\
\n\
export const admin = createClerkClient({ secretKey: process.env.ADMIN_KEY });\n\
\n\
export async function handler(req: any, token: string) {\n\
  const { data: list } = await clerkClient.users.getUserList({ limit: 10 });\n\
  const first = (await clerkClient.users.getUserList()).data.map((u) => u.imageUrl);\n\
  const { payload } = decodeJwt(token);\n\
  return { list, first, payload, claims: req.auth.sessionClaims };\n\
}\n"
    );
    c.change(URI, 2, json!([{"text": fixed}])).await;
    assert!(c.diagnostics(URI, Some(2)).await.is_empty());
    let again = c
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": URI},
                   "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                   "context": {"diagnostics": [], "only": ["source.fixAll.clerk-core2"]}}),
        )
        .await;
    assert!(again.is_null(), "fix-all twice changed more: {again}");
}

/// Documents not being edited let their syntax tree go; the first edit after
/// that parses afresh, and what the user sees is the same as ever.
#[tokio::test]
async fn many_open_documents_keep_serving_after_their_trees_are_let_go() {
    let mut c = started(Value::Null).await;
    let uris: Vec<String> = (0..20).map(|i| format!("file:///many/doc{i}.ts")).collect();
    let mut published = Vec::new();
    for u in &uris {
        c.open(u, "typescript", 1, CORE1).await;
        let d = c.diagnostics(u, Some(1)).await;
        assert_eq!(d.len(), 3);
        published.push(d);
    }
    // The first one was opened longest ago: edit it as in the test above.
    let first = &uris[0];
    c.change(
        first,
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "// setup\n"}]),
    )
    .await;
    let d = c.diagnostics(first, Some(2)).await;
    assert_eq!(d.len(), 3);
    assert_eq!(range_of(&d[1]), [3, 0, 3, 14]);
    c.change(
        first,
        3,
        json!([{"range": {"start": {"line": 4, "character": 34}, "end": {"line": 4, "character": 40}}, "text": "secretKey"}]),
    )
    .await;
    let d = c.diagnostics(first, Some(3)).await;
    assert_eq!(
        codes(&d),
        ["client-setter-removed", "client-setter-removed"]
    );
    // Quick fixes of a resting document still come with their edits.
    let actions = quick_fixes(&mut c, &uris[1], &published[1][2..]).await;
    let title = actions[0]["title"].as_str().unwrap_or_default().to_string();
    assert!(title.contains("secretKey"), "{actions}");
}
