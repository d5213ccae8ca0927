//! Latency over the call tree: the response time of a visit to a component, its own
//! response plus that of the sync calls it makes, for every class and op.
//!
//! Every time is carried as two moments (mean, variance), so sums, mixtures and maxima
//! stay cheap enough to recompute on every keystroke:
//! - calls in sequence add (taken as independent);
//! - `n` calls on one edge are a whole number of calls plus one more with the
//!   probability of the fraction;
//! - a cache or CDN read goes on downstream only on a miss: a mixture of the hit path
//!   (nothing more) and the miss path, with probability `1 - hit_ratio`;
//! - edges of one caller that share a `parallel` group run at once and the group takes
//!   the longest: the maximum of independent normals by Clark's formulas (1961), an
//!   approximation that is exact in the mean when one branch dominates;
//! - a lock on an edge adds the wait for its key: M/D/1 per key (Pollaczek–Khinchine
//!   mean, Takács second moment), the key taken uniformly among `keys`;
//! - a call's round trip on the wire (see [`super::hops`]) is added to its callee's
//!   response, a mixture of the same-zone and the cross-zone time;
//! - a timeout cuts an attempt at `timeout_ms` and a failed attempt (timed out, or an
//!   external callee failing with probability `1 - availability`) is retried up to
//!   `retries` times: attempts `N` are a truncated geometric, each one lasting
//!   `min(L, timeout)` with `L` fitted by a gamma distribution, and the call is the sum of
//!   `N` attempts (Wald's identities for its mean and variance). The expected attempts
//!   also multiply the load the edge sends (see [`super::load::class_flows_with`]). A
//!   request's latency is its time when answered (a failed one is an error, not a
//!   latency): the failed attempts before the one that succeeds, then that one.
//!
//! A blocking component's servers are held for the downstream time too, so the table is
//! filled bottom-up (callees first) and a blocking component is solved once its callees
//! are known: a single pass, because sync calls form a DAG.

use std::collections::HashMap;

use super::component::{self, ComponentResult, Moments};
use super::hops::{self, RoundTrip};
use super::load::{arrival_rates, dependency_rate, firing, ClassFlow, Firing, Visits};
use super::queueing::gamma_p;
use crate::spec::entries::Entries;
use crate::spec::graph::SystemGraph;
use crate::spec::{Component, Io, Op, Spec};

/// One sync call out of a component.
#[derive(Debug, Clone, Copy)]
pub struct Call {
    pub dep: usize,
    pub callee: usize,
    /// The callee's entry the call arrives at (its operation).
    pub callee_entry: usize,
}

/// The sync call structure of a spec, prepared once.
pub struct CallTree {
    /// Per component: its sync calls in declaration order, grouped into slots run one
    /// after another; the calls of one slot run at once (a `parallel` group).
    slots: Vec<Vec<Vec<Call>>>,
    /// Components with every sync callee before its callers.
    pub bottom_up: Vec<usize>,
    /// Per component: its place in `bottom_up`.
    position: Vec<usize>,
    /// Per component: the components that call it over sync edges (each once).
    callers: Vec<Vec<usize>>,
    /// Per class, per dependency: whether the edge applies to the class.
    applies: Vec<Vec<bool>>,
    /// Whether any edge retries (then the load depends on the latency: a fixed point).
    pub has_retries: bool,
    /// Per dependency: the round trip of a call on the wire (see [`super::hops`]).
    round_trips: Vec<Option<RoundTrip>>,
    /// The places a visit arrives at, one per operation (see `spec::entries`).
    pub entries: Entries,
}

/// The sync calls form a cycle (the validator reports it; the analysis cannot run).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the sync calls form a cycle through {0}")]
pub struct SyncCycle(pub String);

