//! What the analysis found, as findings with the numbers behind them: one function per
//! part of the model they are about (a component, a class, an edge, the system, the
//! outages). `analyze` calls them as it builds its report.

use serde::Serialize;
use ts_rs::TS;

use super::component::ComponentResult;
use super::latency::Load;
use super::resilience::Resilience;
use super::{scorecard, Solved, WayOut};
use crate::spec::{Component, Consistency, Spec};
use crate::text::{figure, utilization};

/// What a finding is about: a closed vocabulary, which every front end switches over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A pool whose utilisation is 1 or more: its queue grows without bound.
    Saturated,
    /// A pool above the utilisation ceiling.
    AboveCeiling,
    /// A class's p99 over its target (or unbounded).
    P99Missed,
    /// A class's availability under the target.
    AvailabilityMissed,
    /// The throughput within the ceiling short of the target.
    ThroughputShort,
    /// The monthly cost over the budget.
    OverBudget,
    /// Blocking I/O holding servers past the ceiling.
    PoolExhausted,
    /// A consumer with more servers than its queues have partitions.
    PartitionBound,
    /// A lock's keys held past the ceiling.
    LockContention,
    /// Calls on an edge timing out or failing.
    Timeouts,
    /// Retries against a saturated callee.
    RetryStorm,
    /// A class reading a store's async replicas it cannot accept.
    ConsistencyConflict,
    /// A replica lost, and the component does not hold.
    #[serde(rename = "n_minus_1")]
    NMinus1,
    /// A zone lost, and the system does not hold.
    ZoneLoss,
    /// A class served without the answer of a call whose failure it ignores.
    Degraded,
    /// A call's timeout shorter than its callee's own timeouts and retries take.
    InvertedTimeout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing the analysis found, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub component: Option<String>,
    pub class: Option<String>,
    pub message: String,
    /// The number found, and the limit it is held to; `value` is none and `unbounded`
    /// true when the number has no finite value (a component left with no replica).
    pub value: Option<f64>,
    pub limit: Option<f64>,
    pub unbounded: bool,
}

impl Finding {
    pub(super) fn new(kind: FindingKind, severity: Severity, message: String) -> Self {
        Finding {
            kind,
            severity,
            component: None,
            class: None,
            message,
            value: None,
            limit: None,
            unbounded: false,
        }
    }
    pub(super) fn component(mut self, name: &str) -> Self {
        self.component = Some(name.to_string());
        self
    }
    pub(super) fn class(mut self, name: &str) -> Self {
        self.class = Some(name.to_string());
        self
    }
    pub(super) fn numbers(mut self, value: Option<f64>, limit: f64) -> Self {
        self.value = value.filter(|v| v.is_finite());
        self.unbounded = self.value.is_none();
        self.limit = Some(limit);
        self
    }
}

/// A pool saturated or above the ceiling, and a pool that blocking I/O exhausts.
pub(super) fn component_findings(c: &Component, r: &ComponentResult, ceiling: f64) -> Vec<Finding> {
    let mut out = Vec::new();
    if !r.stable() {
        out.push(
            Finding::new(
                FindingKind::Saturated,
                Severity::Error,
                format!(
                    "{} is saturated: utilisation {} at {:.1} req/s; its queue grows without bound",
                    c.name,
                    utilization(Some(r.utilization)),
                    r.arrival_rps
                ),
            )
            .component(&c.name)
            .numbers(Some(r.utilization), 1.0),
        );
    } else if r.utilization > ceiling {
        out.push(
            Finding::new(
                FindingKind::AboveCeiling,
                Severity::Warning,
                format!(
                    "{} runs at utilisation {}, above the ceiling {ceiling}",
                    c.name,
                    utilization(Some(r.utilization))
                ),
            )
            .component(&c.name)
            .numbers(Some(r.utilization), ceiling),
        );
    }
    if r.hold.mean > 0.0 && r.utilization > ceiling {
        let own = c.service_time_ms.unwrap_or(0.0);
        out.push(
            Finding::new(
                FindingKind::PoolExhausted,
                Severity::Error,
                format!(
                    "{}'s pool runs out: with blocking I/O each request holds a server {} ms ({own} ms own work, {} ms waiting on its calls); make its I/O async or add servers",
                    c.name,
                    figure(own + r.hold.mean, 1),
                    figure(r.hold.mean, 1)
                ),
            )
            .component(&c.name)
            .numbers(Some(r.utilization), ceiling),
        );
    }
    out
}

