//! A minimal LSP client for tests: framed JSON-RPC over any byte stream pair,
//! either an in-process server or the real binary over stdio.
#![allow(dead_code)]

use std::{collections::VecDeque, process::Stdio, time::Duration};

use serde_json::{json, Value};
use tokio::{
    io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader},
    sync::mpsc,
};

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct Client {
    writer: Box<dyn AsyncWrite + Unpin + Send>,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Notifications seen while waiting for something else.
    pub backlog: VecDeque<Value>,
    next_id: i64,
    pub child: Option<tokio::process::Child>,
    pub server_task: Option<tokio::task::JoinHandle<i32>>,
}

/// A reader that keeps a copy of what it reads.
struct Tee<R> {
    inner: R,
    copy: Option<std::fs::File>,
}

impl<R: AsyncRead + Unpin> AsyncRead for Tee<R> {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if let (std::task::Poll::Ready(Ok(())), Some(copy)) = (&r, self.copy.as_mut()) {
            use std::io::Write;
            copy.write_all(&buf.filled()[before..])
                .expect("copy written");
        }
        r
    }
}

async fn read_loop(r: impl AsyncRead + Unpin, tx: mpsc::UnboundedSender<Value>) {
    let mut r = BufReader::new(r);
    loop {
        let mut len = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).await.unwrap_or(0) == 0 {
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
        let mut buf = vec![0; len];
        if r.read_exact(&mut buf).await.is_err() {
            return;
        }
        let v: Value = serde_json::from_slice(&buf).expect("server sent valid JSON");
        if tx.send(v).is_err() {
            return;
        }
    }
}

impl Client {
    fn new(
        reader: impl AsyncRead + Unpin + Send + 'static,
        writer: impl AsyncWrite + Unpin + Send + 'static,
    ) -> Client {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(read_loop(reader, tx));
        Client {
            writer: Box::new(writer),
            incoming: rx,
            backlog: VecDeque::new(),
            next_id: 1,
            child: None,
            server_task: None,
        }
    }

    /// The server running inside the test process.
    pub fn in_process() -> Client {
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        let (sr, sw) = tokio::io::split(server_io);
        let task = tokio::spawn(clerk_core2_lsp::lsp::server::serve(sr, sw));
        let (cr, cw) = tokio::io::split(client_io);
        let mut c = Client::new(cr, cw);
        c.server_task = Some(task);
        c
    }

    /// The built binary, spoken to over its real stdin/stdout.
    pub fn spawn_binary() -> Client {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clerk-core2-lsp"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("server binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut c = Client::new(stdout, stdin);
        c.child = Some(child);
        c
    }

    /// The built binary with extra environment variables, its stderr (the
    /// log) written to `stderr`.
    pub fn spawn_binary_with(env: &[(&str, &str)], stderr: &std::path::Path) -> Client {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_clerk-core2-lsp"));
        cmd.envs(env.iter().copied());
        Client::spawn(cmd, stderr, None)
    }