impl CallTree {
    pub fn new(spec: &Spec, graph: &SystemGraph) -> Result<Self, SyncCycle> {
        let n = spec.components.len();
        let mut order = graph.sync_topological_order().map_err(|cycle| {
            let names: Vec<&str> = cycle
                .iter()
                .filter_map(|&i| spec.components.get(i).map(|c| c.name.as_str()))
                .collect();
            SyncCycle(names.join(" -> "))
        })?;
        order.reverse();

        let entries = Entries::new(spec);
        let mut calls: Vec<Vec<Call>> = vec![Vec::new(); n];
        for e in graph.graph.edge_indices() {
            if !graph.is_sync(e) {
                continue;
            }
            let dep = graph.graph[e];
            if let (Some((a, b)), Some(callee_entry)) =
                (graph.graph.edge_endpoints(e), entries.callee(dep))
            {
                calls[graph.graph[a]].push(Call {
                    dep,
                    callee: graph.graph[b],
                    callee_entry,
                });
            }
        }
        let slots: Vec<Vec<Vec<Call>>> = calls
            .into_iter()
            .map(|mut calls| {
                calls.sort_by_key(|c| c.dep);
                let mut slots: Vec<Vec<Call>> = Vec::new();
                let mut group_slot: HashMap<&str, usize> = HashMap::new();
                for call in calls {
                    match spec.dependencies[call.dep].parallel.as_deref() {
                        Some(group) => match group_slot.get(group) {
                            Some(&slot) => slots[slot].push(call),
                            None => {
                                group_slot.insert(group, slots.len());
                                slots.push(vec![call]);
                            }
                        },
                        None => slots.push(vec![call]),
                    }
                }
                slots
            })
            .collect();
        let applies = spec
            .workload
            .classes
            .iter()
            .map(|k| {
                spec.dependencies
                    .iter()
                    .map(|d| d.applies_to(&k.name))
                    .collect()
            })
            .collect();
        let has_retries = spec.dependencies.iter().any(|d| d.retries_or_default() > 0);
        let mut position = vec![0; n];
        for (i, &c) in order.iter().enumerate() {
            position[c] = i;
        }
        let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (caller, slots) in slots.iter().enumerate() {
            for call in slots.iter().flatten() {
                callers[call.callee].push(caller);
            }
        }
        for list in &mut callers {
            list.sort_unstable();
            list.dedup();
        }
        Ok(CallTree {
            slots,
            bottom_up: order,
            position,
            callers,
            applies,
            has_retries,
            round_trips: hops::round_trips(spec),
            entries,
        })
    }

    /// `target` and every component that calls it, directly or not, over sync edges:
    /// the components whose latency a change to `target` can move, bottom-up. `marked`
    /// (all false on entry, one per component) is left true at each of them, so that
    /// the work is the callers' number, not the model's size.
    pub fn target_and_callers(&self, target: usize, marked: &mut [bool]) -> Vec<usize> {
        let mut found = vec![target];
        marked[target] = true;
        let mut next = 0;
        while let Some(&c) = found.get(next) {
            next += 1;
            for &caller in &self.callers[c] {
                if !marked[caller] {
                    marked[caller] = true;
                    found.push(caller);
                }
            }
        }
        found.sort_unstable_by_key(|&c| self.position[c]);
        found
    }

    /// Component `c`'s sync calls, slot by slot (the calls of one slot run at once).
    pub fn slots_of(&self, c: usize) -> &[Vec<Call>] {
        &self.slots[c]
    }

    /// Component `c`'s place in `bottom_up`.
    pub fn position_of(&self, c: usize) -> usize {
        self.position[c]
    }

    /// Whether dependency `dep` applies to class `k`.
    pub fn applies(&self, k: usize, dep: usize) -> bool {
        self.applies[k][dep]
    }

    /// Whether a visit of class `k` to entry `e` makes the call on dependency `dep`.
    pub fn makes(&self, k: usize, dep: usize, e: usize) -> bool {
        self.applies[k][dep] && self.entries.makes(dep, e)
    }

    /// The round trip of a call on dependency `dep` on the wire, where it has one.
    pub fn round_trip(&self, dep: usize) -> Option<RoundTrip> {
        self.round_trips.get(dep).copied().flatten()
    }

    /// The sync calls a component makes (the work of recomputing it).
    pub fn calls_of(&self, c: usize) -> usize {
        self.slots[c].iter().map(Vec::len).sum()
    }
}

