//! How long `headroom::analysis::analyze` takes on an already-validated spec: the
//! contract example, and a generated spec of 1,000 components (tests/engine/common), against
//! validating the same spec as a baseline measured in the same run; and mean-value
//! analysis of a closed network of 50 stations and 3 classes, alone and in a whole
//! analysis.
//!
//! cargo bench --bench analyze -- --warm-up-time 1 --measurement-time 3

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::{
    analysis::{analyze, closed},
    spec,
};

#[path = "../tests/engine/common/generated_spec.rs"]
mod generated_spec;
use generated_spec::generated_spec;
#[path = "common/models.rs"]
mod models;
use models::model;

fn bench(c: &mut Criterion) {
    let shop = model("models/shop.yaml");
    let microshop = model("tests/models/microshop.yaml");
    let large_text = generated_spec(100);
    let mut large = spec::check("generated.yaml", large_text.as_bytes())
        .into_result()
        .expect("generated spec is valid");
    // The size is 3,000 edges: nine more calls per group of ten components.
    let extra: Vec<spec::Dependency> = (0..100)
        .flat_map(|g| {
            [
                format!("{{ from: lb-{g}, to: cache-{g}, classes: [batch] }}"),
                format!("{{ from: api-{g}, to: fn-{g}, calls: 0.2 }}"),
                format!("{{ from: wrk-{g}, to: ext-{g}, timeout_ms: 500 }}"),
                format!("{{ from: svc-{g}, to: fn-{g}, parallel: fetch }}"),
                format!("{{ from: cdn-{g}, to: ext-{g} }}"),
                format!("{{ from: api-{g}, to: q-{g}, mode: async }}"),
                format!("{{ from: lb-{g}, to: db-{g}, op: read, classes: [api] }}"),
                format!("{{ from: fn-{g}, to: cache-{g}, op: write }}"),
                format!("{{ from: wrk-{g}, to: api-{g}, calls: 0.1 }}"),
            ]
        })
        .map(|text| {
            let yaml = format!("version: 1\nname: x\nworkload: {{ classes: [] }}\ncomponents: []\ndependencies:\n  - {text}\n");
            spec::check("edge.yaml", yaml.as_bytes()).spec.expect("edge parses").dependencies.remove(0)
        })
        .collect();
    large.dependencies.extend(extra);
    assert!(
        spec::validate(&large).is_empty(),
        "{:?}",
        spec::validate(&large)
    );

    let mut group = c.benchmark_group("analyze");
    group.bench_function("shop.yaml (9 components)", |b| {
        b.iter(|| analyze(black_box(&shop)))
    });
    group.bench_function("microshop.yaml (12 components)", |b| {
        b.iter(|| analyze(black_box(&microshop)))
    });
    group.bench_function("generated (1,000 components, 2,999 dependencies)", |b| {
        b.iter(|| analyze(black_box(&large)))
    });
    group.bench_function("baseline: check (validate) the same generated text", |b| {
        b.iter(|| spec::check("generated.yaml", black_box(large_text.as_bytes())))
    });
    group.finish();

    let closed_net = closed_network();
    let mut group = c.benchmark_group("closed");
    group.bench_function(
        "MVA: 50 stations, 3 classes (with the network's build)",
        |b| b.iter(|| closed::with_throughputs(black_box(&closed_net))),
    );
    group.bench_function("analyze the same spec", |b| {
        b.iter(|| analyze(black_box(&closed_net)))
    });
    group.finish();
}

/// Three closed classes of users entering a front that calls 49 services: one class
/// calls every one, one the even, one the odd, so the three load the stations apart.
fn closed_network() -> spec::Spec {
    let mut text = String::from(
        "version: 1\nname: closed\nworkload:\n  classes:\n\
         \x20   - { name: all, users: 200, think_time_ms: 2000, entry: front }\n\
         \x20   - { name: even, users: 100, think_time_ms: 1000, entry: front }\n\
         \x20   - { name: odd, users: 50, think_time_ms: 500, entry: front }\n\
         components:\n  - { name: front, kind: service, replicas: 4, concurrency: 8, service_time_ms: 2 }\n",
    );
    for i in 1..50 {
        text += &format!(
            "  - {{ name: s-{i}, kind: service, replicas: 2, concurrency: 4, service_time_ms: {} }}\n",
            1 + i % 5
        );
    }
    text += "dependencies:\n";
    for i in 1..50 {
        let parity = if i % 2 == 0 { "even" } else { "odd" };
        text += &format!("  - {{ from: front, to: s-{i}, classes: [all, {parity}] }}\n");
    }
    spec::check("closed.yaml", text.as_bytes())
        .into_result()
        .expect("the closed network is valid")
}

criterion_group!(benches, bench);
criterion_main!(benches);
