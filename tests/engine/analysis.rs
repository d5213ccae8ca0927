//! The analysis held to known results: textbook queueing values, the issue's Jackson
//! network, a χ² table for a sum of exponentials, and flow conservation in the shop.

use headroom::analysis::analyze;
use headroom::analysis::FindingKind;
use headroom::spec;

use crate::common::models::{example, EXAMPLES};
use crate::common::shop::shop;
use crate::common::textbook::{analysis_of, close, single, JACKSON};

#[test]
fn mm1_through_the_whole_pipeline() {
    let a = analysis_of(&single(80.0, "service_time_ms: 10"));
    let c = &a.components[0];
    close(c.utilization, 0.8, 1e-12);
    close(c.mean_response_ms.unwrap(), 50.0, 1e-9);
    close(c.p99_response_ms.unwrap(), 230.258509, 1e-6);
    // One exponential visit: the gamma fit is exact.
    close(a.classes[0].mean_latency_ms.unwrap(), 50.0, 1e-9);
    // The class's distribution lies on a grid: within its error (a few 1e-4).
    close(a.classes[0].p99_latency_ms.unwrap(), 230.258509, 5e-4);
    close(a.max_throughput_rps.unwrap(), 100.0, 1e-12);
}

#[test]
fn mm4_as_four_servers_sharing_one_queue() {
    let a = analysis_of(&single(350.0, "concurrency: 4, service_time_ms: 10"));
    let c = &a.components[0];
    assert_eq!(c.servers, 4);
    close(c.utilization, 0.875, 1e-12);
    close(c.mean_response_ms.unwrap(), 24.757222, 1e-6);
    close(c.p99_response_ms.unwrap(), 99.842520, 1e-6);
}

#[test]
fn a_random_split_gives_each_replica_a_poisson_share() {
    // 4 x M/M/1 at 87.5 req/s each: R = S / (1 - ρ) = 10 / 0.125 = 80 ms.
    let a = analysis_of(&single(
        350.0,
        "replicas: 4, load_balancing: random, service_time_ms: 10",
    ));
    close(a.components[0].mean_response_ms.unwrap(), 80.0, 1e-9);
    close(a.components[0].utilization, 0.875, 1e-12);
}

#[test]
fn round_robin_sends_each_replica_every_fourth_request() {
    // E4/M/1 at ρ 0.875: the response is exponential of rate μ(1 - σ), σ the root of
    // σ = (4λ / (4λ + μ(1 - σ)))⁴ with λ = 0.0875/ms, μ = 0.1/ms; by fixed-point
    // iteration σ = 0.8052675, so R = 10 / (1 - σ) = 51.3525 ms and
    // p99 = ln(100) R = 236.4870 ms (against 80 ms and 368.4 ms for a random split).
    let a = analysis_of(&single(350.0, "replicas: 4, service_time_ms: 10"));
    let c = &a.components[0];
    close(c.mean_response_ms.unwrap(), 51.352506, 1e-6);
    close(c.p99_response_ms.unwrap(), 236.487031, 1e-6);
    close(c.utilization, 0.875, 1e-12);
}

#[test]
fn least_connections_waits_for_its_own_replica() {
    // Join the shortest of 4 queues: P(wait) is M/M/4's Erlang C (0.737861), and a
    // waiting request waits an exponential of mean S / (1 - ρ⁴) = 24.1652 ms for its
    // own replica: R = 10 + 0.737861 x 24.1652 = 27.8306 ms (M/M/4: 24.757 ms).
    let a = analysis_of(&single(
        350.0,
        "replicas: 4, load_balancing: least_connections, service_time_ms: 10",
    ));
    close(a.components[0].mean_response_ms.unwrap(), 27.830555, 1e-6);
}

#[test]
fn mg1_is_pollaczek_khinchine() {
    let det = analysis_of(&single(80.0, "service_time_ms: 10, service_time_cv: 0"));
    close(det.components[0].mean_response_ms.unwrap(), 30.0, 1e-9);
    let half = analysis_of(&single(
        80.0,
        "service_time_ms: 10, service_time_cv: 0.7071068",
    ));
    close(half.components[0].mean_response_ms.unwrap(), 40.0, 1e-6);
}

#[test]
fn jackson_network_of_the_issue() {
    let a = analysis_of(JACKSON);
    let util: Vec<f64> = a.components.iter().map(|c| c.utilization).collect();
    for (got, want) in util.iter().zip([0.4, 0.625, 0.8]) {
        close(*got, want, 1e-12);
    }
    close(a.classes[0].mean_latency_ms.unwrap(), 67.179487, 1e-6);
    assert_eq!(a.bottleneck.as_deref(), Some("db"));
    close(a.max_throughput_rps.unwrap(), 125.0, 1e-12);
    // At the default ceiling of 0.8 the db is exactly at its limit now.
    close(a.max_throughput_at_ceiling_rps.unwrap(), 100.0, 1e-12);
}

