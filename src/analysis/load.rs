//! Load: how many times one request of each class visits each component, and so the
//! arrival rate at every component at peak.
//!
//! The routing rules (the simulator will draw from the same ones):
//! - A request enters at its class's `entry` once, as a read.
//! - An edge applies to a class when its `classes` list is absent or names the class.
//! - Out of a cache or CDN, an edge with `op: read` carries only the misses of the reads
//!   that arrived (`1 - hit_ratio` of them); an edge with `op: write` carries every write
//!   that arrived (write-through). Out of any other component, every edge fires for every
//!   visit, whatever its op.
//! - An edge fires `calls` times per firing (a fraction is an average), and its traffic
//!   arrives at the callee with the edge's `op`.
//! - Sync edges make up the request's own path: its latency and availability. Async edges
//!   (and everything past a queue) carry load but not latency.
//!
//! Sync edges form a DAG (the validator sees to it); a loop through a queue is possible,
//! so the total visits are the solution of the traffic equations, found by iteration.

use petgraph::algo::kosaraju_scc;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};

use crate::spec::entries::Entries;
use crate::spec::graph::SystemGraph;
use crate::spec::{ComponentKind, Op, Spec};

/// Visits per request, split by the op they arrive with.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Visits {
    pub read: f64,
    pub write: f64,
}

impl Visits {
    pub fn total(self) -> f64 {
        self.read + self.write
    }
    fn add(&mut self, op: Op, amount: f64) {
        match op {
            Op::Read => self.read += amount,
            Op::Write => self.write += amount,
        }
    }
}

/// The flow of one request class through the system.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassFlow {
    /// Per component (spec order): visits per request on the request's own sync path.
    pub sync_visits: Vec<Visits>,
    /// Per component: the sync visits whose failure fails the request (none past a
    /// call whose failure is ignored): what the class's availability counts.
    pub critical_visits: Vec<Visits>,
    /// Per component: visits per request over sync and async edges, the load it causes.
    pub all_visits: Vec<Visits>,
    /// `all_visits` per entry (per operation of a component that lists operations;
    /// see [`crate::spec::entries`]).
    pub entry_visits: Vec<Visits>,
    /// Per dependency: the visits at its caller that fire it, per request, before its
    /// `calls` and retries.
    pub fired: Vec<f64>,
}

/// A loop through a queue whose traffic grows without bound (each pass sends more than
/// one request around again).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the traffic of class {class:?} grows without bound around a loop through a queue")]
pub struct UnboundedLoop {
    pub class: String,
    /// The dependencies (spec indices, in spec order) that make up the loop.
    pub dependencies: Vec<usize>,
}

/// Whether an edge fires for one visit that arrived at its caller with `arriving` op.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firing {
    /// Every visit fires the edge.
    Always,
    /// Only a miss fires it (a read out of a cache or CDN): `1 - hit_ratio` of the visits.
    OnMiss,
    /// The edge does not carry this op (a write-through edge for an arriving read, or a
    /// read-through edge for an arriving write).
    Never,
}

/// The one routing rule, shared by the analysis (as expected values) and the simulator
/// (as draws), so the two cannot drift apart.
pub fn firing(caller_kind: ComponentKind, arriving: Op, edge_op: Op) -> Firing {
    match caller_kind {
        ComponentKind::Cache | ComponentKind::Cdn => match (arriving, edge_op) {
            (Op::Read, Op::Read) => Firing::OnMiss,
            (Op::Write, Op::Write) => Firing::Always,
            _ => Firing::Never,
        },
        _ => Firing::Always,
    }
}

