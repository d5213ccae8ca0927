//! The distribution of a class's whole response time, from which its percentiles come.
//!
//! `latency` carries every visit as two moments, which is all the load, the blocking
//! holds and the means need. A percentile needs the shape: this walks the same call
//! tree from the class's entry and builds each visit's distribution as a
//! characteristic function on one grid per class (see `spectrum`):
//! - a visit's own time: the wait in its pool (a mixture over its shards, each queue's
//!   wait by its Pollaczek–Khinchine transform, see [`Station::wait_transform`]), then
//!   its service time (gamma of its cv), a cold start with its probability, and the
//!   replication acknowledgements; a delay's fixed time;
//! - calls in sequence multiply (their times are independent: successive queues of one
//!   request in a network of FCFS queues fed by Poisson traffic, as tandem queues are);
//! - `n` calls on one edge: a mixture of `⌊n⌋` and `⌈n⌉` calls; `n` calls to one queue
//!   are not independent (a request that leaves a queue leaves behind the work that
//!   came while it was there, which its next call waits behind): they are taken as a
//!   common congestion factor times independent calls, of the correlation
//!   [`Walk::chain_correlation`] gives (see [`repeated`]); a cache or CDN's misses as
//!   the mixture of nothing and the miss path;
//! - a `parallel` group: its branches' longest, from their distribution functions,
//!   with the fork-join correlation of queues that see the same arrivals
//!   ([`Walk::fork_correlation`]); the class's mean then comes from the distribution;
//! - a call's round trip on the wire: the mixture of its same-zone and cross-zone
//!   delays, before its timeout;
//! - a timeout cuts the attempt's distribution at `timeout_ms`; attempts are retried
//!   after a failure (a cut, or an external's error): the call's time is the sum over
//!   the attempts actually made, exactly, from the cut distribution;
//! - a lock's wait is M/D/1 per key, by the same transform.
//!
//! A callee's visit whose variance is below [`SUMMARY_SHARE`] of the whole class's is
//! summarised by the gamma distribution of its two moments instead of being walked: it
//! cannot move a percentile, and a deep graph then costs only its heavy paths.
//!
//! Error bounds. The grid's own error is below a few tenths of a percent (the
//! `spectrum` tests). Each station's wait is exact for M/M/c and M/G/1 and
//! Allen–Cunneen's for M/G/c. Against the simulator (200,000 requests, the engine's
//! tests hold these at 5 %): every example's classes and one case of each shape (three
//! calls in a row, a three-way fork, two classes sharing a queue, M/D/1, M/E4/1, a CDN
//! mixture) within 2.1 % at p50 and p99; three calls in a row to a queue of 1, 2, 4
//! and 16 servers, two replicas, 2.5 and 10 calls within 3.1 %. Known to be off: calls
//! in a row to one busy single-server queue whose service cv is far from 1 (at
//! utilisation 0.72, three calls: −22 % at p99 for cv 0, +47 % for cv 2), because the
//! queue is then not product-form and even its mean per visit differs from M/G/1's
//! (which the means, here and in `latency`, assume).

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::component::{Moments, OwnTime, PoolResult};
use super::latency::{CallTree, Evaluation, Load};
use super::load::{dependency_rate, firing, Firing};
use super::queueing::{gamma_p, gamma_quantile, Station, StationResult};
use super::spectrum::{gamma_transform, moments_of_masses, Grid, Spectrum, C64};
use crate::spec::{Op, Spec};

/// A callee's visit with less than this share of the class's variance is summarised by
/// its moments.
pub const SUMMARY_SHARE: f64 = 1e-3;

/// A class's whole response time: its two moments and its distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassTime {
    /// The mean, ms: the distribution's where a `parallel` slot makes the moments'
    /// (Clark's maximum of independent branches) the rougher of the two.
    pub mean: f64,
    /// The moments' variance, ms² (of visits taken as independent).
    pub variance: f64,
    /// The masses on the class's grid (none when the time is fixed or unbounded, or
    /// when `screened`).
    masses: Option<(Vec<f64>, f64)>,
    /// Quantiles are the moments' gamma's ([`screened`]).
    screened: bool,
}