#[test]
fn percentiles_come_from_the_sum_not_from_adding_p99s() {
    // Three M/M/1 stations in series, each Exp(20/s): the sum is Erlang-3. Its 0.99
    // quantile is χ²(0.99, 6 d.f.) / 2 / 20 s; the χ² table gives 16.8119.
    let a = analysis_of(
        "version: 1\nname: chain\nworkload:\n  classes:\n    - { name: web, rate_rps: 80, entry: a }\n\
         components:\n  - { name: a, kind: service, service_time_ms: 10 }\n\
         \x20 - { name: b, kind: service, service_time_ms: 10 }\n\
         \x20 - { name: c, kind: service, service_time_ms: 10 }\n\
         dependencies:\n  - { from: a, to: b }\n  - { from: b, to: c }\n",
    );
    let p99 = a.classes[0].p99_latency_ms.unwrap();
    // Within the table's 6 digits and the grid's error (a few 1e-4).
    close(p99, 16.8119 / 2.0 / 20.0 * 1000.0, 5e-4);
    let summed: f64 = a
        .components
        .iter()
        .map(|c| c.p99_response_ms.unwrap())
        .sum();
    assert!(
        summed / p99 > 1.6,
        "adding p99s ({summed}) overstates the sum's p99 ({p99})"
    );
}

#[test]
fn flow_is_conserved_through_caches_and_async_hops_in_the_shop() {
    let model = shop();
    let a = analyze(&model).unwrap();
    let rate = |name: &str| {
        a.components
            .iter()
            .find(|c| c.name == name)
            .unwrap()
            .arrival_rps
    };
    // browse 2600 enters the CDN (80 % hits); checkout 400 enters the gateway.
    close(rate("cdn"), 2600.0, 1e-12);
    close(rate("gateway"), 2600.0 * 0.2 + 400.0, 1e-12);
    close(rate("api"), 920.0, 1e-12);
    close(rate("session-cache"), 920.0, 1e-12);
    // Reads: 10 % cache misses plus 2 direct reads per api request; writes: 1 per checkout.
    close(rate("orders-db"), 920.0 * 0.1 + 2.0 * 920.0 + 400.0, 1e-12);
    // Checkout-only edges, and the async path through the queue.
    for name in ["order-events", "fulfilment", "notify"] {
        close(rate(name), 400.0, 1e-12);
    }
    // payments fails 0.1 % of its calls (availability 99.9) and answers in 120 ms, well
    // inside its 2 s timeout, so with one retry each call is tried 1 + 0.001 times.
    close(rate("payments"), 400.0 * 1.001, 1e-12);
    // Every dependency's own traffic, in spec order: what reaches each callee is the sum
    // over its incoming edges.
    let carried: Vec<f64> = a.dependencies.iter().map(|d| d.rate_rps).collect();
    let expected = [
        2600.0 * 0.2,  // cdn -> gateway: misses only
        920.0,         // gateway -> api
        920.0,         // api -> session-cache
        920.0 * 0.1,   // session-cache -> orders-db: misses only
        2.0 * 920.0,   // api -> orders-db reads
        400.0,         // api -> orders-db write, checkout only
        400.0 * 1.001, // api -> payments, with its retry
        400.0,         // api -> order-events
        400.0,         // order-events -> fulfilment
        400.0,         // fulfilment -> notify
    ];
    assert_eq!(carried.len(), expected.len());
    for (i, (got, want)) in carried.iter().zip(expected).enumerate() {
        close(*got, want, 1e-9);
        assert_eq!(a.dependencies[i].from, model.dependencies[i].from);
        assert_eq!(a.dependencies[i].to, model.dependencies[i].to);
    }
    // The worker behind the queue gets 400 req/s x 40 ms = 16 erlangs on 2 node
    // replicas, each one event loop whatever its concurrency of 4 (so the topic's 6
    // partitions do not bound them): 16 / 2 = 8, saturated, and said so. The async hop carries load but no latency, so checkout's own latency
    // stays finite.
    let fulfilment = a
        .components
        .iter()
        .find(|c| c.name == "fulfilment")
        .unwrap();
    close(fulfilment.utilization, 16.0 / 2.0, 1e-12);
    assert!(a
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::Saturated && f.component.as_deref() == Some("fulfilment")));
    for c in &a.classes {
        assert!(c.mean_latency_ms.unwrap().is_finite(), "{c:?}");
    }
}

