//! Closed classes: a population of `users` who each send a request, wait for its
//! answer, think `think_time_ms`, and send again (a load generator's virtual users, a
//! fixed pool of clients). Their throughput is what the system lets them reach, found
//! by mean-value analysis (MVA); every other figure of the analysis is then the open
//! model's at that throughput (see [`with_throughputs`]), a closed class's latency at
//! the load its requests see (see [`seen_load`]).
//!
//! The network MVA solves: each pool of servers is one queueing station per replica
//! queue (`replicas x shards` alike queues of `cpu_parallelism` servers, each a share
//! of the pool's visits), a closed request's demand there its sync visits times the
//! own service time (`Component::own_service_ms`); everything else a request waits for
//! at no load (CDNs, externals, functions, the wire, the service times themselves, a
//! fork's longest branch) is its time at no load, `R0`, from the open model at a
//! vanishing rate, and the queueing MVA finds is added to it (a fork's branches'
//! queueing in sequence, which errs long). Open classes take their utilisation `U` of
//! each station first: a closed request's residence there is `D (1 + A) / (1 - U)`
//! (exact for mixed product-form networks). A station of `c` servers is Seidmann's:
//! one server `c` times as fast plus a delay of the rest of the service time.
//!
//! With one closed class the recursion over the population is exact (for single-server
//! stations: the textbook MVA); with several, Bard and Schweitzer's approximation
//! (each class sees the queue its own one request fewer leaves behind), to a relative
//! change below 1e-10. Not in MVA: a blocking pool's held threads, retries and
//! timeouts, a lock's wait; the open model at the throughput found has them.
//!
//! Against the simulator's fixed populations (tests/engine/closed.rs, the bazaar
//! example): throughput within 1 %; mean, p50 and p99 within 5 % from tens of users
//! up; with few users near saturation the p99 errs long (3 users on a station at 0.93:
//! +41 %, 10 users at 0.75: +20 %), their queue never holding more than themselves.

use std::borrow::Cow;

use super::component;
use super::latency::{evaluate, CallTree, Evaluation, Load};
use super::load::class_flows;
use super::AnalysisError;
use crate::spec::graph::SystemGraph;
use crate::spec::{ComponentKind, Spec};

/// Above this population a single closed class is solved by the approximation too
/// (the exact recursion costs a pass over the stations per user).
const EXACT_USERS: u32 = 10_000;
const ITERATIONS: usize = 10_000;

/// One closed class solved: its throughput and mean response at its population, and
/// the same at smaller and larger ones.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedClass {
    pub class: usize,
    pub users: u32,
    pub think_time_ms: f64,
    pub throughput_rps: f64,
    /// The mean response MVA gives (the open model's at the throughput may differ).
    pub mean_response_ms: f64,
    /// (users, throughput, mean response) at a few populations around `users`, the
    /// others' held as they are.
    pub curve: Vec<(u32, f64, f64)>,
    pub waits: ComponentWaits,
}

/// Per queueing component: (its index, the queueing one request meets there, ms).
pub type ComponentWaits = Vec<(usize, f64)>;

/// One queue of a pool, as MVA sees it.
#[derive(Debug, Clone)]
struct Station {
    component: usize,
    /// Alike queues (replicas x shards) sharing the pool's visits.
    queues: f64,
    servers: f64,
    /// The open classes' utilisation of each server.
    open_utilization: f64,
    /// Per closed class: the demand one request puts on one queue, ms.
    demand: Vec<f64>,
}

/// The closed network: its stations and, per closed class, its population, think
/// time and time at no load.
#[derive(Debug, Clone)]
struct Network {
    stations: Vec<Station>,
    users: Vec<u32>,
    think_ms: Vec<f64>,
    unloaded_ms: Vec<f64>,
}

