//! Opening, analysing and saving documents.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use headroom::editor::{self, Document, LiveAnswer, LiveEdit, LiveSession, Saved};
use headroom::spec::Spec;
use headroom::store::{ProjectId, ProjectSummary};
use headroom::view::CommandError;
use tauri::State;

use crate::workspace::Shared;
use crate::LaunchSpec;

/// How many projects the start screen lists.
const RECENT_PROJECTS: usize = 12;

/// The document the app opens with: the spec named on the command line.
#[tauri::command]
pub fn initial_document(
    launch: State<'_, LaunchSpec>,
    ws: State<'_, Shared>,
) -> Result<Option<Document>, CommandError> {
    let Some(path) = launch.0.as_deref() else {
        return Ok(None);
    };
    ws.with(|ws| Ok(editor::open_file(ws, path)?)).map(Some)
}

/// Something about the workspace the user should hear once, if anything.
#[tauri::command]
pub fn workspace_notice(ws: State<'_, Shared>) -> Option<String> {
    ws.take_notice()
}

#[tauri::command]
pub fn open_file(path: String, ws: State<'_, Shared>) -> Result<Document, CommandError> {
    ws.with(|ws| Ok(editor::open_file(ws, &PathBuf::from(&path))?))
}

#[tauri::command]
pub fn open_project(id: ProjectId, ws: State<'_, Shared>) -> Result<Document, CommandError> {
    ws.with(|ws| Ok(editor::open_project(ws, id)?))
}

#[tauri::command]
pub fn new_document(ws: State<'_, Shared>) -> Result<Document, CommandError> {
    ws.with(|ws| Ok(editor::new_document(ws)?))
}

#[tauri::command]
pub fn recent_projects(ws: State<'_, Shared>) -> Result<Vec<ProjectSummary>, CommandError> {
    ws.with(|ws| {
        let mut projects = ws.list_projects()?;
        projects.truncate(RECENT_PROJECTS);
        Ok(projects)
    })
}

/// The live analysis's memory of the model being edited (one editor window).
#[derive(Default)]
pub struct Live(Arc<Mutex<LiveSession>>);

/// The live analysis after an edit, which arrives as a patch of the model before and is
/// answered as a patch of the answer before. Async, so the engine runs off the main thread.
#[tauri::command]
pub async fn live_edit(edit: LiveEdit, live: State<'_, Live>) -> Result<LiveAnswer, CommandError> {
    let session = Arc::clone(&live.0);
    super::off_main("the analysis", move || {
        // (After a panic mid-edit the session has no revision: the next edit must be whole.)
        let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
        session.edit(edit)
    })
    .await
}

#[tauri::command]
pub fn save_document(
    project: ProjectId,
    path: String,
    spec: Spec,
    header: Vec<String>,
    expected_hash: Option<String>,
    ws: State<'_, Shared>,
) -> Result<Saved, CommandError> {
    ws.with(|ws| {
        Ok(editor::save(
            ws,
            project,
            &PathBuf::from(&path),
            &spec,
            &header,
            expected_hash.as_deref(),
        )?)
    })
}

#[tauri::command]
pub fn autosave(
    project: ProjectId,
    spec: Spec,
    header: Vec<String>,
    ws: State<'_, Shared>,
) -> Result<(), CommandError> {
    ws.with(|ws| Ok(editor::autosave(ws, project, &spec, &header)?))
}

#[tauri::command]
pub fn discard_recovered(project: ProjectId, ws: State<'_, Shared>) -> Result<(), CommandError> {
    ws.with(|ws| Ok(ws.discard_working_copy(project)?))
}
