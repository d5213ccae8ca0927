//! Simulation runs from the desktop, without Tauri: the settings mean what the CLI's
//! flags mean (the numbers are `headroom simulate --json`'s for the same options),
//! progress reaches the end, cancel stops a run at once, and a run is kept with the
//! revision that holds the model.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headroom::editor::simulation::{
    self as simulation, SimProgress, SimulationError, UNSAVED_REVISION_MESSAGE,
};
use headroom::editor::{self};
use headroom::error::{ErrorKind, HasKind};
use headroom::sim::{FailureTarget, SimError, SimScenario, SimSettings};
use headroom::spec::{self, export, Spec};
use headroom::store::{content_hash, RunKind};

use crate::common::shop::{shop, SHOP};
use crate::common::workspace;

fn settings(requests: u64, seed: u64, replications: u32, scenario: SimScenario) -> SimSettings {
    SimSettings {
        requests,
        seed,
        replications,
        scenario,
        ..SimSettings::default()
    }
}

/// A failure target as `--fail` reads it.
fn target(text: &str) -> FailureTarget {
    text.parse().unwrap()
}

fn steady() -> SimScenario {
    SimScenario::Steady { load: 1.0 }
}

fn run(model: &Spec, s: &SimSettings) -> Result<simulation::SimulationResult, SimulationError> {
    simulation::simulate(model, &[], s, &|_| {}, &AtomicBool::new(false))
}

/// `headroom simulate --json ARGS... SPEC`, parsed.
fn cli_json(spec: &str, args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("simulate")
        .arg("--json")
        .args(args)
        .arg(spec)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `value` as JSON text read back: serde_json reads some 17-digit numbers to a
/// neighbouring float, so both sides of a comparison go through text the same way.
fn through_text<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::from_str(&serde_json::to_string(value).unwrap()).unwrap()
}

/// A report's JSON without what depends on the machine (wall time).
fn numbers(mut v: serde_json::Value) -> serde_json::Value {
    let o = v.as_object_mut().unwrap();
    o.remove("wall_seconds");
    o.remove("events_per_second");
    v
}

#[test]
fn results_are_the_clis_for_the_same_seed_and_options() {
    let model = shop();
    let cases: Vec<(SimSettings, Vec<&str>)> = vec![
        (
            settings(20_000, 7, 3, steady()),
            vec!["--requests", "20000", "--seed", "7", "--replications", "3"],
        ),
        (
            settings(15_000, 3, 2, SimScenario::Steady { load: 1.5 }),
            vec![
                "--requests",
                "15000",
                "--seed",
                "3",
                "--replications",
                "2",
                "--load",
                "1.5",
            ],
        ),
        (
            settings(20_000, 11, 2, SimScenario::Ramp { from: 0.5, to: 3.0 }),
            vec![
                "--scenario",
                "ramp",
                "--ramp-from",
                "0.5",
                "--ramp-to",
                "3",
                "--requests",
                "20000",
                "--seed",
                "11",
                "--replications",
                "2",
            ],
        ),
        (
            settings(
                20_000,
                5,
                2,
                SimScenario::Failure {
                    load: 1.0,
                    targets: vec![target("payments")],
                    from_s: Some(2.0),
                    to_s: Some(4.0),
                },
            ),
            vec![
                "--scenario",
                "failure",
                "--fail",
                "payments",
                "--fail-from",
                "2",
                "--fail-to",
                "4",
                "--requests",
                "20000",
                "--seed",
                "5",
                "--replications",
                "2",
            ],
        ),
        (
            // A replica down over the default window (40 % to 60 % of the run), in
            // 20 windows.
            SimSettings {
                windows: Some(20),
                warmup: 0.2,
                ..settings(
                    10_000,
                    2,
                    2,
                    SimScenario::Failure {
                        load: 1.2,
                        targets: vec![target("api/0")],
                        from_s: None,
                        to_s: None,
                    },
                )
            },
            vec![
                "--scenario",
                "failure",
                "--fail",
                "api/0",
                "--load",
                "1.2",
                "--windows",
                "20",
                "--warmup",
                "0.2",
                "--requests",
                "10000",
                "--seed",
                "2",
                "--replications",
                "2",
            ],
        ),
    ];
    for (s, args) in cases {
        let ours = run(&model, &s).unwrap();
        let theirs = cli_json(SHOP, &args);
        assert_eq!(
            numbers(through_text(&ours.report)),
            numbers(theirs),
            "{args:?}"
        );
        let windows = ours.report.windows.len();
        match s.scenario {
            SimScenario::Steady { .. } => assert_eq!(windows, 0),
            _ => assert_eq!(windows, s.windows.unwrap_or(50) as usize, "{args:?}"),
        }
    }
}

