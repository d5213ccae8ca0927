//! Calls on the wire (`network`, `network_ms`, `payload_kb`): the share of calls that
//! cross zones and what they cost by hand, the mean shift by hand in the analysis and
//! the simulator, a round trip inside its call's timeout, and what the validator
//! refuses.

use headroom::analysis::hops::cross_zone_share;
use headroom::analysis::{analyze, FindingKind};
use headroom::sim::SimReport;
use headroom::spec::{Component, ComponentKind, Spec};

use crate::common::models::{model, problems};
use crate::common::textbook::{close, half_width, simulated};

fn run(spec: &Spec, requests: u64) -> SimReport {
    simulated(spec, requests, 11)
}

fn pool(replicas: u32, zones: u32) -> Component {
    let mut c = Component::new("c", ComponentKind::Service);
    c.replicas = Some(replicas);
    c.zones = Some(zones);
    c
}

#[test]
fn the_share_that_crosses_follows_the_replicas_zones() {
    // Three replicas over three zones to one replica in zone 0: a third stay.
    close(cross_zone_share(&pool(3, 3), &pool(1, 1)), 2.0 / 3.0, 1e-12);
    // (1/3, 1/3, 1/3) against (1/2, 1/2, 0): 1/6 + 1/6 stay.
    close(cross_zone_share(&pool(3, 3), &pool(2, 2)), 2.0 / 3.0, 1e-12);
    // Four replicas over three zones are (2/4, 1/4, 1/4); against (1/3, 1/3, 1/3) a
    // third stay whatever the caller's spread.
    close(cross_zone_share(&pool(4, 3), &pool(3, 3)), 2.0 / 3.0, 1e-12);
    // (2/4, 1/4, 1/4) against (1/2, 1/2): 1/4 + 1/8 stay.
    close(
        cross_zone_share(&pool(4, 3), &pool(2, 2)),
        1.0 - 3.0 / 8.0,
        1e-12,
    );
    // Two replicas in three zones sit in zones 0 and 1 only: like two zones.
    close(cross_zone_share(&pool(2, 3), &pool(2, 2)), 0.5, 1e-12);
    // One zone each: nothing crosses; a function runs in every zone.
    assert_eq!(cross_zone_share(&pool(5, 1), &pool(3, 1)), 0.0);
    let function = Component::new("f", ComponentKind::Function);
    assert_eq!(cross_zone_share(&pool(3, 3), &function), 0.0);
}

/// A front in three zones calls a cart of one replica (an M/M/1 at ρ 0.5, mean response
/// 20 ms) once per request, with `network` as given.
fn front_and_cart(network: &str, edge: &str) -> Spec {
    model(&format!(
        "version: 1\nname: wire\n{network}workload:\n  classes:\n    - {{ name: web, rate_rps: 50, entry: front }}\n\
         components:\n  - {{ name: front, kind: service, replicas: 3, zones: 3, concurrency: 8, service_time_ms: 1, service_time_cv: 0 }}\n\
         \x20 - {{ name: cart, kind: service, service_time_ms: 10 }}\n\
         dependencies:\n  - {{ from: front, to: cart{edge} }}\n"
    ))
}

#[test]
fn a_round_trip_adds_its_mixture_to_the_mean() {
    // Two thirds of the calls cross: 1 + 2/3 · (7 - 1) = 5 ms more.
    let bare = front_and_cart("", "");
    let wired = front_and_cart("network: { same_zone_ms: 1, cross_zone_ms: 7 }\n", "");
    let (a0, a1) = (analyze(&bare).unwrap(), analyze(&wired).unwrap());
    let shift = a1.classes[0].mean_latency_ms.unwrap() - a0.classes[0].mean_latency_ms.unwrap();
    close(shift, 5.0, 1e-9);
    // The cart's own figures do not move: the wire is the caller's wait.
    close(
        a1.components[1].mean_response_ms.unwrap(),
        a0.components[1].mean_response_ms.unwrap(),
        1e-12,
    );
    // The simulator: 1 ms of the front's own, 20 of the cart's, 5 of the wire.
    let s = run(&wired, 200_000);
    let c = &s.classes[0];
    let mean = c.mean_latency_ms.unwrap();
    let tolerance = half_width(c.mean_latency_ms_ci95).max(0.01 * 26.0);
    assert!((mean - 26.0).abs() <= tolerance, "simulated mean {mean}");
    close(a1.classes[0].mean_latency_ms.unwrap(), 26.0, 5e-3);
    // An edge's own round trip replaces the zones' mixture.
    let fixed = front_and_cart(
        "network: { same_zone_ms: 1, cross_zone_ms: 7 }\n",
        ", network_ms: 12",
    );
    let a2 = analyze(&fixed).unwrap();
    let shift = a2.classes[0].mean_latency_ms.unwrap() - a0.classes[0].mean_latency_ms.unwrap();
    close(shift, 12.0, 1e-9);
}

