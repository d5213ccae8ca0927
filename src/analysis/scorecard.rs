//! The scorecard: every target of the spec, what it requires, what the analysis
//! predicts, and whether it passes. `headroom check` prints the misses; the report and
//! the app show the whole card.

use serde::Serialize;
use ts_rs::TS;

use super::resilience::{Outage, Resilience};
use super::Analysis;
use crate::spec::{defaults, Consistency, Spec};

/// A target of the spec, named as its field is (`n_minus_1` and `zone_loss` are the
/// practices that ask for them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    ThroughputRps,
    P99Ms,
    Availability,
    Consistency,
    UtilizationCeiling,
    MonthlyBudgetUsd,
    #[serde(rename = "n_minus_1")]
    NMinus1,
    ZoneLoss,
}

impl Target {
    /// The name on the wire and in text.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::ThroughputRps => "throughput_rps",
            Target::P99Ms => "p99_ms",
            Target::Availability => "availability",
            Target::Consistency => "consistency",
            Target::UtilizationCeiling => "utilization_ceiling",
            Target::MonthlyBudgetUsd => "monthly_budget_usd",
            Target::NMinus1 => "n_minus_1",
            Target::ZoneLoss => "zone_loss",
        }
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TargetCheck {
    pub target: Target,
    /// The class or component the target is held for, if any.
    pub subject: Option<String>,
    pub required: Option<f64>,
    /// `null` when unbounded (a saturated path) or not a number (consistency).
    pub predicted: Option<f64>,
    pub pass: bool,
    /// One line for a person: what was required and what is predicted.
    pub summary: String,
}

pub fn scorecard(spec: &Spec, a: &Analysis) -> Vec<TargetCheck> {
    let mut card = Vec::new();
    let t = &spec.targets;
    if let Some(required) = t.throughput_rps {
        let predicted = a.max_throughput_at_ceiling_rps;
        let pass = predicted.is_some_and(|p| p >= required);
        card.push(TargetCheck {
            target: Target::ThroughputRps,
            subject: None,
            required: Some(required),
            predicted,
            pass,
            summary: format!(
                "throughput within the utilisation ceiling {} req/s {} target {required} req/s",
                predicted.map_or("unbounded".to_string(), |p| format!("{p:.0}")),
                if pass { ">=" } else { "<" }
            ),
        });
    }
    for c in &a.classes {
        if let Some(required) = c.p99_target_ms {
            let pass = c.p99_latency_ms.is_some_and(|p| p <= required);
            card.push(TargetCheck {
                target: Target::P99Ms,
                subject: Some(c.name.clone()),
                required: Some(required),
                predicted: c.p99_latency_ms,
                pass,
                summary: format!(
                    "{}: p99 {} {} target {required} ms",
                    c.name,
                    c.p99_latency_ms
                        .map_or("unbounded".to_string(), |p| format!("{p:.1} ms")),
                    if pass { "<=" } else { ">" }
                ),
            });
        }
        if let Some(required) = c.availability_target_percent {
            let pass = c.availability_percent >= required;
            card.push(TargetCheck {
                target: Target::Availability,
                subject: Some(c.name.clone()),
                required: Some(required),
                predicted: Some(c.availability_percent),
                pass,
                summary: format!(
                    "{}: availability {:.4} % {} target {required} %",
                    c.name,
                    c.availability_percent,
                    if pass { ">=" } else { "<" }
                ),
            });
        }
        if c.consistency != Consistency::Eventual {
            let conflict = a.conflicts.iter().find(|x| x.class == c.name);
            card.push(TargetCheck {
                target: Target::Consistency,
                subject: Some(c.name.clone()),
                required: None,
                predicted: conflict.map(|x| x.staleness_ms),
                pass: conflict.is_none(),
                summary: match conflict {
                    Some(x) => format!(
                        "{}: needs {} consistency but reads {}'s async replicas, up to {} ms stale",
                        c.name,
                        consistency_name(c.consistency),
                        x.component,
                        x.staleness_ms
                    ),
                    None => format!(
                        "{}: {} consistency held",
                        c.name,
                        consistency_name(c.consistency)
                    ),
                },
            });
        }
    }
    let ceiling = t
        .utilization_ceiling
        .unwrap_or(defaults::UTILIZATION_CEILING);
    if let Some(hottest) = a
        .components
        .iter()
        .filter(|c| c.servers > 0)
        .max_by(|x, y| x.utilization.total_cmp(&y.utilization))
    {
        let pass = hottest.utilization <= ceiling;
        card.push(TargetCheck {
            target: Target::UtilizationCeiling,
            subject: Some(hottest.name.clone()),
            required: Some(ceiling),
            predicted: super::finite(hottest.utilization),
            pass,
            summary: format!(
                "{}: utilisation {} {} ceiling {ceiling} (the hottest component)",
                hottest.name,
                crate::text::utilization(Some(hottest.utilization)),
                if pass { "<=" } else { ">" }
            ),
        });
    }
    if let Some(required) = t.monthly_budget_usd {
        let pass = a.monthly_cost_usd <= required;
        card.push(TargetCheck {
            target: Target::MonthlyBudgetUsd,
            subject: None,
            required: Some(required),
            predicted: Some(a.monthly_cost_usd),
            pass,
            summary: format!(
                "cost {:.0} USD a month {} budget {required} USD",
                a.monthly_cost_usd,
                if pass { "<=" } else { ">" }
            ),
        });
    }
    resilience_rows(&a.resilience, t, ceiling, &mut card);
    card
}

