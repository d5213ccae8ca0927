//! Simulation runs from the desktop: the user's settings mapped to the engine's options
//! exactly as `headroom simulate` maps its flags, progress a few times a second with the
//! time left, cancellation, and the result kept in the workspace with the revision it is
//! of — so the panel can show past runs of the model as it stands.
//!
//! A run is of a revision: the project's revision whose text is the model's canonical
//! YAML (or whose model, written in canonical form, is; a file imported as it was need
//! not be canonical). A model with unsaved edits has none, so one is recorded for it
//! (the file is not touched), and the edits stay the working copy, offered back after a
//! crash as before.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{ErrorKind, HasKind};
use crate::sim::{self, SimError, SimReport, SimSettings};
use crate::spec::{self, export, Spec};
use crate::store::{
    content_hash, ProjectId, RevisionSummary, RunId, RunKind, RunSummary, StoreError, Workspace,
};

/// Progress reaches the caller at most this often (plus once at the end).
pub const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// How many past runs of a revision are listed.
pub const PAST_RUNS_LISTED: usize = 50;

/// The message of a revision recorded for a model with unsaved edits.
pub const UNSAVED_REVISION_MESSAGE: &str = "Unsaved edits, kept with a simulation run";

/// Progress of a run, as the progress bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
pub struct SimProgress {
    /// 0 to 1.
    pub fraction: f64,
    #[ts(type = "number")]
    pub requests_done: u64,
    #[ts(type = "number")]
    pub requests_total: u64,
    pub replications_done: u32,
    pub replications: u32,
    /// Seconds since the run started.
    pub elapsed_s: f64,
    /// Estimated seconds left; none until there is enough to go on.
    pub remaining_s: Option<f64>,
}

/// The analysis's figures for a class, beside the simulated ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AnalyticClass {
    pub name: String,
    pub mean_latency_ms: Option<f64>,
    pub p50_latency_ms: Option<f64>,
    pub p95_latency_ms: Option<f64>,
    pub p99_latency_ms: Option<f64>,
    pub p99_target_ms: Option<f64>,
}

/// What a run produced; kept as the run's JSON in the workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimulationResult {
    pub settings: SimSettings,
    /// What `headroom simulate --json` prints for the same settings.
    pub report: SimReport,
    /// The load (times peak) the analytic figures are of: the scenario's steady load
    /// (1 for ramps and daily runs).
    pub analytic_load: f64,
    /// The analysis at `analytic_load`, per class; empty when it cannot be had.
    pub analytic: Vec<AnalyticClass>,
}

/// A run kept in the workspace, with the revision it is of.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StoredSimulation {
    pub run: RunSummary,
    pub revision: RevisionSummary,
    /// The revision was recorded for this run (the model had unsaved edits).
    pub revision_created: bool,
    pub result: SimulationResult,
}

/// A past run, as a list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PastSimulation {
    pub run: RunSummary,
    pub settings: SimSettings,
    pub wall_seconds: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum SimulationError {
    #[error(transparent)]
    InvalidModel(#[from] super::ModelProblems),
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("run {0} is not a simulation")]
    NotASimulation(RunId),
    #[error("run {id} cannot be read: {message}")]
    Unreadable { id: RunId, message: String },
}

impl HasKind for SimulationError {
    fn kind(&self) -> ErrorKind {
        match self {
            SimulationError::InvalidModel(_) => ErrorKind::InvalidSpec,
            SimulationError::Sim(e) => e.kind(),
            SimulationError::Store(e) => e.kind(),
            SimulationError::NotASimulation(_) => ErrorKind::NotASimulation,
            SimulationError::Unreadable { .. } => ErrorKind::Unreadable,
        }
    }
}

/// The model as a save writes it: what a revision of it holds.
pub fn canonical_yaml(spec: &Spec, header: &[String]) -> String {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    export::to_yaml(spec, &header)
}

/// Simulates the model with `settings`. The model goes through the same checks as a
/// file (`headroom simulate` refuses an invalid spec too). `progress` is called on this
/// thread at most every [`PROGRESS_EVERY`], and with a fraction of 1 when the run is
/// done; setting `cancel` ends the run within moments with [`SimError::Cancelled`].
pub fn simulate(
    spec: &Spec,
    header: &[String],
    settings: &SimSettings,
    progress: &dyn Fn(SimProgress),
    cancel: &AtomicBool,
) -> Result<SimulationResult, SimulationError> {
    let started = Instant::now();
    let model = super::as_saved(spec, header, "simulating")?;
    let opts = settings.options()?;
    if cancel.load(Ordering::Relaxed) {
        return Err(SimError::Cancelled.into());
    }

    let last = Cell::new(None::<Instant>);
    let total = Cell::new(opts.requests * u64::from(opts.replications));
    let throttled = |p: sim::Progress| {
        total.set(p.requests_total);
        let now = Instant::now();
        if last.get().is_some_and(|t| now - t < PROGRESS_EVERY) {
            return;
        }
        last.set(Some(now));
        progress(progress_of(&p, started.elapsed()));
    };
    let report = sim::simulate(&model, &opts, &throttled, cancel)?;
    progress(SimProgress {
        fraction: 1.0,
        requests_done: total.get(),
        requests_total: total.get(),
        replications_done: opts.replications,
        replications: opts.replications,
        elapsed_s: started.elapsed().as_secs_f64(),
        remaining_s: Some(0.0),
    });

    let analytic_load = settings.scenario.steady_load();
    Ok(SimulationResult {
        settings: settings.clone(),
        report,
        analytic_load,
        analytic: analytic_classes(&model, analytic_load),
    })
}

