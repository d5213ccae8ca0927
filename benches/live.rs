//! What the desktop's live analysis costs the backend on every edit, on the 300-component
//! model of the end-to-end perf harness (ui/e2e/perf.test.mjs), broken into its parts:
//! the IPC's JSON both ways, the canonical YAML, the checks, the analysis; and a one-field
//! edit as the desktop sends it (a patch to the backend's live session).
//!
//! cargo bench --bench live -- --warm-up-time 1 --measurement-time 3
//! cargo bench --bench live --profile dev -- ...   (the build the e2e tests run)

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use headroom::editor::patch::{PatchOp, PathStep};
use headroom::editor::{LiveEdit, LiveSession};
use headroom::{analysis::analyze, editor, spec};

/// The perf harness's model: a load balancer, then layers of 10 services, each calling
/// two in the next layer (ui/e2e/perf.test.mjs `generatedSpec`).
fn harness_model(components: usize) -> String {
    let mut out = String::from(
        "version: 1\nname: generated-300\ntargets:\n  p99_ms: 500\nworkload:\n  classes:\n    - { name: web, rate_rps: 200, entry: lb }\ncomponents:\n  - { name: lb, kind: load_balancer, replicas: 2, service_time_ms: 0.2 }\n",
    );
    let services = components - 1;
    for i in 0..services {
        out +=
            &format!("  - {{ name: svc-{i}, kind: service, replicas: 2, service_time_ms: 20 }}\n");
    }
    out += "dependencies:\n";
    for i in 0..10 {
        out += &format!("  - {{ from: lb, to: svc-{i}, calls: 0.1 }}\n");
    }
    for i in 0..services.saturating_sub(10) {
        let next = (i / 10 + 1) * 10;
        for j in [next + i % 10, next + (i + 1) % 10] {
            if j < services {
                out += &format!("  - {{ from: svc-{i}, to: svc-{j}, calls: 0.5 }}\n");
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let text = harness_model(300);
    let model = spec::check("generated-300.yaml", text.as_bytes())
        .into_result()
        .expect("the harness model is valid");
    let header: Vec<String> = Vec::new();
    let spec_json = serde_json::to_string(&model).expect("a spec serialises");
    let answer = editor::live(&model, "generated-300.yaml", &header);
    assert!(answer.analysis.is_some(), "{:?}", answer.diagnostics);

    let mut group = c.benchmark_group("live (300 components, 587 calls)");
    group.bench_function("whole: editor::live", |b| {
        b.iter(|| editor::live(black_box(&model), "generated-300.yaml", &header))
    });
    // What the desktop's backend does per edit: the edit arrives as a patch of the model it
    // holds, and the answer leaves as a patch of the answer before (editor::LiveSession).
    let mut session = LiveSession::new();
    let whole_edit = |base: Option<u64>, patch: Vec<PatchOp>| LiveEdit {
        base,
        patch,
        file: "generated-300.yaml".into(),
        header: Vec::new(),
    };
    let first = session
        .edit(whole_edit(
            None,
            vec![PatchOp::Set {
                path: vec![],
                value: serde_json::to_value(&model).expect("a spec serialises"),
            }],
        ))
        .expect("the whole model is analysed");
    let mut revision = first.revision;
    let mut replicas = 2;
    group.bench_function("whole: a one-field edit through LiveSession", |b| {
        b.iter(|| {
            replicas = 5 - replicas;
            let replicas_of_svc_20 = vec![PatchOp::Set {
                path: vec![
                    PathStep::Key("components".into()),
                    PathStep::Index(21),
                    PathStep::Key("replicas".into()),
                ],
                value: replicas.into(),
            }];
            let answer = session
                .edit(whole_edit(Some(revision), replicas_of_svc_20))
                .expect("the edit applies");
            revision = answer.revision;
            answer
        })
    });
    group.bench_function("part: spec from the IPC's JSON", |b| {
        b.iter(|| serde_json::from_str::<spec::Spec>(black_box(&spec_json)))
    });
    group.bench_function("part: canonical YAML", |b| {
        b.iter(|| spec::export::to_yaml(black_box(&model), &[]))
    });
    group.bench_function("part: check the YAML", |b| {
        b.iter(|| spec::check("generated-300.yaml", black_box(answer.yaml.as_bytes())))
    });
    group.bench_function("part: analyze", |b| b.iter(|| analyze(black_box(&model))));
    group.bench_function("part: answer to the IPC's JSON", |b| {
        b.iter(|| serde_json::to_string(black_box(&answer)))
    });
    group.finish();
    println!(
        "sizes: spec JSON {} bytes, answer JSON {} bytes (yaml {} bytes)",
        spec_json.len(),
        serde_json::to_string(&answer).map_or(0, |s| s.len()),
        answer.yaml.len()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
