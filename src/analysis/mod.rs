//! Analysis: what the peak workload does to every component and request class, by
//! queueing theory. A pure function of the spec: `analyze(&spec)`.
//!
//! The stages, one file each:
//! - `load`: visits per request and arrival rates (the routing rule the simulator shares);
//! - `component` and `queueing`: each pool as an M/G/c queue;
//! - `latency`: the response of a visit with its downstream calls, over the call tree
//!   (sequence, `parallel` groups, cache misses, locks, timeouts and retries, blocking
//!   I/O), as two moments;
//! - `percentile` over `spectrum`: each class's whole response-time distribution, from
//!   which its percentiles come (each station's wait by its transform, sums, mixtures,
//!   the longest of parallel calls, timeouts, and the correlation of one request's
//!   calls to one queue), with the method and its measured error in its doc;
//! - `availability`, `consistency` (CAP/PACELC), `cost`, `resilience` (N-1, zone loss);
//! - `capacity`: the largest load at which every class meets its p99;
//! - `findings`: what is wrong, with the numbers behind it; `scorecard`: every target
//!   against its prediction.
//!
//! Retries make the load depend on the latency (a timed-out call is tried again): the
//! load and the latency are iterated to their fixed point, as layered queueing networks
//! are solved.

pub mod availability;
mod capacity;
pub mod closed;
pub mod component;
pub mod consistency;
pub mod cost;
pub mod findings;
pub mod hops;
pub mod latency;
pub mod load;
pub mod percentile;
pub mod queueing;
pub mod resilience;
pub mod scorecard;
pub mod spectrum;
pub mod table;
pub mod timeouts;
pub mod whatif;

use serde::Serialize;
use ts_rs::TS;

use crate::spec::graph::SystemGraph;
use crate::spec::{defaults, Consistency, Op, Spec};
use consistency::StoreConsistency;
use cost::CostReport;
pub use findings::{Finding, FindingKind, Severity};
use latency::{evaluate, CallTree, Evaluation, Load, SyncCycle};
use load::{class_flows_with, ClassFlow, UnboundedLoop};
pub use percentile::ClassTime;
use resilience::Resilience;
use whatif::WhatIf;

/// The analysis of a spec at its peak workload, in the shape every front end reads:
/// these field names are the JSON of `headroom analyze --json`, which CI pipelines and
/// the desktop read. Unbounded numbers are `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub components: Vec<ComponentReport>,
    /// Per dependency, in spec order: the requests it carries at peak.
    pub dependencies: Vec<DependencyReport>,
    pub classes: Vec<ClassReport>,
    /// The component that saturates first as the workload scales with its mix fixed.
    pub bottleneck: Option<String>,
    /// Total request rate at which the bottleneck reaches utilisation 1.
    pub max_throughput_rps: Option<f64>,
    /// Total request rate at which the bottleneck reaches the utilisation ceiling.
    pub max_throughput_at_ceiling_rps: Option<f64>,
    /// The largest total request rate (mix fixed) at which every component is stable
    /// and every class meets its p99 target; `null` when no class has a target.
    pub max_throughput_p99_rps: Option<f64>,
    /// What the spec as written costs per month (see `cost`).
    pub monthly_cost_usd: f64,
    pub cost: CostReport,
    pub stores: Vec<StoreConsistency>,
    pub conflicts: Vec<ConflictReport>,
    pub resilience: Resilience,
    pub findings: Vec<Finding>,
    /// Every target: required, predicted, pass or fail.
    pub scorecard: Vec<scorecard::TargetCheck>,
    /// The closed classes: the throughput their users reach, by mean-value analysis
    /// (the classes' figures above are the open model's at it).
    pub closed: Vec<ClosedReport>,
}

