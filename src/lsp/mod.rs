pub mod document;
pub mod guard;
pub mod server;