impl ClassTime {
    fn fixed(ms: f64) -> Self {
        ClassTime {
            mean: ms,
            variance: 0.0,
            masses: None,
            screened: false,
        }
    }

    /// The `p`-quantile, ms (infinite when unbounded).
    pub fn quantile(&self, p: f64) -> f64 {
        if !self.mean.is_finite() || !self.variance.is_finite() {
            return f64::INFINITY;
        }
        match &self.masses {
            Some((masses, step)) => super::spectrum::quantile_of_masses(masses, *step, p),
            None if self.screened && self.variance > 1e-12 * self.mean * self.mean => {
                let shape = self.mean * self.mean / self.variance;
                gamma_quantile(shape, p) * self.variance / self.mean
            }
            None => self.mean,
        }
    }
}

/// Class `k`'s time from its moments alone when its p99 is so far from `target`
/// (under half, over twice, or unbounded) that the moments' few tens of percent cannot
/// change the verdict; `None` when it is near and needs [`class_time`]. For verdicts,
/// not figures (the planner's candidates, N-1's latency check, the p99-feasible
/// throughput's root search).
pub fn screened(
    eval: &Evaluation,
    k: usize,
    entry: Option<usize>,
    target: f64,
) -> Option<ClassTime> {
    let quick = quick_quantile(eval, k, entry, 0.99);
    if quick.is_finite() && (0.5 * target..=2.0 * target).contains(&quick) {
        return None;
    }
    let m = match entry {
        Some(entry) => eval.visit(k, entry, Op::Read),
        None => return Some(ClassTime::fixed(0.0)),
    };
    Some(ClassTime {
        mean: m.mean,
        variance: m.variance,
        masses: None,
        screened: true,
    })
}

/// A quick estimate of class `k`'s `p`-quantile (entered at `entry`) from its two
/// moments alone, the gamma distribution of its mean and variance: a few tens of
/// percent off where visits are correlated or the distribution has two modes, so only
/// to bracket and screen; figures and verdicts come from [`class_time`].
pub fn quick_quantile(eval: &Evaluation, k: usize, entry: Option<usize>, p: f64) -> f64 {
    let Some(entry) = entry else {
        return 0.0;
    };
    let m = eval.visit(k, entry, Op::Read);
    if !m.mean.is_finite() || !m.variance.is_finite() {
        return f64::INFINITY;
    }
    if m.variance <= 1e-12 * m.mean * m.mean {
        return m.mean;
    }
    let shape = m.mean * m.mean / m.variance;
    gamma_quantile(shape, p) * m.variance / m.mean
}

/// Class `k`'s response time under `eval` (entered at `entry`; none: zero).
pub fn class_time(
    spec: &Spec,
    tree: &CallTree,
    load: &Load,
    eval: &Evaluation,
    k: usize,
    entry: Option<usize>,
) -> ClassTime {
    let Some(entry) = entry else {
        return ClassTime::fixed(0.0);
    };
    let total = eval.visit(k, entry, Op::Read);
    if !total.mean.is_finite() || !total.variance.is_finite() {
        return ClassTime {
            mean: f64::INFINITY,
            variance: f64::INFINITY,
            masses: None,
            screened: false,
        };
    }
    if total.variance <= 1e-12 * total.mean * total.mean {
        return ClassTime::fixed(total.mean);
    }
    let sd = total.variance.sqrt();
    let walk_on = |grid| Walk {
        spec,
        tree,
        load,
        eval,
        k,
        grid,
        least_variance: SUMMARY_SHARE * total.variance,
        forked: Cell::new(false),
    };
    let mut grid = Grid::for_time(total.mean, sd);
    let needed = walk_on(grid).needed(entry);
    // A rare branch lies past the standard deviations' reach: the grid takes it in
    // from the start (its reach in the first three quarters), not on a second walk.
    let rare = walk_on(grid).rare_excursion(&needed);
    if rare > 0.0 {
        let reach = (total.mean + rare + RARE_SDS * sd) * 4.0 / 3.0;
        grid = grid.widened((reach / grid.period_ms()).max(1.0));
    }
    let mut masses = Vec::new();
    let mut forked = false;
    for _ in 0..=WIDENINGS {
        let walk = walk_on(grid);
        masses = walk.build(&needed).masses();
        forked = walk.forked.get();
        // The grid is sized from the variance of independent visits; correlated ones
        // (a chain of calls to one queue) spread further: widen until the tail fits.
        let top: f64 = masses[masses.len() * 3 / 4..].iter().sum();
        if top <= TAIL_LEFT_OUT {
            break;
        }
        grid = grid.widened(2.0);
    }
    // The moments carry the longest of parallel calls as Clark's normal maximum of
    // independent branches; the distribution has it exactly, correlated: its mean then.
    let mean = if forked {
        moments_of_masses(&masses, grid.step_ms).0
    } else {
        total.mean
    };
    ClassTime {
        mean,
        variance: total.variance,
        masses: Some((masses, grid.step_ms)),
        screened: false,
    }
}