/// A closed class solved by mean-value analysis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ClosedReport {
    pub class: String,
    pub users: u32,
    pub think_time_ms: f64,
    /// What its users reach: its `rate_rps` everywhere else in the analysis.
    pub throughput_rps: f64,
    /// The mean response MVA gives (`null` when unbounded).
    pub mean_response_ms: Option<f64>,
    /// Throughput and mean response at fewer and more users, the others held.
    pub curve: Vec<UsersPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct UsersPoint {
    pub users: u32,
    pub throughput_rps: f64,
    pub mean_response_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ComponentReport {
    pub name: String,
    pub kind: String,
    pub arrival_rps: f64,
    #[ts(type = "number")]
    pub servers: u64,
    /// Infinite when unbounded (a component that waits on a saturated one holds its
    /// servers without end): JSON then has `null` here, `unbounded` true, `stable` false.
    pub utilization: f64,
    pub unbounded: bool,
    pub mean_response_ms: Option<f64>,
    pub p99_response_ms: Option<f64>,
    pub stable: bool,
    /// For a read; a write may differ (a store's primary).
    pub availability_percent: f64,
    pub monthly_cost_usd: f64,
    /// Per operation, when it lists `operations` (none otherwise).
    pub operations: Vec<OperationReport>,
}

/// One operation of a component under its peak load: its visits wait in the
/// component's queue with every other operation's, and are served for its own time.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct OperationReport {
    pub name: String,
    pub arrival_rps: f64,
    /// Its own time at the replica's CPU speed, ms.
    pub service_time_ms: f64,
    /// A visit's wait and service (its downstream calls aside), over reads and writes.
    pub mean_response_ms: Option<f64>,
    pub p99_response_ms: Option<f64>,
}

/// The traffic over one dependency at peak, retries included.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DependencyReport {
    pub from: String,
    pub to: String,
    pub rate_rps: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ClassReport {
    pub name: String,
    pub rate_rps: f64,
    pub mean_latency_ms: Option<f64>,
    pub p50_latency_ms: Option<f64>,
    pub p95_latency_ms: Option<f64>,
    pub p99_latency_ms: Option<f64>,
    pub p99_target_ms: Option<f64>,
    pub availability_percent: f64,
    pub availability_target_percent: Option<f64>,
    pub downtime_minutes_per_month: f64,
    pub downtime_minutes_per_year: f64,
    /// The component that takes the largest share of the class's error budget.
    pub availability_weakest: Option<String>,
    /// Percent of the class's requests served without the answer of a call whose
    /// failure it ignores (`on_failure: ignore`), the callee being down.
    pub degraded_percent: f64,
    pub consistency: Consistency,
}

/// A class that needs more consistency than a store on its path gives, and what each
/// way out would do to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictReport {
    pub class: String,
    pub component: String,
    pub needs: Consistency,
    pub staleness_ms: f64,
    pub ways_out: Vec<WayOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WayOut {
    pub change: String,
    /// The class's p99 and availability with the change, and the store's utilisation
    /// (`null` when unbounded, as the p99).
    pub p99_latency_ms: Option<f64>,
    pub availability_percent: f64,
    pub store_utilization: Option<f64>,
    pub monthly_cost_usd: f64,
}

/// Why a spec cannot be analysed at all (a valid spec always can, but for a loop through
/// a queue that amplifies its own traffic).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Unbounded(#[from] UnboundedLoop),
    /// The loop settles with one attempt a call, but not with the attempts the model's
    /// timeouts and retries cause at this load: a retry storm around it.
    #[error(
        "{0}, counting the attempts its timeouts and retries cause at this load: a retry storm"
    )]
    UnboundedWithRetries(UnboundedLoop),
    #[error(transparent)]
    SyncCycle(#[from] SyncCycle),
}

impl AnalysisError {
    /// The dependency the error is about, when it is one (a loop's first edge).
    pub fn dependency(&self) -> Option<usize> {
        match self {
            AnalysisError::Unbounded(l) | AnalysisError::UnboundedWithRetries(l) => {
                l.dependencies.first().copied()
            }
            AnalysisError::SyncCycle(_) => None,
        }
    }
}

