//! What the templates show, laid out and formatted once here, so the HTML and the
//! Markdown say the same thing in the same numbers.

use super::checklist::{self, Item};
use super::{charts, diagram, hourly, sweep, ReportError, SimulatedClasses};
use crate::analysis::availability::unavailabilities;
use crate::analysis::scorecard::{consistency_name, Target, TargetCheck};
use crate::analysis::{solve, Analysis, Severity, Solved};
use crate::plan::text::{effect_line, value};
use crate::plan::Plan;
use crate::spec::{defaults, Spec};

pub struct Report {
    pub name: String,
    pub description: String,
    pub verdict: String,
    pub scorecard: Vec<ScoreRow>,
    pub diagram_svg: String,
    /// Every call: from, to, calls, op, mode.
    pub edges: Vec<(String, String, String, String, String)>,
    pub bottleneck: Vec<String>,
    pub components: Vec<ComponentRow>,
    /// The operations of the components that list them, in spec order.
    pub operations: Vec<OperationRow>,
    pub utilization_svg: String,
    pub classes: Vec<ClassRow>,
    pub simulated: bool,
    pub simulation_note: String,
    pub latency_svg: String,
    pub curves: Vec<CurveRow>,
    /// The closed classes: what their users reach, and at fewer and more users.
    pub closed: Vec<ClosedView>,
    pub availability: Vec<AvailabilityRow>,
    pub stores: Vec<StoreRow>,
    pub conflicts: Vec<ConflictRow>,
    pub n_minus_1: Vec<OutageRow>,
    pub zone_loss: Option<OutageRow>,
    /// How replicas sit in zones, and whether the losses are targets, in words.
    pub zones_rule: String,
    pub cost: CostView,
    pub cost_rows: Vec<CostRow>,
    pub cost_svg: String,
    pub plan: PlanView,
    pub checklist: Vec<Item>,
    pub findings: Vec<FindingRow>,
}

pub struct ClosedView {
    pub summary: String,
    /// (users, throughput, mean response), as shown.
    pub points: Vec<(String, String, String)>,
}

pub struct ScoreRow {
    pub target: String,
    pub subject: String,
    pub required: String,
    pub predicted: String,
    pub gap: String,
    pub pass: bool,
}

pub struct ComponentRow {
    pub name: String,
    pub kind: String,
    pub arrival: String,
    pub servers: String,
    pub utilization: String,
    pub mean: String,
    pub p99: String,
    pub status: &'static str,
}

pub struct OperationRow {
    pub component: String,
    pub name: String,
    pub arrival: String,
    pub service: String,
    pub mean: String,
    pub p99: String,
}

pub struct ClassRow {
    pub name: String,
    pub rate: String,
    pub mean: String,
    pub p50: String,
    pub p95: String,
    pub p99: String,
    pub target: String,
    pub pass: bool,
    pub sim_p50: String,
    pub sim_p99: String,
}

pub struct CurveRow {
    pub class: String,
    pub knee: String,
    pub within_target: String,
}

pub struct AvailabilityRow {
    pub class: String,
    pub availability: String,
    pub target: String,
    pub pass: bool,
    pub downtime: String,
    pub budget_eaten_by: String,
}

pub struct StoreRow {
    pub component: String,
    pub pacelc: String,
    pub replication: String,
    pub reads_from: String,
    pub staleness: String,
    pub why: String,
}

pub struct ConflictRow {
    pub class: String,
    pub store: String,
    pub needs: String,
    pub staleness: String,
    pub ways_out: Vec<String>,
}

pub struct OutageRow {
    pub scenario: String,
    pub holds: bool,
    pub detail: String,
}

pub struct CostView {
    pub static_usd: String,
    pub scheduled_usd: String,
    pub autoscaled_usd: String,
    pub budget: String,
    pub verdict: String,
}

pub struct CostRow {
    pub name: String,
    pub static_usd: String,
    pub scheduled_usd: String,
    pub autoscaled_usd: String,
}

pub struct PlanView {
    pub meets_all: bool,
    pub summary: String,
    pub steps: Vec<StepRow>,
    pub out_of_reach: Vec<String>,
    pub baseline: String,
    /// Said when the search stopped at its bound of analyses.
    pub stopped: Option<String>,
}

