//! The analysis beyond single queues, held to values computed by hand: availability,
//! cost over a daily profile, parallel calls, locks, timeouts and retries, blocking I/O,
//! N-1 and zone loss, the p99-feasible throughput, CAP/PACELC in the shop, and
//! `headroom check`.

use headroom::analysis::component::Moments;
use headroom::analysis::scorecard::Target;
use headroom::analysis::{analyze, latency, Analysis};
use headroom::analysis::{FindingKind, Severity};

use crate::common::shop::{shop, SHOP};
use crate::common::textbook::{analysis_of, close};

fn component<'a>(a: &'a Analysis, name: &str) -> &'a headroom::analysis::ComponentReport {
    a.components.iter().find(|c| c.name == name).unwrap()
}

fn has_finding(a: &Analysis, kind: FindingKind) -> bool {
    a.findings.iter().any(|f| f.kind == kind)
}

/// One class entering `api`, a service fast enough to add ~nothing (1 µs, deterministic,
/// 1000 servers), in front of the components and edges given.
fn behind_api(rate: f64, components: &str, dependencies: &str) -> String {
    format!(
        "version: 1\nname: t\ntargets: {{ utilization_ceiling: 0.7 }}\nworkload:\n  classes:\n    - {{ name: web, rate_rps: {rate}, entry: api }}\n\
         components:\n  - {{ name: api, kind: service, concurrency: 1000, service_time_ms: 0.001, service_time_cv: 0 }}\n{components}\
         dependencies:\n{dependencies}"
    )
}

#[test]
fn availability_is_series_any_of_n_and_k_of_n() {
    let a = analysis_of(
        "version: 1\nname: avail\ntargets: { availability: 99.9 }\nworkload:\n  classes:\n    - { name: order, rate_rps: 10, entry: lb }\n\
         components:\n\
         \x20 - { name: lb, kind: load_balancer, replicas: 2, service_time_ms: 0.1, availability: 99.9 }\n\
         \x20 - { name: svc, kind: service, replicas: 3, service_time_ms: 1, availability: 99 }\n\
         \x20 - { name: cache, kind: cache, hit_ratio: 0.9, service_time_ms: 0.1, availability: 99.99 }\n\
         \x20 - { name: db, kind: database, service_time_ms: 1, availability: 99 }\n\
         \x20 - { name: ledger, kind: database, service_time_ms: 1, availability: 99.9, replication: { mode: quorum, read_replicas: 2 } }\n\
         \x20 - { name: psp, kind: external, latency_ms: 10, availability: 99.5 }\n\
         dependencies:\n\
         \x20 - { from: lb, to: svc }\n\
         \x20 - { from: svc, to: cache }\n\
         \x20 - { from: cache, to: db, op: read }\n\
         \x20 - { from: svc, to: ledger, op: write }\n\
         \x20 - { from: svc, to: psp }\n",
    );
    // lb: any of 2 at 99.9 % -> down 1e-6; svc: any of 3 at 99 % -> 1e-6; cache: one
    // replica, 1e-4; db: down 1 %, touched by the 10 % of reads that miss; ledger:
    // quorum, 2 of 3 members at 99.9 % -> down (1-a)^3 + 3a(1-a)^2 = 2.998e-6; psp 0.5 %.
    let quorum_down = 1e-9 + 3.0 * 0.999 * 1e-6;
    let want = (1.0 - 1e-6)
        * (1.0 - 1e-6)
        * (1.0 - 1e-4)
        * (1.0 - 0.1 * 0.01)
        * (1.0 - quorum_down)
        * (1.0 - 0.005);
    let class = &a.classes[0];
    close(class.availability_percent, 100.0 * want, 1e-12);
    close(
        class.downtime_minutes_per_month,
        (1.0 - want) * 365.25 * 24.0 * 60.0 / 12.0,
        1e-9,
    );
    close(
        class.downtime_minutes_per_year,
        (1.0 - want) * 365.25 * 24.0 * 60.0,
        1e-9,
    );
    assert_eq!(class.availability_weakest.as_deref(), Some("psp"));
    assert!(has_finding(&a, FindingKind::AvailabilityMissed));
    close(
        component(&a, "svc").availability_percent,
        100.0 * (1.0 - 1e-6),
        1e-12,
    );
}