/// For each component, the queues it consumes from when nothing but queues reaches it
/// (no class enters at it, no edge from anything else calls it); empty otherwise.
pub fn consumed_queues(spec: &Spec) -> Vec<Vec<usize>> {
    let index: std::collections::HashMap<&str, usize> = spec
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut queues = vec![Vec::new(); spec.components.len()];
    let mut other = vec![false; spec.components.len()];
    for class in &spec.workload.classes {
        if let Some(&e) = index.get(class.entry.as_str()) {
            other[e] = true;
        }
    }
    for d in &spec.dependencies {
        let (Some(&from), Some(&to)) = (index.get(d.from.as_str()), index.get(d.to.as_str()))
        else {
            continue;
        };
        if spec.components[from].kind == ComponentKind::Queue {
            if !queues[to].contains(&from) {
                queues[to].push(from);
            }
        } else {
            other[to] = true;
        }
    }
    for (list, other) in queues.iter_mut().zip(other) {
        if other {
            list.clear();
        }
    }
    queues
}

/// The most consumers that can work at once on a component fed only by `queues` (see
/// [`consumed_queues`]): the sum of their partitions, when every one of them is
/// partitioned (`Component::consumer_partitions`); None when any is not, or there are
/// none. `component` gives the definition in force (a what-if may replace one).
pub fn partition_bound<'c>(
    queues: &[usize],
    component: impl Fn(usize) -> &'c crate::spec::Component,
) -> Option<u32> {
    if queues.is_empty() {
        return None;
    }
    queues.iter().try_fold(0u32, |sum, &q| {
        component(q)
            .consumer_partitions()
            .map(|p| sum.saturating_add(p))
    })
}

/// How many requests an edge sends, given the visits at its caller: the expected value of
/// [`firing`] times the edge's `calls`.
pub fn edge_traffic(
    caller_kind: ComponentKind,
    hit_ratio: f64,
    calls: f64,
    op: Op,
    at_caller: Visits,
) -> f64 {
    let share = |arriving: Op| match firing(caller_kind, arriving, op) {
        Firing::Always => 1.0,
        Firing::OnMiss => 1.0 - hit_ratio,
        Firing::Never => 0.0,
    };
    (at_caller.read * share(Op::Read) + at_caller.write * share(Op::Write)) * calls
}

/// Requests per second dependency `dep` carries at the workload scaled by `scale`:
/// every class it applies to, with its retry `attempts` (per class, per dependency; 1
/// where absent).
pub fn dependency_rate(
    spec: &Spec,
    flows: &[ClassFlow],
    attempts: &[Vec<f64>],
    dep: usize,
    scale: f64,
) -> f64 {
    let Some(d) = spec.dependencies.get(dep) else {
        return 0.0;
    };
    spec.workload
        .classes
        .iter()
        .zip(flows)
        .enumerate()
        .map(|(k, (class, flow))| {
            let tries = attempts
                .get(k)
                .and_then(|a| a.get(dep))
                .copied()
                .unwrap_or(1.0);
            let fired = flow.fired.get(dep).copied().unwrap_or(0.0);
            class.rate() * scale * fired * d.calls_or_default() * tries
        })
        .sum()
}

/// One request of a class, propagated: visits per entry, and the firings of each
/// dependency (visits at the caller that fire it, before its `calls`).
struct Propagated {
    visits: Vec<Visits>,
    fired: Vec<f64>,
}

