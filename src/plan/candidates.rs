//! Candidate changes, proposed from what a plan still misses: each one aimed at a
//! target (its `why`), to be applied to a copy of the model and re-analysed.
//!
//! - p99 of a class: on the components that take the most of its time, scale out (to
//!   halve utilisation), scale up, shard, cache a store's reads, route reads to
//!   replicas, async I/O for a blocking pool, and moving a call whose result the class
//!   does not need onto a queue;
//! - availability of a class: another replica of the component that eats the most of its
//!   error budget, quorum replication for a store, moving a call off the path;
//! - consistency: the store's ways out (read from the primary, sync, quorum);
//! - the ceiling and throughput, N-1, zone loss: sizing closes them by replicas; these
//!   add the alternatives that may be cheaper than the replicas sizing bought (scale up,
//!   shard, cache, async I/O, read replicas), another replica where a loss costs a class
//!   its p99, and another zone;
//! - once a plan meets them (`cheaper`): scale in over-provisioned pools, fewer read
//!   replicas, autoscaling, and the cheaper ways to what sizing bought.

use std::collections::HashSet;

use super::change::{Change, ReplicationWay};
use super::eval::Evaluated;
use super::sizing::{ceiling, primaries_needed, throughput_factor};
use super::PlanOptions;
use crate::analysis::availability::{lost_share, unavailabilities};
use crate::analysis::cost::replicas_needed;
use crate::analysis::scorecard::Target;
use crate::analysis::scorecard::TargetCheck;
use crate::spec::{
    defaults, Autoscale, CallMode, ComponentKind, Consistency, Io, Op, ReadsFrom, ReplicationMode,
    Spec,
};

pub struct Candidate {
    pub change: Change,
    /// The target it is aimed at, in words.
    pub why: String,
}

/// How many components per missed target the planner tries changes on.
const TOP: usize = 3;

pub fn candidates(ev: &Evaluated, applied: &[Change], opts: &PlanOptions) -> Vec<Candidate> {
    let mut g = Gen::new(ev, applied, opts);
    let a = &ev.analysis;
    for row in a.scorecard.iter().filter(|t| !t.pass) {
        let aim = aim(row);
        let class = row
            .subject
            .as_deref()
            .and_then(|s| g.spec.workload.classes.iter().position(|k| k.name == s));
        match (row.target, class) {
            (Target::P99Ms, Some(k)) => g.latency(k, &aim),
            (Target::Availability, Some(k)) => g.availability(k, &aim),
            (Target::Consistency, Some(_)) => {
                g.consistency(row.subject.as_deref().unwrap_or_default())
            }
            (Target::NMinus1, _) => g.n_minus_1(&aim),
            (Target::ZoneLoss, _) => g.zone_loss(&aim),
            (Target::UtilizationCeiling, _) | (Target::ThroughputRps, _) => {
                for c in g.hottest(TOP) {
                    g.capacity(c, &aim);
                }
            }
            _ => {}
        }
    }
    // Cheaper ways to the capacity sizing bought.
    for s in &ev.sized {
        if let Some(c) = g.index(s.change.component()) {
            g.capacity(c, &format!("instead of: {}", s.change.describe()));
        }
    }
    g.out
}

struct Gen<'a> {
    ev: &'a Evaluated,
    spec: &'a Spec,
    applied: &'a [Change],
    opts: &'a PlanOptions,
    out: Vec<Candidate>,
    seen: HashSet<String>,
}