#[test]
fn cost_static_scheduled_autoscaled_and_per_request() {
    let profile = [[1.0; 12], [0.5; 12]].concat();
    let profile: Vec<String> = profile.iter().map(|f| f.to_string()).collect();
    let a = analysis_of(&format!(
        "version: 1\nname: cost\ntargets: {{ utilization_ceiling: 0.5, monthly_budget_usd: 1000 }}\n\
         practices: {{ rollout: blue_green }}\n\
         workload:\n  daily_profile: [{}]\n  classes:\n    - {{ name: web, rate_rps: 100, entry: svc }}\n\
         components:\n\
         \x20 - {{ name: svc, kind: service, replicas: 4, service_time_ms: 10, cost_per_replica_hour: 0.5, autoscale: {{ min: 3, max: 10 }} }}\n\
         \x20 - {{ name: fn, kind: function, service_time_ms: 5, cost_per_million_requests_usd: 2 }}\n\
         dependencies:\n  - {{ from: svc, to: fn, calls: 0.5 }}\n",
        profile.join(", ")
    ));
    let c = &a.cost;
    // svc: 4 replicas at utilisation 0.25 each. Static: 4 x 0.5 USD x 730 h = 1460.
    // Scheduled to the 0.5 ceiling: ceil(4 x 0.25 x f / 0.5) = 2 at full load, 1 at half:
    // (12 x 2 + 12 x 1) / 24 x 0.5 x 730 = 547.5. Autoscaled: the autoscaler keeps the
    // peak's utilisation 0.25 (under the ceiling): 4 at full load, 2 at half held at min
    // 3: (12 x 4 + 12 x 3) / 24 x 0.5 x 730 = 1277.5.
    let svc = &c.components[0];
    close(svc.static_monthly_usd, 1460.0, 1e-12);
    close(svc.scheduled_monthly_usd, 547.5, 1e-12);
    close(svc.autoscaled_monthly_usd, 1277.5, 1e-12);
    assert_eq!(
        &svc.scheduled_replicas[..13],
        &[2; 12].iter().chain(&[1]).copied().collect::<Vec<_>>()[..]
    );
    // fn: 50 req/s x mean profile 0.75 x 3600 s x 730 h = 98.55 M requests x 2 USD.
    let per_request = 50.0 * 0.75 * 3600.0 * 730.0 / 1e6 * 2.0;
    close(c.components[1].static_monthly_usd, per_request, 1e-12);
    close(c.static_monthly_usd, 1460.0 + per_request, 1e-12);
    close(c.scheduled_monthly_usd, 547.5 + per_request, 1e-12);
    close(a.monthly_cost_usd, 1277.5 + per_request, 1e-12);
    // A blue-green rollout runs a second copy of the 4 replicas: 2 USD an hour.
    close(c.blue_green_rollout_usd_per_hour.unwrap(), 2.0, 1e-12);
    assert!(has_finding(&a, FindingKind::OverBudget));
}

#[test]
fn a_parallel_group_takes_its_longest_branch() {
    let a = analysis_of(&behind_api(
        10.0,
        "  - { name: a, kind: external, latency_ms: 100 }\n  - { name: b, kind: external, latency_ms: 40 }\n  - { name: c, kind: external, latency_ms: 25 }\n",
        "  - { from: api, to: a, parallel: fetch }\n  - { from: api, to: b, parallel: fetch }\n  - { from: api, to: c }\n",
    ));
    // max(100, 40) + 25, plus the 1 µs of api: not 100 + 40 + 25.
    close(a.classes[0].mean_latency_ms.unwrap(), 125.001, 1e-9);
}

#[test]
fn clark_maximum_of_two_equal_normals() {
    // E[max] of two independent N(μ, σ²) is μ + σ/√π, Var[max] = σ²(1 - 1/π).
    let x = Moments {
        mean: 10.0,
        variance: 4.0,
    };
    let m = latency::maximum(&[x, x]);
    close(m.mean, 10.0 + 2.0 / std::f64::consts::PI.sqrt(), 1e-6);
    close(m.variance, 4.0 * (1.0 - 1.0 / std::f64::consts::PI), 1e-6);
}

