//! Textbook models and helpers shared by the analysis and simulation tests, so both are
//! held to the very same specs.

use headroom::analysis::{analyze, Analysis, ClassReport};
use headroom::sim::{simulate, SimClass, SimOptions, SimReport};
use headroom::spec::Spec;

use super::models::model;

/// The Jackson network at 100 req/s: gateway (1 server, 4 ms) -> service
/// (2 servers, 12.5 ms) -> db (1 server, 3.2 ms, 2.5 calls per request).
pub const JACKSON: &str = "\
version: 1
name: jackson
workload:
  classes:
    - { name: web, rate_rps: 100, entry: gateway }
components:
  - { name: gateway, kind: load_balancer, service_time_ms: 4 }
  - { name: service, kind: service, concurrency: 2, service_time_ms: 12.5 }
  - { name: db, kind: database, service_time_ms: 3.2 }
dependencies:
  - { from: gateway, to: service }
  - { from: service, to: db, calls: 2.5 }
";

/// One class at `rate` entering one service with the given shape.
pub fn single(rate: f64, service: &str) -> String {
    format!(
        "version: 1\nname: t\nworkload:\n  classes:\n    - {{ name: web, rate_rps: {rate}, entry: svc }}\n\
         components:\n  - {{ name: svc, kind: service, {service} }}\n"
    )
}

/// The analysis of a spec that must be valid.
pub fn analysis_of(yaml: &str) -> Analysis {
    analyze(&model(yaml)).unwrap()
}

/// Half the width of a simulated 95 % interval (0 without one).
pub fn half_width(ci: Option<[f64; 2]>) -> f64 {
    ci.map_or(0.0, |[lo, hi]| (hi - lo) / 2.0)
}

/// `got` within `rel` of `want`, relatively.
pub fn close(got: f64, want: f64, rel: f64) {
    assert!(
        ((got - want) / want).abs() <= rel,
        "got {got}, want {want} (rel {rel})"
    );
}

/// A class's analytic mean, p50 and p99 against the simulated: within 5 %, or within
/// the simulation's 95 % interval where that is wider (a short run's p99).
pub fn class_agrees(what: &str, ac: &ClassReport, sc: &SimClass) {
    for (figure, analytic, simulated, ci) in [
        (
            "mean",
            ac.mean_latency_ms,
            sc.mean_latency_ms,
            sc.mean_latency_ms_ci95,
        ),
        (
            "p50",
            ac.p50_latency_ms,
            sc.p50_latency_ms,
            sc.p50_latency_ms_ci95,
        ),
        (
            "p99",
            ac.p99_latency_ms,
            sc.p99_latency_ms,
            sc.p99_latency_ms_ci95,
        ),
    ] {
        let (analytic, simulated) = (analytic.unwrap(), simulated.unwrap());
        let tolerance = (0.05 * simulated).max(half_width(ci));
        assert!(
            (analytic - simulated).abs() <= tolerance,
            "{what}/{}: {figure} analytic {analytic:.2} ms, simulated {simulated:.2} ms {ci:?}",
            ac.name
        );
    }
}

/// `spec` simulated in four replications of `requests` each, from `seed`.
pub fn simulated(spec: &Spec, requests: u64, seed: u64) -> SimReport {
    let opts = SimOptions {
        requests,
        seed,
        replications: 4,
        ..SimOptions::default()
    };
    simulate(
        spec,
        &opts,
        &|_| {},
        &std::sync::atomic::AtomicBool::new(false),
    )
    .unwrap()
}