impl<'a> Gen<'a> {
    fn new(ev: &'a Evaluated, applied: &'a [Change], opts: &'a PlanOptions) -> Self {
        Gen {
            ev,
            spec: &ev.spec,
            applied,
            opts,
            out: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn push(&mut self, change: Change, why: &str) {
        // One candidate per thing it sets, and never one the plan already made.
        let key = format!("{change:?}");
        if change.is_noop() || !self.seen.insert(key) || self.applied.contains(&change) {
            return;
        }
        // A managed component's size and placement are its provider's: only its tier
        // is the team's to choose.
        if !matches!(change, Change::Tier { .. })
            && self
                .index(change.component())
                .is_some_and(|c| self.spec.components[c].is_managed())
        {
            return;
        }
        self.out.push(Candidate {
            change,
            why: why.to_string(),
        });
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.spec.components.iter().position(|c| c.name == name)
    }

    fn has_applied(&self, key: &str) -> bool {
        self.applied.iter().any(|c| c.key() == key)
    }

    /// Pooled components, hottest first.
    fn hottest(&self, n: usize) -> Vec<usize> {
        let mut v: Vec<(usize, f64)> = self
            .ev
            .analysis
            .components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.servers > 0)
            .map(|(i, c)| (i, c.utilization))
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.into_iter().take(n).map(|(i, _)| i).collect()
    }

    /// The pooled components on class `k`'s sync path, by the time they take.
    fn slowest_on_path(&self, k: usize) -> Vec<usize> {
        let mut v: Vec<(usize, f64)> = self.ev.sync_visits[k]
            .iter()
            .enumerate()
            .filter(|(c, v)| v.total() > 0.0 && self.ev.analysis.components[*c].servers > 0)
            .map(|(c, v)| {
                let r = &self.ev.analysis.components[c];
                (c, v.total() * r.mean_response_ms.unwrap_or(f64::INFINITY))
            })
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.into_iter().take(TOP).map(|(c, _)| c).collect()
    }

    fn latency(&mut self, k: usize, why: &str) {
        for c in self.slowest_on_path(k) {
            let comp = &self.spec.components[c];
            if comp.kind.has_servers() {
                // One more, and twice as many (a p99 far over its target).
                let n = comp.replicas_or_default();
                for to in [n + 1, n * 2] {
                    self.push(
                        Change::Replicas {
                            component: comp.name.clone(),
                            from: n,
                            to: to.min(self.opts.max_replicas),
                        },
                        why,
                    );
                }
            }
            self.capacity(c, why);
        }
        self.offloads(k, None, why);
    }

    fn availability(&mut self, k: usize, why: &str) {
        let unavailable = unavailabilities(self.spec);
        let mut lost: Vec<(usize, f64)> = self.ev.critical_visits[k]
            .iter()
            .zip(&unavailable)
            .enumerate()
            .map(|(c, (v, u))| (c, lost_share(v, *u)))
            .filter(|(_, l)| *l > 0.0)
            .collect();
        lost.sort_by(|a, b| b.1.total_cmp(&a.1));
        for &(c, _) in lost.iter().take(TOP) {
            // A store on one primary: a standby first, then a second primary.
            self.standby(c, why);
            let comp = &self.spec.components[c];
            if comp.kind.has_servers() {
                let n = comp.replicas_or_default();
                if n < self.opts.max_replicas {
                    self.push(
                        Change::Replicas {
                            component: comp.name.clone(),
                            from: n,
                            to: n + 1,
                        },
                        why,
                    );
                }
            }
            if let Some(rep) = comp.replication.as_ref() {
                if rep.mode != ReplicationMode::Quorum && rep.read_replicas.unwrap_or(0) > 0 {
                    self.push(
                        Change::Replication {
                            component: comp.name.clone(),
                            way: ReplicationWay::Quorum,
                        },
                        why,
                    );
                }
                let r = rep.read_replicas.unwrap_or(0);
                if rep.reads_from == Some(ReadsFrom::Replicas) && r < self.opts.max_read_replicas {
                    self.push(
                        Change::ReadReplicas {
                            component: comp.name.clone(),
                            from: r,
                            to: r + 1,
                        },
                        why,
                    );
                }
            }
            self.offloads(k, Some(c), why);
        }
    }

    fn consistency(&mut self, class: &str) {
        let conflicts: Vec<(String, String)> = self
            .ev
            .analysis
            .conflicts
            .iter()
            .filter(|x| x.class == class)
            .map(|x| (x.component.clone(), x.class.clone()))
            .collect();
        for (store, class) in conflicts {
            let why = format!("consistency of {class}: {store}'s async replicas are stale");
            for way in [
                ReplicationWay::ReadFromPrimary,
                ReplicationWay::Sync,
                ReplicationWay::Quorum,
            ] {
                self.push(
                    Change::Replication {
                        component: store.clone(),
                        way,
                    },
                    &why,
                );
            }
        }
    }

    fn n_minus_1(&mut self, why: &str) {
        let outages: Vec<(String, bool)> = self
            .ev
            .analysis
            .resilience
            .n_minus_1
            .iter()
            .filter(|o| !o.holds)
            .filter_map(|o| {
                o.component
                    .clone()
                    .map(|c| (c, !o.classes_missing_p99.is_empty()))
            })
            .collect();
        for (name, p99) in outages {
            let Some(c) = self.index(&name) else { continue };
            let n = self.spec.components[c].replicas_or_default();
            if p99 && n < self.opts.max_replicas {
                self.push(
                    Change::Replicas {
                        component: name.clone(),
                        from: n,
                        to: n + 1,
                    },
                    why,
                );
            }
            self.capacity(c, why);
        }
    }

    fn zone_loss(&mut self, why: &str) {
        for (c, comp) in self.spec.components.iter().enumerate() {
            let z = comp.zones_or_default();
            if !comp.kind.has_servers() || !self.ev.pools[c].loaded {
                continue;
            }
            let n = comp.replicas_or_default();
            // A store on one primary rides out its zone on a standby in another.
            self.standby(c, why);
            // Everything in one zone goes with it: spread it.
            if z < self.opts.max_zones && (z == 1 || n > z) {
                self.push(
                    Change::Zones {
                        component: comp.name.clone(),
                        from: z,
                        to: z + 1,
                    },
                    why,
                );
            }
            if n < self.opts.max_replicas && self.ev.pools[c].primary > 0.0 {
                self.push(
                    Change::Replicas {
                        component: comp.name.clone(),
                        from: n,
                        to: n + 1,
                    },
                    why,
                );
            }
        }
    }

    /// A standby (a read replica that takes over when the primary goes) for a store on
    /// one primary that has none.
    fn standby(&mut self, c: usize, why: &str) {
        let comp = &self.spec.components[c];
        if matches!(comp.kind, ComponentKind::Database | ComponentKind::Cache)
            && comp.replicas_or_default() == 1
            && comp.standby_replicas() == 0
        {
            self.push(
                Change::ReadReplicas {
                    component: comp.name.clone(),
                    from: 0,
                    to: 1,
                },
                why,
            );
        }
    }

    /// Changes that carry a component's load with less capacity than replicas would.
    fn capacity(&mut self, c: usize, why: &str) {
        let comp = &self.spec.components[c];
        let name = comp.name.clone();
        if !comp.kind.has_servers() {
            return;
        }
        // One size up, once: a component the spec says was scaled up already stays.
        if let (Some(s), None) = (comp.service_time_ms, comp.scaled_up_from) {
            if s > 0.0 && !self.has_applied(&format!("scale_up:{name}")) {
                let (time_factor, price_factor) = self.spec.scale_up_factors();
                let price = comp.cost_per_replica_hour.unwrap_or(defaults::COST_USD);
                self.push(
                    Change::ScaleUp {
                        component: name.clone(),
                        service_time_ms: [s, round(s * time_factor, 4)],
                        cost_per_replica_hour: [price, round(price * price_factor, 4)],
                    },
                    why,
                );
            }
        }
        if comp.io_or_default() == Io::Blocking
            && matches!(comp.kind, ComponentKind::Service | ComponentKind::Worker)
        {
            self.push(
                Change::AsyncIo {
                    component: name.clone(),
                },
                why,
            );
        }
        if matches!(comp.kind, ComponentKind::Database | ComponentKind::Cache) {
            let s = comp.shards_or_default();
            if s * 2 <= self.opts.max_shards {
                self.push(
                    Change::Shards {
                        component: name.clone(),
                        from: s,
                        to: s * 2,
                    },
                    why,
                );
            }
        }
        if comp.kind == ComponentKind::Database {
            let rep = comp.replication.as_ref();
            let r = rep.and_then(|r| r.read_replicas).unwrap_or(0);
            let to_replicas = rep.and_then(|r| r.reads_from) == Some(ReadsFrom::Replicas);
            if !to_replicas && rep.is_none_or(|r| r.mode == ReplicationMode::Async) {
                self.push(
                    Change::RouteReads {
                        component: name.clone(),
                        added: if r == 0 { 1 } else { 0 },
                    },
                    why,
                );
            }
            if to_replicas && r < self.opts.max_read_replicas {
                self.push(
                    Change::ReadReplicas {
                        component: name.clone(),
                        from: r,
                        to: r + 1,
                    },
                    why,
                );
            }
            if !self.has_applied(&format!("cache:{name}")) && self.eventual_reads_into(&name) {
                let cache = self.unique_name(&format!("{name}-cache"));
                let t = &self.opts.cache;
                let price = self
                    .spec
                    .components
                    .iter()
                    .find(|c| c.kind == ComponentKind::Cache)
                    .and_then(|c| c.cost_per_replica_hour)
                    .unwrap_or(t.cost_per_replica_hour);
                self.push(
                    Change::AddCache {
                        store: name.clone(),
                        cache,
                        hit_ratio: t.hit_ratio,
                        replicas: 1,
                        concurrency: t.concurrency,
                        service_time_ms: t.service_time_ms,
                        availability: t.availability,
                        cost_per_replica_hour: price,
                    },
                    why,
                );
            }
        }
    }

    /// Whether a sync read of an eventual class goes straight to `store`.
    fn eventual_reads_into(&self, store: &str) -> bool {
        let mut probe = self.spec.clone();
        super::change::redirect_eventual_reads(&mut probe, store, "probe") > 0
    }

    fn unique_name(&self, base: &str) -> String {
        let base: String = base.chars().take(56).collect();
        let base = base.trim_end_matches('-').to_string();
        let mut name = base.clone();
        let mut i = 2;
        while self.spec.components.iter().any(|c| c.name == name) {
            name = format!("{base}-{i}");
            i += 1;
        }
        name
    }

    /// Sync calls on class `k`'s path (into `only`, when given) whose result the class
    /// does not need: a write to a worker or a function (a side effect: a notification,
    /// an email, a job), or to a service when only eventual classes make it.
    fn offloads(&mut self, k: usize, only: Option<usize>, why: &str) {
        let spec = self.spec;
        let visits = &self.ev.sync_visits[k];
        let class = &spec.workload.classes[k];
        let eventual = |classes: &Option<Vec<String>>| {
            spec.workload
                .classes
                .iter()
                .filter(|x| classes.as_ref().is_none_or(|l| l.contains(&x.name)))
                .all(|x| x.consistency_or_default() == Consistency::Eventual)
        };
        for (i, d) in spec.dependencies.iter().enumerate() {
            let (Some(from), Some(to)) = (self.index(&d.from), self.index(&d.to)) else {
                continue;
            };
            if only.is_some_and(|c| c != to)
                || d.mode_or_default() != CallMode::Sync
                || d.op_or_default() != Op::Write
                || d.lock.is_some()
                || !d.applies_to(&class.name)
                || visits[from].total() <= 0.0
                || spec.components[from].kind == ComponentKind::Queue
            {
                continue;
            }
            // Only a worker, a service or a function can drain a queue.
            let callee = &spec.components[to];
            if !matches!(
                callee.kind,
                ComponentKind::Worker | ComponentKind::Service | ComponentKind::Function
            ) || (callee.kind == ComponentKind::Service && !eventual(&d.classes))
            {
                continue;
            }
            let queue = self.unique_name(&format!("{}-queue", d.to));
            // Priced like the spec's own queue when it has one.
            let t = &self.opts.queue;
            let own = spec
                .components
                .iter()
                .find(|c| c.kind == ComponentKind::Queue);
            self.push(
                Change::Offload {
                    edge: i,
                    from: d.from.clone(),
                    to: d.to.clone(),
                    queue,
                    replicas: own.and_then(|q| q.replicas).unwrap_or(t.replicas),
                    availability: own.and_then(|q| q.availability).unwrap_or(t.availability),
                    cost_per_replica_hour: own
                        .and_then(|q| q.cost_per_replica_hour)
                        .unwrap_or(t.cost_per_replica_hour),
                },
                why,
            );
        }
    }

    /// Changes that lower the cost of every pooled component: scale in to what the
    /// targets need, fewer read replicas, autoscaling a static pool (it keeps the
    /// margin the peak count has, see `analysis::cost`) or a lower autoscaling floor.
    fn cheaper(&mut self) {
        let spec = self.spec;
        let ceiling = ceiling(spec);
        let f = throughput_factor(spec);
        let varies = spec
            .workload
            .daily_profile
            .as_deref()
            .is_some_and(|p| p.iter().any(|&x| x < 1.0));
        let mut by_cost: Vec<(usize, f64)> = self
            .ev
            .analysis
            .cost
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| (i, c.autoscaled_monthly_usd))
            .filter(|(_, usd)| *usd > 0.0)
            .collect();
        by_cost.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (c, _) in by_cost {
            let comp = &spec.components[c];
            let pools = self.ev.pools[c];
            if !comp.kind.has_servers() || !pools.loaded {
                continue;
            }
            let name = comp.name.clone();
            let why = format!("lower cost: {name} needs no more");
            // A managed component's next smaller tier (sizing takes it back up when
            // that is too small).
            if let (Some(tiers), Some(now)) = (comp.tiers.as_deref(), comp.active_tier()) {
                let at = tiers.iter().position(|t| t.name == now.name).unwrap_or(0);
                if let Some(smaller) = at.checked_sub(1).and_then(|i| tiers.get(i)) {
                    self.push(
                        Change::Tier {
                            component: name.clone(),
                            from: now.name.clone(),
                            to: smaller.name.clone(),
                        },
                        &format!("lower cost: {name} needs no larger tier"),
                    );
                }
                continue;
            }
            let n = comp.replicas_or_default();
            // The fewest the targets allow (sizing puts back what a cut takes too far),
            // but never less redundancy than the spec has: a pool of two or more keeps
            // two, whether or not a target asks it to survive a loss.
            let needed = primaries_needed(spec, c, &pools, 1, self.opts)
                .primaries
                .max(n.min(2));
            if needed < n {
                self.push(
                    Change::Replicas {
                        component: name.clone(),
                        from: n,
                        to: needed,
                    },
                    &why,
                );
            }
            if let (Some(u), Some(rep)) = (pools.read, comp.replication.as_ref()) {
                let r = rep.read_replicas.unwrap_or(0);
                let needed = replicas_needed(r, u, f, ceiling).max(1);
                if needed < r {
                    self.push(
                        Change::ReadReplicas {
                            component: name.clone(),
                            from: r,
                            to: needed,
                        },
                        &why,
                    );
                }
            }
            let autoscalable = matches!(
                comp.kind,
                ComponentKind::Service | ComponentKind::Worker | ComponentKind::LoadBalancer
            );
            // Two replicas at the quietest hour, so losing one is no outage then either.
            let floor = n.min(2);
            let why = format!("lower cost: {name} follows the daily load");
            match comp.autoscale {
                None if autoscalable && varies && n > floor => self.push(
                    Change::Autoscale {
                        component: name.clone(),
                        from: None,
                        to: Autoscale { min: floor, max: n },
                    },
                    &why,
                ),
                Some(a) if a.min > floor && varies => self.push(
                    Change::Autoscale {
                        component: name.clone(),
                        from: Some(a),
                        to: Autoscale {
                            min: floor,
                            max: a.max,
                        },
                    },
                    &why,
                ),
                _ => {}
            }
        }
    }
}