#[test]
fn a_lock_is_an_md1_queue_per_key() {
    let a = analysis_of(&behind_api(
        400.0,
        "  - { name: ledger, kind: external, latency_ms: 2 }\n",
        "  - { from: api, to: ledger, op: write, lock: { keys: 2, hold_ms: 4 } }\n",
    ));
    // 200 acquisitions/s per key held 4 ms: ρ = 0.8, M/D/1 wait ρD / 2(1-ρ) = 8 ms.
    close(
        a.classes[0].mean_latency_ms.unwrap(),
        0.001 + 8.0 + 2.0,
        1e-9,
    );
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::LockContention)
        .unwrap();
    close(f.value.unwrap(), 0.8, 1e-12);
    let wait = latency::lock_wait(400.0, 2, 4.0).wait;
    // Takács: E[W²] = 2 E[W]² + λ D³ / 3(1-ρ) = 128 + 0.2 x 64 / 0.6.
    close(wait.variance, 128.0 + 0.2 * 64.0 / 0.6 - 64.0, 1e-12);
}

#[test]
fn retries_multiply_the_load_and_the_latency() {
    let a = analysis_of(&behind_api(
        100.0,
        "  - { name: psp, kind: external, latency_ms: 50, availability: 90 }\n",
        "  - { from: api, to: psp, timeout_ms: 1000, retries: 2 }\n",
    ));
    // Each attempt fails 10 % of the time: 1 + 0.1 + 0.01 attempts per call.
    close(component(&a, "psp").arrival_rps, 111.0, 1e-12);
    // The latency is the answered requests' (a failed one is an error): K failed
    // attempts of 50 ms before the one that succeeds, P(K = i) ∝ 0.1^i for i <= 2, so
    // E[K] = (0.1 + 2 x 0.01) / 1.11 and the call takes 50 (1 + E[K]) ms.
    close(
        a.classes[0].mean_latency_ms.unwrap(),
        0.001 + 50.0 * (1.0 + 0.12 / 1.11),
        1e-9,
    );
    assert!(has_finding(&a, FindingKind::Timeouts));
}

#[test]
fn a_saturated_callee_with_retries_is_a_retry_storm() {
    let a = analysis_of(&behind_api(
        100.0,
        "  - { name: slow, kind: service, service_time_ms: 20 }\n",
        "  - { from: api, to: slow, timeout_ms: 100, retries: 3 }\n",
    ));
    // slow is saturated (ρ = 2), every attempt times out: 4 attempts per call, 400 req/s
    // on slow, and the request waits 4 x 100 ms before it gives up.
    close(component(&a, "slow").arrival_rps, 400.0, 1e-12);
    close(a.classes[0].mean_latency_ms.unwrap(), 400.001, 1e-9);
    let storm = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::RetryStorm)
        .unwrap();
    close(storm.value.unwrap(), 4.0, 1e-12);
}

/// Erlang C from its textbook formula with factorials (fine for 10 servers).
fn erlang_c_textbook(c: u32, a: f64) -> f64 {
    let fact = |n: u32| (1..=n).map(f64::from).product::<f64>();
    let top = a.powi(c as i32) / fact(c) * (c as f64 / (c as f64 - a));
    let sum: f64 = (0..c).map(|k| a.powi(k as i32) / fact(k)).sum();
    top / (sum + top)
}

