//! The planner: the plan of the edited model, with the models its steps lead to.

use headroom::editor::{self, PlanProposal};
use headroom::spec::Spec;
use headroom::view::CommandError;

/// Plans the model as `headroom plan` does. The search runs many analyses, so it runs
/// off the main thread.
#[tauri::command]
pub async fn plan_model(spec: Spec) -> Result<PlanProposal, CommandError> {
    super::off_main("the planner", move || editor::plan::plan_model(&spec)).await
}
