//! How long `headroom::plan::plan` takes: the contract example, the twelve-service shop
//! (tests/models/microshop.yaml, the size of a typical microservice system: <= 300 ms),
//! each against one analysis of the same model in the same run, a generated model of
//! 100 components, and a full report with charts.
//!
//! cargo bench --bench plan -- --warm-up-time 1 --measurement-time 5

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::plan::{plan, PlanOptions};
use headroom::report::{self, Format};
use headroom::spec;

#[path = "../tests/engine/common/generated_spec.rs"]
mod generated_spec;
use generated_spec::generated_spec;
#[path = "common/models.rs"]
mod models;
use models::model;

fn bench(c: &mut Criterion) {
    let shop = model("models/shop.yaml");
    let microshop = model("tests/models/microshop.yaml");
    let large_text = generated_spec(10);
    let large = spec::check("generated.yaml", large_text.as_bytes())
        .into_result()
        .expect("generated spec is valid");
    assert_eq!(large.components.len(), 100);
    let opts = PlanOptions::default();
    let p = plan(&large, &opts).expect("plans");
    eprintln!(
        "generated: {} steps, {} analyses, meets all: {}, {:.0} -> {:.0} USD",
        p.steps.len(),
        p.evaluations,
        p.meets_all_targets,
        p.before.monthly_cost_usd,
        p.after.monthly_cost_usd
    );
    for o in &p.out_of_reach {
        eprintln!("  out of reach: {} {:?}: {}", o.target, o.subject, o.why);
    }

    let mut group = c.benchmark_group("plan");
    group.sample_size(10);
    group.bench_function("shop.yaml (9 components)", |b| {
        b.iter(|| plan(black_box(&shop), &opts))
    });
    group.bench_function("microshop.yaml (12 components)", |b| {
        b.iter(|| plan(black_box(&microshop), &opts))
    });
    group.bench_function("baseline: analyze microshop.yaml once", |b| {
        b.iter(|| headroom::analysis::analyze(black_box(&microshop)))
    });
    group.bench_function("generated (100 components)", |b| {
        b.iter(|| plan(black_box(&large), &opts))
    });
    group.finish();

    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("shop.yaml: analysis, plan, sweep, charts, HTML", |b| {
        b.iter(|| report::report(black_box(&shop), None, Format::Html))
    });
    group.bench_function("shop.yaml: Markdown", |b| {
        b.iter(|| report::report(black_box(&shop), None, Format::Markdown))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
