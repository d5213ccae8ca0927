//! One change the planner can make to a spec: what it is, how it is applied to a copy of
//! the model, and how it reads to a person.
//!
//! Changes are applied in order to the original spec. They only edit components and
//! edges in place or append new ones, so an edge index recorded when a change was
//! proposed still names the same edge when the change is replayed.

use serde::Serialize;
use ts_rs::TS;

use super::PlanError;
use crate::spec::{
    Autoscale, CallMode, Component, ComponentKind, Consistency, Dependency, Io, Op, ReadsFrom,
    Replication, ReplicationMode, ScaledUpFrom, Spec,
};

/// The ways out of a consistency conflict (see `analysis::consistency::ways_out`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationWay {
    ReadFromPrimary,
    Sync,
    Quorum,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
// `Change` is the diff's added/removed/changed in TypeScript.
#[ts(rename = "PlanChange")]
pub enum Change {
    /// Scale out (or in) a pool: primaries per shard.
    Replicas {
        component: String,
        from: u32,
        to: u32,
    },
    /// More (or fewer) read replicas of a store that serves reads from them.
    ReadReplicas {
        component: String,
        from: u32,
        to: u32,
    },
    /// A serverless function's instance limit.
    MaxConcurrency {
        component: String,
        from: u32,
        to: u32,
    },
    /// Larger instances: a faster service time at a higher price per replica-hour.
    ScaleUp {
        component: String,
        service_time_ms: [f64; 2],
        cost_per_replica_hour: [f64; 2],
    },
    /// Serve reads from async read replicas (adding `added` of them when there are none).
    RouteReads {
        component: String,
        added: u32,
    },
    Shards {
        component: String,
        from: u32,
        to: u32,
    },
    /// More partitions of a queue whose consumers they bound (one consumer each).
    Partitions {
        component: String,
        from: u32,
        to: u32,
    },
    /// A managed component moved to another of its provider's sizes.
    Tier {
        component: String,
        from: String,
        to: String,
    },
    /// A new cache in front of a store, for the reads of classes that accept eventual
    /// consistency (a strong class keeps reading the store).
    AddCache {
        store: String,
        cache: String,
        hit_ratio: f64,
        replicas: u32,
        concurrency: u32,
        service_time_ms: f64,
        availability: f64,
        cost_per_replica_hour: f64,
    },
    /// A sync call whose result the request does not need, handed to a new queue.
    Offload {
        edge: usize,
        from: String,
        to: String,
        queue: String,
        replicas: u32,
        availability: f64,
        cost_per_replica_hour: f64,
    },
    AsyncIo {
        component: String,
    },
    Replication {
        component: String,
        way: ReplicationWay,
    },
    Zones {
        component: String,
        from: u32,
        to: u32,
    },
    Autoscale {
        component: String,
        from: Option<Autoscale>,
        to: Autoscale,
    },
}

impl Change {
    /// The component the change is about (for a cache: the store it fronts).
    pub fn component(&self) -> &str {
        match self {
            Change::Replicas { component, .. }
            | Change::ReadReplicas { component, .. }
            | Change::MaxConcurrency { component, .. }
            | Change::ScaleUp { component, .. }
            | Change::RouteReads { component, .. }
            | Change::Shards { component, .. }
            | Change::Partitions { component, .. }
            | Change::Tier { component, .. }
            | Change::AsyncIo { component }
            | Change::Replication { component, .. }
            | Change::Zones { component, .. }
            | Change::Autoscale { component, .. } => component,
            Change::AddCache { store, .. } => store,
            Change::Offload { from, .. } => from,
        }
    }

    /// What the change sets: two changes with one key set the same thing, so the later
    /// one replaces the earlier (merged by [`Change::merge`]).
    pub fn key(&self) -> String {
        let what = match self {
            Change::Replicas { .. } => "replicas",
            Change::ReadReplicas { .. } => "read_replicas",
            Change::MaxConcurrency { .. } => "max_concurrency",
            Change::ScaleUp { .. } => "scale_up",
            Change::RouteReads { .. } => "route_reads",
            Change::Shards { .. } => "shards",
            Change::Partitions { .. } => "partitions",
            Change::Tier { .. } => "tier",
            Change::AddCache { .. } => "cache",
            Change::Offload { edge, .. } => return format!("offload:{edge}"),
            Change::AsyncIo { .. } => "io",
            Change::Replication { .. } => "replication",
            Change::Zones { .. } => "zones",
            Change::Autoscale { .. } => "autoscale",
        };
        format!("{what}:{}", self.component())
    }

