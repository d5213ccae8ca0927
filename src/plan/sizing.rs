//! Sizing: the fewest replicas that keep every pool within the utilisation ceiling at
//! the target throughput and, where `targets.survive` asks, survive the loss of one
//! replica (N-1) and of one zone; a store that carries its load on one primary gets a
//! standby (a read replica that takes over) instead of a second primary.
//!
//! Utilisation is exact in the replica count: a pool of `n` replicas at utilisation
//! `u` runs at `u·n/m` with `m` (round robin gives each replica `1/m` of the load; one
//! shared queue has `m·c` servers). So the counts follow in closed form from one
//! evaluation, with no search:
//! - ceiling: `u·n/m · f <= ceiling`, `f` the target throughput over the peak;
//! - N-1: `m >= 2` and `u·n/(m-1) <= ceiling` (at peak, as the analysis checks it);
//! - zone loss, for a component over `z >= 2` zones: `m - ceil(m/z) >= 1` replicas
//!   left, within the ceiling; the pool spreads over the zones (up to `max_zones`)
//!   that need the fewest, a pool in one zone over two at least (spreading is free);
//! - a load balancer its cloud runs (`Component::is_managed`) is its provider's: none
//!   of these apply.
//!
//! Read replicas are sized for the ceiling alone (N-1 and zone loss count primaries),
//! a function's instance limit likewise. Sizing only adds: the floor is what the spec
//! already has (the search lowers a floor explicitly when it cuts cost).

use super::change::Change;
use super::PlanOptions;
use crate::analysis::cost::replicas_needed;
use crate::analysis::Solved;
use crate::spec::{defaults, ComponentKind, ReadsFrom, Spec, Survive};
use crate::text::figure;

/// How loaded each component's pools are, at the counts of the spec it came from.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PoolUse {
    /// Whether any traffic arrives.
    pub loaded: bool,
    /// Utilisation of the primary pool (a function: of its instances).
    pub primary: f64,
    /// Utilisation of the read-replica pool, when reads go there.
    pub read: Option<f64>,
}

pub fn pool_use(solved: &Solved) -> Vec<PoolUse> {
    solved
        .eval
        .results
        .iter()
        .map(|r| PoolUse {
            loaded: r.arrival_rps > 0.0,
            primary: r.pools.first().map_or(0.0, |p| p.utilization),
            read: r.pools.get(1).map(|p| p.utilization),
        })
        .collect()
}

/// A change sizing made, and the constraint that set it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    pub change: Change,
    pub reason: String,
}

/// The target throughput as a multiple of the peak the classes add up to (at least 1).
pub fn throughput_factor(spec: &Spec) -> f64 {
    // A closed class counts at the throughput its users reach.
    let effective = crate::analysis::effective(spec);
    let classes = match &effective {
        Ok(e) => &e.workload.classes,
        Err(_) => &spec.workload.classes,
    };
    let total: f64 = classes.iter().map(|k| k.rate()).sum();
    match spec.targets.throughput_rps {
        Some(t) if total > 0.0 => (t / total).max(1.0),
        _ => 1.0,
    }
}

pub fn ceiling(spec: &Spec) -> f64 {
    spec.targets
        .utilization_ceiling
        .unwrap_or(defaults::UTILIZATION_CEILING)
}

/// What sizing gives one pool: its primaries, the zones it spreads over, why, and
/// whether a store needs a standby instead of a second primary.
#[derive(Debug, Clone, PartialEq)]
pub struct Need {
    pub primaries: u32,
    pub zones: u32,
    pub reasons: Vec<String>,
    pub standby: bool,
}