#[test]
fn each_class_carries_its_histogram_and_the_analytic_figures() {
    let model = shop();
    let s = settings(20_000, 1, 2, steady());
    let result = run(&model, &s).unwrap();
    let analysis = headroom::analysis::analyze(&model).unwrap();
    assert_eq!(result.analytic_load, 1.0);
    assert_eq!(result.analytic.len(), analysis.classes.len());
    for (ours, a) in result.analytic.iter().zip(&analysis.classes) {
        assert_eq!(ours.name, a.name);
        assert_eq!(ours.p50_latency_ms, a.p50_latency_ms);
        assert_eq!(ours.p99_latency_ms, a.p99_latency_ms);
        assert_eq!(ours.mean_latency_ms, a.mean_latency_ms);
        assert_eq!(ours.p99_target_ms, a.p99_target_ms);
    }
    for c in &result.report.classes {
        let h = &c.latency_histogram;
        assert!(!h.is_empty(), "{}", c.name);
        // Every answered request of every replication, once.
        let counted: u64 = h.iter().map(|b| b.count).sum();
        assert!(
            (counted as f64 - c.completed * 2.0).abs() < 1e-6,
            "{}: {counted} vs {}",
            c.name,
            c.completed
        );
        for w in h.windows(2) {
            assert_eq!(w[0].hi_ms, w[1].lo_ms);
        }
        // The simulated p50 lies in the bucket where the counts pass half.
        let p50 = c.p50_latency_ms.unwrap();
        let mut seen = 0;
        let half = h
            .iter()
            .find(|b| {
                seen += b.count;
                2 * seen >= counted
            })
            .unwrap();
        assert!(
            half.lo_ms * 0.95 <= p50 && p50 <= half.hi_ms * 1.05,
            "{}: p50 {p50} vs {half:?}",
            c.name
        );
    }

    // At twice the load, the analytic side is the analysis of the model at twice its
    // rates.
    let doubled = run(
        &model,
        &settings(5_000, 1, 2, SimScenario::Steady { load: 2.0 }),
    )
    .unwrap();
    let mut scaled = model.clone();
    for c in &mut scaled.workload.classes {
        c.rate_rps = c.rate_rps.map(|r| r * 2.0);
    }
    let a2 = headroom::analysis::analyze(&scaled).unwrap();
    assert_eq!(doubled.analytic_load, 2.0);
    for (ours, a) in doubled.analytic.iter().zip(&a2.classes) {
        assert_eq!(ours.p99_latency_ms, a.p99_latency_ms, "{}", a.name);
    }
}