/// `spec` with each closed class's `rate_rps` its throughput (borrowed unchanged when
/// it has none), and the closed classes solved.
pub fn with_throughputs(spec: &Spec) -> Result<(Cow<'_, Spec>, Vec<ClosedClass>), AnalysisError> {
    if !spec.workload.classes.iter().any(|k| k.is_closed()) {
        return Ok((Cow::Borrowed(spec), Vec::new()));
    }
    let (network, closed) = network(spec)?;
    let (solved, waits) = network.solve_with_waits();
    let mut out = Vec::with_capacity(closed.len());
    let mut effective = spec.clone();
    for (i, &k) in closed.iter().enumerate() {
        let (x, r) = solved[i];
        effective.workload.classes[k].rate_rps = Some(x * 1000.0);
        out.push(ClosedClass {
            class: k,
            users: network.users[i],
            think_time_ms: network.think_ms[i],
            throughput_rps: x * 1000.0,
            mean_response_ms: r,
            curve: network.curve(i),
            waits: waits[i].clone(),
        });
    }
    Ok((Cow::Owned(effective), out))
}

/// The MVA network of `spec`'s closed classes (their indices beside it).
fn network(spec: &Spec) -> Result<(Network, Vec<usize>), AnalysisError> {
    let closed: Vec<usize> = (0..spec.workload.classes.len())
        .filter(|&k| spec.workload.classes[k].is_closed())
        .collect();
    // Closed classes at a vanishing rate: their flows, and their time at no load with
    // the open classes at theirs.
    let mut probe = spec.clone();
    for &k in &closed {
        probe.workload.classes[k].rate_rps = Some(0.0);
    }
    let graph = SystemGraph::new(&probe);
    let tree = CallTree::new(&probe, &graph)?;
    let flows = class_flows(&probe)?;
    let idle = evaluate(&probe, &tree, &Load::new(&probe, &flows, 1e-9));
    let unloaded_ms = closed
        .iter()
        .map(|&k| {
            tree.entries
                .class_entry(k)
                .map_or(0.0, |e| idle.visit(k, e, crate::spec::Op::Read).mean)
        })
        .collect();
    let open = super::load::arrival_rates(&probe, &flows, 1.0);
    let open_rates = Load::new(&probe, &flows, 1.0);
    let mut stations = Vec::new();
    for (c, comp) in spec.components.iter().enumerate() {
        if !comp.kind.has_servers() || comp.kind == ComponentKind::Function {
            continue;
        }
        let entries = tree.entries.of(c);
        // A class's own service there: its operations' times, mixed by its visits.
        let service_of = |visits: &dyn Fn(usize) -> f64| {
            let n = comp.operations().len();
            let total: f64 = entries.clone().map(visits).sum();
            if n == 0 || total <= 0.0 {
                return comp.own_service_ms();
            }
            entries
                .clone()
                .enumerate()
                .map(|(o, e)| visits(e) * comp.operation_service_ms(Some(o)))
                .sum::<f64>()
                / total
        };
        let open_service = service_of(&|e| open_rates.entry_rates[e].total());
        let queues = f64::from(comp.replicas_or_default()) * f64::from(comp.shards_or_default());
        // The CPU is the queue whatever holds a thread longer (blocking I/O's hold is
        // not MVA's).
        let servers = f64::from(comp.cpu_parallelism());
        let demand: Vec<f64> = closed
            .iter()
            .map(|&k| {
                let service = service_of(&|e| flows[k].entry_visits[e].total());
                flows[k].sync_visits[c].total() * service / queues
            })
            .collect();
        if demand.iter().all(|d| *d <= 0.0) {
            continue;
        }
        stations.push(Station {
            component: c,
            queues,
            servers,
            open_utilization: open[c].total() / 1000.0 * open_service / (queues * servers),
            demand,
        });
    }
    let users = closed
        .iter()
        .map(|&k| spec.workload.classes[k].users.unwrap_or(0))
        .collect();
    let think_ms = closed
        .iter()
        .map(|&k| spec.workload.classes[k].think_time_ms_or_default())
        .collect();
    Ok((
        Network {
            stations,
            users,
            think_ms,
            unloaded_ms,
        },
        closed,
    ))
}

