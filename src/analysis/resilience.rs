//! N-1 and zone loss: does the system still carry its peak when capacity is lost?
//!
//! - N-1: one replica of each component with replicas is lost, one component at a time.
//!   A component with one replica goes down with it, unless it has a read replica (a
//!   standby), which takes over as the primary. Otherwise the component and its
//!   callers are re-evaluated with one replica fewer (the rest of the model is
//!   unchanged), and the outage holds when the component stays within the utilisation
//!   ceiling and every class still meets its p99.
//! - Zone loss: zone 0 is lost at once everywhere (it holds the most replicas of
//!   everything). Replicas are placed by `Component::zone_of`: in turn over `zones`,
//!   read replicas after the primaries; a component without `zones` lives in one zone
//!   and is lost whole. A store whose primaries are all lost fails over to a read
//!   replica in another zone, when it has one.
//! - A failover to an async replica loses the writes it had not applied: up to its
//!   `lag_ms`, reported as the recovery point.
//! - They are targets when `targets.survive` lists `replica` and `zone`; otherwise the
//!   analysis reports them as warnings.

use serde::Serialize;

use super::latency::{evaluate_into, CallTree, Evaluation, Load};
use super::percentile::{class_time, screened};
use super::whatif::WhatIf;
use crate::spec::{Component, Spec};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outage {
    /// What was lost, in words.
    pub scenario: String,
    /// The component that lost replicas (N-1), or none (zone loss: many).
    pub component: Option<String>,
    /// Components left with no replica.
    pub down: Vec<String>,
    /// The highest utilisation among the components that lost replicas, after the loss;
    /// none when a component is left with no replica (`down`): it is then unbounded.
    pub utilization: Option<f64>,
    /// Whether the utilisation after the loss is unbounded (a component is down).
    pub unbounded: bool,
    pub within_ceiling: bool,
    /// Classes whose p99 misses its target (or is unbounded) after the loss.
    pub classes_missing_p99: Vec<String>,
    /// The loss leaves every component up, within the ceiling, and every p99 met.
    pub holds: bool,
    /// Whether the classes' p99s were recomputed (false when the analysis's what-if
    /// budget was spent on a very large model: then only the capacity was checked, and
    /// the classes through the component that miss their p99 with every replica up are
    /// counted as missing it).
    pub latency_checked: bool,
    /// Stores that lost every primary and failed over to a read replica.
    pub failed_over: Vec<String>,
    /// The writes a failover to an async replica may lose: its lag (ms); 0 for sync
    /// and quorum replicas; none without a failover.
    pub recovery_point_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resilience {
    pub n_minus_1: Vec<Outage>,
    pub zone_loss: Option<Outage>,
    /// Components with replicas all in one zone (no `zones`, or `zones: 1`): a zone
    /// loss takes them whole, or to their standby.
    pub single_zone: Vec<String>,
}

/// Component `c` after losing `primaries` of its primaries (per shard) and `standbys`
/// of its read replicas: its definition then, and whether a standby took over as the
/// only primary; none when no replica and no standby is left (it is down).
fn losing(c: &Component, primaries: u32, standbys: u32) -> Option<(Component, bool)> {
    let replicas = c.replicas_or_default();
    let standby = c.standby_replicas().saturating_sub(standbys);
    let mut def = c.clone();
    let primaries_left = replicas.saturating_sub(primaries);
    if primaries_left > 0 {
        def.replicas = Some(primaries_left);
        if let Some(r) = def.replication.as_mut().filter(|_| standbys > 0) {
            r.read_replicas = Some(standby);
        }
        return Some((def, false));
    }
    if standby == 0 {
        return None;
    }
    // A standby becomes the primary; the rest keep serving reads.
    def.replicas = Some(1);
    if let Some(r) = def.replication.as_mut() {
        r.read_replicas = Some(standby - 1);
    }
    Some((def, true))
}

/// The writes lost by failing over to `c`'s replicas (ms).
fn recovery_point_ms(c: &Component) -> f64 {
    match c.replication.as_ref() {
        Some(r) if r.mode == crate::spec::ReplicationMode::Async => r
            .lag_ms
            .unwrap_or(crate::spec::defaults::REPLICATION_LAG_MS),
        _ => 0.0,
    }
}

/// The largest recovery point of the stores that failed over, if any did.
fn recovery_point(spec: &Spec, failed_over: &[usize]) -> Option<f64> {
    failed_over
        .iter()
        .map(|&c| recovery_point_ms(&spec.components[c]))
        .reduce(f64::max)
}

/// What the resilience checks need from the rest of the analysis.
pub struct Context<'a> {
    pub spec: &'a Spec,
    pub tree: &'a CallTree,
    pub load: &'a Load<'a>,
    pub base: &'a Evaluation,
    pub ceiling: f64,
    /// Per class: its entry component and p99 target.
    pub entries: &'a [Option<usize>],
    pub targets: &'a [Option<f64>],
}

impl Context<'_> {
    /// The classes through component `c` that miss their p99 already with every
    /// replica up: losing one cannot make them meet it. What an outage whose latency
    /// was not recomputed (the what-if budget spent) still knows.
    fn classes_missing_already(&self, c: usize) -> Vec<String> {
        let through_c: Vec<bool> = self
            .load
            .flows
            .iter()
            .map(|f| f.sync_visits.get(c).is_some_and(|v| v.total() > 0.0))
            .collect();
        self.classes_missing(self.base, None)
            .into_iter()
            .filter(|name| {
                self.spec
                    .workload
                    .classes
                    .iter()
                    .position(|k| &k.name == name)
                    .is_some_and(|k| through_c[k])
            })
            .collect()
    }

    fn classes_missing(&self, eval: &Evaluation, only: Option<&[bool]>) -> Vec<String> {
        let mut out = Vec::new();
        for (k, class) in self.spec.workload.classes.iter().enumerate() {
            let (Some(entry), Some(target)) = (self.entries[k], self.targets[k]) else {
                continue;
            };
            if only.is_some_and(|o| !o[self.tree.entries.component(entry)]) {
                continue; // untouched by the what-if
            }
            // The moments' p99 settles a verdict when it is far from the target;
            // the distribution's, near it.
            let p99 = screened(eval, k, Some(entry), target)
                .unwrap_or_else(|| {
                    class_time(self.spec, self.tree, self.load, eval, k, Some(entry))
                })
                .quantile(0.99);
            if p99.is_nan() || p99 > target {
                out.push(class.name.clone());
            }
        }
        out
    }
}