#[test]
fn progress_is_throttled_only_grows_and_ends_at_one() {
    let model = shop();
    let seen: Mutex<Vec<(Instant, SimProgress)>> = Mutex::new(Vec::new());
    let s = settings(400_000, 1, 4, steady());
    simulation::simulate(
        &model,
        &[],
        &s,
        &|p| seen.lock().unwrap().push((Instant::now(), p)),
        &AtomicBool::new(false),
    )
    .unwrap();
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 2, "{} updates", seen.len());
    let (_, last) = seen.last().unwrap();
    assert_eq!(last.fraction, 1.0);
    assert_eq!(last.requests_done, last.requests_total);
    assert_eq!(last.replications_done, 4);
    assert_eq!(last.remaining_s, Some(0.0));
    // 4 replications of 400,000 measured requests and a tenth as many for warm-up.
    assert_eq!(last.requests_total, 4 * 440_000);
    for w in seen.windows(2) {
        assert!(w[1].1.fraction >= w[0].1.fraction, "{:?}", w);
        assert!(w[1].1.elapsed_s >= w[0].1.elapsed_s);
    }
    // At most one update per PROGRESS_EVERY, the final one aside.
    for w in seen[..seen.len() - 1].windows(2) {
        let gap = w[1].0 - w[0].0;
        assert!(
            gap >= simulation::PROGRESS_EVERY - Duration::from_millis(5),
            "{gap:?}"
        );
    }
    for (_, p) in &seen {
        assert!((0.0..=1.0).contains(&p.fraction));
        if let Some(r) = p.remaining_s {
            assert!(r >= 0.0 && r.is_finite());
        }
    }
}

#[test]
fn cancel_stops_a_long_run_at_once_and_says_so() {
    let model = shop();
    // About a minute of work, within the default event budget.
    let s = settings(10_000_000, 1, 4, steady());
    let cancel = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let handle = {
        let cancel = Arc::clone(&cancel);
        let s = s.clone();
        std::thread::spawn(move || {
            let progressed = AtomicBool::new(false);
            let r = simulation::simulate(
                &model,
                &[],
                &s,
                &|_| progressed.store(true, Ordering::Relaxed),
                &cancel,
            );
            (r, progressed.load(Ordering::Relaxed))
        })
    };
    std::thread::sleep(Duration::from_millis(700));
    let asked = Instant::now();
    cancel.store(true, Ordering::Relaxed);
    let (result, progressed) = handle.join().unwrap();
    let took = asked.elapsed();
    let err = result.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(matches!(err, SimulationError::Sim(SimError::Cancelled)));
    assert!(progressed, "progress was reported before the cancel");
    assert!(
        took < Duration::from_secs(2),
        "stopped {took:?} after cancel"
    );
    assert!(started.elapsed() < Duration::from_secs(10));

    // Cancelled before it starts: nothing runs.
    let cancelled = AtomicBool::new(true);
    let t = Instant::now();
    let err = simulation::simulate(&shop(), &[], &s, &|_| {}, &cancelled).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(t.elapsed() < Duration::from_secs(1));
}

