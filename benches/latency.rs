//! Latency driver: talks to the release binary over stdio the way an editor
//! does and prints cold start, typing latency (median, p99) and memory.
//! Run with `cargo bench --bench latency`.
use std::{
    io::{BufRead, BufReader, Read, Write},
    process::{Child, ChildStdin, ChildStdout, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use tower_lsp_server::ls_types::Range;

#[path = "support/gen.rs"]
mod gen;

/// One message from the server. Diagnostics are decoded into records typed
/// as the protocol defines them, as an editor does, with no part of them
/// left as a generic JSON tree (which at thousands of diagnostics doubles
/// the time decoding takes).
enum Msg {
    Publish(Published),
    Other(Value),
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Published {
    uri: String,
    version: Option<i32>,
    diagnostics: Vec<Diag>,
    /// When the whole frame had been read, before decoding it.
    #[serde(skip)]
    received: Option<Instant>,
}

/// The members of an LSP diagnostic this server sends, typed as the
/// protocol defines them.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "camelCase")]
struct Diag {
    range: Range,
    severity: Option<u8>,
    code: Option<Code>,
    code_description: Option<CodeDescription>,
    source: Option<String>,
    message: String,
}

/// `integer | string`.
#[allow(dead_code)]
enum Code {
    Number(i64),
    String(String),
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Code, D::Error> {
        struct Either;
        impl serde::de::Visitor<'_> for Either {
            type Value = Code;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Code, E> {
                Ok(Code::Number(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Code, E> {
                i64::try_from(v).map(Code::Number).map_err(E::custom)
            }
            fn visit_str<E>(self, v: &str) -> Result<Code, E> {
                Ok(Code::String(v.to_owned()))
            }
        }
        d.deserialize_any(Either)
    }
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct CodeDescription {
    href: String,
}

const PUBLISH: &str = "textDocument/publishDiagnostics";

/// One pass over the frame, as `JSON.parse` makes: the params of a
/// `publishDiagnostics` notification go straight into `Published` when its
/// `method` comes first (as this server writes it), everything else into a
/// JSON value.
impl<'de> serde::Deserialize<'de> for Msg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Msg, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = Msg;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON-RPC message")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Msg, A::Error> {
                let mut other = serde_json::Map::new();
                let mut published = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "params"
                        && other.get("method").and_then(Value::as_str) == Some(PUBLISH)
                    {
                        published = Some(map.next_value::<Published>()?);
                    } else {
                        other.insert(key, map.next_value()?);
                    }
                }
                if let Some(p) = published {
                    return Ok(Msg::Publish(p));
                }
                match (
                    other.get("method").and_then(Value::as_str),
                    other.get("params"),
                ) {
                    (Some(PUBLISH), Some(p)) => serde_json::from_value(p.clone())
                        .map(Msg::Publish)
                        .map_err(serde::de::Error::custom),
                    _ => Ok(Msg::Other(Value::Object(other))),
                }
            }
        }
        d.deserialize_map(Members)
    }
}

fn decode(buf: &[u8], received: Instant) -> Msg {
    match serde_json::from_slice(buf).unwrap() {
        Msg::Publish(p) => Msg::Publish(Published {
            received: Some(received),
            ..p
        }),
        other => other,
    }
}

struct Server {
    child: Arc<Mutex<Child>>,
    stdin: ChildStdin,
    /// Editors read their server's output on the thread that handles it
    /// (Neovim's and VS Code's extension host's event loops), in chunks of
    /// this size: so does this driver, with no hand-over between threads
    /// inside a measurement.
    out: BufReader<ChildStdout>,
    /// Since when a message is awaited (`None` between reads); a watchdog
    /// kills a server silent for `SILENT` meanwhile, so that a bench cannot
    /// hang.
    heard: Arc<Mutex<Option<Instant>>>,
    next_id: i64,
}

const SILENT: Duration = Duration::from_secs(30);

impl Server {
    fn spawn() -> Server {
        Server::spawn_with(&[])
    }

    fn spawn_with(env: &[(&str, &std::ffi::OsStr)]) -> Server {
        // Another build (an earlier commit's, say) can be measured with the
        // same driver: `CLERK_CORE2_LSP_BIN=path cargo bench --bench latency`.
        let bin = std::env::var_os("CLERK_CORE2_LSP_BIN")
            .unwrap_or_else(|| env!("CARGO_BIN_EXE_clerk-core2-lsp").into());
        let mut child = Command::new(bin)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server starts");
        let stdin = child.stdin.take().unwrap();
        let out = BufReader::with_capacity(1 << 16, child.stdout.take().unwrap());
        let child = Arc::new(Mutex::new(child));
        let heard = Arc::new(Mutex::new(None::<Instant>));
        let (watched, since) = (Arc::downgrade(&child), heard.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            let Some(child) = watched.upgrade() else {
                return;
            };
            if since.lock().unwrap().is_some_and(|t| t.elapsed() > SILENT) {
                let _ = child.lock().unwrap().kill();
                return;
            }
        });
        Server {
            child,
            stdin,
            out,
            heard,
            next_id: 1,
        }
    }

    /// The next message; `received` is when its frame had been read.
    fn read(&mut self) -> Option<Msg> {
        *self.heard.lock().unwrap() = Some(Instant::now());
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            if self.out.read_line(&mut line).ok()? == 0 {
                return None;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                len = v.trim().parse().ok()?;
            }
        }
        let mut buf = vec![0; len];
        self.out.read_exact(&mut buf).ok()?;
        *self.heard.lock().unwrap() = None;
        Some(decode(&buf, Instant::now()))
    }

    fn send(&mut self, v: Value) {
        let body = serde_json::to_vec(&v).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(&body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            if let Msg::Other(m) = self.recv() {
                if m["id"] == id && m.get("method").is_none() {
                    return m;
                }
            }
        }
    }

    fn recv(&mut self) -> Msg {
        self.read().expect("server answers")
    }

    fn wait_diagnostics(&mut self, uri: &str, version: i64) -> Published {
        loop {
            if let Msg::Publish(p) = self.recv() {
                if p.uri == uri && p.version == Some(version as i32) {
                    return p;
                }
            }
        }
    }

    fn initialize(&mut self) {
        self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "typescript", "version": 1, "text": text}}),
        );
    }

    fn rss_kb(&self) -> u64 {
        let pid = self.child.lock().unwrap().id();
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.lock().unwrap().wait();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn cold_start(text: &str) -> Duration {
    let mut runs = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        let mut s = Server::spawn();
        s.initialize();
        s.open("file:///bench/cold.ts", text);
        s.wait_diagnostics("file:///bench/cold.ts", 1);
        runs.push(t.elapsed());
        s.stop();
    }
    runs.sort();
    runs[runs.len() / 2]
}