    /// `self` followed by `later` (same key) as one change from `self`'s start to
    /// `later`'s end; `None` when the two cannot be one change.
    pub fn merge(&self, later: &Change) -> Option<Change> {
        use Change::*;
        Some(match (self, later) {
            (
                Replicas {
                    component, from, ..
                },
                Replicas { to, .. },
            ) => Replicas {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            (
                ReadReplicas {
                    component, from, ..
                },
                ReadReplicas { to, .. },
            ) => ReadReplicas {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            (
                MaxConcurrency {
                    component, from, ..
                },
                MaxConcurrency { to, .. },
            ) => MaxConcurrency {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            (
                Shards {
                    component, from, ..
                },
                Shards { to, .. },
            ) => Shards {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            (
                Partitions {
                    component, from, ..
                },
                Partitions { to, .. },
            ) => Partitions {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            (
                Tier {
                    component, from, ..
                },
                Tier { to, .. },
            ) => Tier {
                component: component.clone(),
                from: from.clone(),
                to: to.clone(),
            },
            (
                Zones {
                    component, from, ..
                },
                Zones { to, .. },
            ) => Zones {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            (
                ScaleUp {
                    component,
                    service_time_ms: a,
                    cost_per_replica_hour: p,
                },
                ScaleUp {
                    service_time_ms: b,
                    cost_per_replica_hour: q,
                    ..
                },
            ) => ScaleUp {
                component: component.clone(),
                service_time_ms: [a[0], b[1]],
                cost_per_replica_hour: [p[0], q[1]],
            },
            (
                Autoscale {
                    component, from, ..
                },
                Autoscale { to, .. },
            ) => Autoscale {
                component: component.clone(),
                from: *from,
                to: *to,
            },
            _ => return None,
        })
    }

    /// Whether the change leaves the spec as it was (a merge that went there and back).
    pub fn is_noop(&self) -> bool {
        match self {
            Change::Replicas { from, to, .. }
            | Change::ReadReplicas { from, to, .. }
            | Change::MaxConcurrency { from, to, .. }
            | Change::Shards { from, to, .. }
            | Change::Partitions { from, to, .. }
            | Change::Zones { from, to, .. } => from == to,
            Change::Tier { from, to, .. } => from == to,
            Change::Autoscale { from, to, .. } => *from == Some(*to),
            _ => false,
        }
    }

    /// Whether the change takes capacity away (to meet a budget).
    pub fn is_cut(&self) -> bool {
        match self {
            Change::Replicas { from, to, .. }
            | Change::ReadReplicas { from, to, .. }
            | Change::MaxConcurrency { from, to, .. } => to < from,
            Change::Autoscale { .. } => true,
            _ => false,
        }
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        match self {
            Change::Replicas {
                component,
                from,
                to,
            } => format!(
                "scale {} {component} from {from} to {to} replicas",
                if to >= from { "out" } else { "in" }
            ),
            Change::ReadReplicas {
                component,
                from,
                to,
            } => {
                if *from == 0 && *to == 1 {
                    format!("give {component} a read replica, a standby that takes over from its primary")
                } else if to >= from {
                    format!("give {component} {to} read replicas (from {from})")
                } else {
                    format!("cut {component}'s read replicas from {from} to {to}")
                }
            }
            Change::MaxConcurrency {
                component,
                from,
                to,
            } => format!("raise {component}'s max_concurrency from {from} to {to}"),
            Change::ScaleUp {
                component,
                service_time_ms: [a, b],
                cost_per_replica_hour: [p, q],
            } => format!(
                "scale up {component} to the next larger instance: service time {a} -> {b} ms at {p} -> {q} USD per replica-hour (planning.scale_up)"
            ),
            Change::RouteReads { component, added } => {
                if *added > 0 {
                    format!("add {added} async read replica to {component} and route its reads there")
                } else {
                    format!("route {component}'s reads to its read replicas")
                }
            }
            Change::Shards {
                component,
                from,
                to,
            } => format!("shard {component} from {from} to {to} shards"),
            Change::Partitions {
                component,
                from,
                to,
            } => format!("partition {component} {to} ways (from {from}), one consumer each"),
            Change::Tier {
                component,
                from,
                to,
            } => format!("move {component} to its provider's {to} (from {from})"),
            Change::AddCache {
                store,
                cache,
                hit_ratio,
                replicas,
                ..
            } => format!(
                "put a cache ({cache}, {replicas} replicas, hit ratio {hit_ratio}) in front of {store} for the reads of eventual classes"
            ),
            Change::Offload {
                from, to, queue, ..
            } => format!("move the call {from} -> {to} off the request path onto a queue ({queue})"),
            Change::AsyncIo { component } => {
                format!("switch {component} from blocking to async I/O")
            }
            Change::Replication { component, way } => match way {
                ReplicationWay::ReadFromPrimary => format!("{component}: read from the primary"),
                ReplicationWay::Sync => format!("{component}: sync replication"),
                ReplicationWay::Quorum => format!("{component}: quorum replication"),
            },
            Change::Zones {
                component,
                from,
                to,
            } => format!("spread {component} over {to} zones (from {from})"),
            Change::Autoscale {
                component, from, to,
            } => match from {
                Some(a) => format!(
                    "autoscale {component} between {} and {} replicas (was {}-{})",
                    to.min, to.max, a.min, a.max
                ),
                None => format!(
                    "autoscale {component} between {} and {} replicas",
                    to.min, to.max
                ),
            },
        }
    }

    /// Applies the change to `spec`.
    pub fn apply(&self, spec: &mut Spec) -> Result<(), PlanError> {
        match self {
            Change::Replicas { component, to, .. } => {
                let c = find(spec, component)?;
                c.replicas = Some(*to);
                if let Some(a) = c.autoscale.as_mut() {
                    a.min = a.min.min(*to);
                    a.max = a.max.max(*to);
                }
            }
            Change::ReadReplicas { component, to, .. } => {
                let c = find(spec, component)?;
                let rep = c.replication.get_or_insert_with(|| async_replication(0));
                rep.read_replicas = Some(*to);
            }
            Change::MaxConcurrency { component, to, .. } => {
                find(spec, component)?.max_concurrency = Some(*to);
            }
            Change::ScaleUp {
                component,
                service_time_ms,
                cost_per_replica_hour,
            } => {
                // The planned spec says what it assumed: the instance the figures were
                // for, and the factors that moved them.
                let (time_factor, price_factor) = spec.scale_up_factors();
                let c = find(spec, component)?;
                c.scaled_up_from.get_or_insert(ScaledUpFrom {
                    service_time_ms: service_time_ms[0],
                    cost_per_replica_hour: cost_per_replica_hour[0],
                });
                c.set_service_time(service_time_ms[1]);
                if c.cost_per_replica_hour.is_some() || cost_per_replica_hour[1] > 0.0 {
                    c.cost_per_replica_hour = Some(cost_per_replica_hour[1]);
                }
                let up = spec.planning.scale_up.get_or_insert_with(Default::default);
                up.service_time_factor.get_or_insert(time_factor);
                up.price_factor.get_or_insert(price_factor);
            }
            Change::RouteReads { component, added } => {
                let c = find(spec, component)?;
                let rep = c
                    .replication
                    .get_or_insert_with(|| async_replication(*added));
                if rep.read_replicas.unwrap_or(0) == 0 {
                    rep.read_replicas = Some(*added);
                }
                rep.reads_from = Some(ReadsFrom::Replicas);
            }
            Change::Shards { component, to, .. } => {
                find(spec, component)?.shards = Some(*to);
            }
            Change::Partitions { component, to, .. } => {
                find(spec, component)?.partitions = Some(*to);
            }
            Change::Tier { component, to, .. } => {
                find(spec, component)?.tier = Some(to.clone());
            }
            Change::AddCache {
                store,
                cache,
                hit_ratio,
                replicas,
                concurrency,
                service_time_ms,
                availability,
                cost_per_replica_hour,
            } => {
                let zones = find(spec, store)?.zones;
                let mut c = Component::new(cache.clone(), ComponentKind::Cache);
                c.engine = Some("redis".to_string());
                c.hit_ratio = Some(*hit_ratio);
                c.replicas = Some(*replicas);
                c.concurrency = Some(*concurrency);
                c.service_time_ms = Some(*service_time_ms);
                c.availability = Some(*availability);
                c.cost_per_replica_hour = Some(*cost_per_replica_hour);
                c.zones = zones;
                let moved = redirect_eventual_reads(spec, store, cache);
                if moved == 0 {
                    return Err(PlanError::Apply(format!(
                        "no read of an eventual class goes to {store}"
                    )));
                }
                spec.components.push(c);
                let mut edge = Dependency::new(cache.clone(), store.clone());
                edge.op = Some(Op::Read);
                spec.dependencies.push(edge);
            }
            Change::Offload {
                edge,
                to,
                queue,
                replicas,
                availability,
                cost_per_replica_hour,
                ..
            } => {
                let d = spec
                    .dependencies
                    .get_mut(*edge)
                    .filter(|d| d.to == *to)
                    .ok_or_else(|| PlanError::Apply(format!("no call into {to} at edge {edge}")))?;
                let mut consume = Dependency::new(queue.clone(), to.clone());
                consume.mode = Some(CallMode::Async);
                consume.op = d.op;
                consume.timeout_ms = d.timeout_ms.take();
                consume.retries = d.retries.take();
                // Through a queue the call's failure no longer reaches the request.
                d.on_failure = None;
                d.to = queue.clone();
                d.mode = Some(CallMode::Async);
                d.op = Some(Op::Write);
                let mut q = Component::new(queue.clone(), ComponentKind::Queue);
                q.replicas = Some(*replicas);
                q.availability = Some(*availability);
                q.cost_per_replica_hour = Some(*cost_per_replica_hour);
                spec.components.push(q);
                spec.dependencies.push(consume);
            }
            Change::AsyncIo { component } => {
                find(spec, component)?.io = Some(Io::Async);
            }
            Change::Replication { component, way } => {
                let c = find(spec, component)?;
                let rep = c
                    .replication
                    .as_mut()
                    .ok_or_else(|| PlanError::Apply(format!("{component} is not replicated")))?;
                match way {
                    ReplicationWay::ReadFromPrimary => rep.reads_from = Some(ReadsFrom::Primary),
                    ReplicationWay::Sync => rep.mode = ReplicationMode::Sync,
                    ReplicationWay::Quorum => rep.mode = ReplicationMode::Quorum,
                }
            }
            Change::Zones { component, to, .. } => {
                find(spec, component)?.zones = Some(*to);
            }
            Change::Autoscale { component, to, .. } => {
                let c = find(spec, component)?;
                c.autoscale = Some(*to);
                let r = c.replicas_or_default().clamp(to.min, to.max.max(to.min));
                c.replicas = Some(r);
            }
        }
        Ok(())
    }
}

fn find<'a>(spec: &'a mut Spec, name: &str) -> Result<&'a mut Component, PlanError> {
    spec.components
        .iter_mut()
        .find(|c| c.name == name)
        .ok_or_else(|| PlanError::Apply(format!("no component named {name}")))
}

fn async_replication(read_replicas: u32) -> Replication {
    Replication {
        mode: ReplicationMode::Async,
        read_replicas: Some(read_replicas),
        reads_from: None,
        lag_ms: None,
    }
}

/// The sync read edges into `store` that eventual classes take, pointed at `cache`
/// instead; an edge shared with stronger classes is split so they keep reading the
/// store. Edges out of a cache or CDN stay (they already are behind one). Returns how
/// many edges now go through the cache.
pub(crate) fn redirect_eventual_reads(spec: &mut Spec, store: &str, cache: &str) -> usize {
    let eventual: Vec<String> = spec
        .workload
        .classes
        .iter()
        .filter(|k| k.consistency_or_default() == Consistency::Eventual)
        .map(|k| k.name.clone())
        .collect();
    let all: Vec<String> = spec
        .workload
        .classes
        .iter()
        .map(|k| k.name.clone())
        .collect();
    let behind_cache: Vec<String> = spec
        .components
        .iter()
        .filter(|c| {
            matches!(
                c.kind,
                ComponentKind::Cache | ComponentKind::Cdn | ComponentKind::Queue
            )
        })
        .map(|c| c.name.clone())
        .collect();
    let mut moved = 0;
    let mut split = Vec::new();
    for d in spec.dependencies.iter_mut() {
        if d.to != store
            || d.op_or_default() != Op::Read
            || d.mode_or_default() != CallMode::Sync
            || d.lock.is_some()
            || behind_cache.contains(&d.from)
        {
            continue;
        }
        let applies: Vec<String> = d.classes.clone().unwrap_or_else(|| all.clone());
        let (weak, strong): (Vec<String>, Vec<String>) =
            applies.into_iter().partition(|k| eventual.contains(k));
        if weak.is_empty() {
            continue;
        }
        if !strong.is_empty() {
            let mut keep = d.clone();
            keep.classes = Some(strong);
            split.push(keep);
            d.classes = Some(weak);
        }
        d.to = cache.to_string();
        moved += 1;
    }
    spec.dependencies.extend(split);
    moved
}
