//! Cost per month, three ways over the daily profile.
//!
//! - *static*: the spec's replicas around the clock;
//! - *scheduled*: each hour of the profile, the fewest primary replicas that keep the
//!   component at or under the utilisation ceiling at that hour's load (utilisation
//!   scales with load over replicas), at least one;
//! - *autoscaled*: for the components that autoscale, each hour the count that keeps
//!   the utilisation the peak count runs at (or the ceiling, whichever is lower), held
//!   within `autoscale {min, max}`; the static count for the rest. An autoscaler keeps
//!   the headroom it was given: a pool sized past the ceiling at peak (to survive the
//!   loss of a replica or a zone) keeps that margin at every hour, so more replicas at
//!   peak cost more at every hour. This is what the spec as written costs, and the
//!   headline `monthly_cost_usd`.
//!
//! Replica-hours are priced at `cost_per_replica_hour` for every node (`shards x
//! (replicas + read_replicas)`; read replicas stay static); requests at
//! `cost_per_million_requests_usd`, at the peak rate times the profile's mean. A month
//! is 730 hours. Data moved between zones is priced over the same mean (see
//! [`super::hops`]) and counted in the totals, not in any component's. With
//! `rollout: blue_green` a rollout runs a second copy of every replica: its price per
//! hour of rollout is reported.

use serde::Serialize;

use super::component::ComponentResult;
use super::hops;
use super::load::{ClassFlow, Visits};
use crate::spec::{defaults, Component, Rollout, Spec};

