//! Analysis: what the peak workload does to every component and request class, by
//! queueing theory. A pure function of the spec: `analyze(&spec)`.
//!
//! End-to-end latency per class is the sum of the response times of the visits on the
//! request's sync path. Its mean is exact (for the per-visit means given); its
//! percentiles come from the distribution of the sum, by moment matching: the means and
//! variances of the visits add (visits taken as independent; a fractional visit count is
//! a whole number of visits plus one visit with the probability of the fraction), and
//! the sum is fitted with a gamma distribution of the same mean and variance. That is
//! exact for sums of independent exponentials (M/M/1 stations in series), and far closer
//! than adding per-component p99s, which overstates the tail of a sum.
//!
//! Not modelled yet (issue 3 goes on): `parallel` groups (counted as sequential, which
//! overstates), blocking I/O, locks, timeouts and retries, availability, CAP/PACELC, cost.

pub mod component;
pub mod load;
pub mod queueing;
pub mod table;

use serde::Serialize;

use crate::spec::{defaults, Spec};
use component::{ComponentResult, Moments};
use load::{arrival_rates, class_flows, UnboundedLoop, Visits};
use queueing::{gamma_p, quantile_from_survival};

/// The analysis of a spec at its peak workload, in the shape every front end reads
/// (DESIGN.md, "Machine-readable output"). Unbounded numbers are `null`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    pub components: Vec<ComponentReport>,
    pub classes: Vec<ClassReport>,
    /// The component that saturates first as the workload scales with its mix fixed.
    pub bottleneck: Option<String>,
    /// Total request rate at which the bottleneck reaches utilisation 1.
    pub max_throughput_rps: Option<f64>,
    /// Total request rate at which the bottleneck reaches the utilisation ceiling.
    pub max_throughput_at_ceiling_rps: Option<f64>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentReport {
    pub name: String,
    pub kind: String,
    pub arrival_rps: f64,
    pub servers: u64,
    pub utilization: f64,
    pub mean_response_ms: Option<f64>,
    pub p99_response_ms: Option<f64>,
    pub stable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassReport {
    pub name: String,
    pub rate_rps: f64,
    pub mean_latency_ms: Option<f64>,
    pub p50_latency_ms: Option<f64>,
    pub p95_latency_ms: Option<f64>,
    pub p99_latency_ms: Option<f64>,
    pub p99_target_ms: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

/// One thing the analysis found, with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A stable machine-readable kind: `saturated`, `above_ceiling`, `p99_missed`, ...
    pub kind: &'static str,
    pub severity: Severity,
    pub component: Option<String>,
    pub class: Option<String>,
    pub message: String,
    /// The number found, and the limit it is held to.
    pub value: Option<f64>,
    pub limit: Option<f64>,
}

/// Why a spec cannot be analysed at all (a valid spec always can, but for a loop through
/// a queue that amplifies its own traffic).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnalysisError {
    #[error(transparent)]
    Unbounded(#[from] UnboundedLoop),
}

fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// Analyses a valid spec at its peak workload.
pub fn analyze(spec: &Spec) -> Result<Analysis, AnalysisError> {
    let flows = class_flows(spec)?;
    let rates = arrival_rates(spec, &flows);
    let results: Vec<ComponentResult> = spec
        .components
        .iter()
        .zip(&rates)
        .map(|(c, r)| component::analyse(c, *r))
        .collect();
    let ceiling = spec
        .targets
        .utilization_ceiling
        .unwrap_or(defaults::UTILIZATION_CEILING);
    let mut findings = Vec::new();

    let components = spec
        .components
        .iter()
        .zip(&results)
        .zip(&rates)
        .map(|((c, r), rate)| {
            if !r.stable() {
                findings.push(Finding {
                    kind: "saturated",
                    severity: Severity::Error,
                    component: Some(c.name.clone()),
                    class: None,
                    message: format!(
                        "{} is saturated: utilisation {:.3} at {:.1} req/s; its queue grows without bound",
                        c.name, r.utilization, r.arrival_rps
                    ),
                    value: Some(r.utilization),
                    limit: Some(1.0),
                });
            } else if r.utilization > ceiling {
                findings.push(Finding {
                    kind: "above_ceiling",
                    severity: Severity::Warning,
                    component: Some(c.name.clone()),
                    class: None,
                    message: format!("{} runs at utilisation {:.3}, above the ceiling {ceiling}", c.name, r.utilization),
                    value: Some(r.utilization),
                    limit: Some(ceiling),
                });
            }
            ComponentReport {
                name: c.name.clone(),
                kind: c.kind.as_str().to_string(),
                arrival_rps: rate.total(),
                servers: r.servers,
                utilization: r.utilization,
                mean_response_ms: finite(r.mean_response_ms(*rate)),
                p99_response_ms: finite(r.p99_response_ms),
                stable: r.stable(),
            }
        })
        .collect();

    let classes = spec
        .workload
        .classes
        .iter()
        .zip(&flows)
        .map(|(class, flow)| {
            let sum = path_sum(&flow.sync_visits, &results);
            let target = class.p99_ms.or(spec.targets.p99_ms);
            let p99 = sum.quantile(0.99);
            if let (Some(t), Some(p)) = (target, finite(p99)) {
                if p > t {
                    findings.push(Finding {
                        kind: "p99_missed",
                        severity: Severity::Error,
                        component: None,
                        class: Some(class.name.clone()),
                        message: format!(
                            "class {} has p99 {p:.1} ms, over its target {t} ms",
                            class.name
                        ),
                        value: Some(p),
                        limit: Some(t),
                    });
                }
            }
            ClassReport {
                name: class.name.clone(),
                rate_rps: class.rate_rps,
                mean_latency_ms: finite(sum.mean),
                p50_latency_ms: finite(sum.quantile(0.50)),
                p95_latency_ms: finite(sum.quantile(0.95)),
                p99_latency_ms: finite(p99),
                p99_target_ms: target,
            }
        })
        .collect();

    // Utilisation grows in proportion to the load with the mix fixed, so the component
    // that saturates first is the one with the highest utilisation now.
    let total_rate: f64 = spec.workload.classes.iter().map(|c| c.rate_rps).sum();
    let hottest = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.utilization > 0.0)
        .max_by(|a, b| a.1.utilization.total_cmp(&b.1.utilization));
    let (bottleneck, max_throughput_rps, max_throughput_at_ceiling_rps) = match hottest {
        Some((i, r)) => (
            Some(spec.components[i].name.clone()),
            finite(total_rate / r.utilization),
            finite(total_rate * ceiling / r.utilization),
        ),
        None => (None, None, None),
    };

    Ok(Analysis {
        components,
        classes,
        bottleneck,
        max_throughput_rps,
        max_throughput_at_ceiling_rps,
        findings,
    })
}

