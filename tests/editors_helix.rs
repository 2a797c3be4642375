//! editors/helix/languages.toml: the facts a Helix user relies on, and the
//! configured command answering as a language server. Helix itself is not
//! run; its default language ids for these languages stand in for it.
use std::{
    io::{BufRead, BufReader, Read, Write},
    path::Path,
    process::{Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use toml::Table;

const SERVER: &str = "clerk-core2-lsp";
const TS_SERVER: &str = "typescript-language-server";

/// Helix language name, the `language-id` Helix sends for it, a file name.
const LANGUAGES: [(&str, &str, &str); 4] = [
    ("typescript", "typescript", "client.ts"),
    ("tsx", "typescriptreact", "client.tsx"),
    ("javascript", "javascript", "client.js"),
    ("jsx", "javascriptreact", "client.jsx"),
];

fn helix_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/editors/helix"))
}

fn config() -> Table {
    let text = std::fs::read_to_string(helix_dir().join("languages.toml")).unwrap();
    text.parse::<Table>().expect("languages.toml is valid TOML")
}

fn server_entry(config: &Table) -> &Table {
    config["language-server"][SERVER]
        .as_table()
        .expect("[language-server.clerk-core2-lsp] is a table")
}

/// A `language-servers` entry is a name or `{ name = ..., only-features = ... }`.
fn server_names(lang: &Table) -> Vec<String> {
    lang["language-servers"]
        .as_array()
        .expect("language-servers is an array")
        .iter()
        .map(|s| match s {
            toml::Value::String(n) => n.clone(),
            toml::Value::Table(t) => t["name"].as_str().unwrap().to_string(),
            other => panic!("unexpected language-servers entry {other}"),
        })
        .collect()
}

#[test]
fn server_is_defined_with_the_binary_cargo_builds() {
    let config = config();
    let server = server_entry(&config);
    let command = server["command"].as_str().unwrap();
    let built = Path::new(env!("CARGO_BIN_EXE_clerk-core2-lsp"));
    assert_eq!(
        Some(command),
        built.file_stem().and_then(|s| s.to_str()),
        "command must be the installed binary's name"
    );
    let args: Vec<&str> = server["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(args, ["--stdio"]);
    if let Some(c) = server.get("config") {
        assert!(
            c.is_table(),
            "config must be a table (initializationOptions)"
        );
    }
}

#[test]
fn each_language_keeps_typescript_server_first_and_adds_ours() {
    let config = config();
    let langs = config["language"].as_array().expect("[[language]] entries");
    let names: Vec<&str> = langs.iter().map(|l| l["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        LANGUAGES.map(|(n, _, _)| n),
        "exactly typescript, tsx, javascript and jsx, once each"
    );
    for lang in langs {
        let lang = lang.as_table().unwrap();
        let name = lang["name"].as_str().unwrap();
        assert_eq!(
            server_names(lang),
            [TS_SERVER, SERVER],
            "{name}: Helix's default server stays, first, and ours is added"
        );
        // Anything else set here would replace Helix's defaults (file types,
        // roots, formatter) for every user who copies the file.
        let mut keys: Vec<&str> = lang.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["language-servers", "name"], "{name}");
    }
}

#[test]
fn every_referenced_server_is_defined_here_or_by_helix() {
    let config = config();
    let defined = config["language-server"].as_table().unwrap();
    for lang in config["language"].as_array().unwrap() {
        for name in server_names(lang.as_table().unwrap()) {
            assert!(
                defined.contains_key(&name) || name == TS_SERVER,
                "{name} is neither defined in languages.toml nor a Helix default"
            );
        }
    }
}

#[test]
fn readme_covers_placement_and_health_check() {
    let readme = std::fs::read_to_string(helix_dir().join("README.md")).unwrap();
    for needle in [
        "~/.config/helix/languages.toml",
        ".helix/languages.toml",
        "hx --health typescript",
        "✓ clerk-core2-lsp",
        TS_SERVER,
    ] {
        assert!(readme.contains(needle), "README should mention {needle}");
    }
}

/// Reads framed JSON-RPC messages on a thread so waits can time out.
fn reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<Value> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut r = BufReader::new(stdout);
        loop {
            let mut len = None;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length:") {
                    len = v.trim().parse::<usize>().ok();
                }
            }
            let Some(len) = len else { return };
            let mut body = vec![0; len];
            if r.read_exact(&mut body).is_err() {
                return;
            }
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        }
    });
    rx
}

fn send(stdin: &mut impl Write, msg: Value) {
    let body = serde_json::to_vec(&msg).unwrap();
    write!(stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
    stdin.write_all(&body).unwrap();
    stdin.flush().unwrap();
}

fn wait(rx: &mpsc::Receiver<Value>, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let msg = rx
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("waiting for {what}: {e}"));
        if pred(&msg) {
            return msg;
        }
    }
}

/// Starts the server the way Helix would from this file (command, args,
/// config as initializationOptions) and opens a Core 1 file under each
/// language's id.
#[test]
fn configured_command_serves_all_four_language_ids() {
    let config = config();
    let server = server_entry(&config);
    let args: Vec<&str> = server["args"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let options = server
        .get("config")
        .map(|c| serde_json::to_value(c).unwrap())
        .unwrap_or(Value::Null);
    // The name resolves on PATH for users; the test runs the build it just made.
    let mut child = Command::new(env!("CARGO_BIN_EXE_clerk-core2-lsp"))
        .args(&args)
        .env("CLERK_CORE2_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("server starts");
    let mut stdin = child.stdin.take().unwrap();
    let rx = reader(child.stdout.take().unwrap());

    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null,
            "rootUri": "file:///project",
            "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]}},
            "initializationOptions": options,
        }}),
    );
    let init = wait(&rx, "initialize", |m| m["id"] == 1);
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-8");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
    );

    let text = "import { createClerkClient } from '@clerk/clerk-sdk-node';\n\
                const clerk = createClerkClient({ apiKey: 'sk_test_x' });\n";
    for (name, language_id, file) in LANGUAGES {
        let uri = format!("file:///project/{file}");
        send(
            &mut stdin,
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
                "textDocument": {"uri": uri, "languageId": language_id, "version": 1, "text": text}
            }}),
        );
        let published = wait(&rx, &format!("diagnostics for {file}"), |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        let codes: Vec<&str> = published["params"]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["api-key-option"], "{name} ({language_id})");
    }

    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}),
    );
    wait(&rx, "shutdown", |m| m["id"] == 2);
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit"}));
    let status = child.wait().unwrap();
    assert!(status.success(), "server exits cleanly: {status}");
}
