//! Headroom's desktop shell. Commands here parse their arguments, call the engine and map
//! its errors to `{kind, message}`; no domain logic lives in this crate.

use std::path::PathBuf;

use headroom::view::{CommandError, ModelView};

/// The spec named on the command line (`headroom-desktop models/shop.yaml`), if any.
struct LaunchSpec(Option<PathBuf>);

/// The model the app opens with: the spec given on the command line.
#[tauri::command]
fn initial_model(launch: tauri::State<'_, LaunchSpec>) -> Result<Option<ModelView>, CommandError> {
    launch.0.as_deref().map(ModelView::from_file).transpose()
}

/// Opens a spec file.
#[tauri::command]
fn open_model(path: String) -> Result<ModelView, CommandError> {
    ModelView::from_file(&PathBuf::from(path))
}

fn main() {
    let launch = LaunchSpec(std::env::args_os().nth(1).map(PathBuf::from));
    let result = tauri::Builder::default()
        .manage(launch)
        .invoke_handler(tauri::generate_handler![initial_model, open_model])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("headroom-desktop: {e}");
        std::process::exit(1);
    }
}
