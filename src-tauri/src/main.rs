//! Headroom's desktop shell. Commands here parse their arguments, call the engine
//! (`headroom::editor`, which holds the logic and its tests) and map its errors to
//! `{kind, message}`; no domain logic lives in this crate.

mod commands;
mod workspace;

use std::path::PathBuf;

use tauri::Manager;

/// The spec named on the command line (`headroom-desktop models/shop.yaml`), if any.
pub struct LaunchSpec(pub Option<PathBuf>);

fn main() {
    let launch = LaunchSpec(std::env::args_os().nth(1).map(PathBuf::from));
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(launch)
        .manage(commands::simulation::Running::default())
        .manage(commands::document::Live::default())
        .setup(|app| {
            let dir = app.path().app_data_dir()?;
            app.manage(workspace::Shared::open(&dir));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::document::initial_document,
            commands::document::workspace_notice,
            commands::document::open_file,
            commands::document::open_project,
            commands::document::new_document,
            commands::document::recent_projects,
            commands::document::live_edit,
            commands::document::save_document,
            commands::document::autosave,
            commands::document::discard_recovered,
            commands::plan::plan_model,
            commands::history::revision_history,
            commands::history::revision_model,
            commands::history::compare_revisions,
            commands::export::report_preview,
            commands::export::export_report,
            commands::export::scaffold_preview,
            commands::export::folder_info,
            commands::export::generate_scaffold,
            commands::simulation::start_simulation,
            commands::simulation::cancel_simulation,
            commands::simulation::past_simulations,
            commands::simulation::load_simulation,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("headroom-desktop: {e}");
        std::process::exit(1);
    }
}
