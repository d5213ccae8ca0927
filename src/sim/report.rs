//! What a simulation reports, in the shape of the analysis's JSON (`headroom analyze
//! --json`): the same field names (`components[].utilization`,
//! `classes[].mean_latency_ms`, ...), plus 95 % confidence intervals (`*_ci95`, from
//! independent replications), errors, timeouts, queue lengths, async lag, a time series
//! per window, and `events` / `events_per_second`. A number that cannot be had (no
//! request of a class finished) is `null`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::engine::{ClassOut, RunOut};
use super::histogram::{Bucket, Histogram, RELATIVE_ERROR};
use super::network::{Model, Network};
use super::stats::mean_ci;

/// Values at or above this utilisation count as saturated in a simulation (a measured
/// utilisation cannot exceed 1).
pub const SATURATED: f64 = 0.99;

/// Buckets per power of two of the latency histograms a report carries.
pub const HISTOGRAM_BUCKETS_PER_OCTAVE: u32 = 8;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimReport {
    pub scenario: String,
    #[ts(type = "number")]
    pub seed: u64,
    pub replications: u32,
    /// Measured requests per replication (approximately: arrivals are Poisson).
    #[ts(type = "number")]
    pub requests: u64,
    /// Simulated seconds measured per replication (warm-up removed).
    pub simulated_seconds: f64,
    pub warmup_seconds: f64,
    pub components: Vec<SimComponent>,
    pub classes: Vec<SimClass>,
    /// The component with the highest simulated utilisation.
    pub bottleneck: Option<String>,
    /// Ramp only: where the system broke.
    pub breaking_point: Option<BreakingPoint>,
    /// Per window, averaged over replications (ramp, failure and daily runs).
    pub windows: Vec<SimWindow>,
    /// Events processed, over all replications.
    #[ts(type = "number")]
    pub events: u64,
    pub events_per_second: f64,
    pub wall_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimComponent {
    pub name: String,
    pub kind: String,
    pub arrival_rps: f64,
    #[ts(type = "number")]
    pub servers: u64,
    /// The hot shard's utilisation, of the busiest pool (as the analysis reports it):
    /// busy server-time over the server-time of the servers up.
    pub utilization: f64,
    pub utilization_ci95: Option<[f64; 2]>,
    pub mean_response_ms: Option<f64>,
    pub mean_response_ms_ci95: Option<[f64; 2]>,
    pub p99_response_ms: Option<f64>,
    pub p99_response_ms_ci95: Option<[f64; 2]>,
    /// Utilisation below 0.99 (a saturated pool shows as busy all the time).
    pub stable: bool,
    /// Requests waiting (not in service), over all the component's queues.
    pub mean_queue_length: f64,
    /// Visits completed per second.
    pub throughput_rps: f64,
    /// Queues: time from enqueue to the start of a consumer's service.
    pub async_lag_ms: Option<f64>,
    pub async_lag_ms_ci95: Option<[f64; 2]>,
    pub p99_async_lag_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimClass {
    pub name: String,
    /// The class's peak rate, as the spec gives it (a closed class's: the throughput
    /// the analysis solves its users reach).
    pub rate_rps: f64,
    /// A closed class's users: a fixed population that a scenario's load shape (a
    /// ramp, the daily profile) does not scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub users: Option<u32>,
    /// The rate the run offered over its measured period (the scenario's load times the
    /// peak: a ramp's mean, a daily profile's), per replication (mean).
    pub offered_rps: f64,
    pub throughput_rps: f64,
    pub mean_latency_ms: Option<f64>,
    pub mean_latency_ms_ci95: Option<[f64; 2]>,
    pub p50_latency_ms: Option<f64>,
    pub p50_latency_ms_ci95: Option<[f64; 2]>,
    pub p90_latency_ms: Option<f64>,
    pub p90_latency_ms_ci95: Option<[f64; 2]>,
    pub p95_latency_ms: Option<f64>,
    pub p95_latency_ms_ci95: Option<[f64; 2]>,
    pub p99_latency_ms: Option<f64>,
    pub p99_latency_ms_ci95: Option<[f64; 2]>,
    pub p999_latency_ms: Option<f64>,
    pub p999_latency_ms_ci95: Option<[f64; 2]>,
    pub p99_target_ms: Option<f64>,
    /// Requests that ended, answered or failed, per replication (mean). The latencies
    /// are the answered requests' alone: a failed request's quick error is counted in
    /// `errors`, not as a latency.
    pub completed: f64,
    /// Requests that ended in an error, per replication (mean).
    pub errors: f64,
    /// Attempts abandoned at their timeout, per replication (mean).
    pub timeouts: f64,
    pub retries: f64,
    /// Measured requests still in flight when the run stopped (a saturated path). The
    /// latencies above count them as slower than every answered request: the mean, and
    /// each percentile they reach, are none (unbounded).
    pub unfinished: f64,
    /// Share of ended requests without an error, in percent.
    pub availability_percent: Option<f64>,
    /// Share of ended requests answered without the answer of a call whose failure
    /// they ignore (`on_failure: ignore`), in percent.
    pub degraded_percent: Option<f64>,
    /// The component on the class's path that saturated in the run, if one did: its
    /// queue grew for as long as the run lasted, so the class's latencies are none
    /// (unbounded) rather than whatever this run's length made them.
    pub saturated_by: Option<String>,
    /// The latency distribution of every replication together, an eighth of an octave
    /// per bucket (within 12.5 %), from the fastest request to the slowest.
    pub latency_histogram: Vec<Bucket>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BreakingPoint {
    /// Total offered rate at which some class's p99 first exceeded its target (for two
    /// windows running, so one noisy window does not count).
    pub p99_exceeded_rps: Option<f64>,
    pub p99_exceeded_class: Option<String>,
    /// Total offered rate from which a component stays saturated to the end of the ramp.
    pub saturated_rps: Option<f64>,
    pub saturated_component: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimWindow {
    pub start_s: f64,
    pub end_s: f64,
    /// Offered load as a multiple of peak, and as a total rate.
    pub load: f64,
    pub offered_rps: f64,
    pub classes: Vec<WindowClassReport>,
    /// Per component (spec order): utilisation of its hot shard in the window.
    pub utilization: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct WindowClassReport {
    pub name: String,
    pub throughput_rps: f64,
    pub errors: f64,
    pub timeouts: f64,
    pub mean_latency_ms: Option<f64>,
    pub p99_latency_ms: Option<f64>,
}

fn opt(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Unbounds the latencies of every class whose sync path runs through a component
/// that saturated in the run (`components[c].stable` false), naming it, unless a
/// timeout on the class's path bounds how long its requests wait.
pub fn mark_saturated_paths(
    spec: &crate::spec::Spec,
    classes: &mut [SimClass],
    components: &[SimComponent],
    flows: &[crate::analysis::load::ClassFlow],
) {
    // The edges with a timeout, with their caller's index.
    let timed_edges: Vec<(&crate::spec::Dependency, usize)> = spec
        .dependencies
        .iter()
        .filter(|d| d.timeout_ms.is_some())
        .filter_map(|d| {
            let from = spec.components.iter().position(|c| c.name == d.from)?;
            Some((d, from))
        })
        .collect();
    for (class, flow) in classes.iter_mut().zip(flows) {
        let timed = timed_edges
            .iter()
            .any(|&(d, from)| d.applies_to(&class.name) && flow.sync_visits[from].total() > 0.0);
        if timed {
            continue;
        }
        let Some(c) = flow
            .sync_visits
            .iter()
            .zip(components)
            .find(|(v, c)| v.total() > 0.0 && !c.stable)
            .map(|(_, c)| c)
        else {
            continue;
        };
        class.saturated_by = Some(c.name.clone());
        for (v, ci) in [
            (&mut class.mean_latency_ms, &mut class.mean_latency_ms_ci95),
            (&mut class.p50_latency_ms, &mut class.p50_latency_ms_ci95),
            (&mut class.p90_latency_ms, &mut class.p90_latency_ms_ci95),
            (&mut class.p95_latency_ms, &mut class.p95_latency_ms_ci95),
            (&mut class.p99_latency_ms, &mut class.p99_latency_ms_ci95),
            (&mut class.p999_latency_ms, &mut class.p999_latency_ms_ci95),
        ] {
            *v = None;
            *ci = None;
        }
    }
}

/// The `q`-quantile of a class's answered requests in a replication (failed ones are
/// counted apart, as errors). Requests still in flight when it stopped (after its
/// drain, so on a saturated path) count as slower than every answered one: the
/// quantile is the answered requests' of rank q·(answered + unfinished), and unbounded
/// (infinite) when the unfinished are more than 1 - q of them.
fn class_quantile(c: &ClassOut, q: f64) -> f64 {
    if c.unfinished == 0 {
        return c.latency.quantile(q);
    }
    let answered = c.latency.count() as f64;
    let all = answered + c.unfinished as f64;
    let rank = q * all / answered;
    if rank >= 1.0 {
        f64::INFINITY
    } else {
        c.latency.quantile(rank)
    }
}

/// The mean latency of a class's requests in a replication: unbounded (infinite) when
/// some were never answered.
fn class_mean(c: &ClassOut) -> f64 {
    if c.unfinished > 0 {
        f64::INFINITY
    } else {
        c.latency.mean()
    }
}

/// A quantile over replications: as [`est`], with the interval at least as wide as the
/// histogram's resolution, so replications whose quantiles land in one bucket do not
/// claim an exact value.
fn est_quantile(runs: &[RunOut], f: impl Fn(&RunOut) -> f64) -> (Option<f64>, Option<[f64; 2]>) {
    let (m, ci) = est(runs, f);
    let ci = match (m, ci) {
        (Some(m), Some([lo, hi])) => Some([
            lo.min(m * (1.0 - RELATIVE_ERROR)),
            hi.max(m * (1.0 + RELATIVE_ERROR)),
        ]),
        _ => ci,
    };
    (m, ci)
}

/// Mean and CI of a per-replication value, `None` when some replication had none.
fn est(runs: &[RunOut], f: impl Fn(&RunOut) -> f64) -> (Option<f64>, Option<[f64; 2]>) {
    let values: Vec<f64> = runs.iter().map(f).collect();
    if values.iter().any(|v| !v.is_finite()) {
        return (None, None);
    }
    let (m, ci) = mean_ci(&values);
    (opt(m), ci)
}

/// Combines replications, in replication order (so the result does not depend on which
/// thread ran which).
pub fn combine(
    net: &Network,
    runs: &[RunOut],
) -> (Vec<SimComponent>, Vec<SimClass>, Vec<SimWindow>) {
    let r = runs.len().max(1) as f64;
    let components = net
        .comps
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let secs = |o: &RunOut| o.duration_ms / 1000.0;
            let util = |o: &RunOut| {
                o.comps[i]
                    .hot_busy
                    .iter()
                    .filter(|(_, up)| *up > 0.0)
                    .map(|(busy, up)| busy / up)
                    .fold(0.0, f64::max)
            };
            let (utilization, utilization_ci95) = est(runs, util);
            let (mean_response_ms, mean_response_ms_ci95) =
                est(runs, |o| o.comps[i].response.mean());
            let (p99_response_ms, p99_response_ms_ci95) =
                est_quantile(runs, |o| o.comps[i].response.quantile(0.99));
            let is_queue = c.model == Model::Queue;
            let (lag, lag_ci) = if is_queue {
                est(runs, |o| o.comps[i].lag.mean())
            } else {
                (None, None)
            };
            let p99_lag = if is_queue {
                est_quantile(runs, |o| o.comps[i].lag.quantile(0.99)).0
            } else {
                None
            };
            let utilization = utilization.unwrap_or(0.0);
            SimComponent {
                name: c.name.clone(),
                kind: c.kind.as_str().to_string(),
                arrival_rps: runs
                    .iter()
                    .map(|o| o.comps[i].arrivals as f64 / secs(o))
                    .sum::<f64>()
                    / r,
                servers: c.servers,
                utilization,
                utilization_ci95,
                mean_response_ms,
                mean_response_ms_ci95,
                p99_response_ms,
                p99_response_ms_ci95,
                stable: utilization < SATURATED,
                mean_queue_length: runs
                    .iter()
                    .map(|o| o.comps[i].queue_area / o.duration_ms)
                    .sum::<f64>()
                    / r,
                throughput_rps: runs
                    .iter()
                    .map(|o| o.comps[i].completions as f64 / secs(o))
                    .sum::<f64>()
                    / r,
                async_lag_ms: lag,
                async_lag_ms_ci95: lag_ci,
                p99_async_lag_ms: p99_lag,
            }
        })
        .collect();

    let classes = net
        .classes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let q = |p: f64| est_quantile(runs, move |o| class_quantile(&o.classes[k], p));
            let (mean, mean_ci95) = est(runs, |o| class_mean(&o.classes[k]));
            let (p50, p50_ci) = q(0.5);
            let (p90, p90_ci) = q(0.9);
            let (p95, p95_ci) = q(0.95);
            let (p99, p99_ci) = q(0.99);
            let (p999, p999_ci) = q(0.999);
            let avg = |f: &dyn Fn(&RunOut) -> f64| runs.iter().map(f).sum::<f64>() / r;
            let completed = avg(&|o| o.classes[k].completed as f64);
            let errors = avg(&|o| o.classes[k].errors as f64);
            SimClass {
                name: c.name.clone(),
                rate_rps: c.rate_rps,
                users: (c.users > 0).then_some(c.users),
                offered_rps: avg(&|o| {
                    let c = &o.classes[k];
                    (c.completed + c.unfinished) as f64 / (o.duration_ms / 1000.0)
                }),
                throughput_rps: avg(&|o| o.classes[k].completed as f64 / (o.duration_ms / 1000.0)),
                mean_latency_ms: mean,
                mean_latency_ms_ci95: mean_ci95,
                p50_latency_ms: p50,
                p50_latency_ms_ci95: p50_ci,
                p90_latency_ms: p90,
                p90_latency_ms_ci95: p90_ci,
                p95_latency_ms: p95,
                p95_latency_ms_ci95: p95_ci,
                p99_latency_ms: p99,
                p99_latency_ms_ci95: p99_ci,
                p999_latency_ms: p999,
                p999_latency_ms_ci95: p999_ci,
                p99_target_ms: c.p99_target_ms,
                completed,
                errors,
                timeouts: avg(&|o| o.classes[k].timeouts as f64),
                retries: avg(&|o| o.classes[k].retries as f64),
                unfinished: avg(&|o| o.classes[k].unfinished as f64),
                availability_percent: (completed > 0.0).then(|| 100.0 * (1.0 - errors / completed)),
                degraded_percent: (completed > 0.0)
                    .then(|| 100.0 * avg(&|o| o.classes[k].degraded as f64) / completed),
                saturated_by: None,
                latency_histogram: {
                    let mut all = Histogram::new();
                    for o in runs {
                        all.merge(&o.classes[k].latency);
                    }
                    all.buckets(HISTOGRAM_BUCKETS_PER_OCTAVE)
                },
            }
        })
        .collect();

    let total_rate = net.total_rate();
    let n_windows = runs.iter().map(|o| o.windows.len()).min().unwrap_or(0);
    let windows = (0..n_windows)
        .map(|w| {
            let first = &runs[0].windows[w];
            let secs = (first.end_ms - first.start_ms) / 1000.0;
            let classes = net
                .classes
                .iter()
                .enumerate()
                .map(|(k, c)| {
                    let avg = |f: &dyn Fn(&super::engine::WindowClass) -> f64| {
                        runs.iter()
                            .map(|o| f(&o.windows[w].classes[k]))
                            .sum::<f64>()
                            / r
                    };
                    // Latency over the replications that answered something in the window.
                    let finite = |f: &dyn Fn(&super::engine::WindowClass) -> f64| {
                        let v: Vec<f64> = runs
                            .iter()
                            .map(|o| f(&o.windows[w].classes[k]))
                            .filter(|v| v.is_finite())
                            .collect();
                        (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
                    };
                    WindowClassReport {
                        name: c.name.clone(),
                        throughput_rps: avg(&|x| x.completed as f64) / secs,
                        errors: avg(&|x| x.errors as f64),
                        timeouts: avg(&|x| x.timeouts as f64),
                        mean_latency_ms: finite(&|x| x.mean_latency_ms),
                        p99_latency_ms: finite(&|x| x.p99_latency_ms),
                    }
                })
                .collect();
            let utilization = (0..net.comps.len())
                .map(|i| {
                    runs.iter()
                        .map(|o| o.windows[w].utilization[i])
                        .sum::<f64>()
                        / r
                })
                .collect();
            SimWindow {
                start_s: first.start_ms / 1000.0,
                end_s: first.end_ms / 1000.0,
                load: first.load,
                offered_rps: first.load * total_rate,
                classes,
                utilization,
            }
        })
        .collect();
    (components, classes, windows)
}

/// Where a ramp broke: the first p99 over target (two windows running), and the load
/// from which a component stays saturated.
pub fn breaking_point(net: &Network, windows: &[SimWindow]) -> BreakingPoint {
    let mut bp = BreakingPoint {
        p99_exceeded_rps: None,
        p99_exceeded_class: None,
        saturated_rps: None,
        saturated_component: None,
    };
    'outer: for w in 0..windows.len() {
        for (k, c) in net.classes.iter().enumerate() {
            let Some(target) = c.p99_target_ms else {
                continue;
            };
            let over = |i: usize| {
                windows
                    .get(i)
                    .is_none_or(|x| x.classes[k].p99_latency_ms.is_some_and(|p| p > target))
            };
            if over(w) && over(w + 1) {
                bp.p99_exceeded_rps = Some(windows[w].offered_rps);
                bp.p99_exceeded_class = Some(c.name.clone());
                break 'outer;
            }
        }
    }
    let mut best: Option<(usize, usize)> = None;
    for i in 0..net.comps.len() {
        if windows.last().is_none_or(|w| w.utilization[i] < SATURATED) {
            continue;
        }
        let mut from = windows.len() - 1;
        while from > 0 && windows[from - 1].utilization[i] >= SATURATED {
            from -= 1;
        }
        if best.is_none_or(|(w, _)| from < w) {
            best = Some((from, i));
        }
    }
    if let Some((w, i)) = best {
        bp.saturated_rps = Some(windows[w].offered_rps);
        bp.saturated_component = Some(net.comps[i].name.clone());
    }
    bp
}
