//! The gap-analysis report: where a design misses its targets, why, and the cheapest
//! changes that fix it, in numbers. One self-contained HTML file (inline CSS and SVG,
//! nothing fetched: it opens from disk) and a Markdown version, both from askama
//! templates in `templates/report/`, both from one view ([`Report`]) built here.
//!
//! Sections: scorecard; architecture diagram; bottlenecks (every component's
//! utilisation at peak); latency per class (analytic, and simulated when given) with
//! latency against load; availability and what eats the error budget; CAP/PACELC;
//! N-1 and zone loss; cost (static, scheduled, autoscaled) against the budget; the
//! plan, step by step; the readiness checklist; the findings.
//!
//! Simulated figures are an optional input ([`SimulatedClasses`]): the report shows
//! them beside the analytic ones when a simulation was run.

pub mod charts;
pub mod checklist;
pub mod diagram;
pub mod hourly;
pub mod sweep;
pub mod view;

use askama::Template;

use crate::analysis::{analyze, AnalysisError};
use crate::plan::{plan, PlanError, PlanOptions};
use crate::spec::Spec;
pub use view::Report;

/// One class's simulated latency, as a simulation run reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedClass {
    pub name: String,
    /// None when unbounded: the run left requests of the class unanswered (saturated).
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// The p99's confidence interval, when the run gives one.
    pub p99_ci_ms: Option<(f64, f64)>,
}

/// What a simulation run adds to the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SimulatedClasses {
    pub classes: Vec<SimulatedClass>,
    /// How the run was made (duration, seed, events), shown with the figures.
    pub note: String,
}

impl From<&crate::sim::SimReport> for SimulatedClasses {
    /// The classes of a simulation run that answered or left waiting some of their
    /// requests (a class that saw none has nothing to show).
    fn from(run: &crate::sim::SimReport) -> Self {
        SimulatedClasses {
            classes: run
                .classes
                .iter()
                .filter(|c| c.completed > 0.0 || c.unfinished > 0.0)
                .map(|c| SimulatedClass {
                    name: c.name.clone(),
                    p50_ms: c.p50_latency_ms,
                    p99_ms: c.p99_latency_ms,
                    p99_ci_ms: c.p99_latency_ms_ci95.map(|[lo, hi]| (lo, hi)),
                })
                .collect(),
            note: format!(
                "{} replications of {} requests, {:.0} simulated s each, seed {}, {} events",
                run.replications, run.requests, run.simulated_seconds, run.seed, run.events
            ),
        }
    }
}

/// A report's format: what `headroom report` writes and the desktop exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "ReportFormat")]
pub enum Format {
    Html,
    Markdown,
}

impl Format {
    /// The format a file name asks for by its extension (`.md`, `.markdown`; `.html`,
    /// `.htm`, any case), if any.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    /// The format written to `path`, by the one rule the CLI and the desktop share: a
    /// format asked for by name (`--format`) wins, then the name's extension, then
    /// `fallback` (the CLI's HTML, the format of the desktop's button). So one output
    /// name gives the same bytes from both.
    pub fn for_output(path: &std::path::Path, asked: Option<Format>, fallback: Format) -> Format {
        asked
            .or_else(|| Format::from_path(path))
            .unwrap_or(fallback)
    }

    /// A format's name on the command line: `html`, `htm`, `md` or `markdown`.
    pub fn parse(name: &str) -> Result<Format, String> {
        match name.to_ascii_lowercase().as_str() {
            "html" | "htm" => Ok(Format::Html),
            "md" | "markdown" => Ok(Format::Markdown),
            _ => Err(format!("{name:?} is not a report format: html or md")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("cannot draw a chart: {0}")]
    Chart(String),
    #[error("cannot render the report: {0}")]
    Render(#[from] askama::Error),
}

#[derive(Template)]
#[template(path = "report/report.html")]
struct Html<'a> {
    r: &'a Report,
}

/// Askama's filters for the Markdown report (askama looks them up in a module of this name).
mod filters {
    use std::fmt::Display;

    /// Every value in the Markdown report: names and descriptions come from the spec, and
    /// a `|` would break a table, a line break a row, a `<script>` would be HTML.
    #[askama::filter_fn]
    pub fn md<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::text::markdown_text(&s.to_string()))
    }
}

#[derive(Template)]
#[template(path = "report/report.md", escape = "none")]
struct Markdown<'a> {
    r: &'a Report,
}

/// Analyses, plans and lays out the report of `spec`.
pub fn build(spec: &Spec, simulated: Option<&SimulatedClasses>) -> Result<Report, ReportError> {
    let analysis = analyze(spec)?;
    let plan = plan(spec, &PlanOptions::default())?;
    view::build(spec, &analysis, &plan, simulated)
}

pub fn render(report: &Report, format: Format) -> Result<String, ReportError> {
    Ok(match format {
        Format::Html => Html { r: report }.render()?,
        Format::Markdown => Markdown { r: report }.render()?,
    })
}

/// The report of `spec` in `format`.
pub fn report(
    spec: &Spec,
    simulated: Option<&SimulatedClasses>,
    format: Format,
) -> Result<String, ReportError> {
    render(&build(spec, simulated)?, format)
}
