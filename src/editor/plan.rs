//! The planner in the desktop app: the plan of the edited model, with the models each of
//! its steps leads to, so the app applies exactly what the engine planned.
//!
//! The planner replays its changes one at a time from the original model (see
//! `plan::replay`), so step `k`'s numbers are those of the model with steps `1..=k`
//! applied. A step can also be applied on its own when it does not build on an earlier
//! one: applying it first and the earlier steps after gives the same model as the plan
//! does (compared semantically, as the history's diff compares). Otherwise it only makes
//! sense with the steps before it.

use serde::Serialize;
use ts_rs::TS;

use super::EditorError;
use crate::plan::{self, Change, Plan, PlanOptions};
use crate::spec::Spec;

/// A plan of the edited model, ready to apply.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PlanProposal {
    /// The plan as `headroom plan --json` prints it.
    pub plan: Plan,
    /// The planned spec (`headroom plan -o` writes it): what "Apply all" makes the model.
    pub planned: Spec,
    /// Per step, in order: the models applying it leads to.
    pub steps: Vec<StepEdit>,
}

/// What applying one step of a plan makes of the model.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StepEdit {
    /// The model with this step and every step before it applied: the model the step's
    /// numbers are of. The last step's is the planned spec.
    pub through: Spec,
    /// The model with this step alone applied; `null` when the step builds on an earlier
    /// one (it then only makes sense as part of `through`).
    pub alone: Option<Spec>,
}

/// Plans `model` with the default options, as `headroom plan` does. The model is read
/// back from its canonical YAML first, so the plan is the CLI's plan of the saved file.
pub fn plan_model(model: &Spec) -> Result<PlanProposal, EditorError> {
    let model = super::as_saved(model, &[], "planning")?;
    let plan = plan::plan(&model, &PlanOptions::default())?;
    let steps = step_edits(&model, &plan)?;
    Ok(PlanProposal {
        planned: plan.spec.clone(),
        plan,
        steps,
    })
}

/// The models each step leads to, from `original` (the spec `plan` was made of).
pub fn step_edits(original: &Spec, plan: &Plan) -> Result<Vec<StepEdit>, EditorError> {
    let changes: Vec<&Change> = plan.steps.iter().map(|s| &s.change).collect();
    let mut through = Vec::with_capacity(changes.len());
    let mut model = original.clone();
    for change in &changes {
        change.apply(&mut model)?;
        through.push(model.clone());
    }
    Ok(through
        .into_iter()
        .enumerate()
        .map(|(k, through)| {
            let alone = alone(original, &changes[..k], changes[k], &through);
            StepEdit { through, alone }
        })
        .collect())
}

/// `change` applied to `original` by itself, when that is the same edit it makes after
/// `earlier`: applying the earlier changes on top gives `through` again.
fn alone(original: &Spec, earlier: &[&Change], change: &Change, through: &Spec) -> Option<Spec> {
    let mut first = original.clone();
    change.apply(&mut first).ok()?;
    let mut rest = first.clone();
    for c in earlier {
        c.apply(&mut rest).ok()?;
    }
    crate::spec::diff(&rest, through)
        .is_empty()
        .then_some(first)
}
