//! The simulator held to closed forms (within the 95 % interval of its replications),
//! to the analysis on every example model, and to its own contract: determinism,
//! cancellation, ramps and failures.

use std::sync::atomic::AtomicBool;

use headroom::sim::{simulate, Failure, FailureTarget, Scenario, SimError, SimOptions, SimReport};
use headroom::spec::{self, Spec};

fn model(yaml: &str) -> Spec {
    spec::check("test.yaml", yaml.as_bytes())
        .into_result()
        .unwrap_or_else(|d| panic!("{d:#?}"))
}

fn run(spec: &Spec, opts: &SimOptions) -> SimReport {
    simulate(spec, opts, &|_| {}, &AtomicBool::new(false)).unwrap()
}

fn steady(requests: u64, seed: u64) -> SimOptions {
    SimOptions {
        requests,
        seed,
        replications: 6,
        ..SimOptions::default()
    }
}

/// The closed form lies within the 95 % interval of the replications.
fn within(what: &str, ci: Option<[f64; 2]>, want: f64) {
    let [lo, hi] = ci.unwrap_or_else(|| panic!("{what}: no interval"));
    assert!(
        lo <= want && want <= hi,
        "{what}: {want} outside the 95 % interval [{lo}, {hi}]"
    );
}

/// One class at `rate` entering one service with the given shape.
fn single(rate: f64, service: &str) -> String {
    format!(
        "version: 1\nname: t\nworkload:\n  classes:\n    - {{ name: web, rate_rps: {rate}, entry: svc }}\n\
         components:\n  - {{ name: svc, kind: service, {service} }}\n"
    )
}

#[test]
fn mm1_mean_and_p99() {
    // λ = 80/s, S = 10 ms: ρ = 0.8, R = S/(1-ρ) = 50 ms, R ~ Exp(1/50 ms) so
    // p99 = 50 ln 100 = 230.2585 ms.
    let r = run(
        &model(&single(80.0, "service_time_ms: 10")),
        &steady(60_000, 11),
    );
    let c = &r.classes[0];
    within("M/M/1 mean", c.mean_latency_ms_ci95, 50.0);
    within("M/M/1 p99", c.p99_latency_ms_ci95, 230.258509);
    within("M/M/1 utilisation", r.components[0].utilization_ci95, 0.8);
    // Mean queue length Lq = ρ²/(1-ρ) = 3.2.
    let lq = r.components[0].mean_queue_length;
    assert!((lq / 3.2 - 1.0).abs() < 0.1, "Lq {lq}");
}

#[test]
fn mm4_mean() {
    // λ = 350/s, S = 10 ms, c = 4: Erlang C gives R = 24.757222 ms.
    let r = run(
        &model(&single(350.0, "concurrency: 4, service_time_ms: 10")),
        &steady(80_000, 12),
    );
    within("M/M/4 mean", r.classes[0].mean_latency_ms_ci95, 24.757222);
    within("M/M/4 utilisation", r.components[0].utilization_ci95, 0.875);
}

#[test]
fn md1_mean() {
    // Pollaczek–Khinchine with cv 0: Wq = ρS/(2(1-ρ)) = 20 ms, R = 30 ms.
    let r = run(
        &model(&single(80.0, "service_time_ms: 10, service_time_cv: 0")),
        &steady(60_000, 13),
    );
    within("M/D/1 mean", r.classes[0].mean_latency_ms_ci95, 30.0);
}

const JACKSON: &str = "\
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

#[test]
fn jackson_network() {
    // Utilisations 0.4, 0.625, 0.8; mean end to end 4/(1-.4) + M/M/2 (λ 100, S 12.5)
    // + 2.5 x 3.2/(1-.8) = 6.6667 + 20.5128 + 40 = 67.179487 ms.
    let r = run(&model(JACKSON), &steady(60_000, 14));
    for (c, want) in r.components.iter().zip([0.4, 0.625, 0.8]) {
        within(&format!("{} utilisation", c.name), c.utilization_ci95, want);
    }
    within("Jackson mean", r.classes[0].mean_latency_ms_ci95, 67.179487);
}