#[test]
fn blocking_io_holds_the_server_for_the_downstream_time() {
    let shape = |io: &str, rate: f64| {
        analysis_of(&format!(
            "version: 1\nname: t\ntargets: {{ utilization_ceiling: 0.7 }}\nworkload:\n  classes:\n    - {{ name: web, rate_rps: {rate}, entry: api }}\n\
             components:\n  - {{ name: api, kind: service, concurrency: 10, service_time_ms: 5, io: {io} }}\n\
             \x20 - {{ name: psp, kind: external, latency_ms: 45 }}\n\
             dependencies:\n  - {{ from: api, to: psp }}\n"
        ))
    };
    // Async: 150/s x 5 ms on 10 servers. Blocking: each server is held 5 + 45 ms.
    close(
        shape("async", 150.0).components[0].utilization,
        0.075,
        1e-12,
    );
    let blocking = shape("blocking", 150.0);
    close(blocking.components[0].utilization, 0.75, 1e-12);
    // M/G/10 with service 50 ms of cv 5/50 (exponential 5 ms + a constant 45 ms), by
    // Allen–Cunneen: Wq = C(10, 7.5) x 50 / (10 - 7.5) x (1 + 0.1²) / 2.
    let wq = erlang_c_textbook(10, 7.5) * 50.0 / 2.5 * (1.0 + 0.01) / 2.0;
    close(
        blocking.classes[0].mean_latency_ms.unwrap(),
        wq + 50.0,
        1e-9,
    );
    // At 220/s the held pool runs out (ρ = 1.1); with async I/O it would be at 0.11.
    let exhausted = shape("blocking", 220.0);
    assert!(has_finding(&exhausted, FindingKind::PoolExhausted));
    assert!(!exhausted.components[0].stable);
}

#[test]
fn n_minus_1_and_zone_loss() {
    let spec = |replicas: u32, zones: u32| {
        format!(
            "version: 1\nname: t\ntargets: {{ utilization_ceiling: 0.7 }}\nworkload:\n  classes:\n    - {{ name: web, rate_rps: 150, entry: svc }}\n\
             components:\n  - {{ name: svc, kind: service, replicas: {replicas}, service_time_ms: 10, zones: {zones} }}\n"
        )
    };
    // 3 replicas at ρ = 0.5: losing one gives 150 x 0.01 / 2 = 0.75 > 0.7; so does a zone
    // (one replica in each of 3 zones).
    let a = analysis_of(&spec(3, 3));
    let n1 = &a.resilience.n_minus_1[0];
    close(n1.utilization.unwrap(), 0.75, 1e-12);
    assert!(!n1.holds);
    let zone = a.resilience.zone_loss.as_ref().unwrap();
    close(zone.utilization.unwrap(), 0.75, 1e-12);
    assert!(has_finding(&a, FindingKind::NMinus1) && has_finding(&a, FindingKind::ZoneLoss));
    // 4 replicas over 2 zones: N-1 gives 0.5 (holds), a zone takes 2: 0.75 (does not).
    let a = analysis_of(&spec(4, 2));
    close(a.resilience.n_minus_1[0].utilization.unwrap(), 0.5, 1e-12);
    assert!(a.resilience.n_minus_1[0].holds);
    let zone = a.resilience.zone_loss.as_ref().unwrap();
    close(zone.utilization.unwrap(), 0.75, 1e-12);
    assert!(!zone.holds);
    assert!(!has_finding(&a, FindingKind::NMinus1));
    // One replica: losing it leaves no capacity, an unbounded utilisation, said so
    // (never an infinity, which JSON would print as a bare null).
    let a = analysis_of(&spec(1, 1));
    let n1 = &a.resilience.n_minus_1[0];
    assert_eq!((n1.utilization, n1.unbounded), (None, true));
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::NMinus1)
        .unwrap();
    assert_eq!((f.value, f.unbounded), (None, true));
    let json = serde_json::to_value(&a.resilience.n_minus_1[0]).unwrap();
    assert_eq!(json["unbounded"], serde_json::json!(true));
    assert!(json["utilization"].is_null());
}

#[test]
fn p99_feasible_throughput_of_an_mm1() {
    // M/M/1 with 10 ms service: p99 = ln(100) / (μ - λ). A 230.258509 ms target is met up
    // to μ - λ = 20/s, so λ = 80 req/s.
    let a = analysis_of(
        "version: 1\nname: t\ntargets: { p99_ms: 230.258509299 }\nworkload:\n  classes:\n    - { name: web, rate_rps: 10, entry: svc }\n\
         components:\n  - { name: svc, kind: service, service_time_ms: 10 }\n",
    );
    // The class's p99 comes from its distribution on a grid (a few 1e-4 of the p99):
    // here (1 - ρ) scales the p99, so the rate is as close.
    close(a.max_throughput_p99_rps.unwrap(), 80.0, 1e-4);
}

