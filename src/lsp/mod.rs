pub mod document;
pub mod server;