pub struct StepRow {
    pub number: usize,
    pub summary: String,
    pub why: String,
    pub cost: String,
    pub targets: String,
    pub effects: Vec<String>,
}

pub struct FindingRow {
    pub severity: &'static str,
    pub message: String,
}

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "unbounded".to_string(), f)
}

fn ms(v: Option<f64>) -> String {
    opt(v, |x| format!("{x:.1} ms"))
}

/// `s` with its first letter upper case, to stand as a sentence of its own.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn usd(x: f64) -> String {
    format!("{x:.0} USD")
}

fn target_name(t: Target) -> &'static str {
    match t {
        Target::ThroughputRps => "throughput within the ceiling",
        Target::P99Ms => "p99 latency",
        Target::Availability => "availability",
        Target::Consistency => "consistency",
        Target::UtilizationCeiling => "utilisation ceiling",
        Target::MonthlyBudgetUsd => "monthly budget",
        Target::NMinus1 => "N-1 (one replica lost)",
        Target::ZoneLoss => "zone loss",
    }
}

fn score_row(spec: &Spec, t: &TargetCheck) -> ScoreRow {
    let subject = t.subject.clone().unwrap_or_default();
    let (required, predicted, gap) = match t.target {
        Target::Consistency => {
            let needs = spec
                .workload
                .classes
                .iter()
                .find(|k| k.name == subject)
                .map_or("?", |k| consistency_name(k.consistency_or_default()));
            (
                needs.to_string(),
                value(Target::Consistency, t.predicted),
                t.predicted
                    .map_or(String::new(), |x| format!("{x} ms stale reads")),
            )
        }
        Target::UtilizationCeiling => (
            format!("<= {}", t.required.unwrap_or_default()),
            format!("{} ({subject})", value(t.target, t.predicted)),
            match (t.required, t.predicted) {
                (Some(r), Some(p)) if p > r => format!("{:.3} over", p - r),
                _ => String::new(),
            },
        ),
        Target::NMinus1 => (
            "every component survives".to_string(),
            format!("{} failing", t.predicted.unwrap_or_default()),
            if t.pass {
                String::new()
            } else {
                format!("{} components", t.predicted.unwrap_or_default())
            },
        ),
        Target::ZoneLoss => (
            format!("within the ceiling {}", t.required.unwrap_or_default()),
            t.predicted.map_or("components go down".to_string(), |p| {
                format!("utilisation {p:.3}")
            }),
            if t.pass {
                String::new()
            } else {
                t.summary.trim_start_matches("zone loss: ").to_string()
            },
        ),
        _ => {
            let gap = match (t.required, t.predicted) {
                _ if t.pass => String::new(),
                (Some(r), None) => format!("unbounded against {}", value(t.target, Some(r))),
                (Some(r), Some(p)) => match t.target {
                    Target::ThroughputRps => format!("{:.0} req/s short", r - p),
                    Target::P99Ms => format!("{:.1} ms over", p - r),
                    Target::Availability => format!(
                        "{:.1} min/month more downtime",
                        (r - p) / 100.0 * crate::analysis::availability::MINUTES_PER_MONTH
                    ),
                    Target::MonthlyBudgetUsd => format!("{:.0} USD over", p - r),
                    _ => format!("{:.3}", p - r),
                },
                _ => String::new(),
            };
            (
                value(t.target, t.required),
                value(t.target, t.predicted),
                gap,
            )
        }
    };
    ScoreRow {
        target: target_name(t.target).to_string(),
        subject,
        required,
        predicted,
        gap,
        pass: t.pass,
    }
}

