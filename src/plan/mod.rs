//! The planner: from what a spec misses, the lowest-cost set of changes that meets every
//! target, each change applied to a copy of the model and re-analysed, with its numbers.
//!
//! `plan(&spec, &options)` searches (see `search`), then replays the chosen changes one
//! at a time from the original spec so every step carries the scorecard before and
//! after it and its cost delta. When no set within the bounds meets every target, the
//! plan says which targets stay out of reach and why. The planned spec is
//! `Plan::spec`, written out with `Plan::to_yaml`.
//!
//! The targets are the scorecard's (`analysis::scorecard`): throughput within the
//! utilisation ceiling, p99 and availability per class, consistency, the ceiling, the
//! budget, N-1 and zone loss: `headroom check` passes a planned spec exactly when the
//! plan says it meets every target.

pub mod candidates;
pub mod change;
pub mod eval;
pub mod search;
pub mod sizing;
pub mod text;

use serde::Serialize;
use ts_rs::TS;

use crate::analysis::cost::HOURS_PER_MONTH;
use crate::analysis::scorecard::{Target, TargetCheck};
use crate::analysis::{analyze_to, Analysis, AnalysisError, Depth};
use crate::spec::{ComponentKind, Spec};
pub use change::{Change, ReplicationWay};

/// The bounds of the search and the assumptions behind the changes it can make.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PlanOptions {
    /// The most replicas (primaries per shard) of one pool.
    pub max_replicas: u32,
    pub max_read_replicas: u32,
    pub max_shards: u32,
    /// Availability zones a region offers.
    pub max_zones: u32,
    pub max_function_concurrency: u32,
    /// The most design changes in a plan (sizing is on top).
    pub max_changes: usize,
    /// Plans kept from one round of the search to the next.
    pub beam_width: usize,
    /// Analyses the search may run; its descent to the cheapest may run `polish_evaluations` more.
    pub max_evaluations: usize,
    pub polish_evaluations: usize,
    /// Analyses times the model's components the search may run: an analysis costs in
    /// proportion to the model, so a large model gets fewer (never under 20).
    pub max_component_analyses: usize,
    /// A cache the planner puts in front of a store.
    pub cache: CacheTemplate,
    /// A queue the planner moves a call onto.
    pub queue: QueueTemplate,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct CacheTemplate {
    /// The share of reads it answers: an assumption the step states.
    pub hit_ratio: f64,
    pub concurrency: u32,
    pub service_time_ms: f64,
    pub availability: f64,
    /// Used when the spec has no cache of its own to take the price from.
    pub cost_per_replica_hour: f64,
}

/// Used when the spec has no queue of its own to copy (a small three-broker cluster).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct QueueTemplate {
    pub replicas: u32,
    pub availability: f64,
    pub cost_per_replica_hour: f64,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            max_replicas: 500,
            max_read_replicas: 15,
            max_shards: 256,
            max_zones: 3,
            max_function_concurrency: 20_000,
            max_changes: 12,
            beam_width: 3,
            max_evaluations: 250,
            polish_evaluations: 150,
            max_component_analyses: 500_000,
            cache: CacheTemplate {
                hit_ratio: 0.8,
                concurrency: 4,
                service_time_ms: 0.2,
                availability: 99.9,
                cost_per_replica_hour: 0.1,
            },
            queue: QueueTemplate {
                replicas: 3,
                availability: 99.95,
                cost_per_replica_hour: 0.1,
            },
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error("cannot apply a change: {0}")]
    Apply(String),
    #[error("the planned spec does not validate (a planner bug): {0}")]
    Invalid(String),
    #[error("the spec does not validate, so it cannot be planned: {0}")]
    InvalidInput(String),
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Plan {
    pub name: String,
    pub meets_all_targets: bool,
    pub before: Standing,
    pub after: Standing,
    pub steps: Vec<Step>,
    /// The targets no set of changes within the bounds meets, and why.
    pub out_of_reach: Vec<OutOfReach>,
    /// Scaling every pool up by one factor, for comparison.
    pub baseline: Baseline,
    /// Analyses the search ran.
    pub evaluations: usize,
    /// The analyses the search could run (`max_evaluations`, fewer for a large model).
    pub evaluation_bound: usize,
    /// The search stopped at `evaluation_bound` with candidates left untried: a
    /// cheaper plan may exist past it.
    pub stopped_at_bound: bool,
    pub bounds: PlanOptions,
    /// The planned spec.
    #[serde(skip)]
    pub spec: Spec,
    /// Its analysis, to the scorecard's depth (`Depth::Scorecard`).
    #[serde(skip)]
    pub analysis: Analysis,
}