impl Network {
    /// Per closed class: throughput (per ms) and mean response (ms), and the queueing
    /// each closed request meets at each component (ms per request, beyond its
    /// service).
    fn solve_with_waits(&self) -> (Vec<(f64, f64)>, Vec<ComponentWaits>) {
        let waits = |per_station: &[f64]| -> Vec<(usize, f64)> {
            self.stations
                .iter()
                .zip(per_station)
                .map(|(s, w)| (s.component, s.queues * w))
                .collect()
        };
        if self.users.len() == 1 && self.users[0] <= EXACT_USERS {
            let (all, last_waits) = self.exact_with_waits(self.users[0]);
            let last = all.last().copied().unwrap_or((0.0, 0.0));
            return (vec![last], vec![waits(&last_waits)]);
        }
        let (out, per_class) = self.schweitzer_with_waits(&self.users);
        (out, per_class.iter().map(|w| waits(w)).collect())
    }

    /// The residence of one request at one queue of station `s` beyond its own
    /// service there, when it finds `ahead` requests of the closed classes queued.
    fn queueing(&self, s: &Station, demand: f64, ahead: f64) -> f64 {
        if s.open_utilization >= 1.0 {
            return f64::INFINITY;
        }
        // Seidmann: a server c times as fast (demand / c) that queues, plus a delay of
        // the rest, whose own service is in the time at no load already.
        let fast = demand / s.servers;
        fast * (1.0 + ahead) / (1.0 - s.open_utilization) - fast
    }

    /// The exact single-class recursion over 1..=n users: (throughput, response) at each.
    fn exact(&self, n: u32) -> Vec<(f64, f64)> {
        self.exact_with_waits(n).0
    }

    /// As [`Network::exact`], with the per-queue waits at `n` users.
    fn exact_with_waits(&self, n: u32) -> (Vec<(f64, f64)>, Vec<f64>) {
        let mut queue = vec![0.0; self.stations.len()];
        let mut out = Vec::with_capacity(n as usize);
        let mut last = vec![0.0; self.stations.len()];
        for _ in 1..=n {
            let waits: Vec<f64> = self
                .stations
                .iter()
                .zip(&queue)
                .map(|(s, q)| self.queueing(s, s.demand[0], *q))
                .collect();
            let response = self.unloaded_ms[0]
                + self
                    .stations
                    .iter()
                    .zip(&waits)
                    .map(|(s, w)| s.queues * w)
                    .sum::<f64>();
            let pop = out.len() as f64 + 1.0;
            let x = pop / (self.think_ms[0] + response);
            if !x.is_finite() || !response.is_finite() {
                out.push((0.0, f64::INFINITY));
                continue;
            }
            for ((q, s), w) in queue.iter_mut().zip(&self.stations).zip(&waits) {
                // Requests at one queue: in its queueing server (not the delay part).
                *q = x * (w + s.demand[0] / s.servers);
            }
            out.push((x, response));
            last = waits;
        }
        (out, last)
    }

    /// Bard–Schweitzer: per class, the queues it finds are the others' and its own less
    /// one request's share.
    fn schweitzer(&self, users: &[u32]) -> Vec<(f64, f64)> {
        self.schweitzer_with_waits(users).0
    }