pub(crate) fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Each operation's figures at component `c` (result `r`), whose entries take `mix`.
fn operation_reports(
    c: &crate::spec::Component,
    r: &component::ComponentResult,
    mix: &[load::Visits],
    depth: Depth,
) -> Vec<OperationReport> {
    c.operations()
        .iter()
        .enumerate()
        .filter_map(|(o, op)| {
            let t = r.operations.get(o)?;
            let rates = mix.get(o).copied().unwrap_or_default();
            let total = rates.total();
            let (read, write) = (r.visit(Some(o), Op::Read), r.visit(Some(o), Op::Write));
            let mean = if total > 0.0 {
                (rates.read * read.mean + rates.write * write.mean) / total
            } else {
                read.mean
            };
            // The busier of its two ways in gives the tail.
            let op_way = if rates.write > rates.read {
                Op::Write
            } else {
                Op::Read
            };
            Some(OperationReport {
                name: op.name.clone(),
                arrival_rps: total,
                service_time_ms: t.service_ms,
                mean_response_ms: finite(mean),
                p99_response_ms: match depth {
                    Depth::Verdicts => None,
                    _ => percentile::operation_quantile(r, o, op_way, 0.99).and_then(finite),
                },
            })
        })
        .collect()
}

/// The model solved at its peak: the flows (with retries at their fixed point) and the
/// evaluation of every component and class.
pub struct Solved<'a> {
    pub spec: &'a Spec,
    pub graph: SystemGraph<'a>,
    pub tree: CallTree,
    pub flows: Vec<ClassFlow>,
    pub eval: Evaluation,
    /// Per class: the entry it arrives at (its entry component's, or the operation it
    /// asks for there: see `spec::entries`).
    pub entries: Vec<Option<usize>>,
}

/// Load and latency to their joint fixed point (they depend on each other only through
/// retries: without them one pass is exact).
pub fn solve(spec: &Spec) -> Result<Solved<'_>, AnalysisError> {
    let graph = SystemGraph::new(spec);
    let tree = CallTree::new(spec, &graph)?;
    let mut attempts: Vec<Vec<f64>> = Vec::new();
    let mut flows = class_flows_with(spec, &graph, &attempts)?;
    let mut eval = evaluate(spec, &tree, &Load::new(spec, &flows, 1.0));
    if tree.has_retries {
        for round in 0..200 {
            let change = eval
                .attempts
                .iter()
                .flatten()
                .zip(attempts.iter().flatten().chain(std::iter::repeat(&1.0)))
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            if change < 1e-9 {
                break;
            }
            // Damped after the first rounds, in case load and timeouts oscillate.
            attempts = if round < 20 || attempts.is_empty() {
                eval.attempts.clone()
            } else {
                attempts
                    .iter()
                    .zip(&eval.attempts)
                    .map(|(a, b)| a.iter().zip(b).map(|(x, y)| 0.5 * (x + y)).collect())
                    .collect()
            };
            flows = class_flows_with(spec, &graph, &attempts)
                .map_err(AnalysisError::UnboundedWithRetries)?;
            eval = evaluate(spec, &tree, &Load::new(spec, &flows, 1.0));
        }
    }
    let entries = (0..spec.workload.classes.len())
        .map(|k| tree.entries.class_entry(k))
        .collect();
    Ok(Solved {
        spec,
        graph,
        tree,
        flows,
        eval,
        entries,
    })
}

impl Solved<'_> {
    /// A class's whole response time under `eval`, evaluated at `load`.
    pub fn class_time(&self, load: &Load, eval: &Evaluation, class: usize) -> ClassTime {
        percentile::class_time(
            self.spec,
            &self.tree,
            load,
            eval,
            class,
            self.entries[class],
        )
    }
}

/// How much an analysis works out beyond the scorecard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything a person reads: with the p99-feasible throughput (a root search over
    /// the load, most of an analysis's time) and each consistency conflict's ways out.
    Full,
    /// What the scorecard and the findings need, and no more: the planner's steps.
    /// `max_throughput_p99_rps` is `None` and conflicts list no ways out.
    Scorecard,
    /// The scorecard's verdicts, for a search that weighs many candidates: as
    /// `Scorecard`, but a class whose p99 is far from its target (under half, over
    /// twice) has the figures of its moments alone (`percentile::screened`), a few tens
    /// of percent off, which cannot change its verdict; components have no p99.
    Verdicts,
}

/// Analyses a valid spec at its peak workload, everything a person reads.
pub fn analyze(spec: &Spec) -> Result<Analysis, AnalysisError> {
    analyze_to(spec, Depth::Full)
}

