//! Scenarios: what load a run offers over time, and what fails when.
//!
//! - `steady`: every class at its peak rate (times `load`), warm-up removed.
//! - `ramp`: the load grows linearly from `from` to `to` times peak over the run; the
//!   report gives the breaking point (first p99 over target, first saturation).
//! - `failure`: steady load with outages: a component, one replica of it, or a zone down
//!   from t1 to t2 (seconds from the start of the run, warm-up included).
//! - `daily`: the workload's 24-hour profile compressed into the run (hour h is the h-th
//!   24th of it).
//!
//! What an outage takes down:
//! - a component: all its servers; calls to it fail at once (a delay or a queue fails
//!   every call);
//! - `COMPONENT/R`: replica R of its primary pool, in every shard; the load balancer
//!   sends its share to the other replicas;
//! - `zone:Z`: in every component with servers (not functions, CDNs, externals or
//!   queues, taken as managed across zones), the replicas placed in zone Z, replica r
//!   being in zone r mod `zones` (a component without `zones` lives in zone 0).
//!
//! Requests waiting in the queue of a station that loses all its servers fail at once;
//! those in service finish. While some replicas of a pool are down, visits go to the
//! others; when none is up, calls fail at once (connection refused).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::engine::Outage;
use super::network::{Model, Network, CPU_POOL};
use super::SimError;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Scenario {
    Steady { load: f64 },
    Ramp { from: f64, to: f64 },
    Failure { load: f64, failures: Vec<Failure> },
    Daily,
}

impl Scenario {
    pub fn name(&self) -> &'static str {
        match self {
            Scenario::Steady { .. } => "steady",
            Scenario::Ramp { .. } => "ramp",
            Scenario::Failure { .. } => "failure",
            Scenario::Daily => "daily",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub target: FailureTarget,
    /// Seconds from the start of the run; `None`: 40 % (from) and 60 % (to) of the run.
    pub from_s: Option<f64>,
    pub to_s: Option<f64>,
}

/// What goes down in a failure run. On the command line (`--fail`): `NAME`,
/// `NAME/REPLICA` or `zone:Z`; over the wire, tagged by `kind`. Runs kept before the
/// tagged form read from the command line's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FailureTarget {
    /// All of a component's servers.
    Component { component: String },
    /// Replica `replica` (from 0) of a component's primary pool, in every shard.
    Replica { component: String, replica: u32 },
    /// The replicas placed in zone `zone` of every component with servers.
    Zone { zone: u32 },
}

/// A target as it may arrive: tagged, or the command line's text.
#[derive(Deserialize)]
#[serde(untagged)]
enum TargetWire {
    Text(String),
    Tagged(TaggedTarget),
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
enum TaggedTarget {
    Component { component: String },
    Replica { component: String, replica: u32 },
    Zone { zone: u32 },
}

impl<'de> Deserialize<'de> for FailureTarget {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match TargetWire::deserialize(d)? {
            TargetWire::Text(text) => text.parse().map_err(serde::de::Error::custom)?,
            TargetWire::Tagged(TaggedTarget::Component { component }) => {
                FailureTarget::Component { component }
            }
            TargetWire::Tagged(TaggedTarget::Replica { component, replica }) => {
                FailureTarget::Replica { component, replica }
            }
            TargetWire::Tagged(TaggedTarget::Zone { zone }) => FailureTarget::Zone { zone },
        })
    }
}

impl std::str::FromStr for FailureTarget {
    type Err = String;
    /// `NAME`, `NAME/REPLICA` or `zone:Z`.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Some(z) = s.strip_prefix("zone:") {
            return z
                .parse()
                .map(|zone| FailureTarget::Zone { zone })
                .map_err(|_| format!("zone must be a number, got {z:?}"));
        }
        if let Some((name, r)) = s.split_once('/') {
            let replica = r
                .parse()
                .map_err(|_| format!("replica must be a number, got {r:?}"))?;
            return Ok(FailureTarget::Replica {
                component: name.to_string(),
                replica,
            });
        }
        Ok(FailureTarget::Component {
            component: s.to_string(),
        })
    }
}

impl std::fmt::Display for FailureTarget {
    /// The command line's form, which `from_str` reads back.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FailureTarget::Component { component } => write!(f, "{component}"),
            FailureTarget::Replica { component, replica } => write!(f, "{component}/{replica}"),
            FailureTarget::Zone { zone } => write!(f, "zone:{zone}"),
        }
    }
}

/// Resolves failures against the compiled network; times in ms.
pub fn outages(net: &Network, failures: &[Failure], run_ms: f64) -> Result<Vec<Outage>, SimError> {
    failures
        .iter()
        .map(|f| {
            let from_ms = f.from_s.map_or(0.4 * run_ms, |s| s * 1000.0);
            let to_ms = f.to_s.map_or(0.6 * run_ms, |s| s * 1000.0);
            if !(from_ms.is_finite() && to_ms.is_finite()) || from_ms < 0.0 || to_ms < from_ms {
                return Err(SimError::Option(format!(
                    "a failure must satisfy 0 <= from <= to, got {} s to {} s",
                    from_ms / 1000.0,
                    to_ms / 1000.0
                )));
            }
            let mut o = Outage {
                from_ms,
                to_ms,
                stations: Vec::new(),
                comps: Vec::new(),
            };
            let find = |name: &str| {
                net.comp_index(name)
                    .ok_or_else(|| SimError::UnknownComponent(name.to_string()))
            };
            match &f.target {
                FailureTarget::Component { component } => {
                    let c = find(component)?;
                    if net.comps[c as usize].model == Model::Pool {
                        // A replica's CPU goes with its threads, which hold it.
                        for (s, st) in net.stations.iter().enumerate() {
                            if st.comp == c && st.pool != CPU_POOL {
                                o.stations.push((s as u32, st.servers()));
                            }
                        }
                    } else {
                        o.comps.push(c);
                    }
                }
                FailureTarget::Replica { component, replica } => {
                    let c = find(component)?;
                    let comp = &net.comps[c as usize];
                    let replicas = net
                        .stations
                        .iter()
                        .filter(|s| s.comp == c && s.pool == 0 && s.shard == 0)
                        .map(|s| s.replica + 1)
                        .max()
                        .unwrap_or(0);
                    if comp.model != Model::Pool || *replica >= replicas {
                        return Err(SimError::Option(format!(
                            "{component} has no replica {replica} (it has {replicas})"
                        )));
                    }
                    for (s, st) in net.stations.iter().enumerate() {
                        if st.comp == c && st.pool == 0 && st.replica == *replica {
                            o.stations.push((s as u32, st.concurrency));
                        }
                    }
                }
                FailureTarget::Zone { zone: z } => {
                    let zones = net.comps.iter().map(|c| c.zones).max().unwrap_or(1);
                    if *z >= zones {
                        return Err(SimError::Option(format!(
                            "zone {z} does not exist: components span zones 0 to {}",
                            zones - 1
                        )));
                    }
                    // Every replica placed in the zone (`Component::zone_of`): a
                    // component without zones lives in zone 0; a managed balancer
                    // spans them all.
                    for (s, st) in net.stations.iter().enumerate() {
                        let comp = &net.comps[st.comp as usize];
                        if comp.kind.has_servers()
                            && !comp.managed
                            && st.zone == *z
                            && st.pool != CPU_POOL
                        {
                            o.stations.push((s as u32, st.concurrency));
                        }
                    }
                }
            }
            Ok(o)
        })
        .collect()
}