#[test]
fn a_saturated_component_is_a_finding_not_a_crash() {
    let a = analysis_of(&single(150.0, "service_time_ms: 10"));
    let c = &a.components[0];
    assert!(!c.stable);
    assert_eq!(c.mean_response_ms, None);
    assert_eq!(a.classes[0].p99_latency_ms, None);
    assert!(a
        .findings
        .iter()
        .any(|f| f.kind == FindingKind::Saturated && f.component.as_deref() == Some("svc")));
    // The JSON says null, never NaN or a panic.
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains("\"mean_response_ms\":null"), "{json}");
}

#[test]
fn more_replicas_never_raise_a_p99() {
    let mut last = f64::INFINITY;
    // 350 req/s x 10 ms = 3.5 erlangs: stable from 4 replicas on.
    for replicas in 4..16 {
        let a = analysis_of(&single(
            350.0,
            &format!("replicas: {replicas}, service_time_ms: 10"),
        ));
        let p99 = a.classes[0].p99_latency_ms.unwrap();
        assert!(
            p99 <= last + 1e-9,
            "{replicas} replicas: p99 {p99} > {last}"
        );
        last = p99;
    }
}

#[test]
fn every_example_analyses_with_finite_numbers_or_findings() {
    for name in EXAMPLES {
        let model = example(name);
        let a = analyze(&model).unwrap();
        for c in &a.components {
            assert!(
                c.utilization.is_finite() && c.arrival_rps.is_finite(),
                "{name}: {c:?}"
            );
            assert_eq!(c.stable, c.mean_response_ms.is_some(), "{name}: {c:?}");
        }
    }
}

#[test]
fn analyze_json_has_the_field_names_of_the_design() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("jackson.yaml");
    std::fs::write(&path, JACKSON).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["analyze", "--json", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "name",
        "arrival_rps",
        "servers",
        "utilization",
        "mean_response_ms",
        "p99_response_ms",
        "stable",
    ] {
        assert!(
            json["components"][0].get(field).is_some(),
            "components[].{field} missing: {json}"
        );
    }
    for field in [
        "name",
        "rate_rps",
        "mean_latency_ms",
        "p50_latency_ms",
        "p99_latency_ms",
        "p99_target_ms",
    ] {
        assert!(
            json["classes"][0].get(field).is_some(),
            "classes[].{field} missing: {json}"
        );
    }
    assert_eq!(json["bottleneck"], "db");
    close(json["max_throughput_rps"].as_f64().unwrap(), 125.0, 1e-12);
    assert!(json["findings"].is_array());

    // The table names the bottleneck too; an invalid spec exits 1 with its diagnostics.
    let table = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["analyze", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&table.stdout)
        .contains("bottleneck: db, saturating at 125.0 req/s"));
    std::fs::write(&path, JACKSON.replace("calls: 2.5", "calls: -1")).unwrap();
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(["analyze", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("calls must be in [0, 1000], got -1"));
}

#[test]
fn a_ten_thousand_deep_sync_chain_analyses() {
    let mut yaml = String::from(
        "version: 1\nname: deep\nworkload:\n  classes:\n    - { name: web, rate_rps: 1, entry: c0 }\ncomponents:\n",
    );
    for i in 0..10_000 {
        yaml.push_str(&format!(
            "  - {{ name: c{i}, kind: service, service_time_ms: 0.01 }}\n"
        ));
    }
    yaml.push_str("dependencies:\n");
    for i in 1..10_000 {
        yaml.push_str(&format!("  - {{ from: c{}, to: c{i} }}\n", i - 1));
    }
    let a = analysis_of(&yaml);
    // 10,000 M/M/1 visits at ρ = 1e-5: each R = 0.01 / (1 - 1e-5) ms.
    close(
        a.classes[0].mean_latency_ms.unwrap(),
        10_000.0 * 0.01 / (1.0 - 1e-5),
        1e-9,
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        /// Any valid variation of the shop's sizes and rates analyses without a panic,
        /// and every number is finite or absent (null), never NaN.
        #[test]
        fn on_valid_variations_of_the_shop(
            replicas in 1u32..64,
            concurrency in 1u32..512,
            service in 0.001f64..500.0,
            cv in 0.0f64..4.0,
            rate in 0.0f64..1e6,
            hit in 0.0f64..=1.0,
            calls in 0.0f64..20.0,
            skew in 1.0f64..4.0,
        ) {
            let mut model = shop();
            for c in &mut model.components {
                if c.replicas.is_some() { c.replicas = Some(replicas); c.autoscale = None; }
                if c.concurrency.is_some() { c.concurrency = Some(concurrency); }
                if c.service_time_ms.is_some() { c.service_time_ms = Some(service); }
                if c.service_time_cv.is_some() { c.service_time_cv = Some(cv); }
                if c.hit_ratio.is_some() { c.hit_ratio = Some(hit); }
                if c.shards.is_some() { c.shards = Some(4); c.hot_shard_skew = Some(skew); }
            }
            model.workload.classes[0].rate_rps = Some(rate);
            model.dependencies[4].calls = Some(calls);
            prop_assert!(spec::validate(&model).is_empty(), "{:?}", spec::validate(&model));
            let a = analyze(&model).unwrap();
            for c in &a.components {
                prop_assert!(!c.utilization.is_nan() && c.arrival_rps.is_finite());
                for v in [c.mean_response_ms, c.p99_response_ms].into_iter().flatten() {
                    prop_assert!(v.is_finite() && v >= 0.0, "{c:?}");
                }
            }
            for c in &a.classes {
                for v in [c.mean_latency_ms, c.p50_latency_ms, c.p95_latency_ms, c.p99_latency_ms].into_iter().flatten() {
                    prop_assert!(v.is_finite() && v >= 0.0, "{c:?}");
                }
            }
        }
    }
}