/// `spec` with each closed class's `rate_rps` the throughput its users reach
/// ([`closed::with_throughputs`]): what every figure of the analysis is worked out at.
/// Borrowed unchanged when no class is closed.
pub fn effective(spec: &Spec) -> Result<std::borrow::Cow<'_, Spec>, AnalysisError> {
    Ok(resolve(spec)?.0)
}

/// `spec` as the engine evaluates it: each managed component at its tier, each closed
/// class at the throughput its users reach (and those classes solved).
fn resolve(
    spec: &Spec,
) -> Result<(std::borrow::Cow<'_, Spec>, Vec<closed::ClosedClass>), AnalysisError> {
    use std::borrow::Cow;
    match spec.with_tiers() {
        Cow::Borrowed(s) => closed::with_throughputs(s),
        Cow::Owned(s) => {
            let (e, c) = closed::with_throughputs(&s)?;
            Ok((Cow::Owned(e.into_owned()), c))
        }
    }
}

/// [`analyze`] to `depth`.
pub fn analyze_to(spec: &Spec, depth: Depth) -> Result<Analysis, AnalysisError> {
    let (effective, closed) = resolve(spec)?;
    let mut analysis = analyze_effective(&effective, depth, &closed)?;
    analysis.closed = closed
        .into_iter()
        .map(|c| ClosedReport {
            class: spec.workload.classes[c.class].name.clone(),
            users: c.users,
            think_time_ms: c.think_time_ms,
            throughput_rps: c.throughput_rps,
            mean_response_ms: finite(c.mean_response_ms),
            curve: c
                .curve
                .into_iter()
                .map(|(users, throughput_rps, mean)| UsersPoint {
                    users,
                    throughput_rps,
                    mean_response_ms: finite(mean),
                })
                .collect(),
        })
        .collect();
    Ok(analysis)
}

