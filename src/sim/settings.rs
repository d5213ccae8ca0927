//! What a user asks a simulation for, as `headroom simulate`'s flags say it and the
//! desktop's form sends it: one type, one set of defaults, one mapping to the engine's
//! [`SimOptions`]. The command line builds a [`SimSettings`] from its flags; the front
//! end reads the defaults and the form's bounds from the generated bindings.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::histogram::RELATIVE_ERROR;
use super::scenario::{Failure, FailureTarget, Scenario};
use super::{SimError, SimOptions, DEFAULT_MAX_EVENTS, MAX_REPLICATIONS, MAX_WINDOWS};

/// The load of a steady or failure run when none is given, as a multiple of peak.
pub const DEFAULT_LOAD: f64 = 1.0;
/// A ramp's load at its start and end when none is given, as multiples of peak.
pub const DEFAULT_RAMP_FROM: f64 = 0.5;
pub const DEFAULT_RAMP_TO: f64 = 2.0;

/// The desktop form's bounds beyond the engine's own (replications, windows, warm-up):
/// a billion requests a replication and a thousand times peak are past any run the work
/// budget lets through, so the form says so before asking the engine.
pub const FORM_MAX_REQUESTS: u64 = 1_000_000_000;
pub const FORM_MAX_LOAD: f64 = 1000.0;
/// The longest warm-up the engine takes, as a fraction of the measured period.
pub const MAX_WARMUP_FRACTION: f64 = 10.0;

/// What the user asks for; the defaults are `headroom simulate`'s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SimSettings {
    /// Measured requests per replication (`--requests`).
    #[ts(type = "number")]
    pub requests: u64,
    #[ts(type = "number")]
    pub seed: u64,
    /// Independent replications (`--replications`, at least 2 for intervals).
    pub replications: u32,
    /// Warm-up as a fraction of the measured period (`--warmup`).
    pub warmup: f64,
    /// Windows of the time series (`--windows`); none: 50 for ramp and failure runs.
    pub windows: Option<u32>,
    /// The run's work budget in events (`--max-events`). Runs kept before it was a
    /// setting ran with the default.
    #[serde(default = "default_max_events")]
    #[ts(type = "number")]
    pub max_events: u64,
    pub scenario: SimScenario,
}

fn default_max_events() -> u64 {
    DEFAULT_MAX_EVENTS
}

impl Default for SimSettings {
    fn default() -> Self {
        let d = SimOptions::default();
        SimSettings {
            requests: d.requests,
            seed: d.seed,
            replications: d.replications,
            warmup: d.warmup_fraction,
            windows: None,
            max_events: d.max_events,
            scenario: SimScenario::Steady { load: DEFAULT_LOAD },
        }
    }
}

/// `--scenario` and the flags that go with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SimScenario {
    /// Every class at `load` times its peak rate.
    Steady { load: f64 },
    /// The load grows from `from` to `to` times peak over the run (`--ramp-from`, `--ramp-to`).
    Ramp { from: f64, to: f64 },
    /// Steady load while `targets` are down (`--fail`) from `from_s` to `to_s`, seconds
    /// from the start of the run with its warm-up (`--fail-from`, `--fail-to`; none:
    /// 40 % and 60 % of the run).
    Failure {
        load: f64,
        targets: Vec<FailureTarget>,
        from_s: Option<f64>,
        to_s: Option<f64>,
    },
    /// The workload's daily profile compressed into the run.
    Daily,
}

impl SimScenario {
    /// The load the analytic figures are computed at: the steady part of the run.
    pub fn steady_load(&self) -> f64 {
        match self {
            SimScenario::Steady { load } | SimScenario::Failure { load, .. } => *load,
            SimScenario::Ramp { .. } | SimScenario::Daily => 1.0,
        }
    }
}

