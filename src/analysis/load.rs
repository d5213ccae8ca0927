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

/// Requests per second dependency `dep` (called from component `from`) carries at the
/// workload scaled by `scale`: every class it applies to, with its retry `attempts`
/// (per class, per dependency; 1 where absent).
pub fn dependency_rate(
    spec: &Spec,
    flows: &[ClassFlow],
    attempts: &[Vec<f64>],
    dep: usize,
    from: usize,
    scale: f64,
) -> f64 {
    let (Some(d), Some(caller)) = (spec.dependencies.get(dep), spec.components.get(from)) else {
        return 0.0;
    };
    spec.workload
        .classes
        .iter()
        .zip(flows)
        .enumerate()
        .filter(|(_, (k, _))| d.applies_to(&k.name))
        .map(|(k, (class, flow))| {
            let tries = attempts
                .get(k)
                .and_then(|a| a.get(dep))
                .copied()
                .unwrap_or(1.0);
            class.rate()
                * scale
                * edge_traffic(
                    caller.kind,
                    caller.hit_ratio.unwrap_or(0.0),
                    d.calls_or_default() * tries,
                    d.op_or_default(),
                    flow.all_visits.get(from).copied().unwrap_or_default(),
                )
        })
        .sum()
}

/// Propagates one request of `class` from `entry` over the edges `follow` admits.
fn propagate(
    spec: &Spec,
    graph: &SystemGraph,
    class: &str,
    entry: usize,
    attempts: &[f64],
    follow: impl Fn(EdgeIndex) -> bool,
) -> Result<Vec<Visits>, Vec<usize>> {
    let n = spec.components.len();
    // Outgoing edges per component: (callee, dependency index).
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    for e in graph.graph.edge_indices() {
        let dep = graph.graph[e];
        if !spec.dependencies[dep].applies_to(class) || !follow(e) {
            continue;
        }
        if let Some((a, b)) = graph.graph.edge_endpoints(e) {
            let (from, to) = (graph.graph[a], graph.graph[b]);
            out[from].push((to, dep));
            indegree[to] += 1;
        }
    }
    // The traffic one dependency carries out of `from`, given the visits there.
    let fire = |from: usize, dep: usize, at_caller: Visits| -> (Op, f64) {
        let caller = &spec.components[from];
        let d = &spec.dependencies[dep];
        let amount = edge_traffic(
            caller.kind,
            caller.hit_ratio.unwrap_or(0.0),
            d.calls_or_default() * attempts.get(dep).copied().unwrap_or(1.0),
            d.op_or_default(),
            at_caller,
        );
        (d.op_or_default(), amount)
    };
    let send = |from: usize, at_caller: Visits, visits: &mut [Visits]| {
        for &(to, dep) in &out[from] {
            let (op, amount) = fire(from, dep, at_caller);
            visits[to].add(op, amount);
        }
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
            send(u, at, &mut visits);
        }
        return Ok(visits);
    }

    // A loop through a queue. The strongly connected components, taken in topological
    // order, are each settled once: a component outside any loop in one step, a loop
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
                        let (op, amount) = fire(u, dep, visits[u]);
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
        }
        // Settled: send on to the components downstream of this one.
        for &u in &members {
            for &(to, dep) in out[u].iter().filter(|(to, _)| scc_of[*to] != i) {
                let (op, amount) = fire(u, dep, visits[u]);
                visits[to].add(op, amount);
            }
        }
    }
    Ok(visits)
}

/// The dependencies of a loop whose components are `members`, in spec order.
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
    spec.workload
        .classes
        .iter()
        .enumerate()
        .map(|(k, class)| {
            let attempts = attempts.get(k).map_or(&[][..], |a| a.as_slice());
            let Some(entry) = graph.node(&class.entry).map(|n| graph.component_index(n)) else {
                let none = vec![Visits::default(); spec.components.len()];
                return Ok(ClassFlow {
                    sync_visits: none.clone(),
                    critical_visits: none.clone(),
                    all_visits: none,
                });
            };
            let unbounded = |dependencies| UnboundedLoop {
                class: class.name.clone(),
                dependencies,
            };
            let sync_visits = propagate(spec, graph, &class.name, entry, attempts, |e| {
                graph.is_sync(e)
            })
            .map_err(unbounded)?;
            let critical_visits = propagate(spec, graph, &class.name, entry, attempts, |e| {
                graph.fails_caller(e)
            })
            .map_err(unbounded)?;
            let all_visits = propagate(spec, graph, &class.name, entry, attempts, |_| true)
                .map_err(unbounded)?;
            Ok(ClassFlow {
                sync_visits,
                critical_visits,
                all_visits,
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