/// Where the typing happens.
#[derive(Clone, Copy, PartialEq)]
enum Spot {
    /// At the start of the middle line; every version parses cleanly.
    Middle,
    /// Before `export` of the first function at or after the middle line:
    /// every other version has a syntax error right at the edit.
    BreaksSyntax,
    /// At the middle line of the same file written without the semicolons
    /// that end its lines.
    WithoutSemicolons,
    /// At the start of the half-typed statement at the end of the file
    /// (with a syntax error elsewhere only): every version has the error,
    /// as while a call is being written.
    InsideTheError,
    /// On the empty line at the end of the file, after its last statement,
    /// where new code is often added.
    AtTheEnd,
}

/// Typing latency: median and p99 until the client has decoded the
/// diagnostics, and the median until their frame was read, before decoding
/// (which at thousands of diagnostics is the client's largest share).
struct Typing {
    median: Duration,
    p99: Duration,
    received: Duration,
    findings: usize,
    /// Each session's p99 over its own median.
    session_ratios: Vec<f64>,
}

/// Each typing measure runs this many times, each with a server of its
/// own. This shared machine slows down now and then for 20-60 ms (in one
/// such window a busy loop in another thread of the driver ran 11 times
/// slower too), which makes a run of 5-15 slow keystrokes: one such run
/// in a session puts its p99 over 3x. The pooled p99 and each session's
/// are printed.
const SESSIONS: usize = 3;

/// How long the driver waits between the first diagnostics and the first
/// keystroke. The server compiles the other grammars' queries in the
/// background after `initialize` (30-40 ms each), so keystrokes sent at once
/// measured that start-up work on the machine's two cores as typing; the
/// start is what `cold` measures. A user reads a file before typing in it.
const BEFORE_TYPING: Duration = Duration::from_millis(300);

