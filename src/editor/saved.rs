//! The edited model as its saved file reads: every command that works on the model being
//! edited (export, plan, simulate) writes it as canonical YAML and checks it back, so
//! its answer is the CLI's for the file Save would write, and a model with problems is
//! refused the same way by each.

use crate::spec::{self, export, Spec};

/// The edited model does not pass the checks its saved file would.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "the model has {count} problem{}; fix {} before {doing}: {first}",
    if *count == 1 { "" } else { "s" },
    if *count == 1 { "it" } else { "them" }
)]
pub struct ModelProblems {
    pub count: usize,
    /// The first problem's message.
    pub first: String,
    /// What was refused: "exporting", "planning", "simulating".
    pub doing: &'static str,
}

/// `model` written as the file Save writes (after `header`, the comments kept) and read
/// back, or its problems, for `doing`.
pub fn as_saved(
    model: &Spec,
    header: &[String],
    doing: &'static str,
) -> Result<Spec, ModelProblems> {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let yaml = export::to_yaml(model, &header);
    spec::check(&model.name, yaml.as_bytes())
        .into_result()
        .map_err(|diagnostics| ModelProblems {
            count: diagnostics.len(),
            first: diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_default(),
            doing,
        })
}
