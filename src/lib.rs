//! clerk-core2-lsp: finds and fixes what a move from `@clerk/clerk-sdk-node`
//! v4 to v5 must change. `engine` is the analysis; `lsp` and `cli` present it.
pub mod cli;
pub mod engine;
pub mod lsp;
