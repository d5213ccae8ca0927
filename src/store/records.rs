//! What the workspace hands the desktop app: plain records, serialized to the front end
//! as they are (TypeScript twins in ui/src/bindings/). Ids and times are SQLite integers;
//! they stay far below 2^53, so TypeScript sees them as plain numbers.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type ProjectId = i64;
pub type RevisionId = i64;
pub type RunId = i64;

/// A project as the project list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProjectSummary {
    #[ts(type = "number")]
    pub id: ProjectId,
    pub name: String,
    /// The YAML file the project was imported from or is kept in, if any.
    pub yaml_path: Option<String>,
    /// Milliseconds since the Unix epoch, UTC.
    #[ts(type = "number")]
    pub created_ms: i64,
    #[ts(type = "number")]
    pub opened_ms: i64,
    pub revision_count: u32,
    /// The newest revision, which the next save will have as its parent.
    #[ts(type = "number | null")]
    pub head_revision_id: Option<RevisionId>,
    /// Whether autosaved edits newer than the head are waiting.
    pub has_working_copy: bool,
}

/// A saved revision of a spec, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RevisionSummary {
    #[ts(type = "number")]
    pub id: RevisionId,
    #[ts(type = "number")]
    pub project_id: ProjectId,
    /// The revision this one was saved on top of; none for the first.
    #[ts(type = "number | null")]
    pub parent_id: Option<RevisionId>,
    /// SHA-256 of the text, lowercase hex.
    pub hash: String,
    #[ts(type = "number")]
    pub created_ms: i64,
    pub message: String,
    /// Length of the text in bytes.
    pub size_bytes: u32,
}

/// A revision with its full YAML text, exactly as it was saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Revision {
    #[serde(flatten)]
    pub summary: RevisionSummary,
    pub yaml: String,
}

/// The outcome of a save: the head revision, and whether the save made it (a save of
/// unchanged text makes no new revision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SavedRevision {
    pub revision: RevisionSummary,
    pub created: bool,
}

/// The autosaved editor text of a project, kept apart from its named revisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct WorkingCopy {
    #[ts(type = "number")]
    pub project_id: ProjectId,
    /// The head when these edits were autosaved.
    #[ts(type = "number | null")]
    pub base_revision_id: Option<RevisionId>,
    pub yaml: String,
    pub hash: String,
    #[ts(type = "number")]
    pub saved_ms: i64,
}

/// Everything the app needs to show a project: the editor text is the working copy if
/// there is one, else the head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct OpenedProject {
    pub project: ProjectSummary,
    pub head: Option<Revision>,
    pub working_copy: Option<WorkingCopy>,
}

/// What produced a stored result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RunKind {
    Analysis,
    Simulation,
    Plan,
}

impl RunKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RunKind::Analysis => "analysis",
            RunKind::Simulation => "simulation",
            RunKind::Plan => "plan",
        }
    }

    pub fn parse(s: &str) -> Option<RunKind> {
        [RunKind::Analysis, RunKind::Simulation, RunKind::Plan]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RunSummary {
    #[ts(type = "number")]
    pub id: RunId,
    #[ts(type = "number")]
    pub revision_id: RevisionId,
    pub kind: RunKind,
    #[ts(type = "number")]
    pub created_ms: i64,
}

/// A stored result: the JSON the analysis, simulation or plan produced.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Run {
    #[serde(flatten)]
    pub summary: RunSummary,
    #[ts(type = "unknown")]
    pub result: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecentFile {
    pub path: String,
    #[ts(type = "number")]
    pub opened_ms: i64,
}
