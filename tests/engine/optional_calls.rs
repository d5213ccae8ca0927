//! Calls whose failure the caller ignores (`on_failure: ignore`): the request is served
//! degraded, not failed. Availability and the degraded share by hand, latency by the
//! closed form of a cut exponential, and the simulator against both.

use std::sync::atomic::AtomicBool;

use headroom::analysis::{analyze, FindingKind};
use headroom::sim::{simulate, Failure, FailureTarget, Scenario, SimOptions, SimReport};
use headroom::spec::{self, Spec};

use crate::common::models::{model, problems};

fn run(spec: &Spec, opts: &SimOptions) -> SimReport {
    simulate(spec, opts, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn close(got: f64, want: f64, rel: f64) {
    assert!(
        ((got - want) / want).abs() <= rel,
        "got {got}, want {want} (rel {rel})"
    );
}

/// A front calling its database (a failure fails the request), an ad server (an
/// external, 99 % available) and a recommender that calls an external of its own (98 %);
/// `ignore` on the ad and recommender calls when asked.
fn shop(ignore: bool) -> Spec {
    let on = if ignore { ", on_failure: ignore" } else { "" };
    model(&format!(
        "version: 1\nname: optional\nworkload:\n  classes:\n    - {{ name: web, rate_rps: 100, entry: front }}\n\
         components:\n  - {{ name: front, kind: service, concurrency: 8, service_time_ms: 2, availability: 100 }}\n\
         \x20 - {{ name: db, kind: database, concurrency: 8, service_time_ms: 2, availability: 99.9 }}\n\
         \x20 - {{ name: ads, kind: external, latency_ms: 20, availability: 99 }}\n\
         \x20 - {{ name: rec, kind: service, concurrency: 8, service_time_ms: 3, availability: 100 }}\n\
         \x20 - {{ name: ml, kind: external, latency_ms: 10, availability: 98 }}\n\
         dependencies:\n  - {{ from: front, to: db }}\n  - {{ from: front, to: ads{on} }}\n\
         \x20 - {{ from: front, to: rec{on} }}\n  - {{ from: rec, to: ml }}\n"
    ))
}

#[test]
fn an_ignored_failure_costs_no_availability_and_is_served_degraded() {
    let failing = analyze(&shop(false)).unwrap();
    let ignoring = analyze(&shop(true)).unwrap();
    // Failing: front 100 % · db 99.9 % · ads 99 % · ml 98 %.
    let f = &failing.classes[0];
    close(f.availability_percent, 100.0 * 0.999 * 0.99 * 0.98, 1e-12);
    assert_eq!(f.degraded_percent, 0.0);
    // Ignoring: only db counts; the request is degraded when ads or ml is down (the
    // recommender's own call fails it, and its failure is ignored), among those
    // answered: 0.999 · (1 - 0.99 · 0.98).
    let i = &ignoring.classes[0];
    close(i.availability_percent, 99.9, 1e-12);
    close(
        i.degraded_percent,
        100.0 * 0.999 * (1.0 - 0.99 * 0.98),
        1e-12,
    );
    let finding = ignoring
        .findings
        .iter()
        .find(|x| x.kind == FindingKind::Degraded)
        .expect("a degraded finding");
    assert!(
        finding.message.contains("2.9770 %") && finding.message.contains("ml's downtime"),
        "{}",
        finding.message
    );
    // The latency is the same either way: the fixed delays are taken, failed or not.
    close(i.mean_latency_ms.unwrap(), f.mean_latency_ms.unwrap(), 1e-9);
}

#[test]
fn the_simulator_serves_an_ignored_failure_degraded() {
    let opts = SimOptions {
        requests: 100_000,
        seed: 4,
        replications: 4,
        ..SimOptions::default()
    };
    // The simulator fails externals call by call (the pools stay up in steady state):
    // failing, 1 - 0.99 · 0.98 of the requests are errors; ignoring, none are, and as
    // many are degraded.
    let share = 100.0 * (1.0 - 0.99 * 0.98);
    let failing = run(&shop(false), &opts);
    let c = &failing.classes[0];
    close(100.0 - c.availability_percent.unwrap(), share, 0.1);
    assert_eq!(c.degraded_percent, Some(0.0));
    let ignoring = run(&shop(true), &opts);
    let c = &ignoring.classes[0];
    assert_eq!(c.errors, 0.0, "{c:?}");
    assert_eq!(c.availability_percent, Some(100.0));
    close(c.degraded_percent.unwrap(), share, 0.1);
}

#[test]
fn an_outage_behind_an_ignored_call_degrades_instead_of_failing() {
    // The recommender down for the middle fifth of the run: with its failure ignored,
    // no request fails, and the degraded share grows by about a fifth.
    let spec = shop(true);
    let mut opts = SimOptions {
        requests: 100_000,
        seed: 8,
        replications: 3,
        ..SimOptions::default()
    };
    let steady = run(&spec, &opts).classes[0].degraded_percent.unwrap();
    opts.scenario = Scenario::Failure {
        load: 1.0,
        failures: vec![Failure {
            target: FailureTarget::Component {
                component: "rec".into(),
            },
            from_s: None,
            to_s: None,
        }],
    };
    let r = run(&spec, &opts);
    let c = &r.classes[0];
    assert_eq!(c.errors, 0.0, "{c:?}");
    // While rec is down, every request is degraded; otherwise as in steady state.
    let want = 20.0 + 0.8 * steady;
    close(c.degraded_percent.unwrap(), want, 0.1);
}

#[test]
fn an_ignored_call_that_times_out_takes_its_timeout() {
    // An M/M/1 callee at ρ 0.5 (10 ms service, 50 req/s): its response is exponential
    // of mean 20 ms. Cut at 30 ms and ignored, the call takes min(X, 30) whatever
    // happens: mean 20 (1 - e^-1.5) = 15.537 ms; after the caller's fixed 5 ms.
    let spec = model(
        "version: 1\nname: cut\nworkload:\n  classes:\n    - { name: web, rate_rps: 50, entry: front }\n\
         components:\n  - { name: front, kind: external, latency_ms: 5 }\n\
         \x20 - { name: slow, kind: service, service_time_ms: 10 }\n\
         dependencies:\n  - { from: front, to: slow, timeout_ms: 30, on_failure: ignore }\n",
    );
    let want = 5.0 + 20.0 * (1.0 - (-1.5f64).exp());
    let a = analyze(&spec).unwrap();
    close(a.classes[0].mean_latency_ms.unwrap(), want, 5e-3);
    let r = run(
        &spec,
        &SimOptions {
            requests: 200_000,
            seed: 2,
            replications: 4,
            ..SimOptions::default()
        },
    );
    let c = &r.classes[0];
    assert_eq!(c.errors, 0.0);
    close(c.mean_latency_ms.unwrap(), want, 0.02);
    // The simulator counts each timed-out call as degraded: P(X > 30) = e^-1.5.
    close(c.degraded_percent.unwrap(), 100.0 * (-1.5f64).exp(), 0.05);
}

#[test]
fn on_failure_applies_to_sync_calls_only() {
    let text = "version: 1\nname: q\nworkload:\n  classes:\n    - { name: web, rate_rps: 5, entry: api }\n\
         components:\n  - { name: api, kind: service, service_time_ms: 1 }\n\
         \x20 - { name: jobs, kind: queue }\n\
         dependencies:\n  - { from: api, to: jobs, mode: async, on_failure: ignore }\n";
    let errors = problems(text);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("dependencies[0].on_failure")
                && e.contains("applies to a sync call")),
        "{errors:?}"
    );
    let bad = text.replace("mode: async, on_failure: ignore", "on_failure: maybe");
    let checked = spec::check("q.yaml", bad.as_bytes());
    let text: Vec<String> = checked
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    assert!(
        text.iter()
            .any(|m| m.contains("fail") && m.contains("ignore")),
        "{text:?}"
    );
}

#[test]
fn a_store_the_request_needs_anyway_degrades_nothing_when_down() {
    // db is called by the front (a failure fails the request) and by the optional
    // recommender: its downtime fails the request, which is its availability's, and
    // degrades none; the recommender itself never goes down.
    let spec = model(
        "version: 1\nname: both\nworkload:\n  classes:\n    - { name: web, rate_rps: 10, entry: front }\n\
         components:\n  - { name: front, kind: service, service_time_ms: 1, availability: 100 }\n\
         \x20 - { name: rec, kind: service, service_time_ms: 1, availability: 100 }\n\
         \x20 - { name: db, kind: database, concurrency: 4, service_time_ms: 1, availability: 99 }\n\
         dependencies:\n  - { from: front, to: db }\n  - { from: front, to: rec, on_failure: ignore }\n\
         \x20 - { from: rec, to: db }\n",
    );
    let a = analyze(&spec).unwrap();
    close(a.classes[0].availability_percent, 99.0, 1e-12);
    assert_eq!(a.classes[0].degraded_percent, 0.0);
}