/// The traffic the analysis is evaluated at: the flows per request and the peak rates
/// times `scale`.
pub struct Load<'a> {
    pub flows: &'a [ClassFlow],
    pub scale: f64,
    /// Arrival rate at every component (all classes, requests per second).
    pub rates: Vec<Visits>,
    /// Per dependency: the wait for a lock key, when the edge takes a lock.
    pub lock_waits: Vec<Option<LockWait>>,
    /// Per component: the queues it consumes from, when only queues reach it
    /// (`load::consumed_queues`), whose partitions may bound its consumers.
    pub consumed: Vec<Vec<usize>>,
    /// The places a visit arrives at, one per operation (see `spec::entries`).
    pub entries: Entries,
    /// Arrival rate at every entry (all classes, requests per second).
    pub entry_rates: Vec<Visits>,
}

impl Load<'_> {
    /// The partitions that bound component `c`'s consumers, with `component` giving
    /// the definitions in force.
    pub fn partition_bound<'c>(
        &self,
        c: usize,
        component: impl Fn(usize) -> &'c Component,
    ) -> Option<u32> {
        super::load::partition_bound(&self.consumed[c], component)
    }

    /// The arrivals at component `c`'s entries, one per operation.
    pub fn mix(&self, c: usize) -> &[Visits] {
        &self.entry_rates[self.entries.of(c)]
    }
}

/// The queue in front of one lock key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LockWait {
    /// Lock acquisitions per second on one key.
    pub key_rate_rps: f64,
    /// How long one acquisition holds its key.
    pub hold_ms: f64,
    /// The share of time one key is held.
    pub key_utilization: f64,
    pub wait: Moments,
}

impl<'a> Load<'a> {
    pub fn new(spec: &Spec, flows: &'a [ClassFlow], scale: f64) -> Self {
        let rates = arrival_rates(spec, flows, scale);
        let index: HashMap<&str, usize> = spec
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.as_str(), i))
            .collect();
        let lock_waits = spec
            .dependencies
            .iter()
            .enumerate()
            .map(|(dep, d)| {
                let lock = d.lock.as_ref()?;
                index.get(d.from.as_str())?;
                // The lock is taken once per call; retries are not counted here.
                let edge_rate = dependency_rate(spec, flows, &[], dep, scale);
                Some(lock_wait(edge_rate, lock.keys, lock.hold_ms))
            })
            .collect();
        let entries = Entries::new(spec);
        let mut entry_rates = vec![Visits::default(); entries.len()];
        for (class, flow) in spec.workload.classes.iter().zip(flows) {
            let class_rate = class.rate() * scale;
            for (rate, visits) in entry_rates.iter_mut().zip(&flow.entry_visits) {
                rate.read += class_rate * visits.read;
                rate.write += class_rate * visits.write;
            }
        }
        Load {
            flows,
            scale,
            rates,
            lock_waits,
            consumed: super::load::consumed_queues(spec),
            entries,
            entry_rates,
        }
    }
}

/// M/D/1 per key: `rate_rps` acquisitions spread uniformly over `keys`, each held
/// `hold_ms`.
pub fn lock_wait(rate_rps: f64, keys: u64, hold_ms: f64) -> LockWait {
    let lambda = rate_rps / keys.max(1) as f64 / 1000.0; // per ms
    let rho = lambda * hold_ms;
    let wait = if rho >= 1.0 {
        Moments::INFINITE
    } else {
        let mean = rho * hold_ms / (2.0 * (1.0 - rho));
        let second = 2.0 * mean * mean + lambda * hold_ms.powi(3) / (3.0 * (1.0 - rho));
        Moments {
            mean,
            variance: (second - mean * mean).max(0.0),
        }
    };
    LockWait {
        key_rate_rps: lambda * 1000.0,
        hold_ms,
        key_utilization: rho,
        wait,
    }
}

