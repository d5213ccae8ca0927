//! The live analysis as a conversation: the backend keeps the model it was last sent and
//! the answer it last gave, so an edit arrives as a patch of that model and its answer
//! leaves as a patch of that answer (`patch`). On a 300-component model an edit's request
//! and answer were 48 KB and 120 KB of JSON, which both processes wrote, copied and read
//! while the webview was drawing the edit; now they are a few hundred bytes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use super::live::live;
use super::patch::{self, PatchError, PatchOp};
use crate::error::{ErrorKind, HasKind};
use crate::spec::Spec;

/// An edit of the model, sent after each change.
#[derive(Debug, Clone, Deserialize, TS)]
pub struct LiveEdit {
    /// The revision of the model `patch` changes, from the answer before; `null` when
    /// `patch` is the whole model (the first edit, or after the backend lost step).
    #[ts(type = "number | null")]
    pub base: Option<u64>,
    /// The model (a `Spec`) as a patch of revision `base`.
    pub patch: Vec<PatchOp>,
    /// The document's file name, which the diagnostics name.
    pub file: String,
    /// The file's header comments, which canonical YAML keeps.
    pub header: Vec<String>,
}

/// The answer to an edit.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LiveAnswer {
    /// The revision of the edited model: the `base` of the next edit.
    #[ts(type = "number")]
    pub revision: u64,
    /// The answer (a `LiveModel`) as a patch of the answer before; of `null` when the
    /// edit had no `base`.
    pub patch: Vec<PatchOp>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LiveSessionError {
    /// The edit is against a revision the backend no longer has: send the whole model.
    #[error("the analysis lost step with the editor (it has revision {have:?}, the edit is against {base}); the whole model must be sent again")]
    OutOfStep { base: u64, have: Option<u64> },
    #[error("the edit does not apply to the model it is against: {0}")]
    Patch(#[from] PatchError),
    #[error("the edited model is not a spec: {0}")]
    NotASpec(String),
    #[error("the answer could not be written as JSON: {0}")]
    Answer(String),
}

impl HasKind for LiveSessionError {
    fn kind(&self) -> ErrorKind {
        match self {
            LiveSessionError::OutOfStep { .. } => ErrorKind::OutOfStep,
            LiveSessionError::Patch(_) => ErrorKind::BadPatch,
            LiveSessionError::NotASpec(_) => ErrorKind::InvalidSpec,
            LiveSessionError::Answer(_) => ErrorKind::Internal,
        }
    }
}

/// What the backend remembers of the conversation.
#[derive(Debug, Default)]
pub struct LiveSession {
    /// The revision of `model`; `None` before the first edit and after a failed one.
    revision: Option<u64>,
    /// The model as last edited, as JSON.
    model: Value,
    /// The answer last given, as JSON.
    answer: Value,
    /// Revisions are counted across resets, so an edit against an old one never fits.
    counter: u64,
}

impl LiveSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies `edit`, analyses the model and answers with what changed. A failed edit
    /// leaves the session empty, so the editor's next edit must be the whole model.
    pub fn edit(&mut self, edit: LiveEdit) -> Result<LiveAnswer, LiveSessionError> {
        let result = self.apply(edit);
        if result.is_err() {
            self.revision = None;
            self.model = Value::Null;
            self.answer = Value::Null;
        }
        result
    }

    fn apply(&mut self, edit: LiveEdit) -> Result<LiveAnswer, LiveSessionError> {
        match edit.base {
            None => {
                self.model = Value::Null;
                self.answer = Value::Null;
            }
            Some(base) if Some(base) == self.revision => {}
            Some(base) => {
                return Err(LiveSessionError::OutOfStep {
                    base,
                    have: self.revision,
                })
            }
        }
        self.revision = None;
        patch::apply(&mut self.model, edit.patch)?;
        let spec = Spec::deserialize(&self.model)
            .map_err(|e| LiveSessionError::NotASpec(e.to_string()))?;
        let answer = live(&spec, &edit.file, &edit.header);
        let answer =
            serde_json::to_value(&answer).map_err(|e| LiveSessionError::Answer(e.to_string()))?;
        let changes = patch::diff(&self.answer, &answer);
        self.answer = answer;
        self.counter += 1;
        self.revision = Some(self.counter);
        Ok(LiveAnswer {
            revision: self.counter,
            patch: changes,
        })
    }
}
