//! The commands the front end invokes (typed in ui/src/ipc.ts with the ts-rs bindings),
//! one file per part of the app. Each one parses, calls the engine and maps the error
//! to `{kind, message}`.

pub mod document;
pub mod export;
pub mod history;
pub mod plan;
pub mod simulation;