impl SimSettings {
    /// The engine's options; `threads: None` (all cores: the result does not depend on
    /// it). A failure run with nothing to fail is refused.
    pub fn options(&self) -> Result<SimOptions, SimError> {
        let scenario = match &self.scenario {
            SimScenario::Steady { load } => Scenario::Steady { load: *load },
            SimScenario::Ramp { from, to } => Scenario::Ramp {
                from: *from,
                to: *to,
            },
            SimScenario::Daily => Scenario::Daily,
            SimScenario::Failure {
                load,
                targets,
                from_s,
                to_s,
            } => {
                if targets.is_empty() {
                    return Err(SimError::Option(
                        "a failure run needs something to fail: a component, COMPONENT/REPLICA or zone:Z"
                            .into(),
                    ));
                }
                let failures = targets
                    .iter()
                    .map(|target| Failure {
                        target: target.clone(),
                        from_s: *from_s,
                        to_s: *to_s,
                    })
                    .collect();
                Scenario::Failure {
                    load: *load,
                    failures,
                }
            }
        };
        Ok(SimOptions {
            requests: self.requests,
            seed: self.seed,
            replications: self.replications,
            threads: None,
            warmup_fraction: self.warmup,
            scenario,
            windows: self.windows,
            max_events: self.max_events,
        })
    }
}

/// The generated module of the defaults and bounds above, for the desktop's form.
pub fn defaults_ts() -> String {
    let defaults = serde_json::to_string(&SimSettings::default()).unwrap_or_default();
    format!(
        "// Generated by src/bindings.rs from src/sim/settings.rs. Do not edit this file manually.\n\
         import type {{ SimSettings }} from \"./SimSettings\";\n\n\
         /** What `headroom simulate` runs when given no flag. */\n\
         export const SIM_DEFAULTS: SimSettings = {defaults};\n\n\
         /** The loads, as multiples of peak, when none is given: of a steady or failure run, and a ramp's at its start and end. */\n\
         export const LOAD_DEFAULTS = {{ load: {DEFAULT_LOAD:?}, ramp_from: {DEFAULT_RAMP_FROM:?}, ramp_to: {DEFAULT_RAMP_TO:?} }} as const;\n\n\
         /** How far a simulated percentile may lie from the sample's (half a histogram bucket, relative). */\n\
         export const PERCENTILE_RESOLUTION = {RELATIVE_ERROR:?};\n\n\
         /** The bounds of the simulation form: the engine's own, and two past any run the work budget lets through. */\n\
         export const SIM_LIMITS = {{ max_requests: {FORM_MAX_REQUESTS}, max_replications: {MAX_REPLICATIONS}, max_windows: {MAX_WINDOWS}, max_load: {FORM_MAX_LOAD:?}, max_warmup: {MAX_WARMUP_FRACTION:?} }} as const;\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_engines() {
        let options = SimSettings::default().options().unwrap();
        assert_eq!(options, SimOptions::default());
    }

    #[test]
    fn a_run_kept_before_the_budget_was_a_setting_reads_with_the_default() {
        let old = r#"{"requests":1000,"seed":3,"replications":2,"warmup":0.1,"windows":null,
            "scenario":{"kind":"failure","load":1.0,"targets":["api/1","zone:2","db"],"from_s":null,"to_s":null}}"#;
        let s: SimSettings = serde_json::from_str(old).unwrap();
        assert_eq!(s.max_events, DEFAULT_MAX_EVENTS);
        let SimScenario::Failure { targets, .. } = s.scenario else {
            panic!("not a failure run: {:?}", s.scenario)
        };
        assert_eq!(
            targets,
            vec![
                FailureTarget::Replica {
                    component: "api".into(),
                    replica: 1
                },
                FailureTarget::Zone { zone: 2 },
                FailureTarget::Component {
                    component: "db".into()
                },
            ]
        );
    }

    #[test]
    fn a_failure_run_needs_a_target() {
        let s = SimSettings {
            scenario: SimScenario::Failure {
                load: 1.0,
                targets: vec![],
                from_s: None,
                to_s: None,
            },
            ..SimSettings::default()
        };
        assert!(matches!(s.options(), Err(SimError::Option(_))));
    }
}