#[test]
fn bad_settings_and_models_are_refused_with_a_kind() {
    let model = shop();
    let fail = |targets: Vec<&str>| {
        settings(
            1000,
            1,
            2,
            SimScenario::Failure {
                load: 1.0,
                targets: targets.into_iter().map(target).collect(),
                from_s: None,
                to_s: None,
            },
        )
    };
    let kind = |m: &Spec, s: &SimSettings| run(m, s).unwrap_err().kind();
    assert_eq!(kind(&model, &fail(vec![])), ErrorKind::BadSettings);
    // A target the command line's grammar cannot read cannot be sent either: the
    // settings do not deserialize.
    for text in ["api/one", "zone:x"] {
        assert!(text.parse::<FailureTarget>().is_err(), "{text}");
        assert!(serde_json::from_value::<FailureTarget>(serde_json::json!(text)).is_err());
    }
    assert_eq!(
        kind(&model, &fail(vec!["nowhere"])),
        ErrorKind::UnknownComponent
    );
    assert_eq!(kind(&model, &fail(vec!["api/99"])), ErrorKind::BadSettings);
    assert_eq!(
        kind(&model, &settings(0, 1, 2, steady())),
        ErrorKind::BadSettings
    );
    assert_eq!(
        kind(&model, &settings(100, 1, 5000, steady())),
        ErrorKind::BadSettings
    );
    let backwards = settings(
        1000,
        1,
        2,
        SimScenario::Failure {
            load: 1.0,
            targets: vec![target("api")],
            from_s: Some(5.0),
            to_s: Some(1.0),
        },
    );
    assert_eq!(kind(&model, &backwards), ErrorKind::BadSettings);

    let mut idle = model.clone();
    for c in &mut idle.workload.classes {
        c.rate_rps = Some(0.0);
    }
    let err = run(&idle, &settings(1000, 1, 2, steady())).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NoLoad);
    assert!(err.to_string().contains("no request class"), "{err}");

    let mut broken = model.clone();
    broken.components[1].replicas = Some(0);
    let err = run(&broken, &settings(1000, 1, 2, steady())).unwrap_err();
    // The one refusal of a model with problems (editor::saved): the kind and the words
    // the report's export and the planner give too.
    assert_eq!(err.kind(), ErrorKind::InvalidSpec);
    assert!(
        err.to_string()
            .starts_with("the model has 1 problem; fix it before simulating: "),
        "{err}"
    );
    // A daily run needs the workload's daily profile.
    let mut flat = model.clone();
    flat.workload.daily_profile = None;
    assert_eq!(
        kind(&flat, &settings(1000, 1, 2, SimScenario::Daily)),
        ErrorKind::BadSettings
    );
}

/// What the app sends: the document's model after a trip through JSON.
fn over_ipc(model: &Spec) -> Spec {
    serde_json::from_value(serde_json::to_value(model).unwrap()).unwrap()
}

