//! Availability: of one component for a read and for a write, and of a request class
//! over its sync path.
//!
//! - A component with replicas is up while any replica is (`1 - (1 - a)^n`, replicas
//!   failing independently, each up `a` of the time); a CDN, an external dependency, a
//!   queue and a function are taken as one unit with the availability they state.
//! - A replicated store: writes need a primary (any of its `replicas`), or with `async`
//!   replication a read replica promoted when every primary is down (failover, as N-1
//!   and zone loss count it); with `sync` replication they also need a replica to
//!   acknowledge; reads from replicas are served while the primary or any read replica
//!   is up; with `quorum` replication reads and writes need a majority of the
//!   `replicas + read_replicas` members (k-of-n).
//! - A class: the share of its requests that succeed when each component's downtime
//!   fails the requests that touch it: `Π (1 - p·u)` over the components of its sync
//!   path, `u` the unavailability and `p` the chance that a request touches it (its
//!   expected visits, at most 1; a store behind a cache is touched on a miss), the larger
//!   of the read's and the write's `p·u` for a component it both reads and writes.
//!   Async edges do not count, nor a call whose failure is ignored (`on_failure:
//!   ignore`) and what lies past it: their downtime serves the request degraded, the
//!   share `A·(1 - Π (1 - p·u))` over the visits past such calls to components the
//!   request does not need anyway (those fail it when down), `A` the class's
//!   availability. Retries do not mask downtime (a down store stays down),
//!   with one exception: an external dependency's availability is taken as the share
//!   of its calls that succeed, failures independent from call to call (a third-party
//!   API's errors are mostly transient), so `r` retries on every edge into it leave
//!   `u^(r+1)` of the requests failed, as the simulator's failing externals do.

use super::load::{ClassFlow, Visits};
use crate::spec::{CallMode, Component, ComponentKind, ReadsFrom, ReplicationMode, Spec};

pub const MINUTES_PER_YEAR: f64 = 365.25 * 24.0 * 60.0;
pub const MINUTES_PER_MONTH: f64 = MINUTES_PER_YEAR / 12.0;

/// Unavailability (a fraction) of one component for a read and for a write.
pub fn unavailability(c: &Component) -> [f64; 2] {
    let down = 1.0 - c.availability_or_default() / 100.0;
    let pooled = c.kind.has_servers();
    if !pooled {
        return [down, down];
    }
    let replicas = c.replicas_or_default();
    let primary = down.powf(f64::from(replicas));
    let Some(rep) = c.replication.as_ref() else {
        return [primary, primary];
    };
    let read_replicas = rep.read_replicas.unwrap_or(0);
    let reads_from_replicas = rep.reads_from == Some(ReadsFrom::Replicas) && read_replicas > 0;
    let read = if reads_from_replicas {
        down.powf(f64::from(replicas + read_replicas))
    } else {
        primary
    };
    match rep.mode {
        ReplicationMode::Async => [read, down.powf(f64::from(replicas + read_replicas))],
        ReplicationMode::Sync => {
            let ack = if read_replicas > 0 {
                down.powf(f64::from(read_replicas))
            } else {
                0.0
            };
            [read, 1.0 - (1.0 - primary) * (1.0 - ack)]
        }
        ReplicationMode::Quorum => {
            let n = u64::from(replicas) + u64::from(read_replicas);
            let q = fewer_than_up(n, n / 2 + 1, 1.0 - down);
            [q, q]
        }
    }
}

/// Every component's unavailability for a read and a write, with retries into an
/// external dependency masking its independent failures (the fewest retries of the
/// sync edges into it count).
pub fn unavailabilities(spec: &Spec) -> Vec<[f64; 2]> {
    let mut unavailable: Vec<[f64; 2]> = spec.components.iter().map(unavailability).collect();
    for (i, c) in spec.components.iter().enumerate() {
        if c.kind != ComponentKind::External {
            continue;
        }
        let fewest = spec
            .dependencies
            .iter()
            .filter(|d| d.to == c.name && d.mode_or_default() == CallMode::Sync)
            .map(|d| d.retries_or_default())
            .min()
            .unwrap_or(0);
        for u in &mut unavailable[i] {
            *u = u.powi(fewest.saturating_add(1).min(64) as i32);
        }
    }
    unavailable
}

/// P(fewer than `k` of `n` independent members are up), each up with probability `a`.
pub fn fewer_than_up(n: u64, k: u64, a: f64) -> f64 {
    if a >= 1.0 {
        return 0.0;
    }
    if a <= 0.0 {
        return 1.0;
    }
    // Binomial pmf by recurrence from i = 0, in logs to stay finite for large n.
    let (la, lb) = (a.ln(), (1.0 - a).ln());
    let mut ln_choose = 0.0;
    let mut total = 0.0;
    for i in 0..k.min(n + 1) {
        if i > 0 {
            ln_choose += ((n - i + 1) as f64).ln() - (i as f64).ln();
        }
        total += (ln_choose + i as f64 * la + (n - i) as f64 * lb).exp();
    }
    total.min(1.0)
}

/// The availability of a class over its sync path, the component that costs it the
/// most (the largest share of the error budget), and the share of its requests served
/// degraded.
pub struct ClassAvailability {
    pub availability: f64,
    pub weakest: Option<usize>,
    /// Requests that succeed without the answer of a call whose failure is ignored
    /// (`on_failure: ignore`): a component reached only through such calls is down.
    pub degraded: f64,
    /// The component past an ignored failure whose downtime degrades the most requests.
    pub degraded_most_by: Option<usize>,
}

/// The share of a class's requests that one component's downtime reaches, from their
/// visits to it: once, whether they read or write there, so the larger of the two
/// chances (a read served by replicas is nearly always up; a read and a write to one
/// primary fail together).
pub fn lost_share(v: &Visits, u: [f64; 2]) -> f64 {
    (v.read.min(1.0) * u[0]).max(v.write.min(1.0) * u[1])
}

pub fn class_availability(flow: &ClassFlow, unavailable: &[[f64; 2]]) -> ClassAvailability {
    let mut up = 1.0;
    let mut whole = 1.0;
    let mut weakest: Option<(usize, f64)> = None;
    let mut degrading: Option<(usize, f64)> = None;
    for (c, ((v, all), u)) in flow
        .critical_visits
        .iter()
        .zip(&flow.sync_visits)
        .zip(unavailable)
        .enumerate()
    {
        let lost = lost_share(v, *u);
        if lost > 0.0 {
            up *= 1.0 - lost;
        }
        if lost > 0.0 && weakest.is_none_or(|(_, w)| lost > w) {
            weakest = Some((c, lost));
        }
        // The visits past an ignored failure only degrade the answer.
        let optional = Visits {
            read: (all.read - v.read).max(0.0),
            write: (all.write - v.write).max(0.0),
        };
        // A component the request needs anyway fails it when down: no degradation.
        let degraded = if lost > 0.0 {
            0.0
        } else {
            lost_share(&optional, *u)
        };
        whole *= 1.0 - degraded;
        if degraded > 0.0 && degrading.is_none_or(|(_, d)| degraded > d) {
            degrading = Some((c, degraded));
        }
    }
    ClassAvailability {
        availability: up,
        weakest: weakest.map(|(c, _)| c),
        degraded: up * (1.0 - whole),
        degraded_most_by: degrading.map(|(c, _)| c),
    }
}