/// What one evaluation of the model gives.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub results: Vec<ComponentResult>,
    /// `[class * entries + entry]`: the response of one visit to an entry (a
    /// component, or one of its operations) with its downstream calls, for a read (0)
    /// and a write (1).
    pub latency: Vec<[Moments; 2]>,
    /// `[class][dependency]`: expected attempts per call (1 without retries).
    pub attempts: Vec<Vec<f64>>,
    /// `[class][dependency]`: the probability that one attempt fails or times out.
    pub attempt_failure: Vec<Vec<f64>>,
    n: usize,
}

impl Evaluation {
    /// The response of class `class`'s visit to entry `entry` arriving with `op`.
    pub fn visit(&self, class: usize, entry: usize, op: Op) -> Moments {
        self.latency[class * self.n + entry][op_index(op)]
    }
}

fn op_index(op: Op) -> usize {
    match op {
        Op::Read => 0,
        Op::Write => 1,
    }
}

impl Evaluation {
    /// An evaluation with nothing computed yet.
    pub fn empty(spec: &Spec) -> Self {
        let n: usize = spec
            .components
            .iter()
            .map(|c| c.operations().len().max(1))
            .sum();
        let classes = spec.workload.classes.len();
        Evaluation {
            results: vec![ComponentResult::idle(); spec.components.len()],
            latency: vec![[Moments::ZERO; 2]; classes * n],
            attempts: vec![vec![1.0; spec.dependencies.len()]; classes],
            attempt_failure: vec![vec![0.0; spec.dependencies.len()]; classes],
            n,
        }
    }

    /// Puts back the components in `only` from `base` (undoing a what-if).
    pub fn restore(&mut self, base: &Evaluation, entries: &Entries, only: &[usize]) {
        for &c in only {
            self.results[c].clone_from(&base.results[c]);
            for k in 0..self.latency.len() / self.n.max(1) {
                for e in entries.of(c) {
                    self.latency[k * self.n + e] = base.latency[k * self.n + e];
                }
            }
        }
    }
}

/// Evaluates the model under `load`.
pub fn evaluate(spec: &Spec, tree: &CallTree, load: &Load) -> Evaluation {
    let mut eval = Evaluation::empty(spec);
    evaluate_into(spec, tree, load, &[], None, &mut eval);
    eval
}

/// Evaluates the components in `only` (bottom-up, as `CallTree::target_and_callers`
/// gives them; all when `None`) into `eval`, with the components in `replaced` swapped
/// for other definitions: a what-if on a few components needs only them and their
/// callers recomputed.
pub fn evaluate_into(
    spec: &Spec,
    tree: &CallTree,
    load: &Load,
    replaced: &[(usize, Component)],
    only: Option<&[usize]>,
    eval: &mut Evaluation,
) {
    let n = eval.n;
    let entries = &tree.entries;
    let classes = spec.workload.classes.len();
    // Per class, per entry of the component, read and write.
    let mut downstream: Vec<[Moments; 2]> = Vec::new();
    for &c in only.unwrap_or(&tree.bottom_up) {
        let component = replaced
            .iter()
            .find(|(i, _)| *i == c)
            .map_or(&spec.components[c], |(_, def)| def);
        let own_entries = entries.of(c);
        let width = own_entries.len();
        downstream.clear();
        downstream.resize(classes * width, [Moments::ZERO; 2]);
        for (k, flow) in load.flows.iter().enumerate() {
            for (j, e) in own_entries.clone().enumerate() {
                let visits = flow.entry_visits[e];
                for (op, count) in [(Op::Read, visits.read), (Op::Write, visits.write)] {
                    if count > 0.0 {
                        downstream[k * width + j][op_index(op)] =
                            downstream_calls(spec, tree, load, eval, component, c, e, k, op);
                    }
                }
            }
        }
        let blocking = component.io_or_default() == Io::Blocking;
        // In a what-if the load is unchanged, so only a replaced component and a
        // blocking one (whose hold moved) need their queue solved again.
        if only.is_none() || blocking || replaced.iter().any(|(i, _)| *i == c) {
            let hold = if blocking {
                blocking_hold(spec, load, c, &downstream)
            } else {
                Moments::ZERO
            };
            let bound = load.partition_bound(c, |q| {
                replaced
                    .iter()
                    .find(|(i, _)| *i == q)
                    .map_or(&spec.components[q], |(_, def)| def)
            });
            eval.results[c] =
                component::analyse(component, load.rates[c], load.mix(c), hold, bound);
        }
        let result = &eval.results[c];
        let listed = !component.operations().is_empty();
        for (k, flow) in load.flows.iter().enumerate() {
            for (j, e) in own_entries.clone().enumerate() {
                let visits = flow.entry_visits[e];
                let operation = listed.then_some(j);
                for (op, count) in [(Op::Read, visits.read), (Op::Write, visits.write)] {
                    let i = op_index(op);
                    eval.latency[k * n + e][i] = if count > 0.0 {
                        result
                            .visit(operation, op)
                            .plus(downstream[k * width + j][i])
                    } else {
                        Moments::ZERO
                    };
                }
            }
        }
    }
}

