//! A project's revisions: listed, one restored into the editor, two compared.

use headroom::editor::{self, HistoryEntry, RevisionComparison, Side};
use headroom::spec::Spec;
use headroom::store::{ProjectId, RevisionId};
use headroom::view::CommandError;
use tauri::{AppHandle, Manager};

use crate::workspace::Shared;

/// Runs `f` on the workspace off the main thread: reading every revision and analysing
/// them may take a moment on a long history.
async fn off_main<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut headroom::store::Workspace) -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    super::off_main("reading the history", move || app.state::<Shared>().with(f)).await
}

/// The project's revisions, newest first, with what each changed.
#[tauri::command]
pub async fn revision_history(
    project: ProjectId,
    app: AppHandle,
) -> Result<Vec<HistoryEntry>, CommandError> {
    off_main(app, move |ws| Ok(editor::history::history(ws, project)?)).await
}

/// A revision's model, for the editor to take as one undoable edit.
#[tauri::command]
pub async fn revision_model(id: RevisionId, app: AppHandle) -> Result<Spec, CommandError> {
    off_main(app, move |ws| Ok(editor::history::revision_model(ws, id)?)).await
}

/// Two revisions (or one and the edited model): the semantic diff and both analyses.
#[tauri::command]
pub async fn compare_revisions(
    before: Side,
    after: Side,
    app: AppHandle,
) -> Result<RevisionComparison, CommandError> {
    off_main(app, move |ws| {
        Ok(editor::history::compare(ws, &before, &after)?)
    })
    .await
}