#[test]
fn the_shop_checkout_conflicts_with_async_read_replicas() {
    let a = analyze(&shop()).unwrap();
    let store = |name: &str| a.stores.iter().find(|s| s.component == name).unwrap();
    assert_eq!(store("orders-db").pacelc, "PA/EL");
    assert_eq!(store("orders-db").staleness_ms, Some(50.0));
    assert_eq!(store("session-cache").pacelc, "PC/EC");

    // checkout needs strong consistency and reads orders-db's async replicas; browse is
    // eventual and does not conflict.
    assert_eq!(a.conflicts.len(), 1);
    let conflict = &a.conflicts[0];
    assert_eq!(
        (conflict.class.as_str(), conflict.component.as_str()),
        ("checkout", "orders-db")
    );
    assert_eq!(conflict.staleness_ms, 50.0);
    let changes: Vec<&str> = conflict
        .ways_out
        .iter()
        .map(|w| w.change.as_str())
        .collect();
    assert_eq!(
        changes,
        [
            "orders-db: read from the primary",
            "orders-db: sync replication",
            "orders-db: quorum replication"
        ]
    );
    // Availability of checkout, by hand: gateway (2 at 99.99 %: 1e-8), api (4 at 99.9 %:
    // 1e-12), session-cache (1 at 99.9 %), payments (99.9 % of calls succeed, and its one
    // retry leaves 0.001² failed), and orders-db, one primary and two async replicas at
    // a = 0.9995 each: now its reads go to any of the three and its writes fail over to
    // a replica, so it fails a request when all three are down, (1-a)^3; reading from
    // the primary, its primary fails the reads (1-a); with quorum replication it needs 2
    // of its 3 members: (1-a)^3 + 3a(1-a)^2.
    let rest = (1.0 - 1e-8) * (1.0 - 1e-12) * (1.0 - 1e-3) * (1.0 - 1e-6);
    let checkout = a.classes.iter().find(|c| c.name == "checkout").unwrap();
    close(
        checkout.availability_percent,
        100.0 * rest * (1.0 - 5e-4f64.powi(3)),
        1e-12,
    );
    close(
        conflict.ways_out[0].availability_percent,
        100.0 * rest * (1.0 - 5e-4),
        1e-12,
    );
    let quorum_down = 5e-4f64.powi(3) + 3.0 * 0.9995 * 5e-4f64.powi(2);
    close(
        conflict.ways_out[2].availability_percent,
        100.0 * rest * (1.0 - quorum_down),
        1e-12,
    );
    // Sync replication makes checkout's write wait for a replica: a higher p99.
    assert!(conflict.ways_out[1].p99_latency_ms.unwrap() > checkout.p99_latency_ms.unwrap());
    // Reading from the primary moves the replicas' reads onto it.
    assert!(
        conflict.ways_out[0].store_utilization.unwrap() > component(&a, "orders-db").utilization
    );
    assert!(has_finding(&a, FindingKind::ConsistencyConflict));
}

#[test]
fn check_exits_1_with_a_line_per_missed_target() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(
        &good,
        "version: 1\nname: t\ntargets: { p99_ms: 300, availability: 99.9, throughput_rps: 50, survive: [replica] }\nworkload:\n  classes:\n    - { name: web, rate_rps: 50, entry: svc }\n\
         components:\n  - { name: svc, kind: service, replicas: 2, service_time_ms: 10, availability: 99 }\n",
    )
    .unwrap();
    let run = |paths: &[&std::path::Path]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
            .arg("check")
            .args(paths)
            .output()
            .unwrap()
    };
    let ok = run(&[&good]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("all 5 targets met"));

    let shop = std::path::PathBuf::from(SHOP);
    let out = run(&[&good, &shop]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let misses: Vec<&str> = text.lines().filter(|l| l.contains("shop.yaml")).collect();
    // The shop's targets do not list `survive`: N-1 and zone loss are not among them.
    assert_eq!(misses.len(), 4, "{text}");
    // fulfilment's 2 node replicas carry 2 x 0.7 / 40 ms = 35 msg/s within the ceiling,
    // of the 400 its queue gets at the peak of 3000 req/s: 3000 x 35 / 400 = 262.5.
    assert!(misses[0].contains("throughput within the utilisation ceiling 262 req/s < target 3000"));
    assert!(misses[1].contains("checkout: availability 99.8999 % < target 99.95 %"));
    assert!(misses[2].contains("checkout: needs strong consistency"));
    assert!(misses[3].contains("fulfilment: utilisation 8.000 > ceiling 0.7"));

    // Asked for, N-1 is one: session-cache has one replica; orders-db has one primary
    // with two standbys, which hold.
    let strict = dir.path().join("shop.yaml");
    let text = std::fs::read_to_string(SHOP).unwrap().replace(
        "  utilization_ceiling: 0.7 ",
        "  survive: [replica]\n  utilization_ceiling: 0.7 ",
    );
    std::fs::write(&strict, text).unwrap();
    let out = run(&[&strict]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(
        "N-1: 2 of 5 components do not survive losing one replica: session-cache (a single replica); fulfilment (utilisation 16.000 > 0.7)"
    ), "{text}");
}

