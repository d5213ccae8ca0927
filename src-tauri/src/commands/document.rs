//! Opening, analysing and saving documents.

use std::path::PathBuf;

use headroom::editor::{self, Document, LiveModel, Saved};
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

/// The live analysis after an edit. Async, so the engine runs off the main thread.
#[tauri::command]
pub async fn analyze_model(
    spec: Spec,
    file: String,
    header: Vec<String>,
) -> Result<LiveModel, CommandError> {
    tauri::async_runtime::spawn_blocking(move || editor::live(&spec, &file, &header))
        .await
        .map_err(|e| CommandError {
            kind: "internal".into(),
            message: format!("the analysis stopped: {e}"),
        })
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