/// The downstream time a blocking component's server is held: the mixture over the
/// classes, entries and ops arriving, weighted by their rates. `downstream` is per
/// class, per entry of `c`.
fn blocking_hold(spec: &Spec, load: &Load, c: usize, downstream: &[[Moments; 2]]) -> Moments {
    let (mut weight, mut mean, mut second) = (0.0, 0.0, 0.0);
    let own = load.entries.of(c);
    let width = own.len();
    for (k, (class, flow)) in spec.workload.classes.iter().zip(load.flows).enumerate() {
        for (j, e) in own.clone().enumerate() {
            let v = flow.entry_visits[e];
            let d = downstream[k * width + j];
            for (count, m) in [(v.read, d[0]), (v.write, d[1])] {
                let w = class.rate() * count;
                if w > 0.0 {
                    weight += w;
                    mean += w * m.mean;
                    second += w * (m.variance + m.mean * m.mean);
                }
            }
        }
    }
    if weight <= 0.0 {
        return Moments::ZERO;
    }
    if !mean.is_finite() || !second.is_finite() {
        return Moments::INFINITE;
    }
    let mean = mean / weight;
    Moments {
        mean,
        variance: (second / weight - mean * mean).max(0.0),
    }
}

/// The time of the sync calls one visit of class `k` to entry `e` of component `c`,
/// arriving with `op`, makes.
#[allow(clippy::too_many_arguments)]
fn downstream_calls(
    spec: &Spec,
    tree: &CallTree,
    load: &Load,
    eval: &mut Evaluation,
    component: &Component,
    c: usize,
    e: usize,
    k: usize,
    op: Op,
) -> Moments {
    let mut total = Moments::ZERO;
    let mut on_miss = false;
    let mut branches: Vec<Moments> = Vec::new();
    for slot in &tree.slots[c] {
        branches.clear();
        for call in slot {
            let d = &spec.dependencies[call.dep];
            if !tree.makes(k, call.dep, e) {
                continue;
            }
            match firing(component.kind, op, d.op_or_default()) {
                Firing::Never => continue,
                Firing::OnMiss => on_miss = true,
                Firing::Always => {}
            }
            let calls = d.calls_or_default();
            if calls <= 0.0 {
                continue;
            }
            let callee = &spec.components[call.callee];
            let mut response = eval.visit(k, call.callee_entry, d.op_or_default());
            if let Some(trip) = tree.round_trip(call.dep) {
                response = response.plus(trip.moments());
            }
            let failure = callee.call_failure();
            let tried = attempts(response, d.timeout_ms, d.retries_or_default(), failure);
            eval.attempts[k][call.dep] = tried.expected_attempts;
            eval.attempt_failure[k][call.dep] = tried.attempt_failure;
            // A call whose failure is ignored takes its time either way: the request
            // goes on after its last failed attempt.
            let mut one_call = if d.failure_ignored() {
                tried.time
            } else {
                tried.answered
            };
            if let Some(Some(lock)) = load.lock_waits.get(call.dep) {
                one_call = one_call.plus(lock.wait);
            }
            branches.push(repeated(one_call, calls));
        }
        total = total.plus(maximum(&branches));
    }
    if on_miss {
        let miss = 1.0 - component.hit_ratio.unwrap_or(0.0);
        total = bernoulli(total, miss);
    }
    total
}