pub fn build(
    spec: &Spec,
    a: &Analysis,
    plan: &Plan,
    simulated: Option<&SimulatedClasses>,
) -> Result<Report, ReportError> {
    let ceiling = spec
        .targets
        .utilization_ceiling
        .unwrap_or(defaults::UTILIZATION_CEILING);
    let (components, bars) = component_rows(a, ceiling);
    let sw = sweep::sweep(spec)?;
    let first_knee = sw
        .curves
        .iter()
        .filter_map(|c| c.knee.map(|k| (c.class.clone(), k.0)))
        .min_by(|x, y| x.1.total_cmp(&y.1));
    let spec = &*crate::analysis::effective(spec)?;
    let solved = solve(spec)?;
    let availability = availability_rows(spec, a, &solved);
    let hops = busiest_path(spec, &solved);
    drop(solved);
    let (cost, cost_rows) = cost_section(a);
    let hours = hourly::hourly(spec, a);
    let c = &a.cost;

    Ok(Report {
        name: spec.name.clone(),
        description: spec.description.clone().unwrap_or_default(),
        verdict: verdict(a, plan),
        scorecard: a.scorecard.iter().map(|t| score_row(spec, t)).collect(),
        diagram_svg: diagram::diagram(spec, a, ceiling),
        edges: spec
            .dependencies
            .iter()
            .map(|d| {
                // `catalog.get_product`: the operation a call asks for, or is made by.
                let at = |c: &str, o: &Option<String>| match o {
                    Some(o) => format!("{c}.{o}"),
                    None => c.to_string(),
                };
                (
                    at(&d.from, &d.from_operation),
                    at(&d.to, &d.operation),
                    format!("{}", d.calls_or_default()),
                    format!("{:?}", d.op_or_default()).to_lowercase(),
                    format!("{:?}", d.mode_or_default()).to_lowercase(),
                )
            })
            .collect(),
        bottleneck: bottleneck_lines(spec, a, ceiling),
        components,
        operations: a
            .components
            .iter()
            .flat_map(|c| {
                c.operations.iter().map(|o| OperationRow {
                    component: c.name.clone(),
                    name: o.name.clone(),
                    arrival: format!("{:.1}", o.arrival_rps),
                    service: ms(Some(o.service_time_ms)),
                    mean: ms(o.mean_response_ms),
                    p99: ms(o.p99_response_ms),
                })
            })
            .collect(),
        utilization_svg: charts::utilization(&bars, ceiling)?,
        classes: class_rows(a, simulated),
        simulated: simulated.is_some(),
        simulation_note: simulated.map(|s| s.note.clone()).unwrap_or_default(),
        latency_svg: charts::latency(&sw)?,
        curves: curve_rows(&sw),
        closed: a
            .closed
            .iter()
            .map(|c| ClosedView {
                summary: format!(
                    "{}: {} users, each thinking {} ms between an answer and its next request, reach {:.1} req/s; their mean response is {} by mean-value analysis.",
                    c.class,
                    c.users,
                    c.think_time_ms,
                    c.throughput_rps,
                    c.mean_response_ms.map_or("unbounded".to_string(), |m| format!("{m:.1} ms"))
                ),
                points: c
                    .curve
                    .iter()
                    .map(|p| {
                        (
                            p.users.to_string(),
                            format!("{:.1} req/s", p.throughput_rps),
                            p.mean_response_ms
                                .map_or("unbounded".to_string(), |m| format!("{m:.1} ms")),
                        )
                    })
                    .collect(),
            })
            .collect(),
        availability,
        stores: store_rows(a),
        conflicts: conflict_rows(a),
        n_minus_1: a
            .resilience
            .n_minus_1
            .iter()
            .map(|o| outage_row(o, ceiling))
            .collect(),
        zone_loss: a
            .resilience
            .zone_loss
            .as_ref()
            .map(|o| outage_row(o, ceiling)),
        zones_rule: zones_rule(spec, &a.resilience),
        cost,
        cost_rows,
        cost_svg: charts::cost(
            &hours,
            c.monthly_budget_usd
                .map(|b| b / crate::analysis::cost::HOURS_PER_MONTH),
        )?,
        plan: plan_view(plan),
        checklist: checklist::checklist(spec, a, first_knee, hops),
        findings: finding_rows(a),
    })
}

/// "1 step", "4 steps".
fn steps(n: usize) -> String {
    if n == 1 {
        "1 step".to_string()
    } else {
        format!("{n} steps")
    }
}

