//! A candidate plan evaluated: its changes applied to a copy of the spec, its pools
//! sized, the result analysed, and its distance from meeting every target.

use super::change::Change;
use super::sizing::{self, PoolUse, Sized};
use super::{PlanError, PlanOptions};
use crate::analysis::load::Visits;
use crate::analysis::scorecard::TargetCheck;
use crate::analysis::{analyze, solve, Analysis};
use crate::spec::Spec;

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
    pub gap: f64,
    pub cost: f64,
}

impl Evaluated {
    pub fn meets_all(&self) -> bool {
        self.analysis.scorecard.iter().all(|t| t.pass)
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
    let (pools, sync_visits) = {
        let solved = solve(&spec)?;
        let visits = solved.flows.iter().map(|f| f.sync_visits.clone()).collect();
        (sizing::pool_use(&solved), visits)
    };
    let sized = sizing::size(&spec, &pools, opts);
    for s in &sized {
        s.change.apply(&mut spec)?;
    }
    let pools = rescaled(&spec, pools, &sized);
    let analysis = analyze(&spec)?;
    Ok(Evaluated {
        gap: gap(&analysis.scorecard),
        cost: analysis.monthly_cost_usd,
        spec,
        analysis,
        sized,
        pools,
        sync_visits,
    })
}

/// Pool utilisations after sizing: they scale with the inverse of the counts.
fn rescaled(spec: &Spec, mut pools: Vec<PoolUse>, sized: &[Sized]) -> Vec<PoolUse> {
    for s in sized {
        let Some(c) = spec
            .components
            .iter()
            .position(|c| c.name == s.change.component())
        else {
            continue;
        };
        match s.change {
            Change::Replicas { from, to, .. } | Change::MaxConcurrency { from, to, .. } => {
                pools[c].primary *= f64::from(from) / f64::from(to.max(1));
            }
            Change::ReadReplicas { from, to, .. } => {
                if let Some(r) = pools[c].read.as_mut() {
                    *r *= f64::from(from) / f64::from(to.max(1));
                }
            }
            _ => {}
        }
    }
    pools
}

/// How far a scorecard is from passing: one per missed target plus its relative
/// shortfall (capped, so an unbounded miss does not drown the rest); 0 when all pass.
pub fn gap(card: &[TargetCheck]) -> f64 {
    card.iter().map(shortfall).sum()
}

pub fn shortfall(t: &TargetCheck) -> f64 {
    if t.pass {
        return 0.0;
    }
    let relative = match (t.required, t.predicted) {
        (_, None) => 5.0,
        (Some(r), Some(p)) => match t.target {
            "throughput_rps" => (r - p) / r.max(f64::MIN_POSITIVE),
            // Downtime, in orders of magnitude over what is allowed.
            "availability" => ((100.0 - p).max(1e-12) / (100.0 - r).max(1e-12)).ln(),
            "n_minus_1" => p,
            _ => (p - r) / r.abs().max(f64::MIN_POSITIVE),
        },
        (None, Some(_)) => 0.0,
    };
    1.0 + relative.clamp(0.0, 10.0)
}
