//! How long `headroom::spec::check` takes: the contract example, and a generated spec
//! of 5,000 components and ~10,000 dependencies (from
//! tests/engine/common/generated_spec.rs, shared with tests/engine/scale.rs, which checks
//! that the same spec validates), against yaml-rust2 alone loading the same text as a
//! baseline.
//!
//! cargo bench --bench validate -- --warm-up-time 1 --measurement-time 3

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use headroom::spec;

#[path = "../tests/engine/common/generated_spec.rs"]
mod generated_spec;
use generated_spec::generated_spec;

fn validate(c: &mut Criterion) {
    let shop = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/models/shop.yaml"))
        .expect("models/shop.yaml");
    let large = generated_spec(500);
    for (name, bytes) in [
        ("models/shop.yaml", &shop[..]),
        ("generated", large.as_bytes()),
    ] {
        let checked = spec::check(name, bytes);
        assert!(
            checked.is_valid(),
            "{name} must be valid: {:?}",
            checked.diagnostics.first()
        );
    }

    let mut group = c.benchmark_group("check");
    group.throughput(Throughput::Bytes(shop.len() as u64));
    group.bench_function("shop.yaml (9 components)", |b| {
        b.iter(|| spec::check("shop.yaml", black_box(&shop)))
    });
    group.sample_size(10);
    group.throughput(Throughput::Bytes(large.len() as u64));
    group.bench_function("generated (5,000 components, 9,999 dependencies)", |b| {
        b.iter(|| spec::check("generated.yaml", black_box(large.as_bytes())))
    });
    // The baseline: yaml-rust2 alone loading the same text into its own tree, without
    // positions, types or checks. check / baseline is what reading a spec properly costs.
    group.bench_function("baseline: yaml-rust2 YamlLoader, generated", |b| {
        b.iter(|| yaml_rust2::YamlLoader::load_from_str(black_box(&large)))
    });
    group.finish();
}

criterion_group!(benches, validate);
criterion_main!(benches);
