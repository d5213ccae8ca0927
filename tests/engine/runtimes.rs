//! Runtimes and CPU (`runtime`, `cpu`, `memory_mb`): what one replica runs on its CPU
//! at once, at what speed, by closed forms in the analysis and the simulator; blocking
//! threads over a smaller CPU against the simulator; what the validator refuses; what
//! the scaffold requests.

use headroom::analysis::analyze;
use headroom::scaffold;
use headroom::sim::SimReport;
use headroom::spec::Spec;

use crate::common::models::{model, problems};
use crate::common::textbook::{close, half_width, simulated};

fn run(spec: &Spec, requests: u64) -> SimReport {
    simulated(spec, requests, 5)
}

/// One service at 50 req/s with the fields given.
fn one(fields: &str) -> Spec {
    model(&format!(
        "version: 1\nname: cpu\nworkload:\n  classes:\n    - {{ name: web, rate_rps: 50, entry: api }}\n\
         components:\n  - {{ name: api, kind: service, {fields} }}\n"
    ))
}

/// The simulated mean within its interval (or 2 %) of `want`.
fn simulated_mean_is(spec: &Spec, want: f64) {
    let s = run(spec, 200_000);
    let c = &s.classes[0];
    let mean = c.mean_latency_ms.unwrap();
    let tolerance = half_width(c.mean_latency_ms_ci95).max(0.02 * want);
    assert!(
        (mean - want).abs() <= tolerance,
        "simulated {mean}, want {want} ({:?})",
        c.mean_latency_ms_ci95
    );
}

/// Erlang's C formula: the chance an arrival waits at an M/M/c of offered load `a`.
fn erlang_c(c: u32, a: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let last = term * a / f64::from(c);
    let rho = a / f64::from(c);
    let top = last / (1.0 - rho);
    top / (sum + top)
}

#[test]
fn one_event_loop_or_interpreter_lock_runs_one_request_at_a_time() {
    // 10 ms at 50 req/s on 8 servers is an M/M/8, barely waiting: 10.0 ms. On node or
    // python the 8 are I/O slots over one CPU: an M/M/1 at ρ 0.5, 10 / 0.5 = 20 ms.
    let threads = one("concurrency: 8, service_time_ms: 10");
    let a = analyze(&threads).unwrap();
    let mm8 = 10.0 + erlang_c(8, 0.5) * 10.0 / (8.0 - 0.5);
    close(a.classes[0].mean_latency_ms.unwrap(), mm8, 1e-6);
    for runtime in ["node", "python"] {
        let spec = one(&format!(
            "concurrency: 8, service_time_ms: 10, runtime: {runtime}"
        ));
        let a = analyze(&spec).unwrap();
        close(a.classes[0].mean_latency_ms.unwrap(), 20.0, 1e-9);
        close(a.components[0].utilization, 0.5, 1e-12);
        assert_eq!(a.components[0].servers, 1);
        simulated_mean_is(&spec, 20.0);
    }
    // Go, Java, Rust and the rest use every server.
    for runtime in ["go", "java", "rust", "other"] {
        let spec = one(&format!(
            "concurrency: 8, service_time_ms: 10, runtime: {runtime}"
        ));
        close(
            analyze(&spec).unwrap().classes[0].mean_latency_ms.unwrap(),
            mm8,
            1e-6,
        );
    }
}

#[test]
fn a_fraction_of_a_core_serves_at_its_fraction_of_the_speed() {
    // Half a core: 4 ms at one core takes 8, one request at a time (ceil 0.5 = 1): an
    // M/M/1 at ρ 50 · 8 ms = 0.4, 8 / 0.6 = 13.33 ms.
    let half = one("concurrency: 4, service_time_ms: 4, cpu: 0.5");
    let a = analyze(&half).unwrap();
    close(a.classes[0].mean_latency_ms.unwrap(), 8.0 / 0.6, 1e-9);
    close(a.components[0].utilization, 0.4, 1e-12);
    simulated_mean_is(&half, 8.0 / 0.6);
    // 2.5 cores under 8 goroutines: 3 run at once, each at 2.5 / 3 of a core, so 10 ms
    // take 12: an M/M/3 of offered load 50 · 12 ms = 0.6.
    let cores = one("concurrency: 8, service_time_ms: 10, cpu: 2.5, runtime: go");
    let want = 12.0 + erlang_c(3, 0.6) * 12.0 / (3.0 - 0.6);
    let a = analyze(&cores).unwrap();
    close(a.classes[0].mean_latency_ms.unwrap(), want, 1e-6);
    close(a.components[0].utilization, 0.2, 1e-12);
    simulated_mean_is(&cores, want);
    // Whole cores at or above the servers change nothing.
    let plenty = one("concurrency: 2, service_time_ms: 10, cpu: 4");
    let base = one("concurrency: 2, service_time_ms: 10");
    close(
        analyze(&plenty).unwrap().classes[0]
            .mean_latency_ms
            .unwrap(),
        analyze(&base).unwrap().classes[0].mean_latency_ms.unwrap(),
        1e-12,
    );
}

