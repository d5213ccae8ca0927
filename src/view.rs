//! What the desktop app is sent when it opens a spec: the model and its problems, in one
//! ts-rs-typed structure (the TypeScript twin lives in ui/src/bindings/).

use serde::Serialize;
use ts_rs::TS;

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
    /// A stable machine-readable kind: `io`, `invalid_spec`, ...
    pub kind: String,
    /// A sentence for the user.
    pub message: String,
}
