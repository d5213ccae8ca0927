//! What can go wrong with a workspace, each case with a stable `kind()` the desktop maps
//! to `{kind, message}` and a message that names the file.

use std::path::PathBuf;

use crate::error::{ErrorKind, HasKind};
use crate::spec::Diagnostic;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another window or process held the write lock past the busy timeout and retries.
    #[error(
        "the workspace {} is in use by another Headroom window or process and stayed locked \
         for {waited_ms} ms; close the other one or try again",
        path.display()
    )]
    Locked { path: PathBuf, waited_ms: u64 },

    /// The file at the workspace path is not a readable Headroom workspace; it was moved
    /// aside (never overwritten), so the next open starts a new one.
    #[error(
        "{} is not a readable Headroom workspace ({reason}); it was moved to {} and a new \
         workspace will be started",
        path.display(),
        moved_to.display()
    )]
    Corrupt {
        path: PathBuf,
        reason: String,
        moved_to: PathBuf,
    },

    /// A SQLite database of another application at the workspace path: moved aside too.
    #[error(
        "{} is a database of another application, not a Headroom workspace; it was moved \
         to {} and a new workspace will be started",
        path.display(),
        moved_to.display()
    )]
    Foreign { path: PathBuf, moved_to: PathBuf },

    /// Written by a newer Headroom: refused, and left exactly as it is.
    #[error(
        "the workspace {} was written by a newer Headroom (schema version {found}, this one \
         reads up to {supported}); update Headroom to open it",
        path.display()
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error("{what} {id} does not exist in the workspace {}", path.display())]
    NotFound {
        path: PathBuf,
        what: &'static str,
        id: i64,
    },

    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },

    /// The text is not a spec (it does not parse into the model).
    #[error("{file} is not a spec: {}", first_problem(diagnostics))]
    InvalidSpec {
        file: String,
        diagnostics: Vec<Diagnostic>,
    },

    #[error("a project name cannot be empty")]
    InvalidName,

    /// An export would replace an existing file and the caller did not ask for that.
    #[error("{} already exists; choose another name or confirm replacing it", path.display())]
    Exists { path: PathBuf },

    /// Any other SQLite failure (disk full, I/O error, ...), with the workspace it hit.
    #[error("the workspace {}: {source}", path.display())]
    Database {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl HasKind for StoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Locked { .. } => ErrorKind::Locked,
            StoreError::Corrupt { .. } => ErrorKind::Corrupt,
            StoreError::Foreign { .. } => ErrorKind::Foreign,
            StoreError::TooNew { .. } => ErrorKind::TooNew,
            StoreError::NotFound { .. } => ErrorKind::NotFound,
            StoreError::Io { .. } => ErrorKind::Io,
            StoreError::InvalidSpec { .. } => ErrorKind::InvalidSpec,
            StoreError::InvalidName => ErrorKind::InvalidName,
            StoreError::Exists { .. } => ErrorKind::Exists,
            StoreError::Database { .. } => ErrorKind::Database,
        }
    }
}

fn first_problem(diagnostics: &[Diagnostic]) -> String {
    match diagnostics {
        [] => "it does not parse".to_string(),
        [one] => one.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}