/// Where a spec stands against its targets.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Standing {
    pub monthly_cost_usd: f64,
    pub targets_met: usize,
    pub targets: usize,
    pub scorecard: Vec<TargetCheck>,
}

impl Standing {
    fn of(a: &Analysis) -> Self {
        Standing {
            monthly_cost_usd: a.monthly_cost_usd,
            targets_met: a.scorecard.iter().filter(|t| t.pass).count(),
            targets: a.scorecard.len(),
            scorecard: a.scorecard.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Step {
    pub number: usize,
    pub change: Change,
    pub summary: String,
    /// The targets it was made for.
    pub why: String,
    pub monthly_cost_before_usd: f64,
    pub monthly_cost_after_usd: f64,
    pub cost_delta_usd: f64,
    /// Why the step moves no cost, when it does not: "no change in cost", or that what
    /// it adds has no price in the spec.
    pub cost_note: Option<String>,
    pub targets_met_before: usize,
    pub targets_met_after: usize,
    /// Every number the step moved: scorecard rows and the utilisation of what it touched.
    pub effects: Vec<Effect>,
}

/// What a step's effect is measured in: a target's figure, or the utilisation of a
/// component the step changes or adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(untagged)]
pub enum Metric {
    Target(Target),
    Component(ComponentMetric),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ComponentMetric {
    Utilization,
}

impl From<Target> for Metric {
    fn from(t: Target) -> Self {
        Metric::Target(t)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Effect {
    pub metric: Metric,
    pub subject: Option<String>,
    /// None when unbounded, or when the subject is `added` by the step.
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// The subject did not exist before the step (a cache or queue it adds).
    pub added: bool,
    pub pass_before: Option<bool>,
    pub pass_after: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct OutOfReach {
    pub target: Target,
    pub subject: Option<String>,
    pub required: Option<f64>,
    pub predicted: Option<f64>,
    pub why: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Baseline {
    /// Every pool's replicas (and read replicas, and a function's instance limit) times this.
    pub factor: u32,
    pub monthly_cost_usd: f64,
    pub meets_all_targets: bool,
    pub targets_met: usize,
}

impl Plan {
    /// The planned spec as canonical YAML, after `header` comment lines.
    pub fn to_yaml(&self, header: &[&str]) -> String {
        crate::spec::export::to_yaml(&self.spec, header)
    }

    /// The planned spec after `header`, with the comments of the text it was planned
    /// from kept at their fields and items (`export::comments_of`).
    pub fn to_yaml_with(&self, header: &[&str], notes: &crate::spec::yaml::Notes) -> String {
        crate::spec::export::to_yaml_with(&self.spec, header, notes)
    }
}

pub fn plan(spec: &Spec, opts: &PlanOptions) -> Result<Plan, PlanError> {
    // A spec the validator refuses (out of bounds, say) would make every planned spec
    // fail the check below too, and read as the planner's fault.
    let issues = crate::spec::validate(spec);
    if !issues.is_empty() {
        return Err(PlanError::InvalidInput(problems(&issues)));
    }
    let before = analyze_to(spec, Depth::Scorecard)?;
    let searched = search::search(spec, opts)?;
    let (steps, planned, after) = replay(spec, &searched.best, &before)?;
    let issues = crate::spec::validate(&planned);
    if !issues.is_empty() {
        return Err(PlanError::Invalid(problems(&issues)));
    }
    let out_of_reach = out_of_reach(
        &planned,
        &after,
        &searched.best.ev,
        opts,
        searched.evaluation_bound,
    );
    let baseline = baseline(spec)?;
    Ok(Plan {
        name: spec.name.clone(),
        meets_all_targets: after.scorecard.iter().all(|t| t.pass),
        before: Standing::of(&before),
        after: Standing::of(&after),
        steps,
        out_of_reach,
        baseline,
        evaluations: searched.evaluations,
        evaluation_bound: searched.evaluation_bound,
        stopped_at_bound: searched.stopped_at_bound,
        bounds: opts.clone(),
        spec: planned,
        analysis: after,
    })
}

fn problems(issues: &[crate::spec::Issue]) -> String {
    issues
        .iter()
        .map(|i| format!("{}: {}", i.path, i.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The chosen changes one at a time from the original spec: design changes in the order
/// the search made them, then the sizing they need (a sizing of something a design
/// already changed is folded into that design), then what makes the plan cheaper
/// (scaling in, autoscaling), so each step's cost reads as what it adds or saves. The
/// end is the spec the search judged: autoscaling is given the peak count sizing set
/// as its top, as `evaluate` does by applying it first.
fn replay(
    original: &Spec,
    best: &search::Node,
    before: &Analysis,
) -> Result<(Vec<Step>, Spec, Analysis), PlanError> {
    type Steps = Vec<(Change, String)>;
    let (mut ordered, mut cuts): (Steps, Steps) = best
        .changes
        .iter()
        .cloned()
        .zip(best.whys.iter().cloned())
        .partition(|(c, _)| !c.is_cut());
    let mut sizing = Vec::new();
    for s in &best.ev.sized {
        let by_key = |list: &mut Steps| {
            let (c, why) = list.iter_mut().find(|(c, _)| c.key() == s.change.key())?;
            let m = c.merge(&s.change)?;
            *c = m;
            *why = format!("{why}; {}", s.reason);
            Some(())
        };
        if by_key(&mut ordered).is_some() || by_key(&mut cuts).is_some() {
            continue;
        }
        let created = ordered.iter_mut().find_map(|(c, why)| match c {
            Change::AddCache {
                cache, replicas, ..
            } if *cache == s.change.component() => Some((replicas, why)),
            _ => None,
        });
        if let (Some((replicas, why)), Change::Replicas { to, .. }) = (created, &s.change) {
            *replicas = *to;
            *why = format!("{why}; its replicas: {}", s.reason);
            continue;
        }
        sizing.push((s.change.clone(), s.reason.clone()));
    }
    for (cut, _) in &mut cuts {
        if let Change::Autoscale { component, to, .. } = cut {
            if let Some(c) = best
                .ev
                .spec
                .components
                .iter()
                .find(|c| c.name == *component)
            {
                to.max = to.max.max(c.replicas_or_default());
            }
        }
    }
    ordered.extend(sizing);
    ordered.extend(cuts);
    // Spreading over more zones is sized for the replicas a later step sets: it goes
    // right before that step, where its reason reads.
    let mut i = 0;
    while i < ordered.len() {
        if let Change::Zones { component, .. } = &ordered[i].0 {
            let sets_replicas = |c: &Change| {
                c.component() == component
                    && matches!(c, Change::Replicas { .. } | Change::ReadReplicas { .. })
            };
            if let Some(j) = ordered[i + 1..].iter().position(|(c, _)| sets_replicas(c)) {
                let zones = ordered.remove(i);
                ordered.insert(i + j, zones);
                if j > 0 {
                    continue;
                }
            }
        }
        i += 1;
    }

    let mut spec = original.clone();
    let mut prev = before.clone();
    let mut steps = Vec::new();
    for (i, (change, why)) in ordered.into_iter().enumerate() {
        change.apply(&mut spec)?;
        let next = analyze_to(&spec, Depth::Scorecard)?;
        steps.push(Step {
            number: i + 1,
            summary: change.describe(),
            why,
            monthly_cost_before_usd: prev.monthly_cost_usd,
            monthly_cost_after_usd: next.monthly_cost_usd,
            cost_delta_usd: next.monthly_cost_usd - prev.monthly_cost_usd,
            cost_note: cost_note(
                &spec,
                &change,
                next.monthly_cost_usd - prev.monthly_cost_usd,
            ),
            targets_met_before: prev.scorecard.iter().filter(|t| t.pass).count(),
            targets_met_after: next.scorecard.iter().filter(|t| t.pass).count(),
            effects: effects(&prev, &next, &change),
            change,
        });
        prev = next;
    }
    if spec != best.ev.spec {
        return Err(PlanError::Invalid(
            "replaying the plan's steps did not give the spec the search chose".to_string(),
        ));
    }
    Ok((steps, spec, prev))
}

/// [`Step::cost_note`] of `change` made to `spec`.
fn cost_note(spec: &Spec, change: &Change, delta: f64) -> Option<String> {
    if delta.abs() >= 0.5 {
        return None;
    }
    let name = change.component();
    let unpriced = spec.components.iter().any(|c| {
        c.name == name && c.kind.has_servers() && c.cost_per_replica_hour.unwrap_or(0.0) <= 0.0
    });
    let adds = matches!(
        change,
        Change::Replicas { from, to, .. } | Change::ReadReplicas { from, to, .. } if to > from
    );
    Some(if unpriced && adds {
        format!("cost unknown: {name} has no cost_per_replica_hour")
    } else {
        "no change in cost".to_string()
    })
}

fn row_key(t: &TargetCheck) -> (Target, Option<&str>) {
    // The ceiling's row names the hottest component, which a change may move.
    if t.target == Target::UtilizationCeiling {
        (t.target, None)
    } else {
        (t.target, t.subject.as_deref())
    }
}

fn effects(prev: &Analysis, next: &Analysis, change: &Change) -> Vec<Effect> {
    let mut out = Vec::new();
    for t in &next.scorecard {
        let old = prev.scorecard.iter().find(|p| row_key(p) == row_key(t));
        let moved = match old {
            None => true,
            Some(o) => o.pass != t.pass || visibly_moved(t.target, o.predicted, t.predicted),
        };
        if moved {
            out.push(Effect {
                metric: t.target.into(),
                subject: t.subject.clone(),
                before: old.and_then(|o| o.predicted),
                after: t.predicted,
                added: false,
                pass_before: old.map(|o| o.pass),
                pass_after: Some(t.pass),
            });
        }
    }
    let mut touched = vec![change.component().to_string()];
    match change {
        Change::AddCache { cache, .. } => touched.push(cache.clone()),
        Change::Offload { to, .. } => touched.push(to.clone()),
        _ => {}
    }
    for name in touched {
        // Present with servers: its utilisation, none when unbounded (as every figure).
        let util = |a: &Analysis| {
            a.components
                .iter()
                .find(|c| c.name == name && c.servers > 0)
                .map(|c| crate::analysis::finite(c.utilization))
        };
        let (b, a) = (util(prev), util(next));
        if let Some(after) = a.filter(|_| a != b) {
            out.push(Effect {
                metric: Metric::Component(ComponentMetric::Utilization),
                subject: Some(name),
                before: b.flatten(),
                after,
                added: b.is_none(),
                pass_before: None,
                pass_after: None,
            });
        }
    }
    out
}

/// Whether a number moved by as much as it is printed with.
fn visibly_moved(target: Target, a: Option<f64>, b: Option<f64>) -> bool {
    text::value(target, a) != text::value(target, b)
}

/// Why each target the plan still misses is out of reach.
fn out_of_reach(
    spec: &Spec,
    a: &Analysis,
    ev: &eval::Evaluated,
    opts: &PlanOptions,
    evaluation_bound: usize,
) -> Vec<OutOfReach> {
    let unavailable = crate::analysis::availability::unavailabilities(spec);
    let fixed = |c: usize| {
        matches!(
            spec.components[c].kind,
            ComponentKind::External
                | ComponentKind::Cdn
                | ComponentKind::Queue
                | ComponentKind::Function
        )
    };
    a.scorecard
        .iter()
        .filter(|t| !t.pass)
        .map(|t| {
            let class = t
                .subject
                .as_deref()
                .and_then(|s| spec.workload.classes.iter().position(|k| k.name == s));
            let bounds = format!(
                "no change within the bounds ({} replicas, {} read replicas and {} shards per store at most, {} zones, {} design changes, {} analyses) closes it",
                opts.max_replicas, opts.max_read_replicas, opts.max_shards, opts.max_zones, opts.max_changes, evaluation_bound
            );
            let why = match (t.target, class) {
                (Target::Availability, Some(k)) => {
                    let mut cap = 1.0;
                    let mut names = Vec::new();
                    for (c, (v, u)) in ev.critical_visits[k].iter().zip(&unavailable).enumerate() {
                        let lost = crate::analysis::availability::lost_share(v, *u);
                        if fixed(c) && lost > 0.0 {
                            cap *= 1.0 - lost;
                            names.push(format!(
                                "{} {} %",
                                spec.components[c].name,
                                spec.components[c].availability_or_default()
                            ));
                        }
                    }
                    if t.required.is_some_and(|r| 100.0 * cap < r) {
                        format!(
                            "what the planner cannot change on its path ({}) caps it at {:.4} %",
                            names.join(", "),
                            100.0 * cap
                        )
                    } else {
                        bounds
                    }
                }
                (Target::P99Ms, Some(k)) => {
                    let delay: f64 = ev.sync_visits[k]
                        .iter()
                        .enumerate()
                        .filter(|(c, v)| fixed(*c) && v.total() > 0.0)
                        .map(|(c, v)| v.total() * spec.components[c].latency_ms.unwrap_or(0.0))
                        .sum();
                    if t.required.is_some_and(|r| delay >= r) {
                        format!("the fixed delays on its path (CDN and external calls) alone add up to {delay:.1} ms")
                    } else {
                        format!("{bounds}; fixed delays on its path take {delay:.1} ms of it")
                    }
                }
                (Target::MonthlyBudgetUsd, _) => {
                    let requests = request_charges(spec, a);
                    match t.required {
                        Some(r) if requests >= r => format!(
                            "per-request charges alone cost {requests:.0} USD a month, which no change in the planner's set lowers"
                        ),
                        _ => format!(
                            "the cheapest plan found that closes the other gaps costs {:.0} USD a month ({requests:.0} of it per-request charges)",
                            a.monthly_cost_usd
                        ),
                    }
                }
                (Target::ThroughputRps | Target::UtilizationCeiling | Target::NMinus1 | Target::ZoneLoss, _) => {
                    // Sizing stopped at a bound: name it.
                    let capped: Vec<String> = ev
                        .sized
                        .iter()
                        .filter_map(|s| match &s.change {
                            Change::Replicas { component, to, .. } if *to >= opts.max_replicas => {
                                Some(format!("{component} needs more than {} replicas", opts.max_replicas))
                            }
                            Change::ReadReplicas { component, to, .. } if *to >= opts.max_read_replicas => {
                                Some(format!("{component} needs more than {} read replicas", opts.max_read_replicas))
                            }
                            Change::MaxConcurrency { component, to, .. } if *to >= opts.max_function_concurrency => {
                                Some(format!("{component} needs more than {} instances", opts.max_function_concurrency))
                            }
                            _ => None,
                        })
                        .collect();
                    if capped.is_empty() {
                        bounds
                    } else {
                        format!("{}, the planner's bound", capped.join("; "))
                    }
                }
                _ => bounds,
            };
            OutOfReach {
                target: t.target,
                subject: t.subject.clone(),
                required: t.required,
                predicted: t.predicted,
                why,
            }
        })
        .collect()
}

/// What a month of per-request charges costs (CDN, externals, functions, queues).
fn request_charges(spec: &Spec, a: &Analysis) -> f64 {
    let profile = spec.workload.daily_profile.as_deref().unwrap_or(&[]);
    let mean = if profile.is_empty() {
        1.0
    } else {
        profile.iter().sum::<f64>() / profile.len() as f64
    };
    spec.components
        .iter()
        .zip(&a.components)
        .map(|(c, r)| {
            c.cost_per_million_requests_usd.unwrap_or(0.0)
                * r.arrival_rps
                * mean
                * 3600.0
                * HOURS_PER_MONTH
                / 1e6
        })
        .sum()
}

/// Every pool scaled up by the smallest whole factor (up to 16) that brings the capacity
/// targets (throughput, ceiling, N-1, zone loss) in: what scaling everything costs.
pub fn baseline(spec: &Spec) -> Result<Baseline, PlanError> {
    let capacity = [
        Target::ThroughputRps,
        Target::UtilizationCeiling,
        Target::NMinus1,
        Target::ZoneLoss,
    ];
    let mut last = None;
    for factor in 2..=16u32 {
        let mut s = spec.clone();
        for c in &mut s.components {
            if c.kind.has_servers() {
                // Saturating: counts come from the spec (an autoscale max of 4294967295
                // overflowed here).
                let n = c.replicas_or_default().saturating_mul(factor);
                c.replicas = Some(n);
                if let Some(a) = c.autoscale.as_mut() {
                    a.min = a.min.saturating_mul(factor);
                    a.max = a.max.saturating_mul(factor);
                }
                if let Some(r) = c.replication.as_mut() {
                    r.read_replicas = r.read_replicas.map(|x| x.saturating_mul(factor));
                }
            }
            if c.kind == ComponentKind::Function {
                let m = c
                    .max_concurrency
                    .unwrap_or(crate::spec::defaults::MAX_CONCURRENCY);
                c.max_concurrency = Some(m.saturating_mul(factor));
            }
        }
        let a = analyze_to(&s, Depth::Verdicts)?;
        let done = a
            .scorecard
            .iter()
            .filter(|t| capacity.contains(&t.target))
            .all(|t| t.pass);
        let b = Baseline {
            factor,
            monthly_cost_usd: a.monthly_cost_usd,
            meets_all_targets: a.scorecard.iter().all(|t| t.pass),
            targets_met: a.scorecard.iter().filter(|t| t.pass).count(),
        };
        if done {
            return Ok(b);
        }
        last = Some(b);
    }
    last.ok_or_else(|| PlanError::Apply("no baseline".to_string()))
}
