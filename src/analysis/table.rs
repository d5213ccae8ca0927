//! The analysis as plain-text tables, for `headroom analyze`.

use std::fmt::Write;

use super::{Analysis, Severity};

/// A time, or "unbounded" where a saturated pool makes it so.
fn ms(v: Option<f64>) -> String {
    crate::text::figure_or_unbounded(v, 1)
}

pub fn render(a: &Analysis) -> String {
    let mut out = String::new();
    let name_width = a
        .components
        .iter()
        .flat_map(|c| {
            let own = c.name.chars().count();
            // An operation's row is indented under its component.
            std::iter::once(own).chain(c.operations.iter().map(|o| 2 + o.name.chars().count()))
        })
        .max()
        .unwrap_or(4)
        .max(9);
    let _ = writeln!(
        out,
        "{:<name_width$}  {:<13}  {:>10}  {:>7}  {:>6}  {:>10}  {:>10}",
        "component", "kind", "arrival/s", "servers", "util", "mean ms", "p99 ms"
    );
    for c in &a.components {
        let servers = if c.servers == 0 {
            "-".to_string()
        } else {
            c.servers.to_string()
        };
        let util = if c.servers == 0 {
            "-".to_string()
        } else {
            format!("{:.3}", c.utilization)
        };
        let _ = writeln!(
            out,
            "{:<name_width$}  {:<13}  {:>10.1}  {:>7}  {:>6}  {:>10}  {:>10}{}",
            c.name,
            c.kind,
            c.arrival_rps,
            servers,
            util,
            ms(c.mean_response_ms),
            ms(c.p99_response_ms),
            if c.stable { "" } else { "  SATURATED" }
        );
        for o in &c.operations {
            let _ = writeln!(
                out,
                "{:<name_width$}  {:<13}  {:>10.1}  {:>7}  {:>6}  {:>10}  {:>10}",
                format!("  {}", o.name),
                "operation",
                o.arrival_rps,
                "",
                "",
                ms(o.mean_response_ms),
                ms(o.p99_response_ms),
            );
        }
    }
    let class_width = a
        .classes
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(5)
        .max(5);
    let _ = writeln!(
        out,
        "\n{:<class_width$}  {:>9}  {:>9}  {:>9}  {:>9}  {:>10}  {:>10}  {:>9}",
        "class", "rate/s", "mean ms", "p50 ms", "p99 ms", "target ms", "avail %", "target %"
    );
    for c in &a.classes {
        let target = c.p99_target_ms.map_or("-".to_string(), |t| format!("{t}"));
        let avail_target = c
            .availability_target_percent
            .map_or("-".to_string(), |t| format!("{t}"));
        let _ = writeln!(
            out,
            "{:<class_width$}  {:>9.1}  {:>9}  {:>9}  {:>9}  {:>10}  {:>10.4}  {:>9}",
            c.name,
            c.rate_rps,
            ms(c.mean_latency_ms),
            ms(c.p50_latency_ms),
            ms(c.p99_latency_ms),
            target,
            c.availability_percent,
            avail_target
        );
    }
    for c in &a.closed {
        let curve: Vec<String> = c
            .curve
            .iter()
            .map(|p| {
                format!(
                    "{} users {:.1}/s {} ms",
                    p.users,
                    p.throughput_rps,
                    ms(p.mean_response_ms)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "closed {}: {} users thinking {} ms reach {:.1} req/s (mean {} ms by MVA); {}",
            c.class,
            c.users,
            c.think_time_ms,
            c.throughput_rps,
            ms(c.mean_response_ms),
            curve.join(", ")
        );
    }
    let _ = writeln!(out);
    match (&a.bottleneck, a.max_throughput_rps) {
        (Some(b), Some(max)) => {
            let peak: f64 = a.classes.iter().map(|c| c.rate_rps).sum();
            let _ = writeln!(
                out,
                "bottleneck: {b}, saturating at {max:.1} req/s in all (peak now: {peak:.1})"
            );
            if let Some(at_ceiling) = a.max_throughput_at_ceiling_rps {
                let _ = writeln!(out, "within the utilisation ceiling: {at_ceiling:.1} req/s");
            }
        }
        _ => {
            let _ = writeln!(out, "bottleneck: none (no component queues)");
        }
    }
    if let Some(p99) = a.max_throughput_p99_rps {
        let _ = writeln!(out, "every class within its p99 up to: {p99:.1} req/s");
    }
    let _ = writeln!(
        out,
        "cost a month: {:.0} USD as written (static {:.0}, scheduled {:.0}, autoscaled {:.0}){}",
        a.cost.monthly_usd,
        a.cost.static_monthly_usd,
        a.cost.scheduled_monthly_usd,
        a.cost.autoscaled_monthly_usd,
        a.cost
            .monthly_budget_usd
            .map_or(String::new(), |b| format!("; budget {b:.0} USD"))
    );
    if a.cost.cross_zone_monthly_usd > 0.0 {
        let _ = writeln!(
            out,
            "of which data between zones: {:.0} USD a month",
            a.cost.cross_zone_monthly_usd
        );
    }
    if let Some(bg) = a.cost.blue_green_rollout_usd_per_hour {
        let _ = writeln!(
            out,
            "blue-green: each hour of a rollout costs {bg:.2} USD more"
        );
    }
    for s in &a.stores {
        let _ = writeln!(
            out,
            "store {}: {} ({} replication, reads from {}{})",
            s.component,
            s.pacelc,
            s.replication,
            s.reads_from,
            s.staleness_ms
                .map_or(String::new(), |l| format!(", up to {l} ms stale"))
        );
    }
    let failing: Vec<_> = a.scorecard.iter().filter(|t| !t.pass).collect();
    let _ = writeln!(
        out,
        "targets: {} of {} met",
        a.scorecard.len() - failing.len(),
        a.scorecard.len()
    );
    for t in failing {
        let _ = writeln!(out, "  missed: {}", t.summary);
    }
    if a.findings.is_empty() {
        let _ = writeln!(out, "findings: none");
    } else {
        let _ = writeln!(out, "findings:");
        for f in &a.findings {
            let tag = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let _ = writeln!(out, "  {tag}: {}", f.message);
        }
    }
    out
}
