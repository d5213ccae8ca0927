//! What the desktop app is sent when it opens a spec: the model and its problems, in one
//! ts-rs-typed structure (the TypeScript twin lives in ui/src/bindings/).

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorKind, HasKind};
use crate::spec::{self, Diagnostic, Spec};

/// A spec file as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ModelView {
    /// The file as the user named it.
    pub file: String,
    /// The model, when the file deserialized (it may still have semantic problems).
    pub spec: Option<Spec>,
    /// Every problem, in file order; empty when the model is valid.
    pub diagnostics: Vec<Diagnostic>,
}

impl ModelView {
    /// Reads `bytes` as the spec named `file`.
    pub fn from_bytes(file: &str, bytes: &[u8]) -> Self {
        let checked = spec::check(file, bytes);
        ModelView {
            file: file.to_string(),
            spec: checked.spec,
            diagnostics: checked.diagnostics,
        }
    }
}

/// How every failed command reaches the front end: `{ kind, message }`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CommandError {
    pub kind: ErrorKind,
    /// A sentence for the user.
    pub message: String,
}

impl CommandError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        CommandError {
            kind,
            message: message.into(),
        }
    }
}

/// The one conversion of an engine error into a command's.
impl<E: HasKind> From<E> for CommandError {
    fn from(e: E) -> Self {
        CommandError::new(e.kind(), e.to_string())
    }
}