    /// Any command that runs the server on its stdio, its stderr written to
    /// `stderr` and, with `stdout_copy`, every byte it sends copied there.
    pub fn spawn(
        mut cmd: tokio::process::Command,
        stderr: &std::path::Path,
        stdout_copy: Option<&std::path::Path>,
    ) -> Client {
        let log = std::fs::File::create(stderr).expect("log file");
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true)
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let copy = stdout_copy.map(|p| std::fs::File::create(p).expect("copy file"));
        let mut c = Client::new(
            Tee {
                inner: stdout,
                copy,
            },
            stdin,
        );
        c.child = Some(child);
        c
    }

    /// Bytes as they are, no framing added.
    pub async fn send_bytes(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    /// Ends the server's input.
    pub async fn close_input(&mut self) {
        let _ = self.writer.shutdown().await;
        self.writer = Box::new(tokio::io::sink());
    }

    /// The exit code of the binary, or of the in-process server.
    pub async fn exit_code(&mut self) -> Option<i32> {
        if let Some(child) = self.child.as_mut() {
            let status = tokio::time::timeout(TIMEOUT, child.wait())
                .await
                .expect("exits promptly")
                .unwrap();
            return status.code();
        }
        let task = self.server_task.take()?;
        tokio::time::timeout(TIMEOUT, task)
            .await
            .expect("exits promptly")
            .ok()
    }

    pub async fn send(&mut self, msg: Value) {
        let body = serde_json::to_vec(&msg).unwrap();
        self.send_raw(&body).await;
    }

    pub async fn send_raw(&mut self, body: &[u8]) {
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(head.as_bytes()).await.unwrap();
        self.writer.write_all(body).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}))
            .await;
    }

    /// Next message from the server as it comes, a request of the server's
    /// left unanswered.
    pub async fn next_unanswered(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, self.incoming.recv())
            .await
            .expect("server sent in time")
            .expect("server connection open")
    }

    /// Next message from the server, answering its own requests with `null`.
    async fn recv(&mut self) -> Value {
        loop {
            let msg = tokio::time::timeout(TIMEOUT, self.incoming.recv())
                .await
                .expect("server answered in time")
                .expect("server connection open");
            if msg.get("method").is_some() && msg.get("id").is_some() {
                let id = msg["id"].clone();
                self.send(json!({"jsonrpc": "2.0", "id": id, "result": null}))
                    .await;
                self.backlog.push_back(msg);
                continue;
            }
            return msg;
        }
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        loop {
            let msg = self.recv().await;
            if msg.get("id") == Some(&json!(id)) && msg.get("method").is_none() {
                return msg;
            }
            self.backlog.push_back(msg);
        }
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.request_full(method, params).await;
        assert!(r.get("error").is_none(), "{method} failed: {r}");
        r["result"].clone()
    }

    pub async fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let r = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        r
    }

    /// Waits for a notification matching `pred`, looking at the backlog first.
    pub async fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        loop {
            let msg = self.recv().await;
            if pred(&msg) {
                return msg;
            }
            self.backlog.push_back(msg);
        }
    }

    /// The diagnostics published for `uri` at `version` (`None`: unversioned).
    pub async fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Vec<Value> {
        let msg = self
            .wait_for(|m| {
                m["method"] == "textDocument/publishDiagnostics"
                    && m["params"]["uri"] == uri
                    && m["params"]["version"].as_i64() == version
            })
            .await;
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }

    pub async fn open(&mut self, uri: &str, language_id: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language_id, "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    pub async fn shutdown_and_exit(&mut self) {
        self.request("shutdown", Value::Null).await;
        self.notify("exit", Value::Null).await;
    }
}

/// `[line, character]` pairs of a diagnostic's range, for compact asserts.
pub fn range_of(d: &Value) -> [u64; 4] {
    let r = &d["range"];
    [
        r["start"]["line"].as_u64().unwrap(),
        r["start"]["character"].as_u64().unwrap(),
        r["end"]["line"].as_u64().unwrap(),
        r["end"]["character"].as_u64().unwrap(),
    ]
}

pub fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// Applies LSP text edits (UTF-16 positions) to a text, last first.
pub fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |pos: &Value| -> usize {
        let line = pos["line"].as_u64().unwrap() as usize;
        let ch = pos["character"].as_u64().unwrap() as usize;
        let mut off = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i == line {
                let mut units = 0;
                for (b, c) in l.char_indices() {
                    if units >= ch {
                        return off + b;
                    }
                    units += c.len_utf16();
                }
                return off + l.trim_end_matches('\n').len();
            }
            off += l.len();
        }
        text.len()
    };
    let mut es: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    es.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in es {
        out.replace_range(s..e, &t);
    }
    out
}

/// A finding as the edit tests compare it: rule, range, message, fix edits.
pub fn summary(fs: &[clerk_core2_lsp::engine::Finding]) -> Vec<String> {
    fs.iter()
        .map(|f| {
            format!(
                "{} {:?} {} {:?}",
                f.rule.id,
                f.range,
                f.message,
                f.fix.as_ref().map(|x| x.edits.clone())
            )
        })
        .collect()
}

/// Applies an LSP change to a plain string the simple way, as the oracle.
pub fn oracle_apply(
    text: &str,
    range: &tower_lsp_server::ls_types::Range,
    new: &str,
    enc: clerk_core2_lsp::engine::position::Encoding,
) -> String {
    use clerk_core2_lsp::engine::position::{linecol_to_offset, LineCol};
    let rope = ropey::Rope::from_str(text);
    let off = |p: &tower_lsp_server::ls_types::Position| {
        linecol_to_offset(
            &rope,
            LineCol {
                line: p.line,
                col: p.character,
            },
            enc,
        )
    };
    let (a, b) = (off(&range.start), off(&range.end));
    let (a, b) = (a.min(b), a.max(b));
    format!("{}{}{}", &text[..a], new, &text[b..])
}

/// Overwrites the first `from` in `file` with `to`, of the same length, in
/// place: a kept finding in a cache file altered to tell it apart from one
/// parsed afresh.
pub fn alter_in_place(file: &std::path::Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(file).unwrap();
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .expect("the text to alter");
    bytes[at..at + from.len()].copy_from_slice(to);
    std::fs::write(file, bytes).unwrap();
}
