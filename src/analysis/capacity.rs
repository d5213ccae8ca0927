//! The p99-feasible throughput: the largest load (the workload's mix fixed) at which
//! every component is stable and every class meets its p99 target.

use super::latency::{evaluate, Evaluation, Load};
use super::percentile::quick_quantile;
use super::Solved;

/// The largest scale of the workload (mix fixed) at which everything is stable and
/// every class meets its p99. The slack `min over classes (1 - p99 / target)` falls as
/// the load grows. Its root is found twice by the Illinois variant of regula falsi
/// (bisection while one end of the bracket is unbounded, a saturated component): first
/// on the p99 of the moments alone (cheap, up to a few tens of percent off), to
/// [`QUICK_TOLERANCE`], then on the p99 of the distribution, from a bracket around the first root,
/// to [`TOLERANCE`] in a handful of evaluations. Retries are held at their peak
/// attempts.
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
    let slack = |scale: f64, p99: &dyn Fn(&Load, &Evaluation, usize) -> f64| -> Option<f64> {
        let load = Load::new(spec, &solved.flows, scale);
        let eval = evaluate(spec, &solved.tree, &load);
        if !eval.results.iter().all(|r| r.stable()) {
            return None;
        }
        let mut least = f64::INFINITY;
        for (k, t) in targets.iter().enumerate() {
            if let Some(t) = t {
                let p99 = p99(&load, &eval, k);
                if !p99.is_finite() {
                    return None;
                }
                least = least.min(1.0 - p99 / t);
            }
        }
        Some(least)
    };
    let quick = |s: f64| {
        slack(s, &|_, eval, k| {
            quick_quantile(eval, k, solved.entries[k], 0.99)
        })
    };
    // A class whose p99 is far from its target (`percentile::screened`) cannot be the
    // one that binds near the root: its moments say enough.
    let exact = |s: f64| {
        slack(s, &|load, eval, k| {
            targets[k]
                .and_then(|t| super::percentile::screened(eval, k, solved.entries[k], t))
                .unwrap_or_else(|| solved.class_time(load, eval, k))
                .quantile(0.99)
        })
    };
    // Above the saturation scale nothing is stable. Without one (no pool anywhere)
    // latency does not grow with load and there is no limit to report.
    let hi = saturation_scale.filter(|s| s.is_finite())?;
    let lo = 1e-9;
    let Some(g_quick_lo) = quick(lo).filter(|&g| g >= 0.0) else {
        return Some(0.0);
    };
    let (first, bound) = root(&quick, (lo, g_quick_lo), (hi, None), QUICK_TOLERANCE);
    // Targets that hold up to saturation by the moments (the bracket's top is
    // unstable): within 0.1 % of it is as close as the figure needs.
    let near = first * (1.0 - NEAR_SATURATION);
    if bound.is_none() && exact(near).is_some_and(|g| g >= 0.0) {
        return Some(near * total_rate);
    }
    // The exact root's bracket: 5 % around the first, widened until it holds (an end
    // found infeasible on the way down is the bracket's top).
    let mut a = (first * 0.95).max(lo);
    let mut g_a = exact(a);
    let mut top = None;
    while !g_a.is_some_and(|g| g >= 0.0) {
        if a <= lo {
            return Some(0.0);
        }
        top = Some((a, g_a));
        a = (a * 0.5).max(lo);
        g_a = exact(a);
    }
    let mut g_a = g_a.unwrap_or(0.0);
    let at = |b: f64| if b >= hi { None } else { exact(b) };
    let (mut b, mut g_b) = top.unwrap_or_else(|| {
        let b = (first * 1.05).min(hi);
        (b, at(b))
    });
    while let Some(g) = g_b.filter(|&g| g >= 0.0) {
        // Still feasible at b: the root lies above it.
        (a, g_a) = (b, g);
        b = (b * 2.0).min(hi);
        g_b = at(b);
    }
    Some(root(&exact, (a, g_a), (b, g_b), TOLERANCE).0 * total_rate)
}

/// The exact root's relative tolerance: a figure reported to four digits.
const TOLERANCE: f64 = 1e-5;
/// The moments' root's: it brackets the exact root, or lies within [`NEAR_SATURATION`]
/// of saturation.
const QUICK_TOLERANCE: f64 = 1e-4;
/// How close to saturation a root is taken as saturation.
const NEAR_SATURATION: f64 = 1e-3;

/// The largest scale in `[lo, hi]` at which `slack` is still non-negative, to `tol`
/// relative, with the slack at the top of the final bracket: `slack(lo)` is
/// `g_lo >= 0`, `g_hi` is `slack(hi)` (`None`: unstable).
/// Illinois: when one end is kept twice running, its slack is halved so the other end
/// moves too.
fn root(
    slack: &dyn Fn(f64) -> Option<f64>,
    (mut lo, mut g_lo): (f64, f64),
    (mut hi, mut g_hi): (f64, Option<f64>),
    tol: f64,
) -> (f64, Option<f64>) {
    let mut kept_lo_last = None::<bool>;
    for _ in 0..100 {
        if hi - lo <= tol * hi {
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
    (lo, g_hi)
}
