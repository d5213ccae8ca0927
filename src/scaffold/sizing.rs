//! The numbers of each Kubernetes workload, from the plan: replicas, autoscaler bounds,
//! CPU and memory, the disruption budget and the rollout's second track. Every number
//! carries where it came from, for the scaffold's README.
//!
//! - Replicas: the planned spec's `replicas` (what the plan sized for peak, N-1 and
//!   zone loss).
//! - Autoscaler: only for components the planned spec autoscales. Its bounds are the
//!   fewest and the most replicas the cost model runs over the daily profile
//!   (`analysis::cost`, `autoscaled_replicas`: each hour's count keeping the peak's
//!   utilisation, held within `autoscale {min, max}`), widened to include the planned
//!   replicas. The CPU target is the ceiling: at the plan's peak each pod uses exactly
//!   `ceiling` of its CPU request (below), so the autoscaler holds the plan's count
//!   there and scales it with the load at other hours, as the cost model does.
//! - CPU request: the cores a replica's own work takes at the plan's peak (arrivals per
//!   replica x `service_time_ms`) over the ceiling. Limit: the cores its servers could
//!   use at once (`concurrency`; with blocking I/O only the own-work share of a held
//!   server counts, so `busy cores / utilisation`), at most twice the request so one
//!   pod cannot starve a node, and never under the request.
//! - With `cpu` given, request and limit are those cores: the model ran the replica
//!   at them. With `memory_mb`, request and limit are that memory. Without, memory is
//!   a starting figure per runtime plus 2 MiB a server, the limit twice the request.
//! - Disruption budget: with an availability target, one pod at a time (the plan's N-1
//!   check sized for losing one); without, as many as can go at peak while the rest
//!   stay under the ceiling, at least one.

