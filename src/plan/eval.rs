//! A candidate plan evaluated: its changes applied to a copy of the spec, its pools
//! sized, the result analysed, and its distance from meeting every target.

use super::change::Change;
use super::sizing::{self, PoolUse, Sized};
use super::{PlanError, PlanOptions};
use crate::analysis::load::Visits;
use crate::analysis::scorecard::{Target, TargetCheck};
use crate::analysis::{analyze_to, solve, Analysis, Depth};
use crate::spec::{Io, Spec};

#[derive(Clone)]
pub struct Evaluated {
    pub spec: Spec,
    pub analysis: Analysis,
    /// The sizing changes made after the design changes.
    pub sized: Vec<Sized>,
    /// Per component, its pools' utilisation in `spec` (after sizing).
    pub pools: Vec<PoolUse>,
    /// Per class, per component: visits on the request's sync path.
    pub sync_visits: Vec<Vec<Visits>>,
    /// Per class, per component: the sync visits whose failure fails the request.
    pub critical_visits: Vec<Vec<Visits>>,
    /// How far it is from meeting every target but the budget (0: it meets them).
    pub gap: f64,
    pub cost: f64,
}

impl Evaluated {
    /// Meets every target but the budget, which bounds the cost and is no goal of the
    /// search: the search minimises the cost of what meets the rest, so a bigger budget
    /// never gives a dearer plan.
    pub fn feasible(&self) -> bool {
        self.gap <= 1e-9
    }
}

/// Counts evaluations against the search's bound.
pub struct Budget {
    pub used: usize,
    pub max: usize,
}

impl Budget {
    pub fn spent(&self) -> bool {
        self.used >= self.max
    }
}

/// `changes` applied to `original` in order, then every pool sized, then analysed.
pub fn evaluate(
    original: &Spec,
    changes: &[Change],
    opts: &PlanOptions,
    budget: &mut Budget,
) -> Result<Evaluated, PlanError> {
    budget.used += 1;
    let mut spec = original.clone();
    for c in changes {
        c.apply(&mut spec)?;
    }
    let (pools, sync_visits, critical_visits) = {
        let effective = crate::analysis::effective(&spec)?;
        let solved = solve(&effective)?;
        let visits = solved.flows.iter().map(|f| f.sync_visits.clone()).collect();
        let critical = solved
            .flows
            .iter()
            .map(|f| f.critical_visits.clone())
            .collect();
        (sizing::pool_use(&solved), visits, critical)
    };
    let mut sized = sizing::size(&spec, &spec, &pools, opts);
    let mut sized_spec = spec.clone();
    for s in &sized {
        s.change.apply(&mut sized_spec)?;
    }
    let mut pools = rescaled(&spec, &sized_spec, pools);
    // A blocking pool holds its servers while its callees answer, so its load depends
    // on theirs: sized again once they are (a saturated callee makes it look infinite).
    for _ in 0..3 {
        let blocking = sized_spec
            .components
            .iter()
            .any(|c| c.io_or_default() == Io::Blocking);
        if !blocking
            && pools.iter().all(|p| p.primary.is_finite())
            && !partitions_newly_bind(&spec, &sized_spec)
        {
            break;
        }
        let again = {
            let effective = crate::analysis::effective(&sized_spec)?;
            let solved = solve(&effective)?;
            sizing::pool_use(&solved)
        };
        let next = sizing::size(&spec, &sized_spec, &again, opts);
        if next == sized {
            pools = again;
            break;
        }
        let mut next_spec = spec.clone();
        for s in &next {
            s.change.apply(&mut next_spec)?;
        }
        pools = rescaled(&sized_spec, &next_spec, again);
        sized = next;
        sized_spec = next_spec;
    }
    let spec = sized_spec;
    let analysis = analyze_to(&spec, Depth::Verdicts)?;
    Ok(Evaluated {
        gap: gap(&analysis.scorecard),
        cost: analysis.monthly_cost_usd,
        spec,
        analysis,
        sized,
        pools,
        sync_visits,
        critical_visits,
    })
}

/// Whether sizing gave a consumer more servers than the partitions that feed it, where
/// it had no more before: its partitions then carry its load, and want sizing in turn.
fn partitions_newly_bind(before: &Spec, after: &Spec) -> bool {
    let consumed = crate::analysis::load::consumed_queues(after);
    let binds = |spec: &Spec, c: usize| {
        crate::analysis::load::partition_bound(&consumed[c], |q| &spec.components[q])
            .is_some_and(|p| p < spec.components[c].pool_servers())
    };
    (0..after.components.len()).any(|c| binds(after, c) && !binds(before, c))
}

/// Pool utilisations measured on `from` carried over to `to`'s counts: they scale with
/// the inverse of the replicas (or a function's instances).
fn rescaled(from: &Spec, to: &Spec, mut pools: Vec<PoolUse>) -> Vec<PoolUse> {
    for ((p, a), b) in pools.iter_mut().zip(&from.components).zip(&to.components) {
        let ratio = |x: u32, y: u32| f64::from(x) / f64::from(y.max(1));
        if a.kind == crate::spec::ComponentKind::Function {
            let m = |c: &crate::spec::Component| {
                c.max_concurrency
                    .unwrap_or(crate::spec::defaults::MAX_CONCURRENCY)
            };
            p.primary *= ratio(m(a), m(b));
            continue;
        }
        p.primary *= ratio(a.replicas_or_default(), b.replicas_or_default());
        let rr = |c: &crate::spec::Component| {
            c.replication
                .as_ref()
                .map_or(0, |r| r.read_replicas.unwrap_or(0))
        };
        if let Some(r) = p.read.as_mut() {
            *r *= ratio(rr(a), rr(b));
        }
    }
    pools
}

/// How far a scorecard is from passing, the budget aside: one per missed target plus
/// its relative shortfall (capped, so an unbounded miss does not drown the rest); 0
/// when all pass.
pub fn gap(card: &[TargetCheck]) -> f64 {
    card.iter()
        .filter(|t| t.target != Target::MonthlyBudgetUsd)
        .map(shortfall)
        .sum()
}

pub fn shortfall(t: &TargetCheck) -> f64 {
    if t.pass {
        return 0.0;
    }
    let relative = match (t.required, t.predicted) {
        (_, None) => 5.0,
        (Some(r), Some(p)) => match t.target {
            Target::ThroughputRps => (r - p) / r.max(f64::MIN_POSITIVE),
            // Downtime, in orders of magnitude over what is allowed.
            Target::Availability => ((100.0 - p).max(1e-12) / (100.0 - r).max(1e-12)).ln(),
            Target::NMinus1 => p,
            _ => (p - r) / r.abs().max(f64::MIN_POSITIVE),
        },
        (None, Some(_)) => 0.0,
    };
    1.0 + relative.clamp(0.0, 10.0)
}
