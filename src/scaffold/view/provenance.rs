//! What the README says about the numbers: where each came from (its provenance table)
//! and where the scaffold departs from the spec (its notes).

use super::{number, AppView, ClassView, WorkloadView};
use crate::scaffold::layout::{Deploy, Layout};
use crate::spec::{ComponentKind, Runtime, Spec};

/// A row of the README's provenance table.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub file: String,
    pub value: String,
    pub from: String,
}

/// The table's rows: each workload's sizing, each connection's timeout and retries, each
/// gateway route's, and each class's rate and targets.
pub(super) fn provenance(
    workloads: &[WorkloadView],
    apps: &[AppView],
    classes: &[ClassView],
) -> Vec<Provenance> {
    let mut provenance = Vec::new();
    let mut row = |file: String, value: String, from: String| {
        provenance.push(Provenance { file, value, from })
    };
    for w in workloads {
        let base = format!("k8s/base/{}", w.name);
        let s = &w.sizing;
        row(
            format!("{base}/deployment.yaml"),
            format!("replicas {}", s.replicas),
            s.replicas_from.clone(),
        );
        match &w.hpa {
            Some(h) => row(
                format!("{base}/hpa.yaml"),
                format!(
                    "minReplicas {}, maxReplicas {}, CPU {} %",
                    h.min, h.max, h.cpu_target_percent
                ),
                format!(
                    "{} (hour by hour: {})",
                    s.hpa_from,
                    h.hourly
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ),
            None => row(
                format!("{base}/hpa.yaml"),
                "none".into(),
                s.hpa_from.clone(),
            ),
        }
        row(
            format!("{base}/deployment.yaml"),
            format!("cpu request {}, limit {}", w.cpu_request, w.cpu_limit),
            s.cpu_from.clone(),
        );
        row(
            format!("{base}/deployment.yaml"),
            format!(
                "memory request {}, limit {}",
                w.memory_request, w.memory_limit
            ),
            s.memory_from.clone(),
        );
        row(
            format!("{base}/pdb.yaml"),
            format!("maxUnavailable {}", s.pdb_max_unavailable),
            s.pdb_from.clone(),
        );
        if s.second_track_replicas > 0 {
            row(
                format!("{base}/deployment-*.yaml"),
                format!(
                    "{} pod{} for a release",
                    s.second_track_replicas,
                    if s.second_track_replicas == 1 {
                        ""
                    } else {
                        "s"
                    }
                ),
                s.second_track_from.clone(),
            );
        }
    }
    for a in apps {
        for c in &a.connections {
            row(
                format!("services/{}", a.name),
                format!(
                    "{} -> {}: timeout {} ms, {} retries",
                    a.name, c.target, c.timeout_ms, c.retries
                ),
                format!("{}; {}", c.timeout_from, c.retries_from),
            );
        }
    }
    for w in workloads.iter().filter(|w| w.gateway) {
        for l in &w.locations {
            row(
                format!("gateway/{}/nginx.conf", w.name),
                format!(
                    "location {} -> {}: timeout {} ms, {} tries",
                    l.matcher, l.upstream, l.timeout_ms, l.tries
                ),
                format!(
                    "{}; the edge's timeout (or the class's p99 target without one) and retries",
                    l.why
                ),
            );
        }
    }
    for k in classes {
        row(
            "loadtest/k6.js".into(),
            format!("{}: {} req/s", k.name, number(k.rate_rps)),
            "workload.classes[].rate_rps (at peak)".into(),
        );
        if let Some(ms) = k.p99_ms {
            row(
                "loadtest/k6.js, monitoring/alerts.yml".into(),
                format!("{}: p99 < {} ms", k.name, number(ms)),
                k.p99_from.clone(),
            );
        }
        if let Some(a) = k.availability {
            row(
                "loadtest/k6.js, monitoring/alerts.yml".into(),
                format!(
                    "{}: errors < {} (burn-rate alerts)",
                    k.name,
                    number(1.0 - a / 100.0)
                ),
                format!("targets.availability {} %", number(a)),
            );
        }
    }
    provenance
}

/// The notes: what the scaffold defaulted, runs differently or leaves to the reader.
pub(super) fn notes(spec: &Spec, layout: &Layout, classes: &[ClassView]) -> Vec<String> {
    let mut notes = Vec::new();
    for (i, u) in layout.units.iter().enumerate() {
        let c = &spec.components[i];
        match &u.deploy {
            Deploy::Code {
                spec_runtime: None,
                ..
            } => notes.push(format!(
                "{} has no runtime in the spec: its skeleton is Rust, the default.",
                u.name
            )),
            Deploy::Code {
                spec_runtime: Some(r @ (Runtime::Go | Runtime::Java | Runtime::Python | Runtime::Other)),
                ..
            } => notes.push(format!(
                "{} runs {} in the spec: its skeleton is Rust, which stands in for it (the scaffold writes Rust and Node); replace it with the real service.",
                u.name,
                r.as_str()
            )),
            Deploy::Infra {
                note: Some(n), ..
            } => notes.push(format!("{}: {n}.", u.name)),
            Deploy::Image(image) => notes.push(format!(
                "{} runs the spec's image {image}: no skeleton is generated; it should answer /healthz, /readyz and /metrics like the generated ones (the probes and alerts expect them).",
                u.name
            )),
            Deploy::Outside => notes.push(format!(
                "{} ({}) is not run by the scaffold: set {}_URL where it is called.",
                u.name,
                c.kind,
                u.env
            )),
            _ => {}
        }
        if c.kind == ComponentKind::Function {
            notes.push(format!(
                "{} is a function: the scaffold builds and runs it in docker-compose, but deploys no Kubernetes objects for it (put it on your serverless platform with at most {} instances, max_concurrency in the plan; set {}_URL for its callers).",
                u.name,
                c.max_concurrency.unwrap_or(crate::spec::defaults::MAX_CONCURRENCY),
                u.env
            ));
        }
        if c.replicas_or_default() > 1 && matches!(u.deploy, Deploy::Infra { .. }) {
            notes.push(format!(
                "{} has {} primaries per shard in the planned spec: docker-compose runs one; run it as a cluster of that size in production.",
                u.name,
                c.replicas_or_default()
            ));
        }
        if c.shards_or_default() > 1 && matches!(u.deploy, Deploy::Infra { .. }) {
            notes.push(format!(
                "{} has {} shards in the spec: docker-compose runs one.",
                u.name,
                c.shards_or_default()
            ));
        }
        if let Deploy::Infra { engine, .. } = &u.deploy {
            let reads = c
                .replication
                .as_ref()
                .and_then(|r| r.read_replicas)
                .unwrap_or(0);
            if reads > 0 && !engine.runs_replicas() {
                notes.push(format!(
                    "{} has {reads} read replicas in the spec: docker-compose runs the primary only ({} replication is not set up here).",
                    u.name,
                    engine.name()
                ));
            }
        }
        if matches!(u.deploy, Deploy::Gateway) {
            if let Some(e) = c
                .engine
                .as_deref()
                .filter(|e| !e.eq_ignore_ascii_case("nginx"))
            {
                notes.push(format!(
                    "{} is {e} in the spec: the scaffold's gateway is nginx, with the same routes.",
                    u.name
                ));
            }
        }
    }
    for k in classes {
        if k.measured_at.is_none() {
            notes.push(format!(
                "class {} reaches no service the scaffold runs: it has no SLO alert rules (the load test still covers it when {} is set).",
                k.name, k.entry_var
            ));
        }
    }
    notes
}