fn progress_of(p: &sim::Progress, elapsed: Duration) -> SimProgress {
    let elapsed_s = elapsed.as_secs_f64();
    let f = p.fraction.clamp(0.0, 1.0);
    SimProgress {
        fraction: f,
        requests_done: p.requests_done,
        requests_total: p.requests_total,
        replications_done: p.replications_done,
        replications: p.replications,
        elapsed_s,
        // A linear estimate, once a little of the run is done.
        remaining_s: (f >= 0.02 && elapsed_s >= 0.2).then(|| elapsed_s * (1.0 - f) / f),
    }
}

/// The analysis of `model` with every class at `load` times its rate.
fn analytic_classes(model: &Spec, load: f64) -> Vec<AnalyticClass> {
    let mut scaled = model.clone();
    for c in &mut scaled.workload.classes {
        c.rate_rps = c.rate_rps.map(|r| r * load);
    }
    match crate::analysis::analyze(&scaled) {
        Ok(a) => a
            .classes
            .into_iter()
            .map(|c| AnalyticClass {
                name: c.name,
                mean_latency_ms: c.mean_latency_ms,
                p50_latency_ms: c.p50_latency_ms,
                p95_latency_ms: c.p95_latency_ms,
                p99_latency_ms: c.p99_latency_ms,
                p99_target_ms: c.p99_target_ms,
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The project's revision that holds this model: the one whose text is its canonical
/// YAML, else the newest whose model written in canonical form is (a file imported byte
/// for byte). None when the model has unsaved edits no revision holds.
pub fn revision_of(
    ws: &Workspace,
    project: ProjectId,
    spec: &Spec,
    header: &[String],
) -> Result<Option<RevisionSummary>, SimulationError> {
    let yaml = canonical_yaml(spec, header);
    let hash = content_hash(&yaml);
    let revisions = ws.revisions(project)?;
    if let Some(r) = revisions.iter().find(|r| r.hash == hash) {
        return Ok(Some(r.clone()));
    }
    for r in revisions {
        let text = ws.revision(r.id)?.yaml;
        let Some(model) = spec::check("revision", text.as_bytes()).spec else {
            continue;
        };
        if export::to_yaml(&model, &export::leading_comments(&text)) == yaml {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// Keeps `result` as a run of the model's revision, recording a revision for a model
/// with unsaved edits. `has_file`: the model is kept in a file, which then still lacks
/// the edits, so they stay the working copy (offered back after a crash).
pub fn record(
    ws: &mut Workspace,
    project: ProjectId,
    spec: &Spec,
    header: &[String],
    has_file: bool,
    result: &SimulationResult,
) -> Result<StoredSimulation, SimulationError> {
    let (revision, revision_created) = match revision_of(ws, project, spec, header)? {
        Some(r) => (r, false),
        None => {
            let yaml = canonical_yaml(spec, header);
            let saved = ws.save_revision(project, &yaml, UNSAVED_REVISION_MESSAGE)?;
            if has_file {
                ws.keep_working_copy(project, &yaml)?;
            }
            (saved.revision, saved.created)
        }
    };
    let json = serde_json::to_value(result).map_err(|e| SimulationError::Unreadable {
        id: 0,
        message: e.to_string(),
    })?;
    let run = ws.record_run(revision.id, RunKind::Simulation, &json)?;
    Ok(StoredSimulation {
        run,
        revision,
        revision_created,
        result: result.clone(),
    })
}

/// The simulation runs of the model's revision, newest first (none while no revision
/// holds the model).
pub fn past_runs(
    ws: &Workspace,
    project: ProjectId,
    spec: &Spec,
    header: &[String],
) -> Result<Vec<PastSimulation>, SimulationError> {
    let Some(revision) = revision_of(ws, project, spec, header)? else {
        return Ok(Vec::new());
    };
    #[derive(Deserialize)]
    struct Head {
        settings: SimSettings,
        report: ReportHead,
    }
    #[derive(Deserialize)]
    struct ReportHead {
        wall_seconds: f64,
    }
    let mut out = Vec::new();
    for summary in ws.runs(revision.id)? {
        if summary.kind != RunKind::Simulation {
            continue;
        }
        // A run this version cannot read is left out of the list, not an error.
        if let Ok(head) = serde_json::from_value::<Head>(ws.run(summary.id)?.result) {
            out.push(PastSimulation {
                run: summary,
                settings: head.settings,
                wall_seconds: head.report.wall_seconds,
            });
        }
        if out.len() == PAST_RUNS_LISTED {
            break;
        }
    }
    Ok(out)
}

/// A stored simulation run.
pub fn load_run(ws: &Workspace, id: RunId) -> Result<StoredSimulation, SimulationError> {
    let run = ws.run(id)?;
    if run.summary.kind != RunKind::Simulation {
        return Err(SimulationError::NotASimulation(id));
    }
    let result: SimulationResult =
        serde_json::from_value(run.result).map_err(|e| SimulationError::Unreadable {
            id,
            message: e.to_string(),
        })?;
    let revision = ws.revision(run.summary.revision_id)?.summary;
    Ok(StoredSimulation {
        run: run.summary,
        revision,
        revision_created: false,
        result,
    })
}