/// N-1 is a target when `targets.survive` lists `replica` and a component has replicas
/// under load (losing one must leave it within the ceiling and every class within its
/// p99); zone loss when it lists `zone`. The planner closes these like any other
/// target, so `check` and `plan` agree on what passing means.
fn resilience_rows(
    r: &Resilience,
    t: &crate::spec::Targets,
    ceiling: f64,
    card: &mut Vec<TargetCheck>,
) {
    use crate::spec::Survive;
    if t.survives(Survive::Replica) && !r.n_minus_1.is_empty() {
        let failing: Vec<&Outage> = r.n_minus_1.iter().filter(|o| !o.holds).collect();
        let pass = failing.is_empty();
        card.push(TargetCheck {
            target: Target::NMinus1,
            subject: None,
            required: Some(0.0),
            predicted: Some(failing.len() as f64),
            pass,
            summary: if pass {
                format!(
                    "N-1: each of {} components survives losing one replica",
                    r.n_minus_1.len()
                )
            } else {
                format!(
                    "N-1: {} of {} components do not survive losing one replica: {}",
                    failing.len(),
                    r.n_minus_1.len(),
                    failing
                        .iter()
                        .map(|o| outage_reason(o, ceiling))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            },
        });
    }
    if let Some(z) = r.zone_loss.as_ref().filter(|_| t.survives(Survive::Zone)) {
        let predicted = z.utilization;
        card.push(TargetCheck {
            target: Target::ZoneLoss,
            subject: None,
            required: Some(ceiling),
            predicted,
            pass: z.holds,
            summary: if z.holds {
                format!(
                    "zone loss: the system holds, utilisation at most {} <= ceiling {ceiling}",
                    crate::text::utilization(z.utilization)
                )
            } else {
                let mut parts = Vec::new();
                if !z.down.is_empty() {
                    parts.push(super::findings::go_down(&z.down));
                }
                if !z.within_ceiling && z.down.is_empty() {
                    parts.push(format!(
                        "utilisation reaches {} > ceiling {ceiling}",
                        crate::text::utilization(z.utilization)
                    ));
                }
                if !z.classes_missing_p99.is_empty() {
                    parts.push(format!(
                        "{} miss their p99",
                        z.classes_missing_p99.join(", ")
                    ));
                }
                format!("zone loss: {}", parts.join("; "))
            },
        });
    }
}

fn outage_reason(o: &Outage, ceiling: f64) -> String {
    let name = o.component.as_deref().unwrap_or_default();
    if !o.down.is_empty() {
        format!("{name} (a single replica)")
    } else if !o.within_ceiling {
        format!(
            "{name} (utilisation {} > {ceiling})",
            crate::text::utilization(o.utilization)
        )
    } else {
        format!(
            "{name} ({} miss their p99)",
            o.classes_missing_p99.join(", ")
        )
    }
}

pub fn consistency_name(c: Consistency) -> &'static str {
    match c {
        Consistency::Strong => "strong",
        Consistency::ReadYourWrites => "read-your-writes",
        Consistency::Eventual => "eventual",
    }
}