/// [`analyze_to`] of a spec whose classes all have their rates, the closed ones
/// solved as `closed`.
fn analyze_effective(
    spec: &Spec,
    depth: Depth,
    closed: &[closed::ClosedClass],
) -> Result<Analysis, AnalysisError> {
    let solved = solve(spec)?;
    let load = Load::new(spec, &solved.flows, 1.0);
    let eval = &solved.eval;
    let results = &eval.results;
    let rates = &load.rates;
    let ceiling = spec
        .targets
        .utilization_ceiling
        .unwrap_or(defaults::UTILIZATION_CEILING);
    let mut findings = Vec::new();

    let unavailable = availability::unavailabilities(spec);
    let cost = cost::cost(spec, results, rates, &solved.flows, &eval.attempts);

    let components: Vec<ComponentReport> = spec
        .components
        .iter()
        .zip(results)
        .zip(rates)
        .enumerate()
        .map(|(i, ((c, r), rate))| {
            findings.extend(findings::component_findings(c, r, ceiling));
            ComponentReport {
                name: c.name.clone(),
                kind: c.kind.as_str().to_string(),
                arrival_rps: rate.total(),
                servers: r.servers,
                utilization: r.utilization,
                unbounded: !r.utilization.is_finite(),
                mean_response_ms: finite(r.mean_response_ms(*rate)),
                p99_response_ms: match depth {
                    Depth::Verdicts => None,
                    _ => finite(r.p99_response_ms()),
                },
                stable: r.stable(),
                availability_percent: 100.0 * (1.0 - unavailable[i][0]),
                monthly_cost_usd: cost.components[i].autoscaled_monthly_usd,
                operations: operation_reports(c, r, load.mix(i), depth),
            }
        })
        .collect();

    findings.extend(findings::partition_findings(spec, &load, results, ceiling));
    findings::edge_findings(spec, &solved, &load, ceiling, &mut findings);
    findings.extend(findings::timeout_findings(spec, &solved.tree));

    let targets: Vec<Option<f64>> = spec
        .workload
        .classes
        .iter()
        .map(|k| k.p99_ms.or(spec.targets.p99_ms))
        .collect();
    let classes: Vec<ClassReport> = spec
        .workload
        .classes
        .iter()
        .enumerate()
        .map(|(k, class)| {
            let target = targets[k];
            let sum = match closed.iter().find(|c| c.class == k) {
                // A closed class's requests wait behind fewer than the open model's.
                Some(c) => {
                    let seen = closed::seen_load(spec, &load, eval, c);
                    let seen_eval = latency::evaluate(spec, &solved.tree, &seen);
                    solved.class_time(&seen, &seen_eval, k)
                }
                None => target
                    .filter(|_| depth == Depth::Verdicts)
                    .and_then(|t| percentile::screened(eval, k, solved.entries[k], t))
                    .unwrap_or_else(|| solved.class_time(&load, eval, k)),
            };
            let p99 = sum.quantile(0.99);
            findings.extend(findings::p99_finding(&class.name, finite(p99), target));
            let avail = availability::class_availability(&solved.flows[k], &unavailable);
            let weakest = avail.weakest.map(|c| spec.components[c].name.clone());
            let percent = 100.0 * avail.availability;
            findings.extend(findings::availability_finding(
                &class.name,
                percent,
                spec.targets.availability,
                weakest.as_deref(),
            ));
            findings.extend(findings::degraded_finding(
                &class.name,
                100.0 * avail.degraded,
                avail
                    .degraded_most_by
                    .map(|c| spec.components[c].name.as_str()),
            ));
            let down = 1.0 - avail.availability;
            ClassReport {
                name: class.name.clone(),
                rate_rps: class.rate(),
                mean_latency_ms: finite(sum.mean),
                p50_latency_ms: finite(sum.quantile(0.50)),
                p95_latency_ms: finite(sum.quantile(0.95)),
                p99_latency_ms: finite(p99),
                p99_target_ms: target,
                availability_percent: percent,
                availability_target_percent: spec.targets.availability,
                downtime_minutes_per_month: down * availability::MINUTES_PER_MONTH,
                downtime_minutes_per_year: down * availability::MINUTES_PER_YEAR,
                availability_weakest: weakest,
                degraded_percent: 100.0 * avail.degraded,
                consistency: class.consistency_or_default(),
            }
        })
        .collect();

    // Utilisation grows in proportion to the load with the mix fixed, so the component
    // that saturates first is the one with the highest utilisation now.
    let total_rate: f64 = spec.workload.classes.iter().map(|c| c.rate()).sum();
    let hottest = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.utilization > 0.0)
        .max_by(|a, b| a.1.utilization.total_cmp(&b.1.utilization));
    let (bottleneck, max_throughput_rps, max_throughput_at_ceiling_rps) = match hottest {
        Some((i, r)) => (
            Some(spec.components[i].name.clone()),
            finite(total_rate / r.utilization),
            finite(total_rate * ceiling / r.utilization),
        ),
        None => (None, None, None),
    };
    findings.extend(findings::throughput_finding(
        spec.targets.throughput_rps,
        max_throughput_at_ceiling_rps,
        bottleneck.as_deref(),
    ));
    let max_throughput_p99_rps = match depth {
        Depth::Full => capacity::p99_feasible_throughput(
            &solved,
            &targets,
            total_rate,
            max_throughput_rps.map(|m| m / total_rate.max(f64::MIN_POSITIVE)),
        ),
        Depth::Scorecard | Depth::Verdicts => None,
    };

    findings.extend(findings::budget_finding(
        spec.targets.monthly_budget_usd,
        cost.monthly_usd,
    ));

    let mut what_if = WhatIf::new(spec, &solved.tree, &load, eval);
    let conflicts = consistency_conflicts(
        spec,
        &solved,
        depth,
        &mut what_if,
        &cost,
        &unavailable,
        &mut findings,
    );

    let resilience = resilience::resilience(
        &resilience::Context {
            spec,
            tree: &solved.tree,
            load: &load,
            base: eval,
            ceiling,
            entries: &solved.entries,
            targets: &targets,
        },
        &mut what_if,
    );
    findings::resilience_findings(&resilience, &spec.targets, ceiling, &mut findings);

    let dependencies = dependency_reports(&solved);
    let mut analysis = Analysis {
        components,
        dependencies,
        classes,
        bottleneck,
        max_throughput_rps,
        max_throughput_at_ceiling_rps,
        max_throughput_p99_rps,
        monthly_cost_usd: cost.monthly_usd,
        cost,
        stores: consistency::stores(spec),
        conflicts,
        resilience,
        findings,
        scorecard: Vec::new(),
        closed: Vec::new(),
    };
    analysis.scorecard = scorecard::scorecard(spec, &analysis);
    Ok(analysis)
}

