//! The commands the front end invokes (typed in ui/src/ipc.ts with the ts-rs bindings),
//! one file per part of the app. Each one parses, calls the engine and maps the error
//! to `{kind, message}`.

pub mod document;
pub mod export;
pub mod history;
pub mod plan;
pub mod simulation;

use headroom::error::ErrorKind;
use headroom::view::CommandError;

/// Runs `work` on the blocking pool, so that the engine's work never holds the main
/// thread, and maps its error into the command's. A panic in it is `internal`: "`what`
/// stopped: …".
pub async fn off_main<T, E>(
    what: &'static str,
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, CommandError>
where
    T: Send + 'static,
    E: Into<CommandError> + Send + 'static,
{
    match tauri::async_runtime::spawn_blocking(work).await {
        Ok(result) => result.map_err(Into::into),
        Err(e) => Err(CommandError::new(
            ErrorKind::Internal,
            format!("{what} stopped: {e}"),
        )),
    }
}
