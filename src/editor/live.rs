//! The live analysis the desktop runs after every edit: the edited model in canonical
//! YAML, its problems, and — when it is valid — the numbers the canvas and the scorecard
//! bar show.

use serde::Serialize;
use ts_rs::TS;

use crate::analysis::{
    self, scorecard::TargetCheck, ClassReport, ComponentReport, DependencyReport, Finding,
};
use crate::spec::{self, defaults, export, Diagnostic, Spec};

/// An edited model as the app shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LiveModel {
    /// The model as `headroom fmt` writes it (with the file's header comments): what Save
    /// writes, and what the diagnostics' lines refer to. Not sent to the app, which has no
    /// use for it: on a 300-component model it was 50 KB of each edit's 170 KB answer.
    #[serde(skip)]
    #[ts(skip)]
    pub yaml: String,
    /// Every problem, in file order; empty when the model is valid.
    pub diagnostics: Vec<Diagnostic>,
    /// The analysis at peak; `null` while the model has problems.
    pub analysis: Option<LiveAnalysis>,
    /// Why a valid model could not be analysed (a loop that amplifies its own traffic,
    /// a cycle of synchronous calls).
    pub analysis_error: Option<String>,
}

/// The part of the analysis the editor shows (the report has the rest).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LiveAnalysis {
    pub components: Vec<ComponentReport>,
    pub dependencies: Vec<DependencyReport>,
    pub classes: Vec<ClassReport>,
    pub bottleneck: Option<String>,
    pub max_throughput_rps: Option<f64>,
    pub max_throughput_at_ceiling_rps: Option<f64>,
    pub monthly_cost_usd: f64,
    /// The utilisation no component should exceed at peak (the target, or the default).
    pub utilization_ceiling: f64,
    pub findings: Vec<Finding>,
    pub scorecard: Vec<TargetCheck>,
}

impl LiveAnalysis {
    fn new(spec: &Spec, a: analysis::Analysis) -> Self {
        LiveAnalysis {
            utilization_ceiling: spec
                .targets
                .utilization_ceiling
                .unwrap_or(defaults::UTILIZATION_CEILING),
            components: a.components,
            dependencies: a.dependencies,
            classes: a.classes,
            bottleneck: a.bottleneck,
            max_throughput_rps: a.max_throughput_rps,
            max_throughput_at_ceiling_rps: a.max_throughput_at_ceiling_rps,
            monthly_cost_usd: a.monthly_cost_usd,
            findings: a.findings,
            scorecard: a.scorecard,
        }
    }
}

/// Checks and analyses an edited model, giving exactly the diagnostics `headroom validate`
/// gives for the file Save would write.
///
/// A model the checks pass as it stands is analysed as it stands: its canonical YAML reads
/// back to the same model (the export contract, held by tests/engine/fuzz.rs), so checking that
/// file would find nothing either. Only a model with problems is read back from its YAML,
/// for the lines its diagnostics point at. (Reading back took 3 of the 7 ms an edit of a
/// 300-component model cost the engine: `cargo bench --bench live`.)
pub fn live(spec: &Spec, file: &str, header: &[String]) -> LiveModel {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let yaml = export::to_yaml(spec, &header);
    if yaml.len() <= spec::load::MAX_FILE_BYTES && spec::validate(spec).is_empty() {
        return analysed(spec, yaml);
    }
    live_of_yaml(file, yaml)
}

/// What `live` gives for a model read from its canonical `yaml`, the file named `file`:
/// the slow way, which `live` takes only for a model with problems (public so tests can
/// hold the quick way to it).
pub fn live_of_yaml(file: &str, yaml: String) -> LiveModel {
    let checked = spec::check(file, yaml.as_bytes());
    match checked.spec {
        Some(model) if checked.diagnostics.is_empty() => analysed(&model, yaml),
        _ => LiveModel {
            yaml,
            diagnostics: checked.diagnostics,
            analysis: None,
            analysis_error: None,
        },
    }
}

/// The analysis of a model that has no problems.
fn analysed(model: &Spec, yaml: String) -> LiveModel {
    let (analysis, analysis_error) = match analysis::analyze(model) {
        Ok(a) => (Some(LiveAnalysis::new(model, a)), None),
        Err(e) => (None, Some(e.to_string())),
    };
    LiveModel {
        yaml,
        diagnostics: Vec::new(),
        analysis,
        analysis_error,
    }
}
