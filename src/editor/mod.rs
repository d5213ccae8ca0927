//! What the desktop editor does, without Tauri: open and save documents through the
//! workspace, autosave and recover edits, and analyse the model after each edit. The
//! Tauri commands in `src-tauri` only call these, so all of it is tested here.

pub mod document;
pub mod export;
pub mod history;
pub mod live;
pub mod live_session;
pub mod patch;
pub mod plan;
pub mod saved;
pub mod simulation;

use std::path::{Path, PathBuf};

pub use document::{
    autosave, new_document, open_file, open_project, save, Document, Recovered, Saved,
};
pub use history::{HistoryEntry, RevisionComparison, Side, SideView};
pub use live::{live, live_of_yaml, LiveAnalysis, LiveModel};
pub use live_session::{LiveAnswer, LiveEdit, LiveSession, LiveSessionError};
pub use plan::{PlanProposal, StepEdit};
pub use saved::{as_saved, ModelProblems};

use crate::error::{ErrorKind, HasKind};
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EditorError {
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file changed outside the app since it was opened or saved.
    #[error(
        "{} was changed outside Headroom since it was opened; use Save As to keep both, \
         or reopen it to see the other change",
        path.display()
    )]
    ChangedOnDisk { path: PathBuf },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A revision does not read as a valid spec.
    #[error("{0}")]
    Invalid(String),
    /// The edited model does not pass the checks its saved file would.
    #[error(transparent)]
    Problems(#[from] ModelProblems),
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
}

impl HasKind for EditorError {
    fn kind(&self) -> ErrorKind {
        match self {
            EditorError::Io { .. } => ErrorKind::Io,
            EditorError::ChangedOnDisk { .. } => ErrorKind::ChangedOnDisk,
            EditorError::Store(e) => e.kind(),
            EditorError::Invalid(_) | EditorError::Problems(_) => ErrorKind::InvalidSpec,
            EditorError::Plan(_) => ErrorKind::Plan,
        }
    }
}

impl EditorError {
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        EditorError::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }
}