    /// As [`Network::schweitzer`], with each class's per-queue waits.
    fn schweitzer_with_waits(&self, users: &[u32]) -> (Vec<(f64, f64)>, Vec<Vec<f64>>) {
        let (m, classes) = (self.stations.len(), users.len());
        let mut all_waits = vec![vec![0.0; m]; classes];
        let mut queue = vec![vec![0.0; m]; classes];
        let mut x = vec![0.0; classes];
        for (k, q) in queue.iter_mut().enumerate() {
            let share = f64::from(users[k]) / (m.max(1) as f64);
            q.fill(share);
        }
        let mut out = vec![(0.0, f64::INFINITY); classes];
        for _ in 0..ITERATIONS {
            let mut change = 0.0f64;
            for k in 0..classes {
                let n = f64::from(users[k]);
                if n <= 0.0 {
                    out[k] = (0.0, self.unloaded_ms[k]);
                    continue;
                }
                let mut response = self.unloaded_ms[k];
                let mut waits = vec![0.0; m];
                for (j, s) in self.stations.iter().enumerate() {
                    let total: f64 = queue.iter().map(|q| q[j]).sum();
                    let ahead = total - queue[k][j] / n;
                    waits[j] = self.queueing(s, s.demand[k], ahead.max(0.0));
                    response += s.queues * waits[j];
                }
                let xk = n / (self.think_ms[k] + response);
                if !xk.is_finite() || !response.is_finite() {
                    out[k] = (0.0, f64::INFINITY);
                    continue;
                }
                for (j, s) in self.stations.iter().enumerate() {
                    queue[k][j] = xk * (waits[j] + s.demand[k] / s.servers);
                }
                change = change.max((xk - x[k]).abs() / xk.max(1e-300));
                x[k] = xk;
                out[k] = (xk, response);
                all_waits[k] = waits;
            }
            if change < 1e-10 {
                break;
            }
        }
        (out, all_waits)
    }

    /// Class `i`'s throughput (per second) and response at an eighth, a quarter, a
    /// half, one, two and four times its users, the others' held.
    fn curve(&self, i: usize) -> Vec<(u32, f64, f64)> {
        let n = self.users[i];
        let mut points: Vec<u32> = [0.125, 0.25, 0.5, 1.0, 2.0, 4.0]
            .iter()
            .map(|f| ((f64::from(n) * f).round() as u32).max(1))
            .collect();
        points.dedup();
        if self.users.len() == 1 && n.saturating_mul(4) <= EXACT_USERS {
            let all = self.exact(n.saturating_mul(4));
            return points
                .into_iter()
                .filter_map(|p| all.get(p as usize - 1).map(|&(x, r)| (p, x * 1000.0, r)))
                .collect();
        }
        points
            .into_iter()
            .map(|p| {
                let mut users = self.users.clone();
                users[i] = p;
                let (x, r) = self.schweitzer(&users)[i];
                (p, x * 1000.0, r)
            })
            .collect()
    }
}

/// The load closed class `class` sees: each queueing component's arrivals lowered until
/// the open model's wait there is the one MVA finds (a closed request meets fewer ahead
/// of it than an open one at the same throughput: its own class's others are the only
/// ones queued, and never more than their users). The distribution of the class's
/// response comes from the open model at this load; utilisations, costs and the rest
/// stay at the true one.
pub fn seen_load<'a>(
    spec: &Spec,
    load: &Load<'a>,
    eval: &Evaluation,
    class: &ClosedClass,
) -> Load<'a> {
    let mut seen = Load::new(spec, load.flows, load.scale);
    for &(c, extra) in &class.waits {
        let comp = &spec.components[c];
        let visits = load.flows[class.class].sync_visits[c].total();
        let (rates, hold) = (load.rates[c], eval.results[c].hold);
        let bound = load.partition_bound(c, |q| &spec.components[q]);
        let service = eval.results[c].service(None).map_or(0.0, |s| s.0);
        // The open wait a visit meets at a fraction `f` of the arrivals.
        let wait = |f: f64| {
            let scaled = super::load::Visits {
                read: rates.read * f,
                write: rates.write * f,
            };
            component::analyse(comp, scaled, load.mix(c), hold, bound)
                .read
                .mean
                - service
        };
        let target = if visits > 0.0 { extra / visits } else { 0.0 };
        // Nothing to lower where the open wait is no longer (or not a number).
        if wait(1.0).partial_cmp(&target) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..50 {
            let mid = 0.5 * (lo + hi);
            if wait(mid) > target {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        seen.rates[c].read = rates.read * lo;
        seen.rates[c].write = rates.write * lo;
    }
    seen
}