/// The fewest primaries of component `c` of `spec` (whose pools are loaded as `pools`
/// at its current count) that meet the ceiling, and N-1 and zone loss where
/// `targets.survive` asks (the reasons quote the utilisation at `floor` replicas).
/// Where zone loss is a target, the pool spreads over as many zones as it needs for
/// the fewest replicas (at most `max_zones`; a pool in one zone goes down with it, and
/// more zones never need more replicas): spreading costs nothing.
pub fn primaries_needed(
    spec: &Spec,
    c: usize,
    pools: &PoolUse,
    floor: u32,
    opts: &PlanOptions,
) -> Need {
    let comp = &spec.components[c];
    let z0 = comp.zones_or_default();
    if comp.is_managed() {
        // Its provider sizes and places it.
        return Need {
            primaries: comp.replicas_or_default(),
            zones: z0,
            reasons: Vec::new(),
            standby: false,
        };
    }
    let mut best = needed_in(spec, c, pools, floor, opts, z0);
    if spec.targets.survives(Survive::Zone) && comp.kind.has_servers() {
        // What the pool will run: sizing never goes under the floor.
        let runs = |n: &Need| (n.primaries.max(floor), n.standby);
        for z in (z0 + 1)..=opts.max_zones {
            let n = needed_in(spec, c, pools, floor, opts, z);
            if runs(&n) < runs(&best) || (best.zones < 2 && runs(&n) <= runs(&best)) {
                best = n;
            }
        }
    }
    best
}

/// [`primaries_needed`] with the pool over `zones` zones.
fn needed_in(
    spec: &Spec,
    c: usize,
    pools: &PoolUse,
    floor: u32,
    opts: &PlanOptions,
    zones: u32,
) -> Need {
    let comp = &spec.components[c];
    let n = comp.replicas_or_default();
    let ceiling = ceiling(spec);
    let f = throughput_factor(spec);
    let u = pools.primary;
    let cap = opts.max_replicas.max(1);
    // Utilisation at the floor, for the words.
    let u_floor = u * f64::from(n) / f64::from(floor.max(1));
    let mut reasons = Vec::new();
    let at_peak = replicas_needed(n, u, f, ceiling).min(cap);
    let mut m = at_peak;
    if at_peak > floor {
        reasons.push(if f > 1.0 {
            format!("utilisation {} at {floor} replicas and {f:.2}x the peak for the throughput target, over the ceiling {ceiling}", figure(u_floor * f, 3))
        } else {
            format!("utilisation {} at {floor} replicas, over the ceiling {ceiling}", figure(u_floor, 3))
        });
    }
    let need = |primaries: u32, reasons: Vec<String>, standby: bool| Need {
        primaries: primaries.min(cap),
        zones,
        reasons,
        standby,
    };
    let survive_replica = spec.targets.survives(Survive::Replica);
    let survive_zone = spec.targets.survives(Survive::Zone);
    if comp.kind.has_servers() {
        let base = replicas_needed(n, u, 1.0, ceiling).min(cap);
        // A store's standby (a read replica) takes over from a lost primary: one
        // primary carrying the peak with a standby survives N-1, and zone loss too
        // when the standby sits in another zone.
        let standby = matches!(comp.kind, ComponentKind::Database | ComponentKind::Cache)
            && n <= 1
            && base <= 1
            && m <= 1
            && (!survive_zone || zones >= 2);
        if standby && (survive_replica || survive_zone) {
            if comp.standby_replicas() == 0 {
                reasons.push(
                    "a single primary goes down with its host: a standby takes over (async: up to its lag of writes lost)"
                        .to_string(),
                );
            }
            return need(m, reasons, comp.standby_replicas() == 0);
        }
        if survive_replica {
            let n1 = base.saturating_add(1).max(2).min(cap);
            if n1 > m {
                m = n1;
                if n1 > floor {
                    reasons.push(if floor <= 1 {
                        "N-1: a single replica goes down with its host".to_string()
                    } else {
                        format!(
                            "N-1: losing one of {floor} replicas leaves utilisation {}, over the ceiling",
                            figure(u_floor * f64::from(floor) / f64::from(floor - 1), 3)
                        )
                    });
                }
            }
        }
        if survive_zone && zones >= 2 {
            let before = m;
            while m < cap && m - m.div_ceil(zones) < base.max(1) {
                m += 1;
            }
            if m > before && m > floor {
                reasons.push(format!(
                    "zone loss: one of {zones} zones takes {} of the replicas",
                    m.div_ceil(zones)
                ));
            }
        }
    }
    need(m, reasons, false)
}