pub const HOURS_PER_MONTH: f64 = 730.0;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostReport {
    pub components: Vec<ComponentCost>,
    pub static_monthly_usd: f64,
    pub scheduled_monthly_usd: f64,
    pub autoscaled_monthly_usd: f64,
    /// What the spec as written costs: `autoscaled_monthly_usd`.
    pub monthly_usd: f64,
    /// The data moved between zones (`network.cross_zone_usd_per_gb`), in each total
    /// above and in no component's.
    pub cross_zone_monthly_usd: f64,
    pub monthly_budget_usd: Option<f64>,
    /// The extra cost of one hour of a blue-green rollout (a second copy of every
    /// replica), when the spec's rollout is blue-green.
    pub blue_green_rollout_usd_per_hour: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentCost {
    pub name: String,
    pub static_monthly_usd: f64,
    pub scheduled_monthly_usd: f64,
    pub autoscaled_monthly_usd: f64,
    /// Primary replicas per hour of the day, scheduled to the ceiling (empty for a
    /// component without replicas to schedule).
    pub scheduled_replicas: Vec<u32>,
    /// Primary replicas per hour as the spec runs them: where it autoscales, the count
    /// that keeps the peak's utilisation (or the ceiling, the lower) held within
    /// `autoscale {min, max}`; the static count otherwise (what `autoscaled_monthly_usd`
    /// pays for; the scaffold's autoscaler bounds).
    pub autoscaled_replicas: Vec<u32>,
}

/// The primary replicas that keep `utilization` (at `replicas`) under `ceiling` when
/// the load is `factor` times the peak.
pub fn replicas_needed(replicas: u32, utilization: f64, factor: f64, ceiling: f64) -> u32 {
    let needed = f64::from(replicas) * utilization * factor / ceiling;
    if !needed.is_finite() {
        return u32::MAX;
    }
    // A hair under a whole number is that number (0.7 / 0.7 * 4 must give 4, not 5).
    (needed - 1e-9).ceil().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// The daily profile (flat when the spec has none), its mean, and its hours.
struct Profile<'a> {
    factors: &'a [f64],
    mean: f64,
    hours: f64,
    ceiling: f64,
}

const FLAT: [f64; 24] = [1.0; 24];

impl<'a> Profile<'a> {
    fn of(spec: &'a Spec) -> Self {
        let factors: &[f64] = spec.workload.daily_profile.as_deref().unwrap_or(&FLAT);
        let mean = if factors.is_empty() {
            1.0
        } else {
            factors.iter().sum::<f64>() / factors.len() as f64
        };
        Profile {
            factors,
            mean,
            hours: factors.len().max(1) as f64,
            ceiling: spec
                .targets
                .utilization_ceiling
                .unwrap_or(defaults::UTILIZATION_CEILING),
        }
    }
}

/// What one component costs a month as written (autoscaled where it autoscales).
pub fn cost_of(spec: &Spec, c: &Component, r: &ComponentResult, rate: Visits) -> f64 {
    component_cost(c, r, rate, &Profile::of(spec)).autoscaled_monthly_usd
}

/// The cost of `spec` whose components are `results` at `rates`, its calls those of
/// `flows` with the retry `attempts` (per class, per dependency) of the evaluation.
pub fn cost(
    spec: &Spec,
    results: &[ComponentResult],
    rates: &[Visits],
    flows: &[ClassFlow],
    attempts: &[Vec<f64>],
) -> CostReport {
    let profile = Profile::of(spec);
    let cross_zone_monthly_usd = hops::cross_zone_monthly_usd(spec, flows, attempts, profile.mean);
    let components: Vec<ComponentCost> = spec
        .components
        .iter()
        .zip(results)
        .zip(rates)
        .map(|((c, r), rate)| component_cost(c, r, *rate, &profile))
        .collect();
    // + 0.0: Rust's empty f64 sum is -0.0, which would print as "-0" (a model with no
    // components yet, as the desktop's new document).
    let sum = |f: fn(&ComponentCost) -> f64| {
        components.iter().map(f).sum::<f64>() + cross_zone_monthly_usd + 0.0
    };
    let (static_monthly_usd, scheduled_monthly_usd, autoscaled_monthly_usd) = (
        sum(|c| c.static_monthly_usd),
        sum(|c| c.scheduled_monthly_usd),
        sum(|c| c.autoscaled_monthly_usd),
    );
    let blue_green_rollout_usd_per_hour = (spec.practices.rollout == Some(Rollout::BlueGreen))
        .then(|| {
            spec.components
                .iter()
                .filter(|c| c.kind.has_servers())
                .map(|c| nodes(c, c.replicas_or_default()) * price(c))
                .sum()
        });
    CostReport {
        components,
        static_monthly_usd,
        scheduled_monthly_usd,
        autoscaled_monthly_usd,
        monthly_usd: autoscaled_monthly_usd,
        cross_zone_monthly_usd,
        monthly_budget_usd: spec.targets.monthly_budget_usd,
        blue_green_rollout_usd_per_hour,
    }
}

fn price(c: &Component) -> f64 {
    c.cost_per_replica_hour.unwrap_or(defaults::COST_USD)
}

/// Nodes of a component with `replicas` primaries per shard.
fn nodes(c: &Component, replicas: u32) -> f64 {
    let read_replicas = c
        .replication
        .as_ref()
        .map_or(0, |r| r.read_replicas.unwrap_or(0));
    f64::from(c.shards_or_default()) * (f64::from(replicas) + f64::from(read_replicas))
}

fn component_cost(c: &Component, r: &ComponentResult, rate: Visits, p: &Profile) -> ComponentCost {
    let Profile {
        factors: profile,
        mean: mean_factor,
        hours,
        ceiling,
    } = *p;
    let per_million = c
        .cost_per_million_requests_usd
        .unwrap_or(defaults::COST_USD);
    let requests = if per_million > 0.0 {
        per_million * rate.total() * mean_factor * 3600.0 * HOURS_PER_MONTH / 1e6
    } else {
        0.0
    };
    let price = price(c);
    if !c.kind.has_servers() {
        let replica_hours = if price > 0.0 {
            f64::from(c.replicas_or_default()) * price * HOURS_PER_MONTH
        } else {
            0.0
        };
        let total = replica_hours + requests;
        return ComponentCost {
            name: c.name.clone(),
            static_monthly_usd: total,
            scheduled_monthly_usd: total,
            autoscaled_monthly_usd: total,
            scheduled_replicas: Vec::new(),
            autoscaled_replicas: Vec::new(),
        };
    }
    let replicas = c.replicas_or_default();
    let primary_utilization = r.pools.first().map_or(0.0, |p| p.utilization);
    let scheduled: Vec<u32> = profile
        .iter()
        .map(|&f| replicas_needed(replicas, primary_utilization, f, ceiling))
        .collect();
    let autoscaled: Vec<u32> = match c.autoscale {
        Some(a) => {
            let target = if primary_utilization > 0.0 {
                primary_utilization.min(ceiling)
            } else {
                ceiling
            };
            profile
                .iter()
                .map(|&f| {
                    replicas_needed(replicas, primary_utilization, f, target)
                        .clamp(a.min, a.max.max(a.min))
                })
                .collect()
        }
        None => vec![replicas; scheduled.len()],
    };
    let month = |counts: &[u32]| {
        counts.iter().map(|&n| nodes(c, n) * price).sum::<f64>() / hours * HOURS_PER_MONTH
            + requests
    };
    ComponentCost {
        name: c.name.clone(),
        static_monthly_usd: nodes(c, replicas) * price * HOURS_PER_MONTH + requests,
        scheduled_monthly_usd: month(&scheduled),
        autoscaled_monthly_usd: month(&autoscaled),
        scheduled_replicas: scheduled,
        autoscaled_replicas: autoscaled,
    }
}
