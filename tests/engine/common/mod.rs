//! Fixtures shared by the engine's tests.

use headroom::store::Workspace;

pub mod cli;
pub mod generated_spec;
pub mod models;
pub mod shop;
pub mod textbook;

/// A new workspace in `dir`.
pub fn workspace(dir: &tempfile::TempDir) -> Workspace {
    Workspace::open(&dir.path().join("workspace.sqlite")).unwrap()
}
