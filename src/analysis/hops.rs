//! The network between components: the round trip a sync call takes on the wire, and
//! the price of the data that crosses zones.
//!
//! A call's round trip is its edge's `network_ms` when given; otherwise
//! `network.same_zone_ms` when the caller's replica and the callee's share a zone and
//! `network.cross_zone_ms` when they do not. A component's replicas are spread in turn
//! over its zones (`Component::zone_of`) and take equal shares of its traffic, and a
//! call picks its callee's replica whatever the zone (no zone-aware routing), so a call
//! crosses with probability `1 − Σ_z caller(z)·callee(z)`, `caller(z)` and `callee(z)`
//! the shares of the two components' replicas in zone `z`. A function and a managed
//! load balancer run in every zone: a call to or from one stays in its zone. The shares
//! are the spec's as written: a what-if that loses a replica or a zone leaves them.
//!
//! The round trip is added to the callee's response, inside the call's timeout (a
//! timeout is the caller's, and the wire is part of what it waits for). A call to an
//! external or a CDN takes its `latency_ms` alone, which is what its caller sees; a
//! queue's consumer takes its messages off the request's path, and an async message's
//! time on the wire is the queue's lag's, so neither has a round trip here.
//!
//! Data crosses zones on every edge, sync or async (a message to a queue and its
//! consumer's pull too), but a call to an external or a CDN, whose traffic leaves the
//! system: calls per second over the day (retries included) × the share that crosses ×
//! `payload_kb` × `cross_zone_usd_per_gb` (1 GB = 10⁶ KB).

use std::collections::HashMap;

use super::component::Moments;
use super::cost::HOURS_PER_MONTH;
use super::load::{dependency_rate, ClassFlow};
use crate::spec::{CallMode, Component, ComponentKind, Dependency, Spec};

/// The round trip of one call: `same_ms` or, with probability `cross_share`, `cross_ms`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundTrip {
    pub same_ms: f64,
    pub cross_ms: f64,
    pub cross_share: f64,
}

impl RoundTrip {
    /// Its mean and variance: a mixture of two fixed times.
    pub fn moments(&self) -> Moments {
        let p = self.cross_share;
        let gap = self.cross_ms - self.same_ms;
        Moments {
            mean: self.same_ms + p * gap,
            variance: p * (1.0 - p) * gap * gap,
        }
    }
}

/// Per dependency: the round trip a call on it takes, or None where there is none (or
/// it is zero).
pub fn round_trips(spec: &Spec) -> Vec<Option<RoundTrip>> {
    let index = component_index(spec);
    let find = |name: &str| index.get(name).map(|&i| &spec.components[i]);
    spec.dependencies
        .iter()
        .map(|d| round_trip(spec, d, find(&d.from)?, find(&d.to)?))
        .collect()
}

/// The round trip of a call on `d` from `caller` to `callee`.
pub fn round_trip(
    spec: &Spec,
    d: &Dependency,
    caller: &Component,
    callee: &Component,
) -> Option<RoundTrip> {
    let off_path = d.mode_or_default() == CallMode::Async
        || caller.kind == ComponentKind::Queue
        || leaves_system(callee);
    if off_path {
        return None;
    }
    let trip = match d.network_ms {
        Some(ms) => RoundTrip {
            same_ms: ms,
            cross_ms: ms,
            cross_share: 0.0,
        },
        None => RoundTrip {
            same_ms: spec.network.same_zone_ms_or_default(),
            cross_ms: spec.network.cross_zone_ms_or_default(),
            cross_share: cross_zone_share(caller, callee),
        },
    };
    (trip.moments().mean > 0.0).then_some(trip)
}

fn component_index(spec: &Spec) -> HashMap<&str, usize> {
    spec.components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect()
}

/// A call to it leaves the system: its `latency_ms` is the whole of what the caller
/// sees, and its traffic is not between zones.
fn leaves_system(c: &Component) -> bool {
    matches!(c.kind, ComponentKind::External | ComponentKind::Cdn)
}

/// Runs in every zone: a call to or from it stays in its zone. (A managed store's
/// primary lives in one zone, as its `zones` say.)
fn in_every_zone(c: &Component) -> bool {
    c.kind == ComponentKind::Function || (c.kind == ComponentKind::LoadBalancer && c.is_managed())
}

/// The share of `c`'s traffic its replicas in zone `z` take: its primaries spread in
/// turn over its zones (replica `i` in zone `i mod zones`), each taking an equal share;
/// a component without replicas to count (a queue) spreads evenly over its zones.
fn zone_share(c: &Component, z: u32) -> f64 {
    let zones = c.zones_or_default().max(1);
    if z >= zones {
        return 0.0;
    }
    if !c.kind.has_servers() {
        return 1.0 / f64::from(zones);
    }
    let replicas = c.replicas_or_default().max(1);
    let here = replicas / zones + u32::from(z < replicas % zones);
    f64::from(here) / f64::from(replicas)
}

/// The probability that a call from `caller` to `callee` crosses zones.
pub fn cross_zone_share(caller: &Component, callee: &Component) -> f64 {
    if in_every_zone(caller) || in_every_zone(callee) {
        return 0.0;
    }
    let shared = caller.zones_or_default().min(callee.zones_or_default());
    let same: f64 = (0..shared)
        .map(|z| zone_share(caller, z) * zone_share(callee, z))
        .sum();
    (1.0 - same).clamp(0.0, 1.0)
}

/// The monthly price of the data crossing zones, USD, over the daily profile whose mean
/// multiple of the peak is `mean_factor`, with the retry `attempts` of the evaluation
/// (per class, per dependency).
pub fn cross_zone_monthly_usd(
    spec: &Spec,
    flows: &[ClassFlow],
    attempts: &[Vec<f64>],
    mean_factor: f64,
) -> f64 {
    let usd_per_gb = spec.network.cross_zone_usd_per_gb_or_default();
    if usd_per_gb <= 0.0 {
        return 0.0;
    }
    let by_name = component_index(spec);
    let index = |name: &str| by_name.get(name).copied();
    let per_second: f64 = spec
        .dependencies
        .iter()
        .enumerate()
        .filter_map(|(dep, d)| {
            let (from, to) = (index(&d.from)?, index(&d.to)?);
            let (caller, callee) = (&spec.components[from], &spec.components[to]);
            if leaves_system(callee) {
                return None;
            }
            let share = cross_zone_share(caller, callee);
            if share <= 0.0 {
                return None;
            }
            let kb = d
                .payload_kb
                .unwrap_or_else(|| spec.network.payload_kb_or_default());
            let calls = dependency_rate(spec, flows, attempts, dep, 1.0);
            Some(calls * share * kb)
        })
        .sum();
    per_second * 1e-6 * usd_per_gb * mean_factor * 3600.0 * HOURS_PER_MONTH
}