/// A hub of 2 replicas calling `leaves` services of 2 replicas each, in turn.
fn star(leaves: usize) -> String {
    let mut y = String::from(
        "version: 1\nname: star\nworkload:\n  classes:\n    - { name: web, rate_rps: 10, entry: hub }\ncomponents:\n  - { name: hub, kind: service, replicas: 2, concurrency: 64, service_time_ms: 1 }\n",
    );
    for i in 0..leaves {
        y += &format!("  - {{ name: s{i}, kind: service, replicas: 2, service_time_ms: 0.01 }}\n");
    }
    y += "dependencies:\n";
    for i in 0..leaves {
        y += &format!("  - {{ from: hub, to: s{i} }}\n");
    }
    y
}

#[test]
fn what_ifs_share_a_budget_of_recomputed_components_and_their_calls() {
    use headroom::analysis::whatif::BUDGET;
    let checked = |a: &Analysis| {
        a.resilience
            .n_minus_1
            .iter()
            .filter(|o| o.latency_checked)
            .count()
    };
    // The hub's what-if recomputes the hub and its n calls (1 + n); a leaf's, the leaf
    // (1) and the hub (1 + n). With 100 leaves all fit: 101 + 100 * 102 = 10,301.
    assert_eq!(BUDGET, 20_000);
    let a = analysis_of(&star(100));
    assert_eq!(a.resilience.n_minus_1.len(), 101);
    assert_eq!(checked(&a), 101);
    // With 1,000: the hub's 1,001, then (20,000 - 1,001) / 1,002 = 18 leaves; the rest
    // are checked for capacity only, and say so.
    let a = analysis_of(&star(1000));
    assert_eq!(a.resilience.n_minus_1.len(), 1001);
    assert_eq!(checked(&a), 19);
    let rest = &a.resilience.n_minus_1[19..];
    assert!(rest
        .iter()
        .all(|o| !o.latency_checked && o.utilization.is_some()));
}

#[test]
fn a_retry_storm_around_a_loop_is_placed_at_the_loops_first_dependency() {
    // api sends half its requests on through q to w, which calls api back: 0.5 a pass,
    // a loop that settles. But w's call times out at 1 ms against api's 5 ms and is
    // tried 4 times: 2 a pass, which grows without bound. validate passes it (one
    // attempt a call); every command that analyses it says where the loop is.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loop.yaml");
    std::fs::write(
        &path,
        r#"version: 1
name: loop
workload:
  classes:
    - { name: web, rate_rps: 10, entry: api }
components:
  - { name: api, kind: service, concurrency: 16, service_time_ms: 5 }
  - { name: q, kind: queue }
  - { name: w, kind: worker, concurrency: 16, service_time_ms: 5 }
dependencies:
  - { from: api, to: q, mode: async, calls: 0.5 }
  - { from: q, to: w, mode: async }
  - { from: w, to: api, timeout_ms: 1, retries: 3 }
"#,
    )
    .unwrap();
    let run = |command: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
            .args([command, &path.display().to_string()])
            .output()
            .unwrap()
    };
    assert_eq!(run("validate").status.code(), Some(0));
    for command in ["analyze", "check", "plan"] {
        let out = run(command);
        assert_eq!(out.status.code(), Some(1), "{command}");
        let text = String::from_utf8_lossy(&out.stdout);
        let want = format!(
            "{}:11:5: dependencies[0] api -> q: the traffic of class \"web\" grows without bound",
            path.display()
        );
        assert!(text.starts_with(&want), "{command}: {text}");
        assert!(text.contains("a retry storm"), "{command}: {text}");
    }
}