/// Propagates one request of `class` from entry `entry` over the edges `follow` admits,
/// entry by entry (see [`crate::spec::entries`]).
fn propagate(
    spec: &Spec,
    graph: &SystemGraph,
    entries: &Entries,
    class: &str,
    entry: usize,
    attempts: &[f64],
    follow: impl Fn(EdgeIndex) -> bool,
) -> Result<Propagated, Vec<usize>> {
    let n = entries.len();
    // Outgoing edges per entry: (callee entry, dependency index).
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for e in graph.graph.edge_indices() {
        let dep = graph.graph[e];
        if !spec.dependencies[dep].applies_to(class) || !follow(e) {
            continue;
        }
        let (Some((a, _)), Some(to)) = (graph.graph.edge_endpoints(e), entries.callee(dep)) else {
            continue;
        };
        for from in entries.of(graph.graph[a]) {
            if entries.makes(dep, from) {
                out[from].push((to, dep));
                indegree[to] += 1;
            }
        }
    }
    let mut fired = vec![0.0; spec.dependencies.len()];
    // The traffic one dependency carries out of entry `from`, given the visits there.
    let fire = |from: usize, dep: usize, at_caller: Visits, fired: &mut [f64]| -> (Op, f64) {
        let caller = &spec.components[entries.component(from)];
        let d = &spec.dependencies[dep];
        let firings = edge_traffic(
            caller.kind,
            caller.hit_ratio.unwrap_or(0.0),
            1.0,
            d.op_or_default(),
            at_caller,
        );
        fired[dep] += firings;
        let amount = firings * d.calls_or_default() * attempts.get(dep).copied().unwrap_or(1.0);
        (d.op_or_default(), amount)
    };

    // Without a loop: one pass in topological order (Kahn).
    let mut order = Vec::with_capacity(n);
    let mut ready: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut remaining = indegree.clone();
    while let Some(u) = ready.pop() {
        order.push(u);
        for &(to, _) in &out[u] {
            remaining[to] -= 1;
            if remaining[to] == 0 {
                ready.push(to);
            }
        }
    }
    if order.len() == n {
        let mut visits = vec![Visits::default(); n];
        visits[entry].read = 1.0;
        for u in order {
            let at = visits[u];
            for &(to, dep) in &out[u] {
                let (op, amount) = fire(u, dep, at, &mut fired);
                visits[to].add(op, amount);
            }
        }
        return Ok(Propagated { visits, fired });
    }

    // A loop through a queue. The strongly connected components, taken in topological
    // order, are each settled once: an entry outside any loop in one step, a loop
    // by iterating its traffic equations (inflow from upstream fixed) to their fixed
    // point, reached geometrically when each pass round the loop returns less than it
    // sent. Iterating the whole graph instead would take one pass per step of depth.
    let mut condensed: DiGraph<(), ()> = DiGraph::with_capacity(n, 0);
    for _ in 0..n {
        condensed.add_node(());
    }
    for (from, edges) in out.iter().enumerate() {
        for &(to, _) in edges {
            condensed.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
        }
    }
    let mut sccs = kosaraju_scc(&condensed);
    sccs.reverse(); // kosaraju gives them in reverse topological order
    let mut scc_of = vec![0usize; n];
    for (i, scc) in sccs.iter().enumerate() {
        for node in scc {
            scc_of[node.index()] = i;
        }
    }
    let mut visits = vec![Visits::default(); n];
    visits[entry].read = 1.0;
    let mut inner = vec![Visits::default(); n];
    // Firings inside a loop are counted once it has settled.
    let mut scratch = vec![0.0; spec.dependencies.len()];
    for (i, scc) in sccs.iter().enumerate() {
        let members: Vec<usize> = scc.iter().map(|x| x.index()).collect();
        let looped = members.len() > 1 || out[members[0]].iter().any(|&(to, _)| to == members[0]);
        if looped {
            // x = inflow + A x over the loop's own edges.
            let inflow: Vec<Visits> = members.iter().map(|&u| visits[u]).collect();
            let mut settled = false;
            for _ in 0..100_000 {
                for &u in &members {
                    inner[u] = Visits::default();
                }
                for &u in &members {
                    for &(to, dep) in out[u].iter().filter(|(to, _)| scc_of[*to] == i) {
                        let (op, amount) = fire(u, dep, visits[u], &mut scratch);
                        inner[to].add(op, amount);
                    }
                }
                let mut change: f64 = 0.0;
                let mut scale: f64 = 1.0;
                for (k, &u) in members.iter().enumerate() {
                    let next = Visits {
                        read: inflow[k].read + inner[u].read,
                        write: inflow[k].write + inner[u].write,
                    };
                    change = change.max((next.total() - visits[u].total()).abs());
                    scale = scale.max(next.total());
                    visits[u] = next;
                }
                if !scale.is_finite() || scale > 1e15 {
                    return Err(loop_dependencies(&members, &out));
                }
                if change <= 1e-13 * scale {
                    settled = true;
                    break;
                }
            }
            if !settled {
                return Err(loop_dependencies(&members, &out));
            }
            for &u in &members {
                for &(_, dep) in out[u].iter().filter(|(to, _)| scc_of[*to] == i) {
                    fire(u, dep, visits[u], &mut fired);
                }
            }
        }
        // Settled: send on to the entries downstream of this one.
        for &u in &members {
            for &(to, dep) in out[u].iter().filter(|(to, _)| scc_of[*to] != i) {
                let (op, amount) = fire(u, dep, visits[u], &mut fired);
                visits[to].add(op, amount);
            }
        }
    }
    Ok(Propagated { visits, fired })
}

