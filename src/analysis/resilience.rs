//! N-1 and zone loss: does the system still carry its peak when capacity is lost?
//!
//! - N-1: one replica of each component with replicas is lost, one component at a time.
//!   A component with one replica goes down with it. Otherwise the component and its
//!   callers are re-evaluated with one replica fewer (the rest of the model is
//!   unchanged), and the outage holds when the component stays within the utilisation
//!   ceiling and every class still meets its p99.
//! - Zone loss: one zone is lost at once everywhere. A component that declares `zones`
//!   loses its largest share, `ceil(replicas / zones)` replicas. A component that does
//!   not declare them is left out (its placement is unknown) and named in the result so
//!   the gap is visible.

use serde::Serialize;

use super::latency::{evaluate_into, CallTree, Evaluation, Load};
use super::percentile::{class_time, quick_quantile};
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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resilience {
    pub n_minus_1: Vec<Outage>,
    pub zone_loss: Option<Outage>,
    /// Components with replicas that do not declare `zones`.
    pub zones_unknown: Vec<String>,
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
            if only.is_some_and(|o| !o[entry]) {
                continue; // untouched by the what-if
            }
            // The moments' p99 settles a verdict when it is far from the target;
            // the distribution's, near it.
            let quick = quick_quantile(eval, k, Some(entry), 0.99);
            let p99 = if quick.is_finite() && (quick < 0.5 * target || quick > 2.0 * target) {
                quick
            } else {
                class_time(self.spec, self.tree, self.load, eval, k, Some(entry)).quantile(0.99)
            };
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
        if !comp.kind.has_servers() || cx.load.rates[c].total() <= 0.0 {
            continue;
        }
        let replicas = comp.replicas_or_default();
        if replicas <= 1 {
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
            });
            continue;
        }
        let mut fewer = comp.clone();
        fewer.replicas = Some(replicas - 1);
        // Utilisation scales with the replicas left; the latencies need a re-evaluation.
        let capacity_only = super::component::analyse(
            &fewer,
            cx.load.rates[c],
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
            scenario: format!("{} loses 1 of {replicas} replicas", comp.name),
            component: Some(comp.name.clone()),
            down: Vec::new(),
            utilization: super::finite(utilization),
            unbounded: !utilization.is_finite(),
            within_ceiling,
            holds: within_ceiling && classes_missing_p99.is_empty(),
            classes_missing_p99,
            latency_checked,
        });
    }

    let zoned: Vec<(usize, Component)> = spec
        .components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind.has_servers() && c.zones_or_default() >= 2)
        .map(|(i, c)| {
            let replicas = c.replicas_or_default();
            let lost = replicas.div_ceil(c.zones_or_default());
            let mut left = c.clone();
            left.replicas = Some(replicas - lost.min(replicas));
            (i, left)
        })
        .collect();
    let zones_unknown = spec
        .components
        .iter()
        .filter(|c| c.kind.has_servers() && c.zones.is_none())
        .map(|c| c.name.clone())
        .collect();
    let zone_loss = (!zoned.is_empty()).then(|| {
        let mut eval = Evaluation::empty(spec);
        evaluate_into(spec, cx.tree, cx.load, &zoned, None, &mut eval);
        let down: Vec<String> = zoned
            .iter()
            .filter(|(_, c)| c.replicas == Some(0))
            .map(|(_, c)| c.name.clone())
            .collect();
        let utilization = zoned
            .iter()
            .map(|(i, _)| eval.results[*i].utilization)
            .fold(0.0, f64::max);
        let within_ceiling = utilization <= cx.ceiling;
        let classes_missing_p99 = cx.classes_missing(&eval, None);
        Outage {
            scenario: format!(
                "one zone lost: {} lose their share of replicas",
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
        }
    });
    Resilience {
        n_minus_1,
        zone_loss,
        zones_unknown,
    }
}
