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

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(Command::Check(a)) => cli::check::run(a),
        None => {
            // stdout carries the protocol; logs go to stderr.
            tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_ansi(false)
                .with_env_filter(
                    tracing_subscriber::EnvFilter::try_from_env("CLERK_CORE2_LOG")
                        .unwrap_or_else(|_| "info".into()),
                )
                .init();
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