use super::layout::{Deploy, Language, Unit};
use crate::analysis::cost::replicas_needed;
use crate::plan::Plan;
use crate::spec::{defaults, Rollout, Spec};

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hpa {
    pub min: u32,
    pub max: u32,
    pub cpu_target_percent: u32,
    /// Replicas per hour of the daily profile, as the cost model runs them.
    pub hourly: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sizing {
    pub replicas: u32,
    pub replicas_from: String,
    pub hpa: Option<Hpa>,
    pub hpa_from: String,
    pub cpu_request_milli: u32,
    pub cpu_limit_milli: u32,
    pub cpu_from: String,
    pub memory_request_mib: u32,
    pub memory_limit_mib: u32,
    pub memory_from: String,
    pub pdb_max_unavailable: u32,
    pub pdb_from: String,
    /// Replicas of the second track (canary or green) while a release runs.
    pub second_track_replicas: u32,
    pub second_track_from: String,
}

/// Rounds cores up to 10 millicores, with a floor of 50m.
fn millicores(cores: f64) -> u32 {
    if !cores.is_finite() {
        return 50;
    }
    let m = (cores * 1000.0 / 10.0).ceil() * 10.0;
    m.clamp(50.0, 1_000_000.0) as u32
}

pub fn ceiling(spec: &Spec) -> f64 {
    spec.targets
        .utilization_ceiling
        .unwrap_or(defaults::UTILIZATION_CEILING)
}

/// The sizing of unit `i` (a Kubernetes workload) of the planned spec.
pub fn size(original: &Spec, plan: &Plan, i: usize, unit: &Unit) -> Sizing {
    let spec = &plan.spec;
    let c = &spec.components[i];
    let ceiling = ceiling(spec);
    let replicas = c.replicas_or_default();
    let before = original
        .components
        .iter()
        .find(|o| o.name == c.name)
        .map(|o| o.replicas_or_default());
    let replicas_from = match before {
        Some(b) if b != replicas => {
            format!("the plan: {b} -> {replicas} (components[{i}].replicas of the planned spec)")
        }
        Some(_) if c.replicas.is_none() => {
            format!(
                "the spec's default ({}), kept by the plan",
                defaults::REPLICAS
            )
        }
        _ => format!("components[{i}].replicas, kept by the plan"),
    };

    let report = plan.analysis.components.iter().find(|r| r.name == c.name);
    let cost = plan
        .analysis
        .cost
        .components
        .iter()
        .find(|r| r.name == c.name);
    let (arrival, utilization) = report.map_or((0.0, 0.0), |r| (r.arrival_rps, r.utilization));

    let (hpa, hpa_from) = match (c.autoscale, cost) {
        (Some(a), Some(cost)) if !cost.autoscaled_replicas.is_empty() => {
            // The spec's bounds, stretched to hold the planned count: the autoscaler
            // owns the replicas between them, and the plan's hour-by-hour counts (in
            // the manifest's comment) are what its CPU target should find.
            let hourly = cost.autoscaled_replicas.clone();
            let lo = a.min.max(1).min(replicas);
            let hi = a.max.max(replicas);
            (
                Some(Hpa {
                    min: lo,
                    max: hi,
                    cpu_target_percent: ((ceiling * 100.0).round() as u32).clamp(1, 100),
                    hourly,
                }),
                format!(
                    "autoscale [{}, {}] (components[{i}].autoscale), holding the planned {replicas}; it owns the Deployment's replicas, which the manifest leaves out so that an apply does not reset them",
                    a.min, a.max
                ),
            )
        }
        _ => (
            None,
            "the spec does not autoscale it: set autoscale {min, max} to get an autoscaler"
                .to_string(),
        ),
    };

    let service_time_ms = c.service_time_ms.unwrap_or(0.0);
    let per_replica = arrival / f64::from(replicas.max(1));
    let busy = per_replica * service_time_ms / 1000.0;
    let (request, limit, cpu_from) = match c.cpu {
        // The model ran the replica at exactly these cores: the limit is the quota it
        // assumed, so the pod is neither faster nor slower than planned.
        Some(cpu) => {
            let m = millicores(cpu);
            (
                m,
                m,
                format!("cpu {cpu} (components[{i}].cpu), the cores the model ran each replica at; limit the same, the quota it assumed ({busy:.2} cores busy at peak)"),
            )
        }
        // One event loop (node) or interpreter lock (python) runs on one core however
        // many it is given: the model ran each replica on one, and the plan's replicas
        // carry the rest.
        None if one_core(c) => {
            let request = millicores((busy / ceiling).min(1.0));
            (
                request,
                millicores(1.0).max(request),
                format!(
                    "{arrival:.0} req/s at peak over {replicas} replicas x {service_time_ms} ms (service_time_ms) = {busy:.2} cores busy, over the ceiling {ceiling}, at most the one core a {} process runs on; limit one core",
                    c.runtime.map_or("single-threaded", |r| r.as_str())
                ),
            )
        }
        None => {
            let request = millicores(busy / ceiling);
            let servers = if utilization > 0.0 && busy > 0.0 {
                busy / utilization
            } else {
                f64::from(c.concurrency_or_default())
            };
            let limit = millicores(servers)
                .min(request.saturating_mul(2))
                .max(request);
            (
                request,
                limit,
                format!(
                    "{arrival:.0} req/s at peak over {replicas} replicas x {service_time_ms} ms (service_time_ms) = {busy:.2} cores busy, over the ceiling {ceiling}; limit: the cores its {} servers can use ({servers:.2}), at most twice the request",
                    c.concurrency_or_default()
                ),
            )
        }
    };

    // A gateway holds a connection, not a worker, per server: a few KiB each.
    let (base, per_server_kib) = match &unit.deploy {
        Deploy::Code {
            runtime: Language::Rust,
            ..
        } => (64, 2048),
        Deploy::Code {
            runtime: Language::Node,
            ..
        } => (128, 2048),
        Deploy::Gateway => (32, 64),
        _ => (256, 2048),
    };
    let (memory_request_mib, memory_limit_mib, memory_from) = match c.memory_mb {
        Some(mb) => {
            let mib = u32::try_from((u64::from(mb) * 1_000_000).div_ceil(1 << 20))
                .unwrap_or(u32::MAX / 4);
            (
                mib,
                mib,
                format!("memory_mb {mb} (components[{i}].memory_mb) = {mib} MiB; limit the same"),
            )
        }
        None => {
            let servers_kib = u64::from(c.concurrency_or_default()) * per_server_kib;
            let mib = base
                + u32::try_from(servers_kib.div_ceil(1024))
                    .unwrap_or(u32::MAX / 4)
                    .min(1 << 20);
            (
                mib,
                2 * mib,
                format!(
                    "not in the model: {base} MiB for the runtime plus {per_server_kib} KiB for each of its {} servers (concurrency); limit twice that",
                    c.concurrency_or_default()
                ),
            )
        }
    };

    let (pdb_max_unavailable, pdb_from) = match spec.targets.availability {
        Some(a) => (
            1,
            format!("targets.availability {a} %: one pod at a time, the loss the plan's N-1 check sized for"),
        ),
        None => {
            let keep = replicas_needed(replicas, utilization, 1.0, ceiling).min(replicas);
            let spare = (replicas - keep).max(1);
            (
                spare,
                format!("no availability target: the {spare} of {replicas} replicas that can go at peak with the rest under the ceiling {ceiling}"),
            )
        }
    };

    let (second_track_replicas, second_track_from) = match spec.practices.rollout {
        Some(Rollout::Canary) => {
            let pct = spec.practices.canary_percent.unwrap_or(10.0).clamp(0.1, 99.0);
            let k = (f64::from(replicas) * pct / (100.0 - pct)).round().max(1.0) as u32;
            (
                k,
                format!(
                    "practices.canary_percent {pct} %: {k} canary pod{} beside {replicas} stable ({:.1} % of pods)",
                    if k == 1 { "" } else { "s" },
                    100.0 * f64::from(k) / f64::from(k + replicas)
                ),
            )
        }
        Some(Rollout::BlueGreen) => (
            replicas,
            format!("practices.rollout blue_green: the idle colour scales to the live one's {replicas} replicas for a release"),
        ),
        _ => (0, "practices.rollout rolling: no second track".to_string()),
    };

    Sizing {
        replicas,
        replicas_from,
        hpa,
        hpa_from,
        cpu_request_milli: request,
        cpu_limit_milli: limit,
        cpu_from,
        memory_request_mib,
        memory_limit_mib,
        memory_from,
        pdb_max_unavailable,
        pdb_from,
        second_track_replicas,
        second_track_from,
    }
}

/// Whether a replica of `c` runs on one core whatever it is given: a runtime with one
/// event loop or interpreter lock per process (`Component::cpu_parallelism`).
fn one_core(c: &crate::spec::Component) -> bool {
    matches!(
        c.runtime,
        Some(crate::spec::Runtime::Node | crate::spec::Runtime::Python)
    )
}

#[cfg(test)]
mod tests {
    use super::millicores;

    #[test]
    fn cores_round_up_to_ten_millicores_with_a_floor() {
        assert_eq!(millicores(1.5714), 1580);
        assert_eq!(millicores(0.0), 50);
        assert_eq!(millicores(f64::NAN), 50);
        assert_eq!(millicores(0.051), 60);
    }
}
