//! CAP/PACELC: what each store gives up, derived from its replication and read routing
//! (never from its engine's name), and the classes that need more than it gives.
//!
//! | replication | reads from | PACELC | why |
//! | --- | --- | --- | --- |
//! | none, or no read replicas | primary | PC/EC | one copy: consistent, and unreachable when partitioned from it |
//! | async | replicas | PA/EL | replicas answer during a partition and without waiting, up to `lag_ms` stale |
//! | async | primary | PC/EC | reads see the latest write; replicas only stand by (failover may lose up to `lag_ms` of writes) |
//! | sync | any | PC/EC | a write waits for a replica, and blocks when none answers |
//! | quorum | any | PC/EC | reads and writes need a majority; the minority side refuses |
//!
//! A class that needs `strong` or `read_your_writes` consistency and reads on its sync
//! path from a PA/EL store is a conflict: its reads may be `lag_ms` behind its writes.

use serde::Serialize;

use super::load::ClassFlow;
use crate::spec::{Component, ComponentKind, Consistency, ReadsFrom, ReplicationMode, Spec};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreConsistency {
    pub component: String,
    /// `PA/EL`, `PC/EC`, ...
    pub pacelc: &'static str,
    /// `none`, `async`, `sync` or `quorum`.
    pub replication: &'static str,
    /// `primary` or `replicas`.
    pub reads_from: &'static str,
    /// How stale a read can be (async replicas read), ms.
    pub staleness_ms: Option<f64>,
    pub why: &'static str,
}

/// A class that needs more consistency than a store on its path gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub class: usize,
    pub component: usize,
    pub needs: Consistency,
    pub staleness_ms: f64,
}

fn is_store(c: &Component) -> bool {
    matches!(c.kind, ComponentKind::Database | ComponentKind::Cache) || c.replication.is_some()
}

/// Whether reads are answered by async replicas (the one PA/EL case).
pub fn reads_stale(c: &Component) -> bool {
    c.replication.as_ref().is_some_and(|r| {
        r.mode == ReplicationMode::Async
            && r.reads_from == Some(ReadsFrom::Replicas)
            && r.read_replicas.unwrap_or(0) > 0
    })
}

pub fn classify(c: &Component) -> StoreConsistency {
    let rep = c
        .replication
        .as_ref()
        .filter(|r| r.read_replicas.unwrap_or(0) > 0);
    let reads_from = match rep.and_then(|r| r.reads_from) {
        Some(ReadsFrom::Replicas) => "replicas",
        _ => "primary",
    };
    let (pacelc, replication, why) = match rep.map(|r| r.mode) {
        None => ("PC/EC", "none", "one copy: consistent, unreachable when partitioned from it"),
        Some(ReplicationMode::Async) if reads_stale(c) => (
            "PA/EL",
            "async",
            "async replicas answer reads during a partition and without waiting, possibly stale",
        ),
        Some(ReplicationMode::Async) => (
            "PC/EC",
            "async",
            "reads go to the primary; the async replicas stand by and a failover may lose recent writes",
        ),
        Some(ReplicationMode::Sync) => (
            "PC/EC",
            "sync",
            "a write waits for a replica to apply it and blocks when none answers",
        ),
        Some(ReplicationMode::Quorum) => (
            "PC/EC",
            "quorum",
            "reads and writes need a majority; the minority side refuses",
        ),
    };
    StoreConsistency {
        component: c.name.clone(),
        pacelc,
        replication,
        reads_from,
        staleness_ms: reads_stale(c).then(|| staleness(c)),
        why,
    }
}

fn staleness(c: &Component) -> f64 {
    c.replication
        .as_ref()
        .and_then(|r| r.lag_ms)
        .unwrap_or(crate::spec::defaults::REPLICATION_LAG_MS)
}

pub fn stores(spec: &Spec) -> Vec<StoreConsistency> {
    spec.components
        .iter()
        .filter(|c| is_store(c))
        .map(classify)
        .collect()
}

/// Every (class, store) where the class needs more than the store gives.
pub fn conflicts(spec: &Spec, flows: &[ClassFlow]) -> Vec<Conflict> {
    let mut out = Vec::new();
    for (k, (class, flow)) in spec.workload.classes.iter().zip(flows).enumerate() {
        let needs = class.consistency_or_default();
        if needs == Consistency::Eventual {
            continue;
        }
        for (i, c) in spec.components.iter().enumerate() {
            if reads_stale(c) && flow.sync_visits[i].read > 0.0 {
                out.push(Conflict {
                    class: k,
                    component: i,
                    needs,
                    staleness_ms: staleness(c),
                });
            }
        }
    }
    out
}

/// The ways out of a conflict: each a change to the store's replication.
pub fn ways_out(store: &Component) -> Vec<(&'static str, Component)> {
    let Some(rep) = store.replication.as_ref() else {
        return Vec::new();
    };
    let with = |f: &dyn Fn(&mut crate::spec::Replication)| {
        let mut c = store.clone();
        let mut r = rep.clone();
        f(&mut r);
        c.replication = Some(r);
        c
    };
    vec![
        (
            "read from the primary",
            with(&|r| r.reads_from = Some(ReadsFrom::Primary)),
        ),
        (
            "sync replication",
            with(&|r| r.mode = ReplicationMode::Sync),
        ),
        (
            "quorum replication",
            with(&|r| r.mode = ReplicationMode::Quorum),
        ),
    ]
}