/// A python worker pool of `threads` blocking threads over one interpreter lock, 10 ms
/// of CPU per request and a 50 ms call it waits on holding its thread.
fn gil(threads: u32, rate: f64) -> Spec {
    model(&format!(
        "version: 1\nname: gil\nworkload:\n  classes:\n    - {{ name: web, rate_rps: {rate}, entry: api }}\n\
         components:\n  - {{ name: api, kind: service, runtime: python, io: blocking, concurrency: {threads}, service_time_ms: 10 }}\n\
         \x20 - {{ name: ml, kind: external, latency_ms: 50 }}\n\
         dependencies:\n  - {{ from: api, to: ml }}\n"
    ))
}

#[test]
fn blocking_threads_wait_for_the_cpu_they_share() {
    // Ten threads, 30 req/s: the lock is an M/M/1 at ρ 0.3 (10 / 0.7 = 14.29 ms), the
    // threads are busy 30 · 64.3 ms = 1.9 of 10 and hardly wait: 14.29 + 50 ms.
    let roomy = gil(10, 30.0);
    let a = analyze(&roomy).unwrap();
    let want = 10.0 / 0.7 + 50.0;
    close(a.classes[0].mean_latency_ms.unwrap(), want, 2e-3);
    close(a.components[0].utilization, 0.3, 1e-9);
    simulated_mean_is(&roomy, want);
    // Three threads at 30 req/s are busy 30 · 64.3 ms = 1.93 of 3, the threads' queue
    // is the larger: analysis and simulation agree within 5 % at the mean and the p99.
    let tight = gil(3, 30.0);
    let a = analyze(&tight).unwrap();
    close(
        a.components[0].utilization,
        30.0 * (10.0 / 0.7 + 50.0) / 3000.0,
        1e-3,
    );
    let s = run(&tight, 200_000);
    let (ac, sc) = (&a.classes[0], &s.classes[0]);
    for (what, analytic, simulated) in [
        ("mean", ac.mean_latency_ms, sc.mean_latency_ms),
        ("p99", ac.p99_latency_ms, sc.p99_latency_ms),
    ] {
        let (analytic, simulated) = (analytic.unwrap(), simulated.unwrap());
        assert!(
            (analytic - simulated).abs() <= 0.05 * simulated,
            "{what}: analytic {analytic}, simulated {simulated}"
        );
    }
    // Near the threads' saturation (0.89) the two queues in tandem overstate the wait
    // (the CPU never sees more requests than threads): the analysis errs long.
    let jammed = gil(3, 40.0);
    let analytic = analyze(&jammed).unwrap().classes[0]
        .mean_latency_ms
        .unwrap();
    let simulated = run(&jammed, 100_000).classes[0].mean_latency_ms.unwrap();
    assert!(
        analytic > simulated,
        "analytic {analytic}, simulated {simulated}"
    );
}

#[test]
fn a_node_service_does_not_block_and_cpu_is_bounded() {
    let text = "version: 1\nname: q\ncomponents:\n  - { name: api, kind: service, service_time_ms: 1, runtime: node, io: blocking, cpu: 0.001, memory_mb: 0 }\n\
         \x20 - { name: db, kind: database, service_time_ms: 1, cpu: 2 }\n";
    let errors = problems(text);
    assert_eq!(errors.len(), 4, "{errors:?}");
    for (at, says) in [
        ("components[0].cpu", "must be in [0.01, 1024]"),
        ("components[0].memory_mb", "must be"),
        ("components[0].io", "node runs one event loop"),
        ("components[1].cpu", "does not apply to a database"),
    ] {
        assert!(
            errors.iter().any(|e| e.contains(at) && e.contains(says)),
            "{at}: {says} in {errors:?}"
        );
    }
}

#[test]
fn the_scaffold_requests_the_cores_and_memory_the_model_ran_at() {
    let spec = model(
        "version: 1\nname: sized\nworkload:\n  classes:\n    - { name: web, rate_rps: 20, entry: api }\n\
         components:\n  - { name: api, kind: service, concurrency: 4, service_time_ms: 5, cpu: 0.25, memory_mb: 512, runtime: go }\n",
    );
    let s = scaffold::render(&spec).unwrap();
    let api = s.deployments.iter().find(|d| d.name == "api").unwrap();
    assert_eq!(api.cpu_request, "250m");
    // 512 MB = 512e6 / 2^20 = 488.3 MiB, rounded up.
    assert_eq!(api.memory_request, "489Mi");
    let readme = &s
        .files
        .iter()
        .find(|f| f.path == "README.md")
        .unwrap()
        .contents;
    assert!(
        readme.contains("api runs go in the spec: its skeleton is Rust, which stands in for it"),
        "{readme}"
    );
}