pub fn resilience(cx: &Context, what_if: &mut WhatIf) -> Resilience {
    let spec = cx.spec;
    let mut n_minus_1 = Vec::new();
    for (c, comp) in spec.components.iter().enumerate() {
        // A managed balancer's provider replaces a lost node.
        if !comp.kind.has_servers() || comp.is_managed() || cx.load.rates[c].total() <= 0.0 {
            continue;
        }
        let replicas = comp.replicas_or_default();
        let (fewer, failed_over) = match losing(comp, 1, 0) {
            None => {
                n_minus_1.push(Outage {
                    scenario: format!("{} loses its only replica", comp.name),
                    component: Some(comp.name.clone()),
                    down: vec![comp.name.clone()],
                    utilization: None,
                    unbounded: true,
                    within_ceiling: false,
                    classes_missing_p99: Vec::new(),
                    holds: false,
                    latency_checked: true,
                    failed_over: Vec::new(),
                    recovery_point_ms: None,
                });
                continue;
            }
            Some(left) => left,
        };
        // Utilisation scales with the replicas left; the latencies need a re-evaluation.
        let capacity_only = super::component::analyse(
            &fewer,
            cx.load.rates[c],
            cx.load.mix(c),
            cx.base.results[c].hold,
            cx.load.partition_bound(c, |q| &spec.components[q]),
        )
        .utilization;
        let checked = what_if.run(c, fewer, |eval, only| {
            (
                eval.results[c].utilization,
                cx.classes_missing(eval, Some(only)),
            )
        });
        let latency_checked = checked.is_some();
        let (utilization, classes_missing_p99) =
            checked.unwrap_or_else(|| (capacity_only, cx.classes_missing_already(c)));
        let within_ceiling = utilization <= cx.ceiling;
        n_minus_1.push(Outage {
            scenario: if failed_over {
                format!(
                    "{} loses its primary and fails over to a read replica",
                    comp.name
                )
            } else {
                format!("{} loses 1 of {replicas} replicas", comp.name)
            },
            component: Some(comp.name.clone()),
            down: Vec::new(),
            utilization: super::finite(utilization),
            unbounded: !utilization.is_finite(),
            within_ceiling,
            holds: within_ceiling && classes_missing_p99.is_empty(),
            classes_missing_p99,
            latency_checked,
            failed_over: if failed_over {
                vec![comp.name.clone()]
            } else {
                Vec::new()
            },
            recovery_point_ms: failed_over.then(|| recovery_point_ms(comp)),
        });
    }

    // Zone 0 lost: each component with servers loses the replicas placed there (a
    // managed balancer spans every zone).
    let mut zoned: Vec<(usize, Component)> = Vec::new();
    let mut down = Vec::new();
    let mut failed_over = Vec::new();
    for (i, c) in spec.components.iter().enumerate() {
        if !c.kind.has_servers() || c.is_managed() {
            continue;
        }
        let in_zone_0 = |read: bool, n: u32| (0..n).filter(|&r| c.zone_of(read, r) == 0).count();
        let primaries = in_zone_0(false, c.replicas_or_default()) as u32;
        let standbys = in_zone_0(true, c.standby_replicas()) as u32;
        if primaries == 0 && standbys == 0 {
            continue;
        }
        match losing(c, primaries, standbys) {
            None => {
                down.push(c.name.clone());
                let mut none = c.clone();
                none.replicas = Some(0);
                zoned.push((i, none));
            }
            Some((def, f)) => {
                if f {
                    failed_over.push(i);
                }
                zoned.push((i, def));
            }
        }
    }
    let single_zone = spec
        .components
        .iter()
        .filter(|c| c.kind.has_servers() && !c.is_managed() && c.zones_or_default() <= 1)
        .map(|c| c.name.clone())
        .collect();
    let zone_loss = (!zoned.is_empty()).then(|| {
        let mut eval = Evaluation::empty(spec);
        evaluate_into(spec, cx.tree, cx.load, &zoned, None, &mut eval);
        let utilization = zoned
            .iter()
            .map(|(i, _)| eval.results[*i].utilization)
            .fold(0.0, f64::max);
        let within_ceiling = utilization <= cx.ceiling;
        let classes_missing_p99 = cx.classes_missing(&eval, None);
        Outage {
            scenario: format!(
                "zone 0 lost: {} lose their replicas there",
                zoned
                    .iter()
                    .map(|(_, c)| c.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            component: None,
            holds: down.is_empty() && within_ceiling && classes_missing_p99.is_empty(),
            latency_checked: true,
            down,
            utilization: super::finite(utilization),
            unbounded: !utilization.is_finite(),
            within_ceiling,
            classes_missing_p99,
            recovery_point_ms: recovery_point(spec, &failed_over),
            failed_over: failed_over
                .iter()
                .map(|&i| spec.components[i].name.clone())
                .collect(),
        }
    });
    Resilience {
        n_minus_1,
        zone_loss,
        single_zone,
    }
}
