//! Latency against load: each class's p99 as the whole workload scales with its mix
//! fixed, from light load to where the busiest path saturates (at least 1.25 times
//! the peak, at most ten times), from the same queueing model as the analysis
//! (retries held at their peak attempts).
//!
//! The knee of a curve is where queueing starts to dominate: the lowest load at which
//! the p99 is half as large again as at light load (5 % of the peak). The curve of a
//! class ends where a component on its path saturates, or comes within
//! [`SATURATION`] of it (where a p99 of 1e17 ms is true of the model and of no use).

use crate::analysis::latency::{evaluate, Load};
use crate::analysis::{solve, AnalysisError};
use crate::spec::Spec;

/// Points per curve.
pub const POINTS: usize = 40;
/// The sweep runs at least to this multiple of the peak...
pub const MIN_SCALE: f64 = 1.25;
/// ...and at most to this one.
pub const MAX_SCALE: f64 = 10.0;
/// A path whose busiest pool runs at this utilisation or more counts as saturated.
pub const SATURATION: f64 = 0.995;
/// The knee: p99 this many times its light-load value.
pub const KNEE_FACTOR: f64 = 1.5;

#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub class: String,
    /// (total request rate, p99 ms), finite points only.
    pub points: Vec<(f64, f64)>,
    pub target_ms: Option<f64>,
    /// The knee (total request rate, p99 ms), if the curve gets there.
    pub knee: Option<(f64, f64)>,
    /// The highest total rate at which the p99 is within the target, if it ever is.
    pub within_target_up_to_rps: Option<f64>,
    /// The last total rate before a component on the path saturates, when the sweep
    /// got there.
    pub saturates_after_rps: Option<f64>,
}

pub struct Sweep {
    pub peak_rps: f64,
    /// The highest total rate swept.
    pub max_rps: f64,
    pub curves: Vec<Curve>,
}

pub fn sweep(spec: &Spec) -> Result<Sweep, AnalysisError> {
    let spec = &*crate::analysis::effective(spec)?;
    let solved = solve(spec)?;
    let peak: f64 = spec.workload.classes.iter().map(|k| k.rate()).sum();
    let n = spec.workload.classes.len();
    let mut points: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
    let mut ended = vec![false; n];
    // Where the busiest pool on any class's path saturates (utilisation grows with load).
    let path_peak = solved
        .flows
        .iter()
        .map(|f| busiest_on_path(f, &solved.eval.results))
        .fold(0.0f64, f64::max);
    let top = if path_peak > 0.0 {
        (1.0 / path_peak).clamp(MIN_SCALE, MAX_SCALE)
    } else {
        MIN_SCALE
    };
    let light = 0.05;
    let scales = std::iter::once(light).chain((1..=POINTS).map(|i| top * i as f64 / POINTS as f64));
    for scale in scales {
        let load = Load::new(spec, &solved.flows, scale);
        let eval = evaluate(spec, &solved.tree, &load);
        for (k, pts) in points.iter_mut().enumerate() {
            if ended[k] {
                continue;
            }
            let busiest = busiest_on_path(&solved.flows[k], &eval.results);
            if busiest.is_nan() || busiest >= SATURATION {
                ended[k] = true;
                continue;
            }
            let p99 = solved.class_time(&load, &eval, k).quantile(0.99);
            if p99.is_finite() {
                pts.push((scale * peak, p99));
            } else {
                ended[k] = true;
            }
        }
    }
    let curves = spec
        .workload
        .classes
        .iter()
        .zip(points)
        .zip(ended)
        .map(|((class, points), ended)| {
            let target_ms = class.p99_ms.or(spec.targets.p99_ms);
            let base = points.first().map_or(0.0, |p| p.1);
            let knee = points
                .iter()
                .copied()
                .find(|&(_, p)| base > 0.0 && p >= KNEE_FACTOR * base);
            let within_target_up_to_rps = target_ms.and_then(|t| {
                let mut last = None;
                for w in points.windows(2) {
                    let ((x0, y0), (x1, y1)) = (w[0], w[1]);
                    if y0 <= t {
                        last = Some(x0);
                    }
                    if y0 <= t && y1 > t {
                        return Some(x0 + (x1 - x0) * (t - y0) / (y1 - y0));
                    }
                    if y1 <= t {
                        last = Some(x1);
                    }
                }
                last
            });
            Curve {
                class: class.name.clone(),
                saturates_after_rps: if ended {
                    points.last().map(|p| p.0)
                } else {
                    None
                },
                points,
                target_ms,
                knee,
                within_target_up_to_rps,
            }
        })
        .collect();
    Ok(Sweep {
        peak_rps: peak,
        max_rps: top * peak,
        curves,
    })
}

/// The highest utilisation of a component on a class's sync path.
fn busiest_on_path(
    flow: &crate::analysis::load::ClassFlow,
    results: &[crate::analysis::component::ComponentResult],
) -> f64 {
    flow.sync_visits
        .iter()
        .zip(results)
        .filter(|(v, _)| v.total() > 0.0)
        .map(|(_, r)| r.utilization)
        .fold(0.0f64, f64::max)
}