#[test]
fn a_model_with_nothing_in_it_costs_zero_not_minus_zero() {
    // The desktop's new document: no component, no class. Rust's empty f64 sum is -0.0,
    // which the scorecard printed as "$-0/mo".
    let a = analysis_of("version: 1\nname: new\nworkload:\n  classes: []\ncomponents: []\n");
    for (what, v) in [
        ("monthly", a.monthly_cost_usd),
        ("static", a.cost.static_monthly_usd),
        ("scheduled", a.cost.scheduled_monthly_usd),
        ("autoscaled", a.cost.autoscaled_monthly_usd),
    ] {
        assert!(v == 0.0 && !v.is_sign_negative(), "{what}: {v:?}");
    }
    let json = serde_json::to_string(&a).unwrap();
    assert!(!json.contains("-0.0"), "{json}");
}

/// A worker of 4 x 4 servers fed by a Kafka topic: 8 ms a message at 400 messages/s.
fn consumer_of(queue: &str, rate: f64) -> String {
    format!(
        "version: 1\nname: part\nworkload:\n  classes:\n    - {{ name: ingest, rate_rps: {rate}, entry: api }}\n\
         components:\n  - {{ name: api, kind: service, replicas: 2, concurrency: 8, service_time_ms: 1 }}\n\
         \x20 - {{ name: events, kind: queue, {queue} }}\n\
         \x20 - {{ name: consumer, kind: worker, replicas: 4, concurrency: 4, service_time_ms: 8 }}\n\
         dependencies:\n  - {{ from: api, to: events, mode: async, op: write }}\n\
         \x20 - {{ from: events, to: consumer, mode: async }}\n"
    )
}

#[test]
fn partitions_bound_a_logs_consumers() {
    // 4 partitions, one consumer each, keys hashed: 4 x M/M/1 at 100 messages/s,
    // ρ = 0.8, R = 8 / (1 - 0.8) = 40 ms, against 16 servers at 0.2 without the bound.
    let a = analysis_of(&consumer_of("engine: kafka, partitions: 4", 400.0));
    let c = &a.components[2];
    close(c.utilization, 0.8, 1e-12);
    close(c.mean_response_ms.unwrap(), 40.0, 1e-9);
    let f = a
        .findings
        .iter()
        .find(|f| f.component.as_deref() == Some("consumer"))
        .expect("a partitions finding");
    assert!(
        f.message.contains("only 4 of consumer's 16 servers")
            && f.message.contains("12 servers are idle"),
        "{}",
        f.message
    );
    // Kafka's default is one partition: one consumer at 400 x 8 ms = 3.2.
    let one = analysis_of(&consumer_of("engine: kafka", 400.0));
    close(one.components[2].utilization, 3.2, 1e-12);
    // Past the ceiling, the finding is an error naming partitions, not replicas.
    let hot = analysis_of(&consumer_of("engine: kafka, partitions: 4", 450.0));
    let f = hot
        .findings
        .iter()
        .find(|f| f.message.starts_with("only 4"))
        .unwrap();
    assert!(
        f.message.contains("more partitions, not more replicas"),
        "{}",
        f.message
    );
}

#[test]
fn competing_consumers_are_not_bound() {
    // RabbitMQ and SQS hand each message to whichever consumer is free, and 16
    // partitions give each of the 16 servers one: utilisation 400 x 8 ms / 16 = 0.2.
    for queue in [
        "engine: rabbitmq",
        "engine: sqs",
        "engine: kafka, partitions: 16",
    ] {
        let a = analysis_of(&consumer_of(queue, 400.0));
        close(a.components[2].utilization, 0.2, 1e-12);
        assert!(
            a.findings.iter().all(|f| !f.message.contains("partition")),
            "{queue}: {:?}",
            a.findings
        );
    }
}
