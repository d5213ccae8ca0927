//! The planner is cheapest: no dearer than brute force over replicas on small models
//! whose targets couple their pools (a p99 spanning several, N-1), indifferent to the
//! budget (a bound, not a goal), and at a fixed point (planning its own plan proposes
//! nothing).

use headroom::analysis::{analyze_to, Depth};
use headroom::plan::{plan, PlanOptions};
use headroom::spec::Spec;

use crate::common::models::{example, model, test_model, EXAMPLES};

/// The cheapest counts of `pools` (each 1 to `most` replicas) that meet every target
/// but the budget, by trying them all: (cost, counts).
fn brute_force(s: &Spec, pools: &[&str], most: u32) -> Option<(f64, Vec<u32>)> {
    let mut best: Option<(f64, Vec<u32>)> = None;
    let mut counts = vec![1u32; pools.len()];
    loop {
        let mut t = s.clone();
        for (name, n) in pools.iter().zip(&counts) {
            t.components
                .iter_mut()
                .find(|c| c.name == *name)
                .unwrap()
                .replicas = Some(*n);
        }
        let a = analyze_to(&t, Depth::Scorecard).unwrap();
        let meets = a
            .scorecard
            .iter()
            .filter(|r| r.target != headroom::analysis::scorecard::Target::MonthlyBudgetUsd)
            .all(|r| r.pass);
        if meets && best.as_ref().is_none_or(|(c, _)| a.monthly_cost_usd < *c) {
            best = Some((a.monthly_cost_usd, counts.clone()));
        }
        // The next combination, as an odometer.
        let mut i = 0;
        loop {
            if i == counts.len() {
                return best;
            }
            counts[i] += 1;
            if counts[i] <= most {
                break;
            }
            counts[i] = 1;
            i += 1;
        }
    }
}

/// A chain of three single-server pools at different prices under one p99 target for
/// the whole path, and N-1: which pool gets the replicas that bring the p99 in is a
/// choice of cost (the cheap front pool's queueing time costs least to cut).
const CHAIN: &str = "version: 1\nname: chain\n\
    targets: { p99_ms: 45, utilization_ceiling: 0.8, survive: [replica] }\n\
    workload:\n  classes:\n    - { name: web, rate_rps: 400, entry: front }\n\
    components:\n\
    \x20 - { name: front, kind: service, replicas: 1, concurrency: 1, service_time_ms: 2, cost_per_replica_hour: 0.05 }\n\
    \x20 - { name: mid, kind: service, replicas: 1, concurrency: 1, service_time_ms: 3, service_time_cv: 1.5, cost_per_replica_hour: 0.3 }\n\
    \x20 - { name: back, kind: service, replicas: 1, concurrency: 2, service_time_ms: 4, cost_per_replica_hour: 0.2 }\n\
    dependencies:\n\
    \x20 - { from: front, to: mid }\n\
    \x20 - { from: mid, to: back, calls: 2 }\n";

/// Two classes sharing a store-like pool, each with its own p99, one calling the shared
/// pool three times in a row (its visits correlate), and N-1.
const SHARED: &str = "version: 1\nname: shared\n\
    targets: { utilization_ceiling: 0.75, survive: [replica] }\n\
    workload:\n  classes:\n\
    \x20   - { name: read, rate_rps: 300, entry: api, p99_ms: 40 }\n\
    \x20   - { name: write, rate_rps: 60, entry: jobs, p99_ms: 90 }\n\
    components:\n\
    \x20 - { name: api, kind: service, replicas: 1, concurrency: 2, service_time_ms: 3, cost_per_replica_hour: 0.1 }\n\
    \x20 - { name: jobs, kind: service, replicas: 1, concurrency: 1, service_time_ms: 6, cost_per_replica_hour: 0.08 }\n\
    \x20 - { name: store, kind: service, replicas: 1, concurrency: 1, service_time_ms: 1.5, service_time_cv: 0.5, cost_per_replica_hour: 0.4 }\n\
    dependencies:\n\
    \x20 - { from: api, to: store, classes: [read] }\n\
    \x20 - { from: jobs, to: store, calls: 3, classes: [write] }\n";

#[test]
fn the_plan_is_no_dearer_than_brute_force_over_replicas() {
    for (yaml, pools) in [
        (CHAIN, ["front", "mid", "back"]),
        (SHARED, ["api", "jobs", "store"]),
    ] {
        let s = model(yaml);
        let (cheapest, counts) = brute_force(&s, &pools, 8).expect("some counts meet every target");
        let p = plan(&s, &PlanOptions::default()).unwrap();
        let text = headroom::plan::text::render(&p);
        assert!(p.meets_all_targets, "{}: {text}", s.name);
        assert!(
            p.after.monthly_cost_usd <= cheapest + 0.01,
            "{}: the plan costs {:.2}, brute force {cheapest:.2} with {pools:?} at {counts:?}\n{text}",
            s.name,
            p.after.monthly_cost_usd
        );
        eprintln!(
            "{}: plan {:.2} USD, brute force {cheapest:.2} USD at {counts:?}",
            s.name, p.after.monthly_cost_usd
        );
    }
}

/// Every example and the twelve-service shop, with their own budget, none, a tight one
/// and a loose one: one plan, one cost.
#[test]
fn a_bigger_budget_never_gives_a_dearer_plan() {
    let models: Vec<Spec> = EXAMPLES
        .iter()
        .map(|n| example(n))
        .chain([test_model("microshop")])
        .collect();
    for s in models {
        let own = plan(&s, &PlanOptions::default()).unwrap();
        for budget in [None, Some(1.0), Some(own.after.monthly_cost_usd), Some(1e9)] {
            let mut t = s.clone();
            t.targets.monthly_budget_usd = budget;
            let p = plan(&t, &PlanOptions::default()).unwrap();
            assert!(
                (p.after.monthly_cost_usd - own.after.monthly_cost_usd).abs() < 1e-6,
                "{} with budget {budget:?}: {} USD, with its own {} USD",
                s.name,
                p.after.monthly_cost_usd,
                own.after.monthly_cost_usd
            );
            let fits = budget.is_none_or(|b| own.after.monthly_cost_usd <= b);
            assert_eq!(
                p.meets_all_targets,
                own.meets_all_targets && fits,
                "{}",
                s.name
            );
        }
    }
}

#[test]
fn planning_a_planned_spec_proposes_nothing() {
    let models: Vec<Spec> = EXAMPLES
        .iter()
        .map(|n| example(n))
        .chain([test_model("microshop"), model(CHAIN), model(SHARED)])
        .collect();
    for s in models {
        let first = plan(&s, &PlanOptions::default()).unwrap();
        assert!(first.meets_all_targets, "{}", s.name);
        let again = plan(&first.spec, &PlanOptions::default()).unwrap();
        assert!(
            again.steps.is_empty(),
            "{}: planned at {:.2} USD, then:\n{}",
            s.name,
            first.after.monthly_cost_usd,
            headroom::plan::text::render(&again)
        );
    }
}