/// A distribution with more than this mass in its grid's last quarter is walked again
/// on a grid twice as long, at most [`WIDENINGS`] times.
const TAIL_LEFT_OUT: f64 = 1e-4;
const WIDENINGS: usize = 3;
/// A branch taken with a probability below this (and above [`TAIL_LEFT_OUT`]) can lie
/// past the grid the standard deviations give (`Grid::for_time`'s 14 reach a branch
/// of probability `p` only when `14·√p` is above 1).
const RARE: f64 = 5e-3;
/// The spread allowed past a rare branch's time, in the class's standard deviations.
const RARE_SDS: f64 = 4.0;

/// A visit: an entry (a component, or one of its operations) and the op it arrives
/// with.
type Visit = (usize, Op);

struct Walk<'a> {
    spec: &'a Spec,
    tree: &'a CallTree,
    load: &'a Load<'a>,
    eval: &'a Evaluation,
    k: usize,
    grid: Grid,
    least_variance: f64,
    /// Whether a `parallel` slot was met.
    forked: Cell<bool>,
}

/// One sync call a visit makes, as the walk sees it.
struct CallSite {
    dep: usize,
    callee: Visit,
    on_miss: bool,
}

impl Walk<'_> {
    /// The component entry `e` is of.
    fn comp(&self, e: usize) -> usize {
        self.tree.entries.component(e)
    }

    /// The visits worth walking: the entry's and every callee's above the variance
    /// floor, callees before their callers, the entry last.
    fn needed(&self, entry: usize) -> Vec<Visit> {
        let mut needed: Vec<Visit> = vec![(entry, Op::Read)];
        let mut seen: HashMap<Visit, ()> = HashMap::from([((entry, Op::Read), ())]);
        let mut next = 0;
        while let Some(&(e, op)) = needed.get(next) {
            next += 1;
            for slot in self.tree.slots_of(self.comp(e)) {
                for site in self.sites(e, op, slot) {
                    let m = self.eval.visit(self.k, site.callee.0, site.callee.1);
                    if m.variance >= self.least_variance && seen.insert(site.callee, ()).is_none() {
                        needed.push(site.callee);
                    }
                }
            }
        }
        needed.sort_by_key(|&(e, op)| (self.tree.position_of(self.comp(e)), e, op == Op::Write));
        needed
    }

    /// The distribution of the last of `needed` (the entry's), each visit's built after
    /// its callees'.
    fn build(&self, needed: &[Visit]) -> Spectrum {
        let mut built: HashMap<Visit, Spectrum> = HashMap::with_capacity(needed.len());
        for &(e, op) in needed {
            let s = self.visit(e, op, &built);
            built.insert((e, op), s);
        }
        needed
            .last()
            .and_then(|v| built.remove(v))
            .unwrap_or_else(|| Spectrum::zero(self.grid))
    }

    /// How far past its mean a rare branch takes the last of `needed` (the entry's
    /// visit), ms; 0 without one. A rare branch is taken with a probability in
    /// ([`TAIL_LEFT_OUT`], [`RARE`]): a retry after an external's error (one more
    /// attempt) or after a timeout (the timeout), a cache's rare miss (its calls), a
    /// rare cold start. Estimated from the moments: an attempt reaches its mean plus
    /// [`RARE_SDS`] standard deviations. A callee left out of `needed` has too little
    /// variance to carry one.
    fn rare_excursion(&self, needed: &[Visit]) -> f64 {
        let rare = |p: f64| p > TAIL_LEFT_OUT && p < RARE;
        let mut reach: HashMap<Visit, f64> = HashMap::with_capacity(needed.len());
        for &(e, op) in needed {
            let c = self.comp(e);
            let comp = &self.spec.components[c];
            let mut own = 0.0f64;
            if let OwnTime::Served {
                cold_start_ms,
                cold_start_ratio,
                ..
            } = self.eval.results[c].own
            {
                if rare(cold_start_ratio) {
                    own = cold_start_ms;
                }
            }
            let mut calls_reach = 0.0f64;
            let mut miss_path = 0.0;
            for slot in self.tree.slots_of(c) {
                for site in self.sites(e, op, slot) {
                    let d = &self.spec.dependencies[site.dep];
                    let callee = &self.spec.components[self.comp(site.callee.0)];
                    let m = self.eval.visit(self.k, site.callee.0, site.callee.1);
                    let wire = self
                        .tree
                        .round_trip(site.dep)
                        .map_or(0.0, |trip| trip.cross_ms.max(trip.same_ms));
                    let attempt = m.mean + wire + RARE_SDS * m.variance.max(0.0).sqrt();
                    let mut far = reach.get(&site.callee).copied().unwrap_or(0.0);
                    if let Some(t) = d.timeout_ms {
                        far = far.min(t);
                    }
                    if d.retries_or_default() > 0 {
                        if rare(callee.call_failure()) {
                            far = far.max(attempt);
                        }
                        if let Some(t) = d.timeout_ms {
                            if rare(gamma_survival(m.mean, m.variance, t)) {
                                far = far.max(t);
                            }
                        }
                    }
                    if site.on_miss {
                        miss_path += d.calls_or_default().ceil() * attempt;
                    }
                    calls_reach = calls_reach.max(far);
                }
            }
            if rare(1.0 - comp.hit_ratio.unwrap_or(0.0)) {
                calls_reach = calls_reach.max(miss_path);
            }
            reach.insert((e, op), own.max(calls_reach));
        }
        needed
            .last()
            .and_then(|v| reach.get(v).copied())
            .unwrap_or(0.0)
    }

    /// The calls of one slot that class `k`'s visit `(e, op)` makes.
    fn sites<'s>(
        &'s self,
        e: usize,
        op: Op,
        slot: &'s [super::latency::Call],
    ) -> impl Iterator<Item = CallSite> + 's {
        let kind = self.spec.components[self.comp(e)].kind;
        slot.iter().filter_map(move |call| {
            let d = &self.spec.dependencies[call.dep];
            if !self.tree.makes(self.k, call.dep, e) || d.calls_or_default() <= 0.0 {
                return None;
            }
            let on_miss = match firing(kind, op, d.op_or_default()) {
                Firing::Never => return None,
                Firing::OnMiss => true,
                Firing::Always => false,
            };
            Some(CallSite {
                dep: call.dep,
                callee: (call.callee_entry, d.op_or_default()),
                on_miss,
            })
        })
    }

    fn callee(&self, v: Visit, built: &HashMap<Visit, Spectrum>) -> Spectrum {
        built.get(&v).cloned().unwrap_or_else(|| {
            let m: Moments = self.eval.visit(self.k, v.0, v.1);
            Spectrum::from_moments(self.grid, m.mean, m.variance)
        })
    }

    /// Visit `(e, op)`: its own time, then its calls.
    fn visit(&self, e: usize, op: Op, built: &HashMap<Visit, Spectrum>) -> Spectrum {
        let c = self.comp(e);
        let mut total = self.own(e, op);
        let mut downstream = Spectrum::zero(self.grid);
        let mut on_miss = false;
        let mut branches: Vec<Spectrum> = Vec::new();
        let mut forked: Vec<(usize, Visit)> = Vec::new();
        for slot in self.tree.slots_of(c) {
            branches.clear();
            forked.clear();
            for site in self.sites(e, op, slot) {
                forked.push((site.dep, site.callee));
                on_miss |= site.on_miss;
                let d = &self.spec.dependencies[site.dep];
                let callee = &self.spec.components[self.comp(site.callee.0)];
                let failure = callee.call_failure();
                let mut response = self.callee(site.callee, built);
                if let Some(trip) = self.tree.round_trip(site.dep) {
                    let same = Spectrum::delay(self.grid, trip.same_ms);
                    let mut wire = Spectrum::delay(self.grid, trip.cross_ms);
                    wire.mix(trip.cross_share, &same);
                    response.then(&wire);
                }
                let mut one = attempts(
                    response,
                    d.timeout_ms,
                    d.retries_or_default(),
                    failure,
                    d.failure_ignored(),
                );
                if let Some(Some(lock)) = self.load.lock_waits.get(site.dep) {
                    let key = Station::new(lock.key_rate_rps, lock.hold_ms, 0.0, 1);
                    let solved = key.solve();
                    one.then(&Spectrum::from_fn(self.grid, |w| {
                        key.wait_transform(&solved, w)
                    }));
                }
                let calls = d.calls_or_default();
                // One call or fewer has nothing to be correlated with.
                let chain = if calls > 1.0 {
                    self.chain_correlation(site.callee)
                } else {
                    (0.0, 0.0)
                };
                branches.push(repeated(&one, calls, chain));
            }
            if !branches.is_empty() {
                let r = self.fork_correlation(&forked);
                self.forked.set(self.forked.get() || branches.len() > 1);
                downstream.then(&Spectrum::maximum(self.grid, &branches, r));
            }
        }
        if on_miss {
            let miss = 1.0 - self.spec.components[c].hit_ratio.unwrap_or(0.0);
            downstream.with_probability(miss);
        }
        total.then(&downstream);
        total
    }

    /// The queue a visit `v` waits in, as `(utilisation, wait variance, service
    /// variance, share)`: `share` is the part of the visit's variance the queue's wait
    /// and service make (its calls aside) times the chance that two visits sent on
    /// their own land in the same queue (one replica, one shard). None without a queue.
    fn queue_part(&self, (e, op): Visit) -> Option<(f64, f64, f64, f64, u64)> {
        let r = &self.eval.results[self.comp(e)];
        let pool = match op {
            Op::Read => r.pools.last(),
            Op::Write => r.pools.first(),
        }?;
        let station = &pool.hot_station;
        let solved = station.solve();
        let wait = station.wait_variance();
        let service = (station.service_time_cv * station.service_time_ms).powi(2);
        let queue = wait + service;
        let visit = self.eval.visit(self.k, e, op).variance;
        if !solved.stable || !queue.is_finite() || queue <= 0.0 || visit <= 0.0 {
            return None;
        }
        let share = (queue / visit).min(1.0) * pool.same_queue();
        Some((
            solved.utilization,
            wait,
            service,
            share,
            station.servers.max(1),
        ))
    }

    /// The correlation between one request's successive visits `v` one after another,
    /// as `(ρ_chain, share)`: any two are correlated `share·ρ_chain`. A request that
    /// leaves a FCFS queue leaves behind the work that arrived while it was there,
    /// which its next visit waits behind: `ρ` times its time there on average. With one
    /// server every part of that time counts (a long service holds the queue back);
    /// with `c`, a long wait means a backed-up queue still, but a long service holds
    /// back only one server of `c`: `ρ_chain = ρ·(Var W + Var S / c²) / Var T` for the
    /// queue's wait `W`, service `S` and their sum `T` (exact for one server; the `c²`
    /// is fitted to the simulator at c = 2, 4 and 16). `share` is
    /// [`Walk::queue_part`]'s.
    fn chain_correlation(&self, v: Visit) -> (f64, f64) {
        match self.queue_part(v) {
            Some((rho, wait, service, share, servers)) => {
                let c2 = (servers * servers) as f64;
                (rho * (wait + service / c2) / (wait + service), share)
            }
            None => (0.0, 0.0),
        }
    }

    /// The correlation between the branches of a `parallel` slot made by `caller`:
    /// they are queued at the same instant, so their queues see the same arrivals and
    /// are correlated (a fork-join). For `K` M/M/1 branches at utilisation `ρ`,
    /// Nelson and Tantawi's mean of the longest, `[H_K/H_2 + (4/11)(1 - H_K/H_2)ρ]·
    /// (12 - ρ)/8` response times (exact for K = 2), against `H_K` for independent
    /// ones and 1 for identical ones, gives the weight `r` of identical in the mixture
    /// [`Spectrum::maximum`] takes. It is scaled by the least of the branches' share
    /// of their queue's arrivals (other traffic dilutes the common part) and of their
    /// variance ([`Walk::queue_part`]'s `share`), at the branches' mean utilisation.
    fn fork_correlation(&self, branches: &[(usize, Visit)]) -> f64 {
        let k = branches.len();
        if k < 2 {
            return 0.0;
        }
        let mut rho_sum = 0.0;
        let mut least = 1.0f64;
        for &(dep, callee) in branches {
            let Some((rho, _, _, share, _)) = self.queue_part(callee) else {
                return 0.0;
            };
            let calls = self.spec.dependencies[dep].calls_or_default().max(1.0);
            let fork_rate = dependency_rate(
                self.spec,
                self.load.flows,
                &self.eval.attempts,
                dep,
                self.load.scale,
            ) / calls;
            let arrivals = self.load.rates[self.comp(callee.0)].total();
            let traffic = if arrivals > 0.0 {
                (fork_rate / arrivals).min(1.0)
            } else {
                0.0
            };
            rho_sum += rho;
            least = least.min(traffic * share);
        }
        let rho = (rho_sum / k as f64).clamp(0.0, 1.0);
        let h = |n: usize| (1..=n).map(|i| 1.0 / i as f64).sum::<f64>();
        let (h_k, h_2) = (h(k), 1.5);
        let joint = (h_k / h_2 + 4.0 / 11.0 * (1.0 - h_k / h_2) * rho) * (12.0 - rho) / 8.0;
        ((h_k - joint) / (h_k - 1.0)).clamp(0.0, 1.0) * least
    }

    /// A visit's own time (its calls aside).
    fn own(&self, e: usize, op: Op) -> Spectrum {
        let r = &self.eval.results[self.comp(e)];
        match r.own {
            OwnTime::Delay(ms) => Spectrum::delay(self.grid, ms),
            OwnTime::Served {
                cold_start_ms,
                cold_start_ratio,
                acks,
                ..
            } => {
                let (service_ms, cv) = r
                    .service(self.tree.entries.operation(e, self.spec))
                    .unwrap_or((0.0, 0.0));
                let pool = match op {
                    Op::Read => r.pools.last(),
                    Op::Write => r.pools.first(),
                };
                let wait = pool.map(PoolWait::new);
                let acks = acks[usize::from(op == Op::Write)];
                let mut own = Spectrum::from_fn(self.grid, |w| {
                    let service = gamma_transform(service_ms, cv, w);
                    let mut v = wait.as_ref().map_or(C64::ONE, |p| p.at(w)) * service;
                    for _ in 0..acks {
                        v = v * service;
                    }
                    v
                });
                if cold_start_ratio > 0.0 && cold_start_ms > 0.0 {
                    let mut cold = own.clone();
                    cold.then(&Spectrum::delay(self.grid, cold_start_ms));
                    own.mix(1.0 - cold_start_ratio, &cold);
                }
                own
            }
        }
    }
}