/// Types one character at a time (insert, then delete, so the size stays
/// put), waiting for each version's diagnostics.
fn typing_session(
    lines: usize,
    clerk_every: usize,
    edits: usize,
    broken: bool,
    spot: Spot,
) -> (Vec<Duration>, Vec<Duration>, usize) {
    let mut text = match clerk_every {
        1 => gen::clerk_file(lines),
        n => gen::mixed_file(lines, n),
    };
    if spot == Spot::WithoutSemicolons {
        text = gen::without_semicolons(&text);
    }
    if broken {
        // A statement left half typed at the end of the file.
        text.push_str("const pending = clerkClient.users.\n");
    }
    let uri = "file:///bench/typing.ts";
    let mut s = Server::spawn();
    s.initialize();
    s.open(uri, &text);
    let first = s.wait_diagnostics(uri, 1);
    let findings = first.diagnostics.len();
    std::thread::sleep(BEFORE_TYPING);
    let line = match spot {
        Spot::Middle | Spot::WithoutSemicolons => lines / 2,
        Spot::InsideTheError => text.lines().count() - 1,
        Spot::AtTheEnd => text.lines().count(),
        Spot::BreaksSyntax => text
            .lines()
            .enumerate()
            .skip(lines / 2)
            .find(|(_, l)| l.starts_with("export async function"))
            .map_or(lines / 2, |(i, _)| i),
    };
    let mut times = Vec::with_capacity(edits);
    let mut received = Vec::with_capacity(edits);
    for v in 2..(edits as i64 + 2) {
        let change = if v % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 1}}, "text": ""})
        };
        let t = Instant::now();
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v}, "contentChanges": [change]}),
        );
        let p = s.wait_diagnostics(uri, v);
        times.push(t.elapsed());
        received.push(p.received.unwrap() - t);
    }
    s.stop();
    (times, received, findings)
}

/// [`typing_session`] [`SESSIONS`] times: the medians and p99 of all its
/// keystrokes, and each session's p99 over its median.
fn typing(lines: usize, clerk_every: usize, edits: usize, broken: bool, spot: Spot) -> Typing {
    let (mut times, mut received, mut findings) = (Vec::new(), Vec::new(), 0);
    let mut session_ratios = Vec::new();
    for _ in 0..SESSIONS {
        let (mut t, r, f) = typing_session(lines, clerk_every, edits, broken, spot);
        t.sort();
        session_ratios.push(percentile(&t, 0.99).as_secs_f64() / percentile(&t, 0.5).as_secs_f64());
        times.extend(t);
        received.extend(r);
        findings = f;
    }
    times.sort();
    received.sort();
    Typing {
        median: percentile(&times, 0.5),
        p99: percentile(&times, 0.99),
        received: percentile(&received, 0.5),
        findings,
        session_ratios,
    }
}

/// Fires edits without waiting and checks that only forward versions arrive.
fn burst(lines: usize, edits: i64) -> (Duration, usize, bool) {
    let text = gen::clerk_file(lines);
    let uri = "file:///bench/burst.ts";
    let mut s = Server::spawn();
    s.initialize();
    s.open(uri, &text);
    s.wait_diagnostics(uri, 1);
    let t = Instant::now();
    for v in 2..=(edits + 1) {
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": v},
                   "contentChanges": [{"range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}}, "text": " "}]}),
        );
    }
    let mut seen = Vec::new();
    loop {
        if let Msg::Publish(p) = s.recv() {
            if p.uri == uri {
                let v = i64::from(p.version.unwrap_or(-1));
                seen.push(v);
                if v == edits + 1 {
                    break;
                }
            }
        }
    }
    let elapsed = t.elapsed();
    s.stop();
    let forward = seen.windows(2).all(|w| w[0] < w[1]);
    (elapsed, seen.len(), forward)
}

/// Opening a folder: spawn -> `initialize` (with the folder) -> the end of
/// the workspace scan's progress, with the findings of earlier scans kept
/// in `cache` or none. Answers the server's requests (the progress token).
fn scan(root: &std::path::Path, cache: &std::path::Path) -> Duration {
    let t = Instant::now();
    let mut s = Server::spawn_with(&[("XDG_CACHE_HOME", cache.as_os_str())]);
    let folder = format!("file://{}", root.display());
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": null,
               "workspaceFolders": [{"uri": folder, "name": "tree"}],
               "capabilities": {"window": {"workDoneProgress": true}}}),
    );
    s.notify("initialized", json!({}));
    loop {
        if let Msg::Other(m) = s.recv() {
            if let (Some(id), Some(_)) = (m.get("id"), m.get("method")) {
                s.send(json!({"jsonrpc": "2.0", "id": id, "result": null}));
            } else if m["method"] == "$/progress" && m["params"]["value"]["kind"] == "end" {
                break;
            }
        }
    }
    let took = t.elapsed();
    s.stop();
    took
}