/// Changes that may make a plan that meets its targets cheaper: scaling in, autoscaling,
/// and the cheaper ways to the capacity sizing bought.
pub fn cheaper(ev: &Evaluated, applied: &[Change], opts: &PlanOptions) -> Vec<Candidate> {
    let mut g = Gen::new(ev, applied, opts);
    g.cheaper();
    for s in &ev.sized {
        if let Some(c) = g.index(s.change.component()) {
            g.capacity(c, &format!("instead of: {}", s.change.describe()));
        }
    }
    g.out
}

/// The target a candidate is aimed at, in words (without the numbers of the plan it was
/// proposed from: the step shows its own).
fn aim(t: &TargetCheck) -> String {
    let subject = t.subject.as_deref().unwrap_or_default();
    let req = t.required.unwrap_or_default();
    match t.target {
        Target::ThroughputRps => format!("throughput target {req} req/s within the ceiling"),
        Target::P99Ms => format!("p99 of {subject} (target {req} ms)"),
        Target::Availability => format!("availability of {subject} (target {req} %)"),
        Target::Consistency => format!("consistency of {subject}"),
        Target::UtilizationCeiling => format!("utilisation ceiling {req}"),
        Target::MonthlyBudgetUsd => format!("budget {req} USD a month"),
        Target::NMinus1 => "N-1".to_string(),
        Target::ZoneLoss => "zone loss".to_string(),
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let p = 10f64.powi(decimals);
    (x * p).round() / p
}