/// The `p`-quantile of one visit's own time at operation `operation` of a component,
/// arriving with `op` (its calls aside): its pool's wait, then its own service (and
/// acknowledgements); None for a delay.
pub fn operation_quantile(
    result: &super::component::ComponentResult,
    operation: usize,
    op: Op,
    p: f64,
) -> Option<f64> {
    let t = result.operations.get(operation)?;
    let OwnTime::Served { acks, .. } = result.own else {
        return None;
    };
    let m = result.visit(Some(operation), op);
    if !m.mean.is_finite() || !m.variance.is_finite() {
        return Some(f64::INFINITY);
    }
    let pool = match op {
        Op::Read => result.pools.last(),
        Op::Write => result.pools.first(),
    }?;
    let wait = PoolWait::new(pool);
    let acks = acks[usize::from(op == Op::Write)];
    let grid = Grid::for_time(m.mean, m.variance.sqrt());
    let own = Spectrum::from_fn(grid, |w| {
        let service = gamma_transform(t.service_ms, t.cv, w);
        let mut v = wait.at(w) * service;
        for _ in 0..acks {
            v = v * service;
        }
        v
    });
    Some(super::spectrum::quantile_of_masses(
        &own.masses(),
        grid.step_ms,
        p,
    ))
}

/// A pool's wait: the hottest shard's queue with its share of the visits, the others'
/// with the rest; then, for threads over a smaller CPU, the CPU's queue too.
struct PoolWait {
    hot: (Station, StationResult),
    hot_share: f64,
    other: Option<(Station, StationResult)>,
    cpu: Option<Box<PoolWait>>,
}

