//! The spec as a dependency graph (petgraph): components are nodes, dependencies edges.
//! Node weights are indices into `spec.components`, edge weights indices into
//! `spec.dependencies`, so every stage can go from the graph back to the spec.

use std::collections::{HashMap, VecDeque};

use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use super::{CallMode, ComponentKind, Spec};

pub struct SystemGraph<'a> {
    pub spec: &'a Spec,
    pub graph: DiGraph<usize, usize>,
    nodes: HashMap<&'a str, NodeIndex>,
}

impl<'a> SystemGraph<'a> {
    /// Builds the graph; an edge whose endpoint is not a component is left out (the
    /// validator reports it).
    pub fn new(spec: &'a Spec) -> Self {
        let mut graph = DiGraph::with_capacity(spec.components.len(), spec.dependencies.len());
        let mut nodes = HashMap::with_capacity(spec.components.len());
        for (i, c) in spec.components.iter().enumerate() {
            nodes
                .entry(c.name.as_str())
                .or_insert_with(|| graph.add_node(i));
        }
        for (i, d) in spec.dependencies.iter().enumerate() {
            if let (Some(&a), Some(&b)) = (nodes.get(d.from.as_str()), nodes.get(d.to.as_str())) {
                graph.add_edge(a, b, i);
            }
        }
        SystemGraph { spec, graph, nodes }
    }

    pub fn node(&self, name: &str) -> Option<NodeIndex> {
        self.nodes.get(name).copied()
    }

    pub fn component_index(&self, node: NodeIndex) -> usize {
        self.graph[node]
    }

    /// Whether the edge is a synchronous call on the request path. Edges out of a queue
    /// are consumption, which is asynchronous whatever their `mode` says.
    pub fn is_sync(&self, edge: EdgeIndex) -> bool {
        let dep = &self.spec.dependencies[self.graph[edge]];
        let from_queue = self
            .graph
            .edge_endpoints(edge)
            .is_some_and(|(a, _)| self.spec.components[self.graph[a]].kind == ComponentKind::Queue);
        dep.mode_or_default() == CallMode::Sync && !from_queue
    }

    /// Whether the edge's failure fails the caller's request: a sync call whose
    /// failure is not ignored (`on_failure: ignore`).
    pub fn fails_caller(&self, edge: EdgeIndex) -> bool {
        self.is_sync(edge) && !self.spec.dependencies[self.graph[edge]].failure_ignored()
    }

    /// Components in an order where every sync caller comes before its callees, or the
    /// cycle (component indices, first repeated last) that prevents one.
    pub fn sync_topological_order(&self) -> Result<Vec<usize>, Vec<usize>> {
        let mut indegree = vec![0usize; self.graph.node_count()];
        for e in self.graph.edge_references() {
            if self.is_sync(e.id()) {
                indegree[e.target().index()] += 1;
            }
        }
        let mut ready: VecDeque<NodeIndex> = self
            .graph
            .node_indices()
            .filter(|n| indegree[n.index()] == 0)
            .collect();
        let mut order = Vec::with_capacity(self.graph.node_count());
        while let Some(n) = ready.pop_front() {
            order.push(self.graph[n]);
            for e in self.graph.edges_directed(n, Direction::Outgoing) {
                if self.is_sync(e.id()) {
                    let t = e.target().index();
                    indegree[t] -= 1;
                    if indegree[t] == 0 {
                        ready.push_back(e.target());
                    }
                }
            }
        }
        if order.len() == self.graph.node_count() {
            return Ok(order);
        }
        // Every node left has a sync predecessor that is also left: walking predecessors
        // must revisit a node, and the walk from that node is a cycle.
        let Some(mut at) = self.graph.node_indices().find(|n| indegree[n.index()] > 0) else {
            return Ok(order);
        };
        let mut seen: HashMap<NodeIndex, usize> = HashMap::new();
        let mut walk = Vec::new();
        loop {
            if let Some(&pos) = seen.get(&at) {
                let mut cycle: Vec<usize> = walk[pos..]
                    .iter()
                    .rev()
                    .map(|n: &NodeIndex| self.graph[*n])
                    .collect();
                cycle.push(cycle[0]);
                return Err(cycle);
            }
            seen.insert(at, walk.len());
            walk.push(at);
            let pred = self
                .graph
                .edges_directed(at, Direction::Incoming)
                .find(|e| self.is_sync(e.id()) && indegree[e.source().index()] > 0)
                .map(|e| e.source());
            match pred {
                Some(p) => at = p,
                None => return Ok(order), // unreachable when indegrees are consistent
            }
        }
    }

    /// The components a request of `class` entering at `entry` can reach, over the edges
    /// that apply to the class (sync and async), in breadth-first order from the entry.
    pub fn reached_by(&self, class: &str, entry: &str) -> Vec<usize> {
        let Some(start) = self.node(entry) else {
            return Vec::new();
        };
        let mut seen = vec![false; self.graph.node_count()];
        let mut queue = VecDeque::from([start]);
        seen[start.index()] = true;
        let mut out = Vec::new();
        while let Some(n) = queue.pop_front() {
            out.push(self.graph[n]);
            for e in self.graph.edges_directed(n, Direction::Outgoing) {
                let dep = &self.spec.dependencies[*e.weight()];
                if dep.applies_to(class) && !seen[e.target().index()] {
                    seen[e.target().index()] = true;
                    queue.push_back(e.target());
                }
            }
        }
        out
    }
}
