//! The report and the scaffold of the model being edited: preview, export, generate.
//! Rendering plans the model, so every command that renders runs off the main thread.

use std::path::PathBuf;

use headroom::editor::export::{
    self, ExportedReport, FolderInfo, GeneratedScaffold, ScaffoldPreview,
};
use headroom::report::Format;
use headroom::spec::Spec;
use headroom::view::CommandError;

use super::off_main;

/// The report of the model as HTML, for the preview.
#[tauri::command]
pub async fn report_preview(spec: Spec) -> Result<String, CommandError> {
    off_main("the report", move || {
        export::render_report(&spec, Format::Html)
    })
    .await
}

/// Writes the report to `path` (the save dialog asked about replacing a file).
#[tauri::command]
pub async fn export_report(
    spec: Spec,
    format: Format,
    path: String,
    document: Option<String>,
) -> Result<ExportedReport, CommandError> {
    off_main("the export", move || {
        let document = document.map(PathBuf::from);
        export::export_report(&spec, format, &PathBuf::from(path), document.as_deref())
    })
    .await
}

#[tauri::command]
pub async fn scaffold_preview(spec: Spec) -> Result<ScaffoldPreview, CommandError> {
    off_main("the scaffold", move || export::scaffold_preview(&spec)).await
}

#[tauri::command]
pub async fn folder_info(path: String) -> Result<FolderInfo, CommandError> {
    off_main("reading the folder", move || {
        export::folder_info(&PathBuf::from(path))
    })
    .await
}

/// Writes the scaffold into `dir`; a folder with entries is `not_empty` unless `force`.
#[tauri::command]
pub async fn generate_scaffold(
    spec: Spec,
    dir: String,
    force: bool,
) -> Result<GeneratedScaffold, CommandError> {
    off_main("the scaffold", move || {
        export::generate_scaffold(&spec, &PathBuf::from(dir), force)
    })
    .await
}