/// An api over three zones in front of one Redis, with `redis` extra fields and the
/// targets' `survive` list.
fn zoned_cache(redis: &str, survive: &str) -> String {
    format!(
        "version: 1\nname: z\ntargets: {{ utilization_ceiling: 0.8{survive} }}\nworkload:\n  classes:\n    - {{ name: web, rate_rps: 100, entry: api }}\n\
         components:\n  - {{ name: api, kind: service, replicas: 3, zones: 3, service_time_ms: 5 }}\n\
         \x20 - {{ name: redis, kind: cache, hit_ratio: 1, service_time_ms: 1{redis} }}\n\
         dependencies:\n  - {{ from: api, to: redis }}\n"
    )
}

#[test]
fn a_component_without_zones_lives_in_one_and_goes_with_it() {
    // Redis declares no zones: it lives in zone 0, and losing zone 0 takes it down.
    let a = analysis_of(&zoned_cache("", ""));
    let zone = a.resilience.zone_loss.as_ref().unwrap();
    assert_eq!(zone.down, ["redis"]);
    assert!(!zone.holds);
    assert_eq!(a.resilience.single_zone, ["redis"]);
    // Not asked for in targets.survive: a warning, and no scorecard row.
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ZoneLoss)
        .unwrap();
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("redis goes down"), "{}", f.message);
    assert!(a
        .scorecard
        .iter()
        .all(|t| t.target != Target::ZoneLoss && t.target != Target::NMinus1));
    // Asked for: a failing target and an error.
    let a = analysis_of(&zoned_cache("", ", survive: [replica, zone]"));
    let row = a
        .scorecard
        .iter()
        .find(|t| t.target == Target::ZoneLoss)
        .unwrap();
    assert!(
        !row.pass && row.summary.contains("redis goes down"),
        "{}",
        row.summary
    );
    assert!(
        !a.scorecard
            .iter()
            .find(|t| t.target == Target::NMinus1)
            .unwrap()
            .pass
    );
    let f = a
        .findings
        .iter()
        .find(|f| f.kind == FindingKind::ZoneLoss)
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
}

#[test]
fn a_standby_in_another_zone_takes_over() {
    // One primary and an async read replica (placed after the primaries: zone 1 of 2).
    // Losing the primary, or zone 0, promotes the replica: the cache stays up, and up to
    // its 20 ms lag of writes is lost.
    let a = analysis_of(&zoned_cache(
        ", zones: 2, replication: { mode: async, read_replicas: 1, lag_ms: 20 }",
        ", survive: [replica, zone]",
    ));
    let n1 = a
        .resilience
        .n_minus_1
        .iter()
        .find(|o| o.component.as_deref() == Some("redis"))
        .unwrap();
    assert!(n1.holds && n1.down.is_empty(), "{n1:?}");
    assert_eq!(n1.failed_over, ["redis"]);
    assert_eq!(n1.recovery_point_ms, Some(20.0));
    let zone = a.resilience.zone_loss.as_ref().unwrap();
    assert!(zone.holds, "{zone:?}");
    assert_eq!(zone.failed_over, ["redis"]);
    assert!(a
        .scorecard
        .iter()
        .filter(|t| t.target == Target::ZoneLoss || t.target == Target::NMinus1)
        .all(|t| t.pass));
    // With both members in one zone the standby goes with the primary.
    let a = analysis_of(&zoned_cache(
        ", replication: { mode: async, read_replicas: 1 }",
        ", survive: [zone]",
    ));
    assert_eq!(a.resilience.zone_loss.as_ref().unwrap().down, ["redis"]);
}
