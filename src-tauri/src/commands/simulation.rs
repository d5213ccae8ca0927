//! Simulation runs: started on a blocking thread with progress streamed to the window,
//! cancelled by their token, kept in the workspace with the model's revision.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use headroom::editor::simulation::{self, PastSimulation, SimProgress, StoredSimulation};
use headroom::error::ErrorKind;
use headroom::sim::SimSettings;
use headroom::spec::Spec;
use headroom::store::{ProjectId, RunId};
use headroom::view::CommandError;
use tauri::ipc::Channel;
use tauri::State;

use crate::workspace::Shared;

/// The runs under way, by the token the window gave each; their cancel flags.
#[derive(Default)]
pub struct Running(Mutex<HashMap<String, Arc<AtomicBool>>>);

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Takes a run's token off the list however the command ends; a command dropped before
/// its run ended (the window went away) stops the run too.
struct Registered<'a> {
    running: &'a Running,
    token: String,
    cancel: Arc<AtomicBool>,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
        self.running.lock().remove(&self.token);
    }
}

/// Simulates the model and keeps the result with its revision; progress goes to
/// `on_progress` a few times a second. A cancelled run fails with kind `cancelled` and
/// keeps nothing.
#[allow(clippy::too_many_arguments)]
#[tauri::command]
pub async fn start_simulation(
    run_token: String,
    project: ProjectId,
    spec: Spec,
    header: Vec<String>,
    has_file: bool,
    settings: SimSettings,
    on_progress: Channel<SimProgress>,
    ws: State<'_, Shared>,
    running: State<'_, Running>,
) -> Result<StoredSimulation, CommandError> {
    // A result that could not be kept would be lost at the end: find that out first.
    ws.with(|_| Ok(()))?;
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut runs = running.lock();
        if runs.contains_key(&run_token) {
            return Err(CommandError::new(
                ErrorKind::Busy,
                format!("a simulation with token {run_token} is already running"),
            ));
        }
        runs.insert(run_token.clone(), Arc::clone(&cancel));
    }
    let _registered = Registered {
        running: &running,
        token: run_token,
        cancel: Arc::clone(&cancel),
    };
    let result = {
        let (spec, header) = (spec.clone(), header.clone());
        super::off_main("the simulation", move || {
            simulation::simulate(
                &spec,
                &header,
                &settings,
                &|p| {
                    // A window that has gone away just stops hearing.
                    let _ = on_progress.send(p);
                },
                &cancel,
            )
        })
        .await?
    };
    ws.with(|ws| {
        Ok(simulation::record(
            ws, project, &spec, &header, has_file, &result,
        )?)
    })
}

/// Asks the run with `run_token` to stop; false when no such run is under way.
#[tauri::command]
pub fn cancel_simulation(run_token: String, running: State<'_, Running>) -> bool {
    match running.lock().get(&run_token) {
        Some(flag) => {
            flag.store(true, Ordering::Relaxed);
            true
        }
        None => false,
    }
}

/// The simulation runs of the revision that holds the model, newest first.
#[tauri::command]
pub fn past_simulations(
    project: ProjectId,
    spec: Spec,
    header: Vec<String>,
    ws: State<'_, Shared>,
) -> Result<Vec<PastSimulation>, CommandError> {
    ws.with(|ws| Ok(simulation::past_runs(ws, project, &spec, &header)?))
}

/// A stored simulation run.
#[tauri::command]
pub fn load_simulation(
    run: RunId,
    ws: State<'_, Shared>,
) -> Result<StoredSimulation, CommandError> {
    ws.with(|ws| Ok(simulation::load_run(ws, run)?))
}
