//! The one workspace of the app, in its data directory, shared by the commands.

use std::path::Path;
use std::sync::Mutex;

use headroom::store::{StoreError, Workspace};
use headroom::view::CommandError;

pub struct Shared {
    workspace: Mutex<Result<Workspace, CommandError>>,
    /// What happened on opening it that the user should hear about once (a damaged file
    /// moved aside, say).
    notice: Mutex<Option<String>>,
}

impl Shared {
    /// Opens `dir`/workspace.sqlite. A damaged or foreign file is moved aside by the
    /// store and a new workspace started; the user is told. Any other failure (a
    /// workspace from a newer Headroom) leaves the app usable without a workspace.
    pub fn open(dir: &Path) -> Shared {
        let path = dir.join("workspace.sqlite");
        let (workspace, notice) = match Workspace::open(&path) {
            Ok(ws) => (Ok(ws), None),
            Err(e @ (StoreError::Corrupt { .. } | StoreError::Foreign { .. })) => (
                Workspace::open(&path).map_err(CommandError::from),
                Some(e.to_string()),
            ),
            Err(e) => {
                let message = e.to_string();
                (Err(CommandError::from(e)), Some(message))
            }
        };
        Shared {
            workspace: Mutex::new(workspace),
            notice: Mutex::new(notice),
        }
    }

    /// Runs `f` on the workspace.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<T, CommandError>,
    ) -> Result<T, CommandError> {
        let mut guard = self.workspace.lock().unwrap_or_else(|p| p.into_inner());
        match guard.as_mut() {
            Ok(ws) => f(ws),
            Err(e) => Err(e.clone()),
        }
    }

    pub fn take_notice(&self) -> Option<String> {
        self.notice.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}