impl PoolWait {
    fn new(pool: &PoolResult) -> Self {
        PoolWait {
            hot: (pool.hot_station.clone(), pool.hot_station.solve()),
            hot_share: pool.hot_share,
            other: pool.other_station.as_ref().map(|s| (s.clone(), s.solve())),
            cpu: pool.cpu.as_deref().map(|cpu| Box::new(PoolWait::new(cpu))),
        }
    }

    fn at(&self, w: f64) -> C64 {
        let hot = self.hot.0.wait_transform(&self.hot.1, w);
        let wait = match &self.other {
            Some((s, r)) => {
                hot.scale(self.hot_share) + s.wait_transform(r, w).scale(1.0 - self.hot_share)
            }
            None => hot,
        };
        match &self.cpu {
            Some(cpu) => wait * cpu.at(w),
            None => wait,
        }
    }
}

/// `P(X > t)` for the gamma time of this mean and variance.
fn gamma_survival(mean: f64, variance: f64, t: f64) -> f64 {
    if mean <= 0.0 || !mean.is_finite() || !variance.is_finite() {
        return 0.0;
    }
    if variance <= 1e-12 * mean * mean {
        return if mean > t { 1.0 } else { 0.0 };
    }
    let shape = mean * mean / variance;
    1.0 - gamma_p(shape, t * mean / variance)
}