/// The changes that size every loaded pool of `spec` (whose pools are loaded as
/// `pools`), never below what `floors` (the spec before sizing) has.
pub fn size(floors: &Spec, spec: &Spec, pools: &[PoolUse], opts: &PlanOptions) -> Vec<Sized> {
    let ceiling = ceiling(spec);
    let f = throughput_factor(spec);
    let mut out = Vec::new();
    let consumed = crate::analysis::load::consumed_queues(spec);
    for (c, (comp, floor_comp)) in spec.components.iter().zip(&floors.components).enumerate() {
        let Some(p) = pools.get(c).filter(|p| p.loaded) else {
            continue;
        };
        // A consumer with fewer partitions than servers: partitions carry its load (one
        // server each) and are sized first; its servers are then sized for the load as
        // if every one consumed (what they do once partitions are no longer fewer).
        let unbound;
        // Listed after the consumer's own servers: more partitions take effect only
        // once there are servers to consume them.
        let mut partitions_step = None;
        let p = match consumed[c][..] {
            [q] => match size_partitions(spec, floors, q, comp, p, f, ceiling) {
                Some((sized, busy)) => {
                    partitions_step = sized;
                    unbound = PoolUse {
                        primary: busy / f64::from(comp.pool_servers().max(1)),
                        ..*p
                    };
                    &unbound
                }
                None => p,
            },
            _ => p,
        };
        match comp.kind {
            ComponentKind::Function => {
                let m0 = floor_comp
                    .max_concurrency
                    .unwrap_or(defaults::MAX_CONCURRENCY);
                let cur = comp.max_concurrency.unwrap_or(defaults::MAX_CONCURRENCY);
                let m =
                    replicas_needed(cur, p.primary, f, ceiling).min(opts.max_function_concurrency);
                if m > m0 {
                    out.push(Sized {
                        change: Change::MaxConcurrency {
                            component: comp.name.clone(),
                            from: m0,
                            to: m,
                        },
                        reason: format!(
                            "{} of its {m0} instances busy, over the ceiling {ceiling}",
                            figure(p.primary * f * f64::from(cur) / f64::from(m0.max(1)), 3)
                        ),
                    });
                }
            }
            kind if kind.has_servers() && comp.active_tier().is_some() => {
                out.extend(tier_needed(comp, floor_comp, p, f, ceiling));
            }
            kind if kind.has_servers() => {
                let n = floor_comp.replicas_or_default();
                let Need {
                    primaries: m,
                    zones,
                    mut reasons,
                    standby,
                } = primaries_needed(spec, c, p, n, opts);
                let z = floor_comp.zones_or_default();
                if zones > z {
                    out.push(Sized {
                        change: Change::Zones {
                            component: comp.name.clone(),
                            from: z,
                            to: zones,
                        },
                        reason: if z == 1 {
                            "zone loss: in one zone it goes down with it".to_string()
                        } else {
                            format!("zone loss: over {zones} zones it needs fewer replicas")
                        },
                    });
                }
                if standby {
                    out.push(Sized {
                        change: Change::ReadReplicas {
                            component: comp.name.clone(),
                            from: 0,
                            to: 1,
                        },
                        reason: reasons.pop().unwrap_or_default(),
                    });
                }
                if m > n {
                    out.push(Sized {
                        change: Change::Replicas {
                            component: comp.name.clone(),
                            from: n,
                            to: m,
                        },
                        reason: reasons.join("; "),
                    });
                }
                if let (Some(u), Some(rep), Some(floor_rep)) = (
                    p.read,
                    comp.replication.as_ref(),
                    floor_comp.replication.as_ref(),
                ) {
                    let r0 = floor_rep.read_replicas.unwrap_or(0);
                    let cur = rep.read_replicas.unwrap_or(0);
                    if rep.reads_from == Some(ReadsFrom::Replicas) && cur > 0 {
                        let r = replicas_needed(cur, u, f, ceiling).min(opts.max_read_replicas);
                        if r > r0 {
                            out.push(Sized {
                                change: Change::ReadReplicas {
                                    component: comp.name.clone(),
                                    from: r0,
                                    to: r,
                                },
                                reason: format!(
                                    "its read replicas run at utilisation {}, over the ceiling {ceiling}",
                                    figure(u * f * f64::from(cur) / f64::from(r0.max(1)), 3)
                                ),
                            });
                        }
                    }
                }
            }
            _ => {}
        }
        out.extend(partitions_step);
    }
    out
}

