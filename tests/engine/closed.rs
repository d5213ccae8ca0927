//! Closed classes (`users`, `think_time_ms`): mean-value analysis against the textbook
//! recursion worked by hand, the analysis against the simulator's fixed population
//! (alone, and mixed with open classes), the curve of throughput against users, and
//! what the validator refuses.

use headroom::analysis::analyze;
use headroom::sim::SimReport;
use headroom::spec::Spec;

use crate::common::models::{model, problems};
use crate::common::textbook::{class_agrees, close, half_width, simulated};

fn run(spec: &Spec, requests: u64) -> SimReport {
    simulated(spec, requests, 9)
}

/// `users` users thinking `think` ms between a service of 20 ms and the database of
/// 10 ms it calls once: two single-server stations, demands 20 and 10 ms.
fn two_stations(users: u32, think: f64) -> Spec {
    model(&format!(
        "version: 1\nname: closed\nworkload:\n  classes:\n    - {{ name: vu, users: {users}, think_time_ms: {think}, entry: cpu }}\n\
         components:\n  - {{ name: cpu, kind: service, service_time_ms: 20 }}\n\
         \x20 - {{ name: disk, kind: database, service_time_ms: 10 }}\n\
         dependencies:\n  - {{ from: cpu, to: disk }}\n"
    ))
}

#[test]
fn mean_value_analysis_is_the_textbook_recursion() {
    // R_m(n) = D_m (1 + Q_m(n - 1)), X(n) = n / (Z + Σ R_m), Q_m(n) = X(n) R_m(n):
    // n = 1: R = 20 + 10 = 30, X = 1/30, Q = (2/3, 1/3);
    // n = 2: R = 20·5/3 + 10·4/3 = 46.67, X = 2/46.67, Q = (1.4286, 0.5714);
    // n = 3: R = 20·2.4286 + 10·1.5714 = 64.29, X = 3/64.29 per ms = 46.67 per s.
    let a = analyze(&two_stations(3, 0.0)).unwrap();
    let c = &a.closed[0];
    close(
        c.throughput_rps,
        3000.0 / (20.0 * (1.0 + 10.0 / 7.0) + 10.0 * (1.0 + 4.0 / 7.0)),
        1e-9,
    );
    close(c.mean_response_ms.unwrap(), 450.0 / 7.0, 1e-9);
    // The class's rate everywhere else is that throughput: the service's utilisation
    // is X · 20 ms.
    close(a.classes[0].rate_rps, c.throughput_rps, 1e-12);
    close(a.components[0].utilization, c.throughput_rps * 0.020, 1e-9);
    // The curve: at 1 user 1/30 per ms, at 6 and 12 nearing the cpu's 50 per second.
    let at = |n: u32| c.curve.iter().find(|p| p.users == n).unwrap();
    close(at(1).throughput_rps, 1000.0 / 30.0, 1e-9);
    close(at(2).throughput_rps, 2000.0 / (140.0 / 3.0), 1e-9);
    assert!(at(6).throughput_rps > at(3).throughput_rps && at(12).throughput_rps < 50.0);
    assert!(at(12).throughput_rps > 49.0);
}

#[test]
fn the_simulators_users_reach_the_throughput_and_latency_mva_gives() {
    // Three users and no think time: the throughput and the mean are exact; the
    // percentiles of so few users' queue are long (at most two ahead of a request).
    let few = two_stations(3, 0.0);
    let a = analyze(&few).unwrap();
    let s = run(&few, 100_000);
    let (ac, sc) = (&a.classes[0], &s.classes[0]);
    close(sc.throughput_rps, ac.rate_rps, 0.01);
    close(
        sc.mean_latency_ms.unwrap(),
        ac.mean_latency_ms.unwrap(),
        0.01,
    );
    assert!(ac.p99_latency_ms.unwrap() > sc.p99_latency_ms.unwrap());
    // A hundred users thinking 3 s, the cpu at 0.65: mean, p50 and p99 within 5 %.
    let many = two_stations(100, 3000.0);
    let a = analyze(&many).unwrap();
    close(a.components[0].utilization, 0.652, 0.01);
    let s = run(&many, 200_000);
    let (ac, sc) = (&a.classes[0], &s.classes[0]);
    close(sc.throughput_rps, ac.rate_rps, 0.01);
    class_agrees("vu", ac, sc);
}

#[test]
fn closed_and_open_classes_share_the_stations() {
    // Sixty users and twenty bots (closed) beside 10 req/s of an open class.
    let spec = model(
        "version: 1\nname: mixed\nworkload:\n  classes:\n    - { name: vu, users: 60, think_time_ms: 2000, entry: cpu }\n\
         \x20   - { name: api, rate_rps: 10, entry: cpu }\n\
         \x20   - { name: bots, users: 20, think_time_ms: 500, entry: disk }\n\
         components:\n  - { name: cpu, kind: service, replicas: 2, concurrency: 2, service_time_ms: 40 }\n\
         \x20 - { name: disk, kind: database, concurrency: 2, service_time_ms: 10 }\n\
         dependencies:\n  - { from: cpu, to: disk }\n",
    );
    let a = analyze(&spec).unwrap();
    assert_eq!(a.closed.len(), 2);
    close(a.classes[1].rate_rps, 10.0, 1e-12);
    let s = run(&spec, 300_000);
    for (ac, sc) in a.classes.iter().zip(&s.classes) {
        close(sc.throughput_rps, ac.rate_rps, 0.015);
        let (analytic, simulated) = (ac.mean_latency_ms.unwrap(), sc.mean_latency_ms.unwrap());
        assert!(
            (analytic - simulated).abs()
                <= (0.05 * simulated).max(half_width(sc.mean_latency_ms_ci95)),
            "{}: mean analytic {analytic}, simulated {simulated}",
            ac.name
        );
        let (analytic, simulated) = (ac.p99_latency_ms.unwrap(), sc.p99_latency_ms.unwrap());
        assert!(
            (analytic - simulated).abs() <= 0.05 * simulated,
            "{}: p99 analytic {analytic}, simulated {simulated}",
            ac.name
        );
    }
}

#[test]
fn a_class_is_open_or_closed() {
    let check = |class: &str| {
        let text = format!(
            "version: 1\nname: q\nworkload:\n  classes:\n    - {{ name: web, entry: api{class} }}\n\
             components:\n  - {{ name: api, kind: service, service_time_ms: 1 }}\n"
        );
        problems(&text)
    };
    let neither = check("");
    assert!(
        neither.len() == 1
            && neither[0].contains("needs rate_rps")
            && neither[0].contains("or users"),
        "{neither:?}"
    );
    let both = check(", rate_rps: 5, users: 10");
    assert!(
        both.len() == 1
            && both[0].contains("workload.classes[0].users")
            && both[0].contains("not both"),
        "{both:?}"
    );
    let think = check(", rate_rps: 5, think_time_ms: 100");
    assert!(
        think.len() == 1
            && think[0].contains("think_time_ms")
            && think[0].contains("applies to a closed class"),
        "{think:?}"
    );
    let none = check(", users: 0");
    assert!(none.len() == 1 && none[0].contains("users"), "{none:?}");
    assert!(check(", users: 50, think_time_ms: 1000").is_empty());
}