/// `count` calls one after another: `⌊count⌋` of them, or one more with the
/// probability of the fraction. One request's calls to one queue are correlated
/// `r = share·ρ_chain` pairwise (see [`Walk::chain_correlation`]): they all see much
/// the same queue, whose congestion outlasts the request (the simulator shows the
/// correlation holding at about `ρ_chain` across ten calls, not decaying with their
/// distance). So `n` calls are taken as `Z·(X₁ + … + X_n)` for independent `X_i` and
/// a congestion factor `Z` of mean 1, gamma-distributed, of the cv that gives the sum
/// the variance of `n` calls correlated `r`: `cv_Z² = (n - 1)·r·σ² / (σ² + n·m²)` for
/// a call's mean `m` and variance `σ²`.
fn repeated(one: &Spectrum, count: f64, (rho, share): (f64, f64)) -> Spectrum {
    let whole = count.trunc().min(f64::from(u32::MAX)) as u32;
    let r = (rho * share).clamp(0.0, 1.0);
    let (m, var) = if r > 0.0 { one.moments() } else { (0.0, 0.0) };
    let chain = |n: u32| {
        let sum = one.power(n);
        if n < 2 || r <= 0.0 || var <= 0.0 {
            return sum;
        }
        let n_f = f64::from(n);
        let cv2 = (n_f - 1.0) * r * var / (var + n_f * m * m);
        sum.scale_mixture(&gamma_nodes(cv2.sqrt()))
    };
    let mut out = chain(whole);
    let f = count.fract();
    if f > 0.0 {
        out.mix(1.0 - f, &chain(whole.saturating_add(1)));
    }
    out
}

