//! How long `headroom::analysis::analyze` takes on an already-validated spec: the
//! contract example, and a generated spec of 1,000 components (tests/common), against
//! validating the same spec as a baseline measured in the same run.
//!
//! cargo bench --bench analyze -- --warm-up-time 1 --measurement-time 3

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::{analysis::analyze, spec};

#[path = "../tests/common/generated_spec.rs"]
mod generated_spec;
use generated_spec::generated_spec;

fn bench(c: &mut Criterion) {
    let shop_text = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/models/shop.yaml"))
        .expect("models/shop.yaml");
    let shop = spec::check("shop.yaml", &shop_text)
        .into_result()
        .expect("shop is valid");
    let large_text = generated_spec(100);
    let large = spec::check("generated.yaml", large_text.as_bytes())
        .into_result()
        .expect("generated spec is valid");

    let mut group = c.benchmark_group("analyze");
    group.bench_function("shop.yaml (9 components)", |b| {
        b.iter(|| analyze(black_box(&shop)))
    });
    group.bench_function("generated (1,000 components, 2,099 dependencies)", |b| {
        b.iter(|| analyze(black_box(&large)))
    });
    group.bench_function("baseline: check (validate) the same generated text", |b| {
        b.iter(|| spec::check("generated.yaml", black_box(large_text.as_bytes())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