/// One sentence: whether the design meets its targets, and what the plan does about it.
fn verdict(a: &Analysis, plan: &Plan) -> String {
    let met = a.scorecard.iter().filter(|t| t.pass).count();
    let saved = plan.before.monthly_cost_usd - plan.after.monthly_cost_usd;
    if met == a.scorecard.len() && plan.steps.is_empty() {
        format!("meets all {} of its targets", a.scorecard.len())
    } else if met == a.scorecard.len() {
        format!(
            "meets all {} of its targets; the plan below keeps them met for {} less a month in {}",
            a.scorecard.len(),
            usd(saved),
            steps(plan.steps.len())
        )
    } else if plan.meets_all_targets {
        format!(
            "misses {} of its {} targets; the plan below meets them all in {}, {} a month ({:+.0})",
            a.scorecard.len() - met,
            a.scorecard.len(),
            steps(plan.steps.len()),
            usd(plan.after.monthly_cost_usd),
            plan.after.monthly_cost_usd - plan.before.monthly_cost_usd
        )
    } else {
        format!(
            "misses {} of its {} targets; the best plan within the planner's bounds meets {} of them",
            a.scorecard.len() - met,
            a.scorecard.len(),
            plan.after.targets_met
        )
    }
}

/// The components, hottest first, and the bars of the utilisation chart.
fn component_rows(a: &Analysis, ceiling: f64) -> (Vec<ComponentRow>, Vec<(String, f64)>) {
    let mut components: Vec<(f64, ComponentRow)> = a
        .components
        .iter()
        .map(|c| {
            let pooled = c.servers > 0;
            let status = if !pooled {
                "delay or queue"
            } else if !c.stable {
                "saturated"
            } else if c.utilization > ceiling {
                "over the ceiling"
            } else if c.utilization > 0.8 * ceiling {
                "near the ceiling"
            } else {
                "ok"
            };
            (
                if pooled { c.utilization } else { -1.0 },
                ComponentRow {
                    name: c.name.clone(),
                    kind: c.kind.clone(),
                    arrival: format!("{:.1}", c.arrival_rps),
                    servers: if pooled {
                        c.servers.to_string()
                    } else {
                        "-".into()
                    },
                    utilization: if pooled {
                        crate::text::utilization(Some(c.utilization))
                    } else {
                        "-".into()
                    },
                    mean: ms(c.mean_response_ms),
                    p99: ms(c.p99_response_ms),
                    status,
                },
            )
        })
        .collect();
    components.sort_by(|x, y| y.0.total_cmp(&x.0));
    let bars: Vec<(String, f64)> = a
        .components
        .iter()
        .filter(|c| c.servers > 0)
        .map(|c| (c.name.clone(), c.utilization))
        .collect();
    let mut bars = bars;
    bars.sort_by(|x, y| y.1.total_cmp(&x.1));
    (components.into_iter().map(|x| x.1).collect(), bars)
}

/// What saturates first, and how far the p99 targets hold.
fn bottleneck_lines(spec: &Spec, a: &Analysis, ceiling: f64) -> Vec<String> {
    let peak: f64 = spec.workload.classes.iter().map(|k| k.rate()).sum();
    let mut bottleneck = Vec::new();
    match &a.bottleneck {
        Some(b) => bottleneck.push(format!(
            "{b} saturates first: at {} in all (peak {peak:.0} req/s); within the utilisation ceiling {ceiling} the system carries {}.",
            opt(a.max_throughput_rps, |x| format!("{x:.0} req/s")),
            opt(a.max_throughput_at_ceiling_rps, |x| format!("{x:.0} req/s"))
        )),
        None => bottleneck.push("No component has a pool of servers: nothing saturates.".into()),
    }
    if let Some(x) = a.max_throughput_p99_rps {
        bottleneck.push(format!(
            "Every class stays within its p99 target up to {x:.0} req/s."
        ));
    }
    bottleneck
}

/// Each class's latency, with the simulated figures beside it when there are some.
fn class_rows(a: &Analysis, simulated: Option<&SimulatedClasses>) -> Vec<ClassRow> {
    let sim = |name: &str| simulated.and_then(|s| s.classes.iter().find(|c| c.name == name));
    a.classes
        .iter()
        .map(|k| {
            let s = sim(&k.name);
            ClassRow {
                name: k.name.clone(),
                rate: format!("{:.0}", k.rate_rps),
                mean: ms(k.mean_latency_ms),
                p50: ms(k.p50_latency_ms),
                p95: ms(k.p95_latency_ms),
                p99: ms(k.p99_latency_ms),
                target: k
                    .p99_target_ms
                    .map_or("-".to_string(), |t| format!("{t} ms")),
                pass: match (k.p99_target_ms, k.p99_latency_ms) {
                    (Some(t), Some(p)) => p <= t,
                    (Some(_), None) => false,
                    _ => true,
                },
                sim_p50: s.map_or("-".to_string(), |s| simulated_ms(s.p50_ms, None)),
                sim_p99: s.map_or("-".to_string(), |s| simulated_ms(s.p99_ms, s.p99_ci_ms)),
            }
        })
        .collect()
}

