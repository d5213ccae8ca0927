//! Analysis and simulation side by side (`headroom analyze --compare-sim`): each figure
//! the two share, and whether the analytic value lies within the simulation's 95 %
//! confidence interval.

use serde::Serialize;

use super::histogram::RELATIVE_ERROR;
use super::report::SimReport;
use crate::analysis::Analysis;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    pub analytic: Option<f64>,
    pub simulated: Option<f64>,
    pub simulated_ci95: Option<[f64; 2]>,
    /// The analytic value lies within the interval (or both are unbounded, or both
    /// saturated).
    pub agrees: bool,
}

fn figure(analytic: Option<f64>, simulated: Option<f64>, ci: Option<[f64; 2]>) -> Figure {
    figure_within(analytic, simulated, ci, 1e-9)
}

fn percentile(analytic: Option<f64>, simulated: Option<f64>, ci: Option<[f64; 2]>) -> Figure {
    figure_within(analytic, simulated, ci, RELATIVE_ERROR)
}

/// Agreement: the analytic value within the interval, widened by `relative` of itself.
fn figure_within(
    analytic: Option<f64>,
    simulated: Option<f64>,
    ci: Option<[f64; 2]>,
    relative: f64,
) -> Figure {
    let agrees = match (analytic, simulated) {
        (None, None) => true,
        (Some(a), Some(s)) => {
            let [lo, hi] = ci.unwrap_or([s, s]);
            let slack = relative * a.abs().max(1e-9);
            a >= lo - slack && a <= hi + slack
        }
        _ => false,
    };
    Figure {
        analytic,
        simulated,
        simulated_ci95: ci,
        agrees,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentComparison {
    pub name: String,
    pub utilization: Figure,
    pub mean_response_ms: Figure,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassComparison {
    pub name: String,
    pub mean_latency_ms: Figure,
    pub p50_latency_ms: Figure,
    pub p99_latency_ms: Figure,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub components: Vec<ComponentComparison>,
    pub classes: Vec<ClassComparison>,
    /// Figures whose analytic value falls outside the simulation's interval.
    pub disagreements: usize,
}

pub fn compare(a: &Analysis, s: &SimReport) -> Comparison {
    let components: Vec<ComponentComparison> = a
        .components
        .iter()
        .filter_map(|c| {
            let sim = s.components.iter().find(|x| x.name == c.name)?;
            let mut utilization = figure(
                Some(c.utilization),
                Some(sim.utilization),
                sim.utilization_ci95,
            );
            // A saturated pool measures as busy all the time: agreement is both saying so.
            if !c.stable && !sim.stable {
                utilization.agrees = true;
            }
            let mean_response_ms = if !c.stable && !sim.stable {
                Figure {
                    agrees: true,
                    ..figure(
                        c.mean_response_ms,
                        sim.mean_response_ms,
                        sim.mean_response_ms_ci95,
                    )
                }
            } else {
                figure(
                    c.mean_response_ms,
                    sim.mean_response_ms,
                    sim.mean_response_ms_ci95,
                )
            };
            Some(ComponentComparison {
                name: c.name.clone(),
                utilization,
                mean_response_ms,
            })
        })
        .collect();
    let classes: Vec<ClassComparison> = a
        .classes
        .iter()
        .filter_map(|c| {
            let sim = s.classes.iter().find(|x| x.name == c.name)?;
            Some(ClassComparison {
                name: c.name.clone(),
                mean_latency_ms: figure(
                    c.mean_latency_ms,
                    sim.mean_latency_ms,
                    sim.mean_latency_ms_ci95,
                ),
                p50_latency_ms: percentile(
                    c.p50_latency_ms,
                    sim.p50_latency_ms,
                    sim.p50_latency_ms_ci95,
                ),
                p99_latency_ms: percentile(
                    c.p99_latency_ms,
                    sim.p99_latency_ms,
                    sim.p99_latency_ms_ci95,
                ),
            })
        })
        .collect();
    let disagreements = components
        .iter()
        .flat_map(|c| [&c.utilization, &c.mean_response_ms])
        .chain(
            classes
                .iter()
                .flat_map(|c| [&c.mean_latency_ms, &c.p50_latency_ms, &c.p99_latency_ms]),
        )
        .filter(|f| !f.agrees)
        .count();
    Comparison {
        components,
        classes,
        disagreements,
    }
}