/// A managed component's smallest tier, from the one `floor` runs at on, that keeps it
/// within the ceiling at `f` times the peak (the largest when none does). Its
/// utilisation follows the tier's servers and service time: `u · (s'/s) · (c/c')`.
fn tier_needed(
    comp: &crate::spec::Component,
    floor: &crate::spec::Component,
    pools: &PoolUse,
    f: f64,
    ceiling: f64,
) -> Option<Sized> {
    let tiers = comp.tiers.as_deref()?;
    let now = comp.active_tier()?;
    let from = floor.tier.clone()?;
    let start = tiers.iter().position(|t| t.name == from)?;
    let figures = |t: &crate::spec::Tier| {
        (
            t.service_time_ms.or(comp.service_time_ms).unwrap_or(0.0),
            f64::from(
                t.concurrency
                    .or(comp.concurrency)
                    .unwrap_or(defaults::CONCURRENCY)
                    .max(1),
            ),
        )
    };
    let (s0, c0) = figures(now);
    let at = |t: &crate::spec::Tier| {
        let (s, c) = figures(t);
        if s0 > 0.0 {
            pools.primary * f * (s / s0) * (c0 / c)
        } else {
            0.0
        }
    };
    let chosen = tiers[start..]
        .iter()
        .find(|t| at(t) <= ceiling)
        .or_else(|| tiers.last())?;
    (chosen.name != from).then(|| Sized {
        change: Change::Tier {
            component: comp.name.clone(),
            from: from.clone(),
            to: chosen.name.clone(),
        },
        reason: format!(
            "utilisation {} at its tier {from}, over the ceiling {ceiling}: {} runs it at {}",
            figure(pools.primary * f, 3),
            chosen.name,
            figure(at(chosen), 3)
        ),
    })
}

/// For consumer `comp` of queue `q` whose partitions bound it (fewer than its servers):
/// the partitions that bring it within the ceiling at `f` times the peak, when it needs
/// more (one server each, so utilisation is exact in the count), and the servers its
/// load keeps busy. None when partitions do not bound it.
fn size_partitions(
    spec: &Spec,
    floors: &Spec,
    q: usize,
    comp: &crate::spec::Component,
    pools: &PoolUse,
    f: f64,
    ceiling: f64,
) -> Option<(Option<Sized>, f64)> {
    let partitions = spec.components[q].consumer_partitions()?;
    if partitions >= comp.pool_servers() {
        return None;
    }
    let busy = pools.primary * f64::from(partitions);
    // No more than a spec may have (the plan then says the target is out of reach).
    let most = crate::spec::bounds::MAX_COUNT as f64;
    let needed = (busy * f / ceiling).ceil().clamp(1.0, most) as u32;
    let from = floors.components[q]
        .consumer_partitions()
        .unwrap_or(partitions);
    if needed <= from {
        return Some((None, busy));
    }
    Some((
        Some(Sized {
            change: Change::Partitions {
                component: spec.components[q].name.clone(),
                from,
                to: needed,
            },
            reason: format!(
                "{}'s {partitions} partitions run its consumers at utilisation {}, over the ceiling {ceiling}; one consumer per partition",
                spec.components[q].name,
                figure(pools.primary * f, 3)
            ),
        }),
        busy,
    ))
}
