use std::process::ExitCode;

use clap::{Parser, Subcommand};

use clerk_core2_lsp::{cli, lsp};

/// Finds and fixes what moving `@clerk/clerk-sdk-node` from v4 (Core 1) to v5
/// (Core 2) must change. With no command it serves the Language Server
/// Protocol on stdin/stdout.
#[derive(Parser)]
#[command(name = "clerk-core2-lsp", version, about, long_about = None)]
struct Cli {
    /// Serve LSP over stdin/stdout (the default when no command is given).
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check files or folders (default: the current folder) and report findings.
    Check(cli::check::CheckArgs),
}

/// Logs to stderr (stdout may carry the protocol), at `CLERK_CORE2_LOG`'s
/// level or `default`.
fn init_logging(default: &str) {
    use tracing_subscriber::{filter::filter_fn, prelude::*, EnvFilter};
    let env = EnvFilter::try_from_env("CLERK_CORE2_LOG").unwrap_or_else(|_| default.into());
    // The transport traces every message whole, document text included: an
    // open `.env` would put its secrets in the log. Message bodies are never logged.
    let no_bodies = filter_fn(|m| {
        !(m.target().starts_with("tower_lsp_server::codec") && *m.level() == tracing::Level::TRACE)
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_filter(env)
        .with_filter(no_bodies);
    tracing_subscriber::registry().with(layer).init();
    std::panic::set_hook(Box::new(|info| {
        // The payload can quote the text being checked (a bad slice shows
        // the string), and that text can hold a secret: only say where.
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!("internal error at {at}");
    }));
}

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(Command::Check(a)) => {
            init_logging("warn");
            cli::check::run(a)
        }
        None => {
            init_logging("info");
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            let code = rt.block_on(lsp::server::serve_stdio());
            // Handlers may still hold stdin; the protocol says exit now.
            rt.shutdown_timeout(std::time::Duration::from_millis(100));
            ExitCode::from(code as u8)
        }
    }
}