#[test]
fn a_round_trip_counts_inside_the_calls_timeout() {
    // A cart of a fixed 10 ms at a trickle answers in 10 ms: inside a 30 ms timeout
    // alone, past it with 25 ms on the wire, so every call times out.
    let spec = |edge: &str| {
        model(&format!(
            "version: 1\nname: cut\nworkload:\n  classes:\n    - {{ name: web, rate_rps: 1, entry: front }}\n\
             components:\n  - {{ name: front, kind: service, concurrency: 4, service_time_ms: 1, service_time_cv: 0 }}\n\
             \x20 - {{ name: cart, kind: service, concurrency: 4, service_time_ms: 10, service_time_cv: 0 }}\n\
             dependencies:\n  - {{ from: front, to: cart, timeout_ms: 30{edge} }}\n"
        ))
    };
    let quick = run(&spec(""), 2_000);
    assert_eq!(quick.classes[0].timeouts, 0.0);
    let far = spec(", network_ms: 25");
    let slow = run(&far, 2_000);
    assert_eq!(slow.classes[0].availability_percent, Some(0.0));
    let timeouts = |spec: &Spec| {
        analyze(spec)
            .unwrap()
            .findings
            .into_iter()
            .find(|f| f.kind == FindingKind::Timeouts)
            .map(|f| f.message)
    };
    assert_eq!(timeouts(&spec("")), None);
    let said = timeouts(&far).unwrap_or_default();
    assert!(said.starts_with("100.00 % of the calls"), "{said}");
}

#[test]
fn data_between_zones_is_priced_by_hand() {
    // 50 calls a second, two thirds across zones, 4 KB each, at 0.02 USD a GB:
    // 50 · 2/3 · 4e-6 GB · 0.02 · 3600 · 730 = 7.008 USD a month, in the total and in
    // no component's.
    let spec = front_and_cart(
        "network: { same_zone_ms: 1, cross_zone_ms: 2, payload_kb: 4, cross_zone_usd_per_gb: 0.02 }\n",
        "",
    );
    let a = analyze(&spec).unwrap();
    close(a.cost.cross_zone_monthly_usd, 7.008, 1e-9);
    let components: f64 = a.components.iter().map(|c| c.monthly_cost_usd).sum();
    close(a.monthly_cost_usd - components, 7.008, 1e-9);
    // An edge's own payload: 10 KB.
    let heavier = front_and_cart(
        "network: { same_zone_ms: 1, cross_zone_ms: 2, payload_kb: 4, cross_zone_usd_per_gb: 0.02 }\n",
        ", payload_kb: 10",
    );
    close(
        analyze(&heavier).unwrap().cost.cross_zone_monthly_usd,
        7.008 * 2.5,
        1e-9,
    );
}

#[test]
fn the_validator_says_where_a_round_trip_does_not_apply() {
    let text = "version: 1\nname: q\nworkload:\n  classes:\n    - { name: web, rate_rps: 5, entry: api }\n\
         components:\n  - { name: api, kind: service, service_time_ms: 1 }\n\
         \x20 - { name: jobs, kind: queue }\n\
         \x20 - { name: worker, kind: worker, service_time_ms: 1 }\n\
         \x20 - { name: pay, kind: external, latency_ms: 50 }\n\
         dependencies:\n  - { from: api, to: jobs, mode: async, network_ms: 2, payload_kb: 3 }\n\
         \x20 - { from: jobs, to: worker }\n\
         \x20 - { from: api, to: pay, payload_kb: 1 }\n";
    let errors = problems(text);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].contains("dependencies[0].network_ms")
            && errors[0].contains("applies to a sync call"),
        "{errors:?}"
    );
    assert!(
        errors[1].contains("dependencies[2].payload_kb")
            && errors[1].contains("does not apply to a call to an external"),
        "{errors:?}"
    );
}
