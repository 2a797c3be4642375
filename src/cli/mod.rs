//! The command-line face of the engine.
pub mod check;
pub mod output;
pub mod write;