/// `count` independent copies of `m` in sequence: the whole part always, one more with
/// the probability of the fraction.
pub fn repeated(m: Moments, count: f64) -> Moments {
    if !m.mean.is_finite() {
        return Moments::INFINITE;
    }
    let f = count.fract();
    Moments {
        mean: count * m.mean,
        variance: count * m.variance + f * (1.0 - f) * m.mean * m.mean,
    }
}

/// `m` with probability `p`, nothing otherwise.
pub fn bernoulli(m: Moments, p: f64) -> Moments {
    if p <= 0.0 {
        return Moments::ZERO;
    }
    if !m.mean.is_finite() {
        return Moments::INFINITE;
    }
    Moments {
        mean: p * m.mean,
        variance: p * m.variance + p * (1.0 - p) * m.mean * m.mean,
    }
}

/// The maximum of independent times, folded pairwise by Clark's formulas.
pub fn maximum(branches: &[Moments]) -> Moments {
    let mut it = branches.iter().copied();
    let Some(first) = it.next() else {
        return Moments::ZERO;
    };
    it.fold(first, clark_max)
}

fn clark_max(x: Moments, y: Moments) -> Moments {
    if !x.mean.is_finite() || !y.mean.is_finite() {
        return Moments::INFINITE;
    }
    let a = (x.variance + y.variance).sqrt();
    if a <= 1e-12 * (x.mean.abs() + y.mean.abs()).max(1e-300) {
        return if x.mean >= y.mean { x } else { y };
    }
    let alpha = (x.mean - y.mean) / a;
    let (cdf, pdf) = (normal_cdf(alpha), normal_pdf(alpha));
    let mean = x.mean * cdf + y.mean * (1.0 - cdf) + a * pdf;
    let second = (x.mean * x.mean + x.variance) * cdf
        + (y.mean * y.mean + y.variance) * (1.0 - cdf)
        + (x.mean + y.mean) * a * pdf;
    Moments {
        mean,
        variance: (second - mean * mean).max(0.0),
    }
}

fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Φ(x) from erfc (W. J. Cody's rational approximations are overkill here; this is the
/// Numerical Recipes erfc, relative error below 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

fn erfc(x: f64) -> f64 {
    // The polynomial's coefficients after the constant term, by rising power of t,
    // evaluated by Horner's rule (the same operations, in the same order, as the nested
    // form; written as a fold because rustfmt takes tens of seconds on the nesting).
    const C: [f64; 9] = [
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ];
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let tail = C.iter().rev().fold(0.0, |acc, c| c + t * acc);
    let r = t * (-z * z - 1.265_512_23 + t * tail).exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

/// One call with its timeout and retries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempts {
    /// The call's time, whether it ends answered or failed.
    pub time: Moments,
    /// The call's time when it ends answered (the failed attempts before the one that
    /// succeeds, then that one): what a request's latency is made of, since a failed
    /// request counts as an error, not as a latency. `time` when none is answered.
    pub answered: Moments,
    pub expected_attempts: f64,
    /// The probability that one attempt fails (timeout or error).
    pub attempt_failure: f64,
    /// The probability that every attempt fails: the call errors.
    pub call_failure: f64,
}

/// A call whose response is `response`, cut at `timeout_ms` and retried up to `retries`
/// times after a failure; `error` is the probability an attempt fails outright.
pub fn attempts(response: Moments, timeout_ms: Option<f64>, retries: u32, error: f64) -> Attempts {
    let (in_time, one) = match timeout_ms {
        Some(t) => truncated(response, t),
        None => (1.0, response),
    };
    let f = (1.0 - (1.0 - error) * in_time).clamp(0.0, 1.0);
    if timeout_ms.is_none() && (retries == 0 || f == 0.0) {
        return Attempts {
            time: response,
            answered: response,
            expected_attempts: 1.0,
            attempt_failure: f,
            call_failure: f,
        };
    }
    let answered = answered_time(response, one, in_time, timeout_ms, f, error, retries);
    // N attempts, P(N > i) = f^i for i <= retries.
    let (mut en, mut en2, mut fi) = (0.0, 0.0, 1.0);
    for i in 0..=retries {
        en += fi;
        en2 += (2.0 * f64::from(i) + 1.0) * fi;
        fi *= f;
    }
    let time = if one.mean.is_finite() {
        Moments {
            mean: en * one.mean,
            variance: en * one.variance + (en2 - en * en).max(0.0) * one.mean * one.mean,
        }
    } else {
        Moments::INFINITE
    };
    Attempts {
        time,
        answered: answered.unwrap_or(time),
        expected_attempts: en,
        attempt_failure: f,
        call_failure: fi,
    }
}

/// The time of a call that ends answered: `K` failed attempts, then one within the
/// timeout, `K` truncated geometric on 0..=retries with ratio `f` (each attempt fails
/// with `f`), a failed attempt lasting the timeout (cut) or a time within it (an error),
/// a successful one a time within it. `one` is min(L, t), `in_time` P(L <= t). None when
/// no attempt can succeed.
fn answered_time(
    response: Moments,
    one: Moments,
    in_time: f64,
    timeout_ms: Option<f64>,
    f: f64,
    error: f64,
    retries: u32,
) -> Option<Moments> {
    if f >= 1.0 || in_time <= 0.0 || !one.mean.is_finite() {
        return None;
    }
    // L given L <= t, from min(L, t): E[min^k] = q E[L^k | in] + (1 - q) t^k.
    let t = timeout_ms.unwrap_or(0.0);
    let (q, out) = (in_time, 1.0 - in_time);
    let (m_in, e2_in) = match timeout_ms {
        Some(_) => (
            (one.mean - out * t) / q,
            (one.variance + one.mean * one.mean - out * t * t) / q,
        ),
        None => (
            response.mean,
            response.variance + response.mean * response.mean,
        ),
    };
    let v_in = (e2_in - m_in * m_in).max(0.0);
    // A failed attempt: the timeout with probability (1 - q)/f, an error within it
    // with error·q/f.
    let (mut fail_mean, mut fail_e2) = (0.0, 0.0);
    if f > 0.0 {
        fail_mean = (out * t + error * q * m_in) / f;
        fail_e2 = (out * t * t + error * q * e2_in) / f;
    }
    let fail_var = (fail_e2 - fail_mean * fail_mean).max(0.0);
    let (mut w, mut ek, mut ek2, mut fi) = (0.0, 0.0, 0.0, 1.0);
    for i in 0..=retries {
        let i = f64::from(i);
        w += fi;
        ek += i * fi;
        ek2 += i * i * fi;
        fi *= f;
    }
    let (ek, ek2) = (ek / w, ek2 / w);
    Some(Moments {
        mean: ek * fail_mean + m_in,
        variance: ek * fail_var + (ek2 - ek * ek).max(0.0) * fail_mean * fail_mean + v_in,
    })
}

/// P(L <= t) and the moments of min(L, t), L fitted by a gamma distribution.
fn truncated(l: Moments, t: f64) -> (f64, Moments) {
    if !l.mean.is_finite() {
        return (0.0, Moments::delay(t));
    }
    if l.variance <= 1e-12 * l.mean * l.mean {
        return if l.mean <= t {
            (1.0, l)
        } else {
            (0.0, Moments::delay(t))
        };
    }
    let shape = l.mean * l.mean / l.variance;
    let scale = l.variance / l.mean;
    let x = t / scale;
    let in_time = gamma_p(shape, x);
    let mean = shape * scale * gamma_p(shape + 1.0, x) + t * (1.0 - in_time);
    let second =
        shape * (shape + 1.0) * scale * scale * gamma_p(shape + 2.0, x) + t * t * (1.0 - in_time);
    (
        in_time,
        Moments {
            mean,
            variance: (second - mean * mean).max(0.0),
        },
    )
}