/// The bands of probability [`gamma_nodes`] puts a node in (finer into the upper
/// tail, where percentiles look).
const BANDS: [f64; 14] = [
    0.0, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1.0,
];
const NODES: usize = BANDS.len() - 1;
/// [`gamma_nodes`] is tabulated at this step of cv up to [`TABULATED_CV`] and
/// interpolated between (the nodes move smoothly with the cv).
const CV_STEP: f64 = 0.02;
const TABULATED_CV: f64 = 3.0;
const ROWS: usize = (TABULATED_CV / CV_STEP) as usize + 1;

/// A discrete stand-in for the gamma distribution of mean 1 and this cv: a node per
/// band of [`BANDS`], at the band's conditional mean, so that the mean is kept exactly.
fn gamma_nodes(cv: f64) -> Vec<(f64, f64)> {
    static TABLE: [OnceLock<[f64; NODES]>; ROWS] = [const { OnceLock::new() }; ROWS];
    if cv <= 1e-6 {
        return vec![(1.0, 1.0)];
    }
    let position = cv / CV_STEP;
    let i = position.floor() as usize;
    let z: [f64; NODES] = if i + 1 < ROWS {
        let row = |i: usize| *TABLE[i].get_or_init(|| gamma_band_means(i as f64 * CV_STEP));
        let (lo, hi, t) = (row(i), row(i + 1), position - i as f64);
        std::array::from_fn(|n| lo[n] + (hi[n] - lo[n]) * t)
    } else {
        gamma_band_means(cv)
    };
    z.iter()
        .zip(BANDS.windows(2))
        .map(|(&z, band)| (z, band[1] - band[0]))
        .collect()
}