/// Medians of [`scan`] with nothing kept, and again with what a first
/// scan kept, in turns.
fn scans(root: &std::path::Path) -> (Duration, Duration) {
    let (mut fresh, mut again) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        let kept = tempfile::tempdir().unwrap();
        fresh.push(scan(root, kept.path()));
        again.push(scan(root, kept.path()));
    }
    fresh.sort();
    again.sort();
    (fresh[fresh.len() / 2], again[again.len() / 2])
}

fn memory(docs: usize, lines: usize) -> (u64, u64) {
    let mut s = Server::spawn();
    s.initialize();
    std::thread::sleep(Duration::from_millis(300));
    let idle = s.rss_kb();
    let text = gen::clerk_file(lines);
    for i in 0..docs {
        let uri = format!("file:///bench/mem{i}.ts");
        s.open(&uri, &text);
        s.wait_diagnostics(&uri, 1);
    }
    std::thread::sleep(Duration::from_millis(300));
    let loaded = s.rss_kb();
    s.stop();
    (idle, loaded)
}

fn main() {
    // `cargo bench` passes `--bench`; the first other argument, if any,
    // picks the measures whose name contains it: cold, typing, burst, scan,
    // memory.
    let filter = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_default();
    let run = |name: &str| name.contains(filter.as_str());
    let text = gen::clerk_file(1_000);
    println!(
        "clerk-core2-lsp latency driver (release binary over stdio{})",
        std::env::var("CLERK_CORE2_LSP_BIN")
            .map(|b| format!(": {b}"))
            .unwrap_or_default()
    );
    if run("cold") {
        let cold = cold_start(&text);
        println!(
            "cold start: spawn -> initialize -> first diagnostics, 1,000 lines: median {}",
            ms(cold)
        );
    }
    // Every block of the generated file uses Clerk (a finding every two or
    // three lines), except in the last run, where one block in ten does.
    for (lines, clerk_every, edits) in [
        (1_000usize, 1, 400usize),
        (10_000, 1, 200),
        (10_000, 10, 200),
    ] {
        if !run("typing") {
            break;
        }
        for (broken, spot) in [
            (false, Spot::Middle),
            (true, Spot::Middle),
            (false, Spot::BreaksSyntax),
            (false, Spot::WithoutSemicolons),
            (true, Spot::InsideTheError),
            (false, Spot::AtTheEnd),
        ] {
            if clerk_every > 1 && (broken || spot != Spot::Middle) {
                continue;
            }
            let t = typing(lines, clerk_every, edits, broken, spot);
            println!(
                "didChange -> publishDiagnostics, {lines} lines{}{}{} ({} findings), {SESSIONS} x {edits} edits: median {}, p99 {} (p99/median {:.2}; in each session {}); frame read before decoding: median {}",
                if clerk_every > 1 { format!(", one block in {clerk_every} using Clerk") } else { String::new() },
                match (broken, spot) {
                    (true, Spot::InsideTheError) => ", typing in a half-typed statement at its end",
                    (true, _) => " with a syntax error elsewhere",
                    (false, _) => "",
                },
                match spot {
                    Spot::BreaksSyntax => ", every other keystroke breaking the syntax there",
                    Spot::WithoutSemicolons => ", without semicolons",
                    Spot::AtTheEnd => ", after the last statement",
                    Spot::Middle | Spot::InsideTheError => "",
                },
                t.findings,
                ms(t.median),
                ms(t.p99),
                t.p99.as_secs_f64() / t.median.as_secs_f64(),
                t.session_ratios
                    .iter()
                    .map(|r| format!("{r:.2}"))
                    .collect::<Vec<_>>()
                    .join(" / "),
                ms(t.received),
            );
        }
    }
    if run("burst") {
        let (t, published, forward) = burst(1_000, 100);
        println!(
        "burst of 100 edits without waiting, 1,000 lines: newest version published after {}, {published} publishes, versions only forward: {forward}",
        ms(t)
    );
    }
    if run("scan") {
        let tree = tempfile::tempdir().unwrap();
        let bytes = gen::write_tree(tree.path(), 5_000, 1, 0);
        let (fresh, again) = scans(tree.path());
        println!(
            "opening a folder of 5,000 files ({:.1} MB) that all use Clerk: spawn -> initialize -> workspace scan done: {}; again with the findings the first scan kept: {}",
            bytes as f64 / 1e6,
            ms(fresh),
            ms(again)
        );
    }
    if !run("memory") {
        return;
    }
    let (idle, loaded) = memory(200, 1_000);
    println!(
        "resident memory: after initialize {:.1} MB; with 200 open 1,000-line documents {:.1} MB",
        idle as f64 / 1024.0,
        loaded as f64 / 1024.0
    );
}
