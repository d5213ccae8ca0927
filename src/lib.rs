//! Headroom's engine: reads architecture specs and answers whether they will hold.
//!
//! One model type ([`spec::Spec`]) flows through every stage; each stage is a pure
//! function where it can be, and I/O stays at the edges (the CLI in `main.rs`, the
//! desktop shell in `src-tauri/`).

pub mod analysis;
pub mod bindings;
pub mod editor;
pub mod error;
pub mod fsutil;
pub mod plan;
pub mod report;
pub mod scaffold;
pub mod sim;
pub mod spec;
pub mod store;
pub mod text;
pub mod view;