/// The conditional mean of each band of [`BANDS`] for the gamma distribution of mean
/// 1 and this cv (all 1 at cv 0).
fn gamma_band_means(cv: f64) -> [f64; NODES] {
    if cv <= 1e-6 {
        return [1.0; NODES];
    }
    let shape = 1.0 / (cv * cv);
    // With Z = G / shape for G standard gamma of that shape, E[Z; G <= x] = P(shape + 1, x).
    let partial = |p: f64| {
        if p >= 1.0 {
            1.0
        } else if p <= 0.0 {
            0.0
        } else {
            gamma_p(shape + 1.0, gamma_quantile(shape, p))
        }
    };
    std::array::from_fn(|n| {
        let (lo, hi) = (BANDS[n], BANDS[n + 1]);
        (partial(hi) - partial(lo)) / (hi - lo)
    })
}

/// A call whose attempt takes `response`, cut at `timeout_ms` and tried again up to
/// `retries` times after a failure (the cut, or an error with probability `error`):
/// with `G` the part of the attempt's distribution within the timeout and `P` the
/// probability beyond it, an attempt fails as `F = P·e^{-iωt} + error·G` and succeeds as
/// `S = (1 - error)·G`; the call, answered, is `Σ_{i <= retries} F^i S` over its
/// probability (a request that fails is an error, not a latency; every attempt failing
/// leaves the call unanswered, `F^{retries + 1}`). A call whose failure is `ignored`
/// takes its time either way: the all-failed attempts are part of it, unconditioned.
fn attempts(
    response: Spectrum,
    timeout_ms: Option<f64>,
    retries: u32,
    error: f64,
    ignored: bool,
) -> Spectrum {
    if timeout_ms.is_none() && (retries == 0 || error <= 0.0) {
        return response;
    }
    let grid = response.grid;
    let (within, beyond, t) = match timeout_ms {
        Some(t) => {
            let (g, p) = response.cut_at(t);
            (g, p, t)
        }
        None => (response, 0.0, 0.0),
    };
    // The chance the call is answered: Σ f^i s at ω = 0.
    let (f0, s0) = (
        beyond + error * (1.0 - beyond),
        (1.0 - error) * (1.0 - beyond),
    );
    let answered: f64 = (0..=retries).map(|i| f0.powi(i as i32) * s0).sum();
    let all_fail = f0.powi(retries as i32 + 1);
    Spectrum::delay(grid, t).zip_with(&within, |cut, g| {
        let fail = cut.scale(beyond) + g.scale(error);
        let succeed = g.scale(1.0 - error);
        let mut sum = C64::ZERO;
        let mut fail_i = C64::ONE;
        for _ in 0..=retries {
            sum = sum + fail_i * succeed;
            fail_i = fail_i * fail;
        }
        if ignored {
            // Σ F^i S + F^(retries + 1): a whole distribution, answered or not.
            sum + fail_i
        } else if answered > 1e-12 {
            sum.scale(1.0 / answered)
        } else {
            // Never answered: the time to fail is all there is.
            fail_i.scale(1.0 / all_fail.max(1e-300))
        }
    })
}