#[test]
fn a_run_is_kept_with_the_revision_that_holds_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("shop.yaml");
    std::fs::copy(SHOP, &file).unwrap();
    let original = std::fs::read(&file).unwrap();
    let mut ws = workspace(&dir);
    let doc = editor::open_file(&mut ws, &file).unwrap();
    let project = doc.project.id;
    let imported = doc.project.head_revision_id.unwrap();
    let model = over_ipc(doc.view.spec.as_ref().unwrap());
    let header = doc.header.clone();
    assert!(!header.is_empty(), "shop.yaml starts with comments");
    let s = settings(3_000, 4, 2, steady());
    let result =
        simulation::simulate(&model, &header, &s, &|_| {}, &AtomicBool::new(false)).unwrap();

    // The file as opened is not in canonical form, yet its revision holds the model.
    assert_ne!(
        content_hash(&simulation::canonical_yaml(&model, &header)),
        ws.revision(imported).unwrap().summary.hash
    );
    let first = simulation::record(&mut ws, project, &model, &header, true, &result).unwrap();
    assert_eq!(first.revision.id, imported);
    assert!(!first.revision_created);
    assert_eq!(first.run.kind, RunKind::Simulation);
    assert_eq!(first.run.revision_id, imported);
    let second = simulation::record(&mut ws, project, &model, &header, true, &result).unwrap();
    assert_eq!(second.revision.id, imported);
    assert_eq!(ws.revisions(project).unwrap().len(), 1);
    assert!(ws.working_copy(project).unwrap().is_none());

    // An edited, unsaved model: a new revision of its canonical text; the file is left
    // alone and the edits stay the working copy.
    let mut edited = model.clone();
    edited
        .components
        .iter_mut()
        .find(|c| c.name == "api")
        .unwrap()
        .replicas = Some(9);
    let yaml = simulation::canonical_yaml(&edited, &header);
    let r2 = simulation::simulate(&edited, &header, &s, &|_| {}, &AtomicBool::new(false)).unwrap();
    let third = simulation::record(&mut ws, project, &edited, &header, true, &r2).unwrap();
    assert!(third.revision_created);
    assert_ne!(third.revision.id, imported);
    assert_eq!(third.revision.hash, content_hash(&yaml));
    assert_eq!(third.revision.message, UNSAVED_REVISION_MESSAGE);
    assert_eq!(ws.revision(third.revision.id).unwrap().yaml, yaml);
    assert_eq!(std::fs::read(&file).unwrap(), original);
    assert_eq!(ws.working_copy(project).unwrap().unwrap().yaml, yaml);
    // The same edited model again: the same revision.
    let fourth = simulation::record(&mut ws, project, &edited, &header, true, &r2).unwrap();
    assert_eq!(fourth.revision.id, third.revision.id);
    assert!(!fourth.revision_created);
    assert_eq!(ws.revisions(project).unwrap().len(), 2);

    // Past runs follow the model: the original's two, the edited one's two, newest first.
    let past = simulation::past_runs(&ws, project, &model, &header).unwrap();
    assert_eq!(
        past.iter().map(|p| p.run.id).collect::<Vec<_>>(),
        vec![second.run.id, first.run.id]
    );
    assert_eq!(past[0].settings, s);
    let past = simulation::past_runs(&ws, project, &edited, &header).unwrap();
    assert_eq!(
        past.iter().map(|p| p.run.id).collect::<Vec<_>>(),
        vec![fourth.run.id, third.run.id]
    );
    let mut other = edited.clone();
    other.components[0].replicas = Some(3);
    assert!(simulation::past_runs(&ws, project, &other, &header)
        .unwrap()
        .is_empty());

    // A stored run reads back as it was.
    let loaded = simulation::load_run(&ws, third.run.id).unwrap();
    assert_eq!(through_text(&loaded.result), through_text(&r2));
    assert_eq!(loaded.result.settings, r2.settings);
    assert_eq!(loaded.revision.id, third.revision.id);
    assert_eq!(loaded.run, third.run);
    let not_sim = ws
        .record_run(imported, RunKind::Analysis, &serde_json::json!({}))
        .unwrap();
    assert_eq!(
        simulation::load_run(&ws, not_sim.id).unwrap_err().kind(),
        ErrorKind::NotASimulation
    );
    assert_eq!(
        simulation::load_run(&ws, 9999).unwrap_err().kind(),
        ErrorKind::NotFound
    );

    // The app closes without saving: the edits are offered back on reopening.
    drop(ws);
    let mut ws = workspace(&dir);
    let reopened = editor::open_file(&mut ws, &file).unwrap();
    let recovered = reopened
        .recovered
        .expect("the unsaved edits are offered back");
    assert_eq!(recovered.view.spec.as_ref(), Some(&edited));
    // Saving the edits makes no further revision of them.
    let saved = editor::save(
        &mut ws,
        project,
        &file,
        &edited,
        &header,
        reopened.file_hash.as_deref(),
    )
    .unwrap();
    // The save keeps the file's comments; the model is the run's.
    assert_eq!(
        spec::check("saved", saved.yaml.as_bytes())
            .into_result()
            .unwrap(),
        edited
    );
    assert_eq!(
        export::inner_comment_count(&saved.yaml),
        export::inner_comment_count(&String::from_utf8_lossy(&original))
    );
    assert!(ws.working_copy(project).unwrap().is_none());
    assert_eq!(
        simulation::revision_of(&ws, project, &edited, &header)
            .unwrap()
            .map(|r| r.hash),
        Some(content_hash(&yaml))
    );
}

#[test]
fn a_model_never_saved_gets_a_revision_and_no_working_copy() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = workspace(&dir);
    let doc = editor::new_document(&mut ws).unwrap();
    let model = shop();
    let s = settings(2_000, 1, 2, steady());
    let result = run(&model, &s).unwrap();
    let stored = simulation::record(&mut ws, doc.project.id, &model, &[], false, &result).unwrap();
    assert!(stored.revision_created);
    assert_eq!(
        ws.revision(stored.revision.id).unwrap().yaml,
        export::to_yaml(&model, &[])
    );
    assert!(ws.working_copy(doc.project.id).unwrap().is_none());
}