/// A simulated latency with its interval, or "unbounded (saturated)" when the run left
/// requests unanswered past it.
fn simulated_ms(v: Option<f64>, ci: Option<(f64, f64)>) -> String {
    match (v, ci) {
        (None, _) => "unbounded (saturated)".to_string(),
        (Some(v), Some((lo, hi))) => format!("{v:.1} ms ({lo:.1}-{hi:.1})"),
        (Some(v), None) => format!("{v:.1} ms"),
    }
}

/// Each class's latency curve against load: its knee, and how far its target holds.
fn curve_rows(sw: &sweep::Sweep) -> Vec<CurveRow> {
    sw.curves
        .iter()
        .map(|c| CurveRow {
            class: c.class.clone(),
            knee: c
                .knee
                .map_or(format!("none below {:.0} req/s", sw.max_rps), |(x, p)| {
                    format!("{x:.0} req/s (p99 {p:.1} ms)")
                }),
            within_target: match (
                c.target_ms,
                c.within_target_up_to_rps,
                c.saturates_after_rps,
            ) {
                (None, _, _) => "no target".to_string(),
                (Some(_), None, _) => "never".to_string(),
                (Some(_), Some(x), Some(s)) if x >= s => {
                    format!("until its path saturates, past {s:.0} req/s")
                }
                (Some(_), Some(x), None) if x >= sw.max_rps * 0.999 => {
                    format!("beyond {:.0} req/s", sw.max_rps)
                }
                (Some(_), Some(x), _) => format!("up to {x:.0} req/s"),
            },
        })
        .collect()
}

/// Each class's availability, and who eats its error budget: each component's share of
/// the downtime (the budget is what the target allows).
fn availability_rows(spec: &Spec, a: &Analysis, solved: &Solved) -> Vec<AvailabilityRow> {
    let unavailable = unavailabilities(spec);
    a.classes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let mut lost: Vec<(usize, f64)> = solved.flows[k]
                .sync_visits
                .iter()
                .zip(&unavailable)
                .enumerate()
                .map(|(i, (v, u))| (i, (v.read.min(1.0) * u[0]).max(v.write.min(1.0) * u[1])))
                .filter(|(_, l)| *l > 0.0)
                .collect();
            lost.sort_by(|x, y| y.1.total_cmp(&x.1));
            let budget = c
                .availability_target_percent
                .map(|t| 1.0 - t / 100.0)
                .filter(|b| *b > 0.0);
            let eaten: Vec<String> = lost
                .iter()
                .take(3)
                .map(|&(i, l)| match budget {
                    Some(b) => format!("{} {:.0} %", spec.components[i].name, 100.0 * l / b),
                    None => format!("{} {:.4} %", spec.components[i].name, 100.0 * l),
                })
                .collect();
            AvailabilityRow {
                class: c.name.clone(),
                availability: format!("{:.4} %", c.availability_percent),
                target: c
                    .availability_target_percent
                    .map_or("-".to_string(), |t| format!("{t} %")),
                pass: c
                    .availability_target_percent
                    .is_none_or(|t| c.availability_percent >= t),
                downtime: format!("{:.1} min", c.downtime_minutes_per_month),
                budget_eaten_by: if eaten.is_empty() {
                    "-".to_string()
                } else {
                    eaten.join(", ")
                },
            }
        })
        .collect()
}