fn dependency_reports(solved: &Solved) -> Vec<DependencyReport> {
    let spec = solved.spec;
    spec.dependencies
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let rate_rps = if solved.graph.node(&d.from).is_some() {
                load::dependency_rate(spec, &solved.flows, &solved.eval.attempts, i, 1.0)
            } else {
                0.0
            };
            DependencyReport {
                from: d.from.clone(),
                to: d.to.clone(),
                rate_rps,
            }
        })
        .collect()
}

fn consistency_conflicts(
    spec: &Spec,
    solved: &Solved,
    depth: Depth,
    what_if: &mut WhatIf,
    cost: &CostReport,
    unavailable: &[[f64; 2]],
    findings: &mut Vec<Finding>,
) -> Vec<ConflictReport> {
    let conflicts = consistency::conflicts(spec, &solved.flows);
    // The ways out of each store, evaluated once for all its conflicting classes:
    // (change, per class (p99, availability), store utilisation, monthly cost).
    let mut by_store: Vec<(usize, Vec<WayOutEffect>)> = Vec::new();
    for conflict in &conflicts {
        if depth != Depth::Full || by_store.iter().any(|(s, _)| *s == conflict.component) {
            continue;
        }
        let store = conflict.component;
        // Only the classes in conflict with this store read their way out.
        let in_conflict: Vec<bool> = (0..spec.workload.classes.len())
            .map(|k| {
                conflicts
                    .iter()
                    .any(|x| x.component == store && x.class == k)
            })
            .collect();
        let effects = consistency::ways_out(&spec.components[store])
            .into_iter()
            .filter_map(|(change, fixed)| {
                let mut unavailable = unavailable.to_vec();
                unavailable[store] = availability::unavailability(&fixed);
                let fixed_cost = cost::cost_of(
                    spec,
                    &fixed,
                    &solved.eval.results[store],
                    what_if.rate(store),
                );
                let monthly_cost_usd =
                    cost.monthly_usd - cost.components[store].autoscaled_monthly_usd + fixed_cost;
                let load = what_if.load();
                what_if.run(store, fixed, |eval, _| WayOutEffect {
                    change,
                    classes: (0..spec.workload.classes.len())
                        .map(|k| {
                            if !in_conflict[k] {
                                return (f64::NAN, f64::NAN);
                            }
                            (
                                solved.class_time(load, eval, k).quantile(0.99),
                                availability::class_availability(&solved.flows[k], &unavailable)
                                    .availability,
                            )
                        })
                        .collect(),
                    store_utilization: eval.results[store].utilization,
                    monthly_cost_usd,
                })
            })
            .collect();
        by_store.push((store, effects));
    }

    let mut out = Vec::new();
    for conflict in conflicts {
        let class = &spec.workload.classes[conflict.class];
        let store = &spec.components[conflict.component];
        let effects = by_store
            .iter()
            .find(|(s, _)| *s == conflict.component)
            .map_or(&[][..], |(_, e)| e.as_slice());
        let ways_out: Vec<WayOut> = effects
            .iter()
            .map(|e| WayOut {
                change: format!("{}: {}", store.name, e.change),
                p99_latency_ms: finite(e.classes[conflict.class].0),
                availability_percent: 100.0 * e.classes[conflict.class].1,
                store_utilization: finite(e.store_utilization),
                monthly_cost_usd: e.monthly_cost_usd,
            })
            .collect();
        findings.push(findings::conflict_finding(
            &class.name,
            &store.name,
            conflict.needs,
            conflict.staleness_ms,
            &ways_out,
        ));
        out.push(ConflictReport {
            class: class.name.clone(),
            component: store.name.clone(),
            needs: conflict.needs,
            staleness_ms: conflict.staleness_ms,
            ways_out,
        });
    }
    out
}

/// What one way out does: per class in conflict with the store (p99, availability; NaN
/// for the others, which nothing reads), to the store, and to the cost.
struct WayOutEffect {
    change: &'static str,
    classes: Vec<(f64, f64)>,
    store_utilization: f64,
    monthly_cost_usd: f64,
}