/// The dependencies of a loop whose entries are `members`, in spec order.
fn loop_dependencies(members: &[usize], out: &[Vec<(usize, usize)>]) -> Vec<usize> {
    let mut deps: Vec<usize> = members
        .iter()
        .flat_map(|&u| &out[u])
        .filter(|(to, _)| members.contains(to))
        .map(|&(_, dep)| dep)
        .collect();
    deps.sort_unstable();
    deps.dedup();
    deps
}

/// The flow of every class, in workload order.
pub fn class_flows(spec: &Spec) -> Result<Vec<ClassFlow>, UnboundedLoop> {
    class_flows_with(spec, &SystemGraph::new(spec), &[])
}

/// The flow of every class when each call on an edge is tried `attempts[class][dep]`
/// times on average (retries; a missing entry is one attempt).
pub fn class_flows_with(
    spec: &Spec,
    graph: &SystemGraph,
    attempts: &[Vec<f64>],
) -> Result<Vec<ClassFlow>, UnboundedLoop> {
    let entries = Entries::new(spec);
    let by_component = |visits: &[Visits]| -> Vec<Visits> {
        (0..spec.components.len())
            .map(|c| {
                entries.of(c).fold(Visits::default(), |sum, e| Visits {
                    read: sum.read + visits[e].read,
                    write: sum.write + visits[e].write,
                })
            })
            .collect()
    };
    spec.workload
        .classes
        .iter()
        .enumerate()
        .map(|(k, class)| {
            let attempts = attempts.get(k).map_or(&[][..], |a| a.as_slice());
            let Some(entry) = entries.class_entry(k) else {
                let none = vec![Visits::default(); spec.components.len()];
                return Ok(ClassFlow {
                    sync_visits: none.clone(),
                    critical_visits: none.clone(),
                    all_visits: none,
                    entry_visits: vec![Visits::default(); entries.len()],
                    fired: vec![0.0; spec.dependencies.len()],
                });
            };
            let unbounded = |dependencies| UnboundedLoop {
                class: class.name.clone(),
                dependencies,
            };
            let run = |follow: &dyn Fn(EdgeIndex) -> bool| {
                propagate(spec, graph, &entries, &class.name, entry, attempts, follow)
                    .map_err(unbounded)
            };
            let sync = run(&|e| graph.is_sync(e))?;
            let critical = run(&|e| graph.fails_caller(e))?;
            let all = run(&|_| true)?;
            Ok(ClassFlow {
                sync_visits: by_component(&sync.visits),
                critical_visits: by_component(&critical.visits),
                all_visits: by_component(&all.visits),
                entry_visits: all.visits,
                fired: all.fired,
            })
        })
        .collect()
}

/// Arrival rate at every component (requests per second, all classes), by op, with
/// every class at `scale` times its peak rate.
pub fn arrival_rates(spec: &Spec, flows: &[ClassFlow], scale: f64) -> Vec<Visits> {
    let mut rates = vec![Visits::default(); spec.components.len()];
    for (class, flow) in spec.workload.classes.iter().zip(flows) {
        let class_rate = class.rate() * scale;
        for (rate, visits) in rates.iter_mut().zip(&flow.all_visits) {
            rate.read += class_rate * visits.read;
            rate.write += class_rate * visits.write;
        }
    }
    rates
}