/// The class with the most sync calls on its path (edges out of what it visits).
fn busiest_path(spec: &Spec, solved: &Solved) -> Option<(String, usize)> {
    spec.workload
        .classes
        .iter()
        .enumerate()
        .map(|(k, class)| {
            let on_path = |name: &str| {
                spec.components
                    .iter()
                    .position(|c| c.name == name)
                    .is_some_and(|i| solved.flows[k].sync_visits[i].total() > 0.0)
            };
            let n = spec
                .dependencies
                .iter()
                .filter(|d| {
                    d.applies_to(&class.name)
                        && d.mode_or_default() == crate::spec::CallMode::Sync
                        && on_path(&d.from)
                        && on_path(&d.to)
                })
                .count();
            (class.name.clone(), n)
        })
        .max_by_key(|x| x.1)
}

fn store_rows(a: &Analysis) -> Vec<StoreRow> {
    a.stores
        .iter()
        .map(|s| StoreRow {
            component: s.component.clone(),
            pacelc: s.pacelc.to_string(),
            replication: s.replication.to_string(),
            reads_from: s.reads_from.to_string(),
            staleness: s
                .staleness_ms
                .map_or("-".to_string(), |x| format!("up to {x} ms")),
            why: s.why.to_string(),
        })
        .collect()
}

/// Each consistency conflict, with the ways out and what each costs.
fn conflict_rows(a: &Analysis) -> Vec<ConflictRow> {
    a.conflicts
        .iter()
        .map(|c| ConflictRow {
            class: c.class.clone(),
            store: c.component.clone(),
            needs: consistency_name(c.needs).to_string(),
            staleness: format!("{} ms", c.staleness_ms),
            ways_out: c
                .ways_out
                .iter()
                .map(|w| {
                    format!(
                        "{}: p99 {}, availability {:.4} %, store utilisation {}, {} a month",
                        w.change,
                        ms(w.p99_latency_ms),
                        w.availability_percent,
                        crate::text::utilization(w.store_utilization),
                        usd(w.monthly_cost_usd)
                    )
                })
                .collect(),
        })
        .collect()
}

/// The placement rule and which losses are targets, for the reader.
fn zones_rule(spec: &Spec, r: &crate::analysis::resilience::Resilience) -> String {
    use crate::spec::Survive;
    let asked: Vec<&str> = [(Survive::Replica, "N-1"), (Survive::Zone, "zone loss")]
        .into_iter()
        .filter(|(s, _)| spec.targets.survives(*s))
        .map(|(_, w)| w)
        .collect();
    let mut text = String::from(
        "Replicas are spread over their component's zones in turn, read replicas after the primaries; a component without zones lives in one zone, and losing that zone takes it down (or to its standby); a load balancer its cloud runs (an ALB, NLB, GCLB, Azure LB or Front Door) spans every zone and survives both.",
    );
    if !r.single_zone.is_empty() {
        text.push_str(&format!(" In one zone: {}.", r.single_zone.join(", ")));
    }
    text.push_str(&match asked.len() {
        0 => " Neither loss is a target (targets.survive lists none): failures here are warnings."
            .to_string(),
        1 => format!(
            " Only {} is a target (targets.survive); the other is a warning.",
            asked[0]
        ),
        _ => " Both are targets (targets.survive).".to_string(),
    });
    text
}

fn outage_row(o: &crate::analysis::resilience::Outage, ceiling: f64) -> OutageRow {
    OutageRow {
        scenario: o.scenario.clone(),
        holds: o.holds,
        detail: if !o.down.is_empty() {
            crate::analysis::findings::go_down(&o.down)
        } else {
            let mut d = format!("utilisation {}", crate::text::utilization(o.utilization));
            if !o.within_ceiling {
                d.push_str(&format!(" (over the ceiling {ceiling})"));
            }
            if !o.classes_missing_p99.is_empty() {
                d.push_str(&format!(
                    "; {} miss their p99",
                    o.classes_missing_p99.join(", ")
                ));
            }
            if !o.failed_over.is_empty() {
                d.push_str(&format!(
                    "; {} {} over to a read replica{}",
                    o.failed_over.join(", "),
                    if o.failed_over.len() == 1 {
                        "fails"
                    } else {
                        "fail"
                    },
                    match o.recovery_point_ms {
                        Some(ms) if ms > 0.0 => format!(", losing up to {ms} ms of writes"),
                        _ => ", losing no writes".to_string(),
                    }
                ));
            }
            d
        },
    }
}

