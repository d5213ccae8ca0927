//! Simulation results and comparisons as plain-text tables, for the command line.

use std::fmt::Write;

use super::compare::{Comparison, Figure};
use super::report::SimReport;

/// A simulated figure; none when nothing was measured (no request answered).
fn num(v: Option<f64>, digits: usize) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.digits$}"))
}

fn ci(v: Option<[f64; 2]>, digits: usize) -> String {
    v.map_or("-".to_string(), |[lo, hi]| {
        format!("[{lo:.digits$}, {hi:.digits$}]")
    })
}

pub fn render(r: &SimReport) -> String {
    let mut out = String::new();
    let w = r
        .components
        .iter()
        .map(|c| c.name.chars().count())
        .chain(r.classes.iter().map(|c| c.name.chars().count()))
        .max()
        .unwrap_or(5)
        .max(9);
    let _ = writeln!(
        out,
        "{:<w$}  {:<13}  {:>10}  {:>7}  {:>6}  {:>17}  {:>9}  {:>9}  {:>8}  {:>10}",
        "component",
        "kind",
        "arrival/s",
        "servers",
        "util",
        "util 95% CI",
        "mean ms",
        "p99 ms",
        "queue",
        "lag ms"
    );
    for c in &r.components {
        let pool = c.servers > 0;
        let _ = writeln!(
            out,
            "{:<w$}  {:<13}  {:>10.1}  {:>7}  {:>6}  {:>17}  {:>9}  {:>9}  {:>8.2}  {:>10}{}",
            c.name,
            c.kind,
            c.arrival_rps,
            if pool {
                c.servers.to_string()
            } else {
                "-".into()
            },
            if pool {
                format!("{:.3}", c.utilization)
            } else {
                "-".into()
            },
            if pool {
                ci(c.utilization_ci95, 3)
            } else {
                "-".into()
            },
            num(c.mean_response_ms, 1),
            num(c.p99_response_ms, 1),
            c.mean_queue_length,
            c.async_lag_ms.map_or("-".into(), |v| format!("{v:.1}")),
            if c.stable { "" } else { "  SATURATED" }
        );
    }
    let _ = writeln!(
        out,
        "\n{:<w$}  {:>9}  {:>9}  {:>21}  {:>9}  {:>9}  {:>9}  {:>9}  {:>10}  {:>9}  {:>9}  {:>9}",
        "class",
        "offered/s",
        "mean ms",
        "mean 95% CI",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9 ms",
        "target ms",
        "errors",
        "timeouts",
        "avail %"
    );
    for c in &r.classes {
        // Requests left unanswered, or a saturated component on the path, make the
        // figures they reach unbounded.
        let latency = |v: Option<f64>| match v {
            None if c.unfinished > 0.0 || c.saturated_by.is_some() => "unbounded".to_string(),
            v => num(v, 1),
        };
        let _ = writeln!(
            out,
            "{:<w$}  {:>9.1}  {:>9}  {:>21}  {:>9}  {:>9}  {:>9}  {:>9}  {:>10}  {:>9.1}  {:>9.1}  {:>9}",
            c.name,
            c.offered_rps,
            latency(c.mean_latency_ms),
            ci(c.mean_latency_ms_ci95, 1),
            latency(c.p50_latency_ms),
            latency(c.p90_latency_ms),
            latency(c.p99_latency_ms),
            latency(c.p999_latency_ms),
            c.p99_target_ms.map_or("-".into(), |t| format!("{t}")),
            c.errors,
            c.timeouts,
            num(c.availability_percent, 3),
        );
    }
    for c in r.classes.iter().filter(|c| c.saturated_by.is_some()) {
        let _ = writeln!(
            out,
            "{}: latencies unbounded (saturated): {} saturated in the run, its queue growing for as long as the run lasts",
            c.name,
            c.saturated_by.as_deref().unwrap_or_default()
        );
    }
    for c in &r.classes {
        if let Some(d) = c.degraded_percent.filter(|&d| d > 0.0) {
            let _ = writeln!(
                out,
                "{}: {d:.3} % of requests served degraded (a call whose failure it ignores failed)",
                c.name
            );
        }
    }
    let closed: Vec<&str> = r
        .classes
        .iter()
        .filter(|c| c.users.is_some())
        .map(|c| c.name.as_str())
        .collect();
    if !closed.is_empty() && matches!(r.scenario.as_str(), "ramp" | "daily") {
        let _ = writeln!(
            out,
            "closed classes keep their users over the {} scenario, which scales the open classes only: {}",
            r.scenario,
            closed.join(", ")
        );
    }
    if let Some(bp) = &r.breaking_point {
        let _ = writeln!(out);
        match (&bp.p99_exceeded_class, bp.p99_exceeded_rps) {
            (Some(c), Some(rps)) => {
                let _ = writeln!(
                    out,
                    "breaking point: p99 of {c} over its target from {rps:.1} req/s in all"
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "breaking point: every p99 within its target over the ramp"
                );
            }
        }
        match (&bp.saturated_component, bp.saturated_rps) {
            (Some(c), Some(rps)) => {
                let _ = writeln!(out, "saturation: {c} saturated from {rps:.1} req/s in all");
            }
            _ => {
                let _ = writeln!(out, "saturation: no component saturated over the ramp");
            }
        }
    }
    if !r.windows.is_empty() {
        let _ = writeln!(
            out,
            "\n{:>8}  {:>8}  {:>6}  {:>10}  {:>9}  {:>9}  {:>9}",
            "from s", "to s", "load", "done/s", "errors", "timeouts", "max p99"
        );
        for win in &r.windows {
            let done: f64 = win.classes.iter().map(|c| c.throughput_rps).sum();
            let errors: f64 = win.classes.iter().map(|c| c.errors).sum();
            let timeouts: f64 = win.classes.iter().map(|c| c.timeouts).sum();
            let p99 = win
                .classes
                .iter()
                .filter_map(|c| c.p99_latency_ms)
                .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
            let _ = writeln!(
                out,
                "{:>8.2}  {:>8.2}  {:>6.3}  {:>10.1}  {:>9.1}  {:>9.1}  {:>9}",
                win.start_s,
                win.end_s,
                win.load,
                done,
                errors,
                timeouts,
                num(p99, 1)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} scenario, {} replications of {} requests ({:.1} simulated s each, seed {}): {} events in {:.2} s, {:.1} M events/s",
        r.scenario,
        r.replications,
        r.requests,
        r.simulated_seconds,
        r.seed,
        r.events,
        r.wall_seconds,
        r.events_per_second / 1e6
    );
    out
}

fn fig(f: &Figure, digits: usize) -> [String; 3] {
    let digits = digits_to_tell(f, digits);
    [
        // None when the analysis finds the figure unbounded (a saturated pool).
        crate::text::figure_or_unbounded(f.analytic, digits),
        num(f.simulated, digits),
        format!(
            "{}{}",
            ci(f.simulated_ci95, digits),
            if f.agrees { "" } else { "  ≠" }
        ),
    ]
}

/// The digits a figure is printed with: `digits`, or for one marked outside its interval
/// as many more (up to six) as it takes to read outside it. `0.337` against
/// `[0.336, 0.337]  ≠` says nothing; `0.3374` against `[0.3361, 0.3369]` does.
fn digits_to_tell(f: &Figure, digits: usize) -> usize {
    let (false, Some(a), Some([lo, hi])) = (f.agrees, f.analytic, f.simulated_ci95) else {
        return digits;
    };
    let rounded = |v: f64, d: usize| format!("{v:.d$}").parse::<f64>().unwrap_or(v);
    (digits..=digits + 6)
        .find(|&d| {
            let a = rounded(a, d);
            a < rounded(lo, d) || a > rounded(hi, d)
        })
        .unwrap_or(digits + 6)
}

pub fn render_comparison(c: &Comparison) -> String {
    let mut out = String::new();
    let w = c
        .components
        .iter()
        .map(|x| x.name.chars().count())
        .chain(c.classes.iter().map(|x| x.name.chars().count()))
        .max()
        .unwrap_or(5)
        .max(9);
    let _ = writeln!(
        out,
        "{:<w$}  {:<16}  {:>10}  {:>10}  {:<24}",
        "component", "figure", "analysis", "simulated", "simulated 95% CI"
    );
    for x in &c.components {
        for (name, f, d) in [
            ("utilization", &x.utilization, 3),
            ("mean_response_ms", &x.mean_response_ms, 2),
        ] {
            let [a, s, i] = fig(f, d);
            let _ = writeln!(
                out,
                "{:<w$}  {:<16}  {:>10}  {:>10}  {:<24}",
                x.name, name, a, s, i
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{:<w$}  {:<16}  {:>10}  {:>10}  {:<24}",
        "class", "figure", "analysis", "simulated", "simulated 95% CI"
    );
    for x in &c.classes {
        for (name, f) in [
            ("mean_latency_ms", &x.mean_latency_ms),
            ("p50_latency_ms", &x.p50_latency_ms),
            ("p99_latency_ms", &x.p99_latency_ms),
        ] {
            let [a, s, i] = fig(f, 2);
            let _ = writeln!(
                out,
                "{:<w$}  {:<16}  {:>10}  {:>10}  {:<24}",
                x.name, name, a, s, i
            );
        }
    }
    let _ = writeln!(
        out,
        "\n{} figure{} outside the simulation's 95 % interval (marked ≠)",
        c.disagreements,
        if c.disagreements == 1 { "" } else { "s" }
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outside(analytic: f64, lo: f64, hi: f64) -> Figure {
        Figure {
            analytic: Some(analytic),
            simulated: Some((lo + hi) / 2.0),
            simulated_ci95: Some([lo, hi]),
            agrees: false,
        }
    }

    #[test]
    fn a_figure_outside_its_interval_is_printed_with_the_digits_that_show_it() {
        // Both print 0.337 at three decimals; at four, 0.3374 is past 0.3369.
        let [a, s, i] = fig(&outside(0.3374, 0.3361, 0.3369), 3);
        assert_eq!((a.as_str(), s.as_str()), ("0.3374", "0.3365"));
        assert_eq!(i, "[0.3361, 0.3369]  ≠");
        // Already apart at the usual digits: unchanged.
        let [a, _, i] = fig(&outside(0.5, 0.3361, 0.3369), 3);
        assert_eq!((a.as_str(), i.as_str()), ("0.500", "[0.336, 0.337]  ≠"));
        // Agreeing figures keep their digits.
        let agreeing = Figure {
            agrees: true,
            ..outside(0.3365, 0.3361, 0.3369)
        };
        assert_eq!(fig(&agreeing, 3)[0], "0.337");
    }
}
