//! The p99-feasible throughput: the largest load (the workload's mix fixed) at which
//! every component is stable and every class meets its p99 target.

use super::latency::{evaluate, Load};
use super::Solved;

/// The largest scale of the workload (mix fixed) at which everything is stable and
/// every class meets its p99. The slack `min over classes (1 - p99 / target)` falls as
/// the load grows; its root is found by the Illinois variant of regula falsi, with
/// bisection while one end of the bracket is unbounded (a saturated component), to
/// 1e-7 relative in a dozen evaluations instead of bisection's two dozen. Retries are
/// held at their peak attempts.
pub(super) fn p99_feasible_throughput(
    solved: &Solved,
    targets: &[Option<f64>],
    total_rate: f64,
    saturation_scale: Option<f64>,
) -> Option<f64> {
    if targets.iter().all(Option::is_none) || total_rate <= 0.0 {
        return None;
    }
    let spec = solved.spec;
    // `None` when unstable or unbounded somewhere.
    let slack = |scale: f64| -> Option<f64> {
        let load = Load::new(spec, &solved.flows, scale);
        let eval = evaluate(spec, &solved.tree, &load);
        if !eval.results.iter().all(|r| r.stable()) {
            return None;
        }
        let mut least = f64::INFINITY;
        for (k, t) in targets.iter().enumerate() {
            if let Some(t) = t {
                let p99 = solved.class_time(&eval, k).quantile(0.99);
                if !p99.is_finite() {
                    return None;
                }
                least = least.min(1.0 - p99 / t);
            }
        }
        Some(least)
    };
    // Above the saturation scale nothing is stable. Without one (no pool anywhere)
    // latency does not grow with load and there is no limit to report.
    let mut hi = saturation_scale.filter(|s| s.is_finite())?;
    let mut lo = 1e-9;
    let mut g_lo = match slack(lo) {
        Some(g) if g >= 0.0 => g,
        _ => return Some(0.0),
    };
    let mut g_hi: Option<f64> = None; // None: unbounded at hi
                                      // Illinois: when one end is kept twice running, its slack is halved so the other
                                      // end moves too.
    let mut kept_lo_last = None::<bool>;
    for _ in 0..100 {
        if hi - lo <= 1e-7 * hi {
            break;
        }
        let mid = match g_hi {
            Some(gh) if gh < 0.0 => {
                let x = lo + (hi - lo) * g_lo / (g_lo - gh);
                // Stay strictly inside, so the bracket always shrinks.
                x.clamp(lo + 1e-3 * (hi - lo), hi - 1e-3 * (hi - lo))
            }
            _ => 0.5 * (lo + hi),
        };
        match slack(mid) {
            Some(g) if g >= 0.0 => {
                lo = mid;
                g_lo = g;
                if kept_lo_last == Some(false) {
                    g_hi = g_hi.map(|gh| 0.5 * gh);
                }
                kept_lo_last = Some(false);
                if g == 0.0 {
                    break;
                }
            }
            g => {
                hi = mid;
                g_hi = g;
                if kept_lo_last == Some(true) {
                    g_lo *= 0.5;
                }
                kept_lo_last = Some(true);
            }
        }
    }
    Some(lo * total_rate)
}