/// A consumer with more servers than the partitions of the queues it reads: only as
/// many servers as partitions take messages at once, so the others are paid for and
/// idle; an error when the partitions are what puts it past the ceiling.
pub(super) fn partition_findings(
    spec: &Spec,
    load: &Load,
    results: &[ComponentResult],
    ceiling: f64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (c, (comp, r)) in spec.components.iter().zip(results).enumerate() {
        let Some(partitions) = load.partition_bound(c, |q| &spec.components[q]) else {
            continue;
        };
        let servers = r.servers;
        if u64::from(partitions) >= servers || servers == 0 {
            continue;
        }
        let queues: Vec<&str> = load.consumed[c]
            .iter()
            .map(|&q| spec.components[q].name.as_str())
            .collect();
        let unbound = r.utilization * f64::from(partitions) / servers as f64;
        let bound_matters = r.utilization > ceiling;
        let message = format!(
            "only {partitions} of {}'s {servers} servers consume at once ({} {} {partitions} partition{}): utilisation {}{}",
            comp.name,
            queues.join(" and "),
            if queues.len() > 1 { "have" } else { "has" },
            if partitions == 1 { "" } else { "s" },
            utilization(Some(r.utilization)),
            if bound_matters && unbound <= ceiling {
                format!(
                    ", where all its servers would give {}; more partitions, not more replicas, bring it within the ceiling",
                    utilization(Some(unbound))
                )
            } else if bound_matters {
                format!(
                    ", and {} with all its servers: it needs more partitions as well as more servers",
                    utilization(Some(unbound))
                )
            } else {
                format!(
                    "; {} servers are idle: fewer replicas or more partitions",
                    servers - u64::from(partitions)
                )
            }
        );
        out.push(
            Finding::new(
                FindingKind::PartitionBound,
                if bound_matters {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                message,
            )
            .component(&comp.name)
            .numbers(Some(f64::from(partitions)), servers as f64),
        );
    }
    out
}

/// A class whose p99 (none: unbounded) is over its target.
pub(super) fn p99_finding(class: &str, p99: Option<f64>, target: Option<f64>) -> Option<Finding> {
    match (target, p99) {
        (Some(t), Some(p)) if p > t => Some(
            Finding::new(
                FindingKind::P99Missed,
                Severity::Error,
                format!("class {class} has p99 {p:.1} ms, over its target {t} ms"),
            )
            .class(class)
            .numbers(Some(p), t),
        ),
        (Some(t), None) => Some(
            Finding::new(
                FindingKind::P99Missed,
                Severity::Error,
                format!(
                    "class {class} has an unbounded p99 (a component on its path is saturated), target {t} ms"
                ),
            )
            .class(class)
            .numbers(None, t),
        ),
        _ => None,
    }
}

/// A class available less than the target, with the component that takes the largest
/// share of its error budget.
pub(super) fn availability_finding(
    class: &str,
    percent: f64,
    target: Option<f64>,
    weakest: Option<&str>,
) -> Option<Finding> {
    let t = target.filter(|t| percent < *t)?;
    Some(
        Finding::new(
            FindingKind::AvailabilityMissed,
            Severity::Error,
            format!(
                "class {class} is available {percent:.4} % of the time, under its target {t} %{}",
                weakest
                    .map(|w| format!("; {w} takes the largest share of the error budget"))
                    .unwrap_or_default()
            ),
        )
        .class(class)
        .numbers(Some(percent), t),
    )
}

/// A class served degraded some of the time: calls whose failure it ignores reach
/// components that are down.
pub(super) fn degraded_finding(class: &str, percent: f64, most: Option<&str>) -> Option<Finding> {
    (percent > 0.0).then(|| {
        let mut f = Finding::new(
            FindingKind::Degraded,
            Severity::Warning,
            format!(
                "class {class} is served degraded {percent:.4} % of the time, without the answer of calls whose failure it ignores{}",
                most.map(|m| format!("; {m}'s downtime degrades the most"))
                    .unwrap_or_default()
            ),
        )
        .class(class);
        // A share to report, with no limit it is held to.
        f.value = Some(percent);
        f
    })
}

/// The throughput within the ceiling short of the target.
pub(super) fn throughput_finding(
    target: Option<f64>,
    max_at_ceiling: Option<f64>,
    bottleneck: Option<&str>,
) -> Option<Finding> {
    let (t, max) = (target?, max_at_ceiling?);
    (max < t).then(|| {
        Finding::new(
            FindingKind::ThroughputShort,
            Severity::Error,
            format!(
                "the system carries {max:.0} req/s before {} reaches the utilisation ceiling; the target is {t} req/s",
                bottleneck.unwrap_or("a component")
            ),
        )
        .numbers(Some(max), t)
    })
}

/// The monthly cost over the budget.
pub(super) fn budget_finding(budget: Option<f64>, monthly_usd: f64) -> Option<Finding> {
    let budget = budget.filter(|b| monthly_usd > *b)?;
    Some(
        Finding::new(
            FindingKind::OverBudget,
            Severity::Error,
            format!("the spec costs {monthly_usd:.0} USD a month, over the budget of {budget} USD"),
        )
        .numbers(Some(monthly_usd), budget),
    )
}

/// A class that reads a store's async replicas it cannot accept, with the ways out.
pub(super) fn conflict_finding(
    class: &str,
    store: &str,
    needs: Consistency,
    staleness_ms: f64,
    ways_out: &[WayOut],
) -> Finding {
    let needs = scorecard::consistency_name(needs);
    Finding::new(
        FindingKind::ConsistencyConflict,
        Severity::Error,
        format!(
            "class {class} needs {needs} consistency but reads from {store}'s async replicas, up to {staleness_ms} ms stale (PA/EL); ways out: {}",
            ways_out
                .iter()
                .map(|w| format!(
                    "{} (p99 {}, availability {:.4} %)",
                    w.change,
                    w.p99_latency_ms.map_or("unbounded".to_string(), |p| format!("{p:.1} ms")),
                    w.availability_percent
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
    )
    .class(class)
    .component(store)
    .numbers(Some(staleness_ms), 0.0)
}

/// Locks, timeouts and retries: findings per edge.
pub(super) fn edge_findings(
    spec: &Spec,
    solved: &Solved,
    load: &Load,
    ceiling: f64,
    findings: &mut Vec<Finding>,
) {
    for (i, d) in spec.dependencies.iter().enumerate() {
        let edge = format!("{} -> {}", d.from, d.to);
        if let (Some(Some(lock)), Some(l)) = (load.lock_waits.get(i), d.lock.as_ref()) {
            if lock.key_utilization > ceiling {
                let severity = if lock.key_utilization >= 1.0 {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                findings.push(
                    Finding::new(
                        FindingKind::LockContention,
                        severity,
                        format!(
                            "the lock on {edge} is a hot spot: each of its {} keys is held {:.0} % of the time ({:.1} acquisitions/s, {} ms each), mean wait {} ms",
                            l.keys,
                            100.0 * lock.key_utilization,
                            lock.key_rate_rps,
                            l.hold_ms,
                            figure(lock.wait.mean, 1)
                        ),
                    )
                    .component(&d.from)
                    .numbers(Some(lock.key_utilization), ceiling),
                );
            }
        }
        let (mut failure, mut tries) = (0.0f64, 1.0f64);
        for (k, _) in spec.workload.classes.iter().enumerate() {
            failure = failure.max(solved.eval.attempt_failure[k][i]);
            tries = tries.max(solved.eval.attempts[k][i]);
        }
        let callee_saturated = solved
            .graph
            .node(&d.to)
            .is_some_and(|n| !solved.eval.results[solved.graph.component_index(n)].stable());
        if d.retries_or_default() > 0 && callee_saturated {
            findings.push(
                Finding::new(
                    FindingKind::RetryStorm,
                    Severity::Error,
                    format!(
                        "retry storm on {edge}: {} is saturated, so calls time out and each is tried {tries:.2} times, adding load where there is none to spare",
                        d.to
                    ),
                )
                .component(&d.to)
                .numbers(Some(tries), 1.0),
            );
        } else if failure > 1e-3 && (d.timeout_ms.is_some() || d.retries_or_default() > 0) {
            findings.push(
                Finding::new(
                    FindingKind::Timeouts,
                    Severity::Warning,
                    format!(
                        "{:.2} % of the calls on {edge} time out or fail{}",
                        100.0 * failure,
                        if d.retries_or_default() > 0 {
                            format!("; with retries each call is tried {tries:.3} times")
                        } else {
                            String::new()
                        }
                    ),
                )
                .component(&d.to)
                .numbers(Some(failure), 1e-3),
            );
        }
    }
}

/// Calls whose caller gives up before its callee's own retries can end
/// (`timeouts::inverted`).
pub(super) fn timeout_findings(spec: &Spec, tree: &super::latency::CallTree) -> Vec<Finding> {
    super::timeouts::inverted(spec, tree)
        .into_iter()
        .map(|i| {
            let d = &spec.dependencies[i.dep];
            let callee = match &d.operation {
                Some(o) => format!("{}'s {o}", d.to),
                None => d.to.clone(),
            };
            Finding::new(
                FindingKind::InvertedTimeout,
                Severity::Warning,
                format!(
                    "{} -> {} times out at {} ms, but {callee}'s own calls may take {} ms with their timeouts and retries: {} gives up (and retries) while {} is still trying; give the call at least {} ms, or {} shorter timeouts",
                    d.from,
                    d.to,
                    figure(i.timeout_ms, 0),
                    figure(i.budget_ms, 0),
                    d.from,
                    d.to,
                    figure(i.budget_ms, 0),
                    d.to
                ),
            )
            .component(&d.from)
            .numbers(Some(i.timeout_ms), i.budget_ms)
        })
        .collect()
}

/// N-1 and zone-loss failures: errors where `targets.survive` asks for them, warnings
/// otherwise.
pub(super) fn resilience_findings(
    r: &Resilience,
    targets: &crate::spec::Targets,
    ceiling: f64,
    findings: &mut Vec<Finding>,
) {
    use crate::spec::Survive;
    let severity = |loss| {
        if targets.survives(loss) {
            Severity::Error
        } else {
            Severity::Warning
        }
    };
    for o in r.n_minus_1.iter().filter(|o| !o.holds) {
        let name = o.component.as_deref().unwrap_or_default();
        let message = if !o.down.is_empty() {
            format!("N-1: {name} has a single replica; losing it takes {name} down")
        } else if !o.within_ceiling {
            format!(
                "N-1: when {}, it runs at utilisation {}, above the ceiling {ceiling}",
                o.scenario,
                utilization(o.utilization)
            )
        } else {
            format!(
                "N-1: when {}, {} miss their p99",
                o.scenario,
                o.classes_missing_p99.join(", ")
            )
        };
        findings.push(
            Finding::new(FindingKind::NMinus1, severity(Survive::Replica), message)
                .component(name)
                .numbers(o.utilization, ceiling),
        );
    }
    if let Some(o) = r.zone_loss.as_ref().filter(|o| !o.holds) {
        let mut parts = Vec::new();
        if !o.down.is_empty() {
            parts.push(go_down(&o.down));
        }
        if !o.within_ceiling && o.down.is_empty() {
            parts.push(format!(
                "utilisation reaches {}",
                utilization(o.utilization)
            ));
        }
        if !o.classes_missing_p99.is_empty() {
            parts.push(format!(
                "{} miss their p99",
                o.classes_missing_p99.join(", ")
            ));
        }
        findings.push(
            Finding::new(
                FindingKind::ZoneLoss,
                severity(Survive::Zone),
                format!("zone loss ({}): {}", o.scenario, parts.join("; ")),
            )
            .numbers(o.utilization, ceiling),
        );
    }
}

/// "a goes down", "a, b go down".
pub fn go_down(names: &[String]) -> String {
    format!(
        "{} {} down",
        names.join(", "),
        if names.len() == 1 { "goes" } else { "go" }
    )
}