/// The cost as written, and per component, dearest first.
fn cost_section(a: &Analysis) -> (CostView, Vec<CostRow>) {
    let c = &a.cost;
    let cost = CostView {
        static_usd: usd(c.static_monthly_usd),
        scheduled_usd: usd(c.scheduled_monthly_usd),
        autoscaled_usd: usd(c.autoscaled_monthly_usd),
        budget: c.monthly_budget_usd.map_or("none".to_string(), usd),
        verdict: match c.monthly_budget_usd {
            Some(b) if c.monthly_usd > b => format!(
                "As written (autoscaled where it autoscales) the design costs {}, {} over the budget.",
                usd(c.monthly_usd),
                usd(c.monthly_usd - b)
            ),
            Some(b) => format!(
                "As written the design costs {}, {} under the budget.",
                usd(c.monthly_usd),
                usd(b - c.monthly_usd)
            ),
            None => format!("As written the design costs {}; no budget is set.", usd(c.monthly_usd)),
        },
    };
    let mut cost_rows: Vec<(f64, CostRow)> = c
        .components
        .iter()
        .filter(|x| x.static_monthly_usd > 0.0)
        .map(|x| {
            (
                x.autoscaled_monthly_usd,
                CostRow {
                    name: x.name.clone(),
                    static_usd: usd(x.static_monthly_usd),
                    scheduled_usd: usd(x.scheduled_monthly_usd),
                    autoscaled_usd: usd(x.autoscaled_monthly_usd),
                },
            )
        })
        .collect();
    if c.cross_zone_monthly_usd > 0.0 {
        let transfer = usd(c.cross_zone_monthly_usd);
        cost_rows.push((
            c.cross_zone_monthly_usd,
            CostRow {
                name: "data between zones".into(),
                static_usd: transfer.clone(),
                scheduled_usd: transfer.clone(),
                autoscaled_usd: transfer,
            },
        ));
    }
    cost_rows.sort_by(|x, y| y.0.total_cmp(&x.0));
    (cost, cost_rows.into_iter().map(|x| x.1).collect())
}

fn plan_view(plan: &Plan) -> PlanView {
    PlanView {
        meets_all: plan.meets_all_targets,
        stopped: plan
            .stopped_at_bound
            .then(|| capitalized(&crate::plan::text::stopped_note(plan))),
        summary: if plan.steps.is_empty() {
            "No change is needed.".to_string()
        } else {
            format!(
                "{} {} the design from {} of {} targets to {} of {}, and its cost from {} to {} a month ({:+.0}).",
                capitalized(&steps(plan.steps.len())),
                if plan.steps.len() == 1 { "takes" } else { "take" },
                plan.before.targets_met,
                plan.before.targets,
                plan.after.targets_met,
                plan.after.targets,
                usd(plan.before.monthly_cost_usd),
                usd(plan.after.monthly_cost_usd),
                plan.after.monthly_cost_usd - plan.before.monthly_cost_usd
            )
        },
        steps: plan
            .steps
            .iter()
            .map(|s| StepRow {
                number: s.number,
                summary: s.summary.clone(),
                why: s.why.clone(),
                cost: crate::plan::text::cost_words(s),
                targets: format!(
                    "{} -> {} targets met",
                    s.targets_met_before, s.targets_met_after
                ),
                effects: s.effects.iter().map(effect_line).collect(),
            })
            .collect(),
        out_of_reach: plan
            .out_of_reach
            .iter()
            .map(|o| {
                format!(
                    "{}{}: required {}, predicted {}: {}",
                    target_name(o.target),
                    o.subject.as_deref().map(|s| format!(" ({s})")).unwrap_or_default(),
                    value(o.target, o.required),
                    value(o.target, o.predicted),
                    o.why
                )
            })
            .collect(),
        baseline: format!(
            "Scaling every pool up x{} instead (until throughput, the ceiling, N-1 and zone loss hold) would cost {} a month and meet {} of {} targets.",
            plan.baseline.factor,
            usd(plan.baseline.monthly_cost_usd),
            plan.baseline.targets_met,
            plan.after.targets
        ),
    }
}

fn finding_rows(a: &Analysis) -> Vec<FindingRow> {
    a.findings
        .iter()
        .map(|f| FindingRow {
            severity: match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            message: f.message.clone(),
        })
        .collect()
}
