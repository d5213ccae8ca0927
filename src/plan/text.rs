//! The plan as text for a terminal: the steps with their numbers, then what stays out
//! of reach.

use std::fmt::Write;

use super::{ComponentMetric, Effect, Metric, Plan, Step};
use crate::analysis::scorecard::Target;

pub fn number(v: Option<f64>) -> String {
    match v {
        None => "unbounded".to_string(),
        Some(x) if x.abs() >= 1000.0 => format!("{x:.0}"),
        Some(x) if x.abs() >= 10.0 => format!("{x:.1}"),
        Some(x) if x.abs() >= 1.0 => format!("{x:.3}"),
        Some(0.0) => "0".to_string(),
        Some(x) => format!("{x:.4}"),
    }
}

/// `availability` values get four decimals (the digits that matter), others [`number`].
pub fn value(metric: impl Into<Metric>, v: Option<f64>) -> String {
    match (metric.into(), v) {
        (Metric::Target(Target::Availability), Some(x)) => format!("{x:.4} %"),
        (Metric::Target(Target::P99Ms), Some(x)) => format!("{x:.1} ms"),
        (Metric::Target(Target::NMinus1), Some(x)) => format!("{x:.0} failing"),
        (Metric::Target(Target::MonthlyBudgetUsd), Some(x)) => format!("{x:.0} USD"),
        (Metric::Target(Target::ThroughputRps), Some(x)) => format!("{x:.0} req/s"),
        (Metric::Target(Target::Consistency), Some(x)) => format!("{x} ms stale"),
        (Metric::Target(Target::Consistency), None) => "consistent".to_string(),
        _ => number(v),
    }
}

pub fn effect_line(e: &Effect) -> String {
    let verdict = match (e.pass_before, e.pass_after) {
        (Some(false), Some(true)) => " (now met)",
        (Some(true), Some(false)) => " (now missed)",
        (_, Some(false)) => " (still missed)",
        _ => "",
    };
    let subject = e.subject.as_deref().unwrap_or_default();
    let what = match e.metric {
        Metric::Target(Target::ThroughputRps) => "throughput within the ceiling".to_string(),
        Metric::Target(Target::P99Ms) => format!("p99 of {subject}"),
        Metric::Target(Target::Availability) => format!("availability of {subject}"),
        Metric::Target(Target::Consistency) => format!("consistency of {subject}"),
        Metric::Target(Target::UtilizationCeiling) => format!("hottest component ({subject})"),
        Metric::Target(Target::MonthlyBudgetUsd) => "cost a month".to_string(),
        Metric::Target(Target::NMinus1) => "N-1".to_string(),
        Metric::Target(Target::ZoneLoss) => "zone loss, hottest survivor".to_string(),
        Metric::Component(ComponentMetric::Utilization) => format!("utilisation of {subject}"),
    };
    if e.added {
        return format!("{what}: {} (new){verdict}", value(e.metric, e.after));
    }
    format!(
        "{what}: {} -> {}{verdict}",
        value(e.metric, e.before),
        value(e.metric, e.after)
    )
}

/// Said when the search ran out of analyses with candidates untried.
pub fn stopped_note(plan: &Plan) -> String {
    let size = if plan.evaluation_bound < plan.bounds.max_evaluations {
        format!(
            " (fewer than {} for a model of this size)",
            plan.bounds.max_evaluations
        )
    } else {
        String::new()
    };
    format!(
        "the search stopped at its bound of {} analyses{size} with changes left untried: \
         a cheaper plan may exist",
        plan.evaluation_bound
    )
}

/// What a step costs, in words: the change a month, or why it costs nothing.
pub fn cost_words(step: &Step) -> String {
    match &step.cost_note {
        Some(note) => note.clone(),
        None => format!(
            "{:+.0} USD a month: {:.0} -> {:.0}",
            step.cost_delta_usd, step.monthly_cost_before_usd, step.monthly_cost_after_usd
        ),
    }
}

pub fn render(plan: &Plan) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "plan for {}: {} of {} targets met now, {:.0} USD a month",
        plan.name, plan.before.targets_met, plan.before.targets, plan.before.monthly_cost_usd
    );
    if plan.steps.is_empty() {
        let _ = writeln!(s, "no changes needed");
    }
    for step in &plan.steps {
        let _ = writeln!(
            s,
            "\n{}. {}  ({})",
            step.number,
            step.summary,
            cost_words(step)
        );
        let _ = writeln!(s, "   why: {}", step.why);
        for e in &step.effects {
            let _ = writeln!(s, "   {}", effect_line(e));
        }
    }
    let _ = writeln!(
        s,
        "\nafter the plan: {} of {} targets met, {:.0} USD a month ({:+.0}); scaling every pool x{} instead would cost {:.0}",
        plan.after.targets_met,
        plan.after.targets,
        plan.after.monthly_cost_usd,
        plan.after.monthly_cost_usd - plan.before.monthly_cost_usd,
        plan.baseline.factor,
        plan.baseline.monthly_cost_usd
    );
    if plan.stopped_at_bound {
        let _ = writeln!(s, "{}", stopped_note(plan));
    }
    if plan.meets_all_targets {
        let _ = writeln!(s, "every target is met");
    } else {
        let _ = writeln!(s, "out of reach within the planner's bounds:");
        for o in &plan.out_of_reach {
            let _ = writeln!(
                s,
                "  {}{}: required {}, predicted {}: {}",
                o.target,
                o.subject
                    .as_deref()
                    .map(|x| format!(" {x}"))
                    .unwrap_or_default(),
                value(o.target, o.required),
                value(o.target, o.predicted),
                o.why
            );
        }
    }
    s
}