/// The response time of a whole request: its mean and variance, and percentiles from a
/// gamma distribution with the same two moments.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathSum {
    pub mean: f64,
    pub variance: f64,
}

/// Sums the visits of a request's sync path.
pub fn path_sum(visits: &[Visits], results: &[ComponentResult]) -> PathSum {
    let mut sum = PathSum {
        mean: 0.0,
        variance: 0.0,
    };
    for (v, r) in visits.iter().zip(results) {
        for (count, m) in [(v.read, r.read), (v.write, r.write)] {
            if count > 0.0 {
                let (mean, var) = visit_moments(count, m);
                sum.mean += mean;
                sum.variance += var;
            }
        }
    }
    sum
}

/// `count` visits of response `m`: a whole number of visits plus one more with the
/// probability of the fraction.
fn visit_moments(count: f64, m: Moments) -> (f64, f64) {
    let f = count.fract();
    (
        count * m.mean,
        count * m.variance + f * (1.0 - f) * m.mean * m.mean,
    )
}

impl PathSum {
    /// The `p`-quantile (ms) of the gamma distribution with this mean and variance.
    pub fn quantile(&self, p: f64) -> f64 {
        if !self.mean.is_finite() || !self.variance.is_finite() {
            return f64::INFINITY;
        }
        if self.variance <= 1e-12 * self.mean * self.mean {
            return self.mean; // deterministic
        }
        let shape = self.mean * self.mean / self.variance;
        let scale = self.variance / self.mean;
        quantile_from_survival(|t| 1.0 - gamma_p(shape, t / scale), p, self.mean)
    }
}
