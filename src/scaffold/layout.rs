//! What the scaffold runs for each component and how the pieces find each other: the
//! deployment of every component (generated code, the spec's image, the nginx gateway,
//! an infrastructure container, or nothing: CDNs and external APIs), its port, and its
//! connections, which come from the spec's edges.
//!
//! A connection is what a component's code opens: its own edges, plus, for a cache it
//! calls, what the cache reads through to (the application does cache-aside: Redis does
//! not call PostgreSQL), plus the queues it consumes from (an edge `queue -> worker` is
//! the worker's connection to the queue). Edges out of stores, caches, CDNs and
//! external APIs are not connections of theirs.

use std::collections::BTreeSet;

use super::infra::{engine_of, Engine};
use crate::spec::{defaults, CallMode, ComponentKind, Runtime, Spec};

/// The port generated services listen on when the spec gives none, and the gateway's.
pub const DEFAULT_PORT: u16 = 8080;

/// The languages the scaffold writes skeletons in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    Rust,
    Node,
}

impl Language {
    /// The skeleton's language for a spec's runtime: its own where the scaffold writes
    /// it, else Rust (a runtime it does not write, or none given).
    pub fn for_runtime(runtime: Option<Runtime>) -> Language {
        match runtime {
            Some(Runtime::Node) => Language::Node,
            _ => Language::Rust,
        }
    }
}

/// How a component is deployed.
#[derive(Debug, Clone, PartialEq)]
pub enum Deploy {
    /// Code generated in `runtime`; `spec_runtime` is the spec's (None when it names
    /// none), which may be one the scaffold writes no skeleton in.
    Code {
        runtime: Language,
        spec_runtime: Option<Runtime>,
    },
    /// The spec's own container image (no skeleton is generated).
    Image(String),
    /// An nginx gateway in front of the services it routes to.
    Gateway,
    /// An infrastructure container (compose only), with a note when it stands in.
    Infra {
        engine: Engine,
        note: Option<String>,
    },
    /// Not run by the scaffold: a CDN or an external API.
    Outside,
}

impl Deploy {
    /// Whether it answers HTTP with the scaffold's endpoints and metrics.
    pub fn is_app(&self) -> bool {
        matches!(self, Deploy::Code { .. } | Deploy::Image(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// `NAME_URL=http://host:port`: services, gateways, functions, external APIs.
    Http,
    /// `NAME_ADDR=host:port`: stores, caches, queues (the stub checks a TCP connect;
    /// put the real driver in its place).
    Tcp,
}

/// How a component uses a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// Calls it on a request's path (sync edges).
    Call,
    /// Hands work to it (async edges to a queue).
    Publish,
    /// Consumes from it (an edge from a queue to this component).
    Consume,
    /// Reads through a cache to it on a miss.
    ReadThrough,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    pub target: String,
    /// Environment prefix, e.g. `ORDERS_DB`.
    pub env: String,
    pub protocol: Protocol,
    pub uses: Use,
    /// The address inside docker-compose and Kubernetes (service DNS names).
    pub address: String,
    /// The target's port.
    pub port: u16,
    /// Read replicas' addresses, when the scaffold runs them.
    pub replica_addresses: Vec<String>,
    pub timeout_ms: u64,
    /// Which part of the model the timeout came from.
    pub timeout_from: String,
    pub retries: u32,
    pub retries_from: String,
    /// Whether the target runs in docker-compose (else the address is a placeholder to set).
    pub local: bool,
    /// The store the scaffold runs for the target, when it runs one.
    pub engine: Option<super::infra::Engine>,
    /// Spec indices of the edges behind it.
    pub edges: Vec<usize>,
}

impl Connection {
    /// `ORDERS_DB_URL` or `ORDERS_DB_ADDR`.
    pub fn var(&self) -> String {
        match self.protocol {
            Protocol::Http => format!("{}_URL", self.env),
            Protocol::Tcp => format!("{}_ADDR", self.env),
        }
    }
}

/// A request class as one component serves it: the path `/{class}` and the
/// connections its handler calls, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub class: String,
    pub calls: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub name: String,
    pub env: String,
    pub kind: ComponentKind,
    pub deploy: Deploy,
    /// The port it listens on inside its container.
    pub port: u16,
    pub connections: Vec<Connection>,
    /// The classes whose requests reach it over sync edges.
    pub routes: Vec<Route>,
    /// What must be up before it starts (compose `depends_on`), in spec order.
    pub depends_on: Vec<String>,
}

impl Unit {
    /// Whether it runs in Kubernetes as a Deployment (services, workers and gateways;
    /// functions run on a serverless platform, stores as managed services or operators).
    pub fn in_kubernetes(&self) -> bool {
        match self.deploy {
            Deploy::Gateway => true,
            Deploy::Code { .. } | Deploy::Image(_) => {
                matches!(self.kind, ComponentKind::Service | ComponentKind::Worker)
            }
            _ => false,
        }
    }
    pub fn in_compose(&self) -> bool {
        !matches!(self.deploy, Deploy::Outside)
    }
}

/// Where a class's traffic enters the scaffold and where it is measured.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassPath {
    pub class: String,
    /// The first component on its path that the scaffold runs (the entry, or a CDN's
    /// origin), as a unit index; `None` when nothing on its path runs locally.
    pub entry: Option<usize>,
    /// The first application on its sync path: its metrics carry the class's SLO.
    pub measured_at: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    /// One per component, in spec order.
    pub units: Vec<Unit>,
    pub classes: Vec<ClassPath>,
}

fn deploy_of(spec: &Spec, i: usize) -> Deploy {
    let c = &spec.components[i];
    match c.kind {
        ComponentKind::Service | ComponentKind::Worker | ComponentKind::Function => {
            match &c.image {
                Some(image) => Deploy::Image(image.clone()),
                None => Deploy::Code {
                    runtime: Language::for_runtime(c.runtime),
                    spec_runtime: c.runtime,
                },
            }
        }
        ComponentKind::LoadBalancer => Deploy::Gateway,
        ComponentKind::Database | ComponentKind::Cache | ComponentKind::Queue => {
            match engine_of(c) {
                Some((engine, note)) => Deploy::Infra { engine, note },
                None => Deploy::Outside,
            }
        }
        ComponentKind::Cdn | ComponentKind::External => Deploy::Outside,
    }
}

fn port_of(spec: &Spec, i: usize, deploy: &Deploy) -> u16 {
    match deploy {
        Deploy::Infra { engine, .. } => engine.port(),
        // nginx runs unprivileged on a fixed port; the spec's port is where it is published.
        Deploy::Gateway => DEFAULT_PORT,
        _ => spec.components[i].port.unwrap_or(DEFAULT_PORT),
    }
}

/// The p99 a call on `edge` has to fit in: the strictest target of the classes whose
/// requests make it (the class's own `p99_ms`, else `targets.p99_ms`). A class the
/// edge applies to but that never reaches its caller does not count; `reached` says
/// which do (per class, per dependency), from the traffic the analysis routes.
fn strictest_p99(spec: &Spec, reached: &[Vec<bool>], edge: usize) -> Option<(f64, String)> {
    let dep = &spec.dependencies[edge];
    spec.workload
        .classes
        .iter()
        .enumerate()
        .filter(|(k, c)| {
            reached.get(*k).map_or(dep.applies_to(&c.name), |r| {
                r.get(edge).copied().unwrap_or(false)
            })
        })
        .map(|(_, k)| k)
        .filter_map(|k| match (k.p99_ms, spec.targets.p99_ms) {
            (Some(ms), _) => Some((ms, format!("the p99 target of class {}", k.name))),
            (None, Some(ms)) => Some((ms, "targets.p99_ms".to_string())),
            _ => None,
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
}

/// A call without a timeout in the spec still needs one in code: the strictest p99
/// target it serves, else this.
const FALLBACK_TIMEOUT_MS: u64 = 1000;

fn policy(spec: &Spec, reached: &[Vec<bool>], edges: &[usize]) -> (u64, String, u32, String) {
    let explicit = edges
        .iter()
        .filter_map(|&e| spec.dependencies[e].timeout_ms.map(|t| (t, e)))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let (timeout_ms, timeout_from) = match explicit {
        Some((t, e)) => (
            t.ceil().max(1.0) as u64,
            format!("dependencies[{e}].timeout_ms"),
        ),
        None => match edges
            .iter()
            .filter_map(|&e| strictest_p99(spec, reached, e))
            .min_by(|a, b| a.0.total_cmp(&b.0))
        {
            Some((ms, from)) => (
                ms.ceil().max(1.0) as u64,
                format!("no timeout_ms on the edge: {from}"),
            ),
            None => (
                FALLBACK_TIMEOUT_MS,
                "no timeout_ms and no p99 target: the scaffold's 1000 ms".to_string(),
            ),
        },
    };
    // Retrying a write that may have landed is the riskier choice: the fewest wins.
    let explicit = edges
        .iter()
        .filter_map(|&e| spec.dependencies[e].retries.map(|r| (r, e)))
        .min_by_key(|a| a.0);
    let (retries, retries_from) = match explicit {
        Some((r, e)) => (r, format!("dependencies[{e}].retries")),
        None => (
            defaults::RETRIES,
            format!(
                "no retries on the edge: the spec's default {}",
                defaults::RETRIES
            ),
        ),
    };
    (timeout_ms, timeout_from, retries, retries_from)
}

fn address(name: &str, deploy: &Deploy, port: u16) -> (Protocol, String, bool) {
    match deploy {
        Deploy::Infra { .. } => (Protocol::Tcp, format!("{name}:{port}"), true),
        Deploy::Outside => (
            Protocol::Http,
            // A placeholder that cannot resolve: the README lists it to be set.
            format!("https://{name}.example.invalid"),
            false,
        ),
        _ => (Protocol::Http, format!("http://{name}:{port}"), true),
    }
}

/// Addresses of the read replicas the scaffold runs for store `i`.
pub fn replica_names(spec: &Spec, i: usize, deploy: &Deploy) -> Vec<String> {
    let c = &spec.components[i];
    match deploy {
        Deploy::Infra { engine, .. } if engine.runs_replicas() => {
            let n = c
                .replication
                .as_ref()
                .and_then(|r| r.read_replicas)
                .unwrap_or(defaults::READ_REPLICAS);
            (1..=n).map(|k| format!("{}-replica-{k}", c.name)).collect()
        }
        _ => Vec::new(),
    }
}

fn is_store(kind: ComponentKind) -> bool {
    matches!(
        kind,
        ComponentKind::Database | ComponentKind::Cache | ComponentKind::Queue
    )
}

pub fn layout(spec: &Spec) -> Layout {
    let n = spec.components.len();
    let deploys: Vec<Deploy> = (0..n).map(|i| deploy_of(spec, i)).collect();
    let ports: Vec<u16> = (0..n).map(|i| port_of(spec, i, &deploys[i])).collect();
    let index = |name: &str| spec.components.iter().position(|c| c.name == name);
    // Which classes make each call (none known when the traffic cannot be routed, a
    // loop growing without bound: then every class the edge applies to).
    let reached: Vec<Vec<bool>> = crate::analysis::load::class_flows(spec)
        .map(|flows| {
            flows
                .iter()
                .map(|f| f.fired.iter().map(|&x| x > 0.0).collect())
                .collect()
        })
        .unwrap_or_default();

    let mut units: Vec<Unit> = Vec::with_capacity(n);
    for (i, c) in spec.components.iter().enumerate() {
        // (target, use, edge) for everything this component opens.
        let mut wanted: Vec<(usize, Use, usize)> = Vec::new();
        let opens = matches!(
            c.kind,
            ComponentKind::Service
                | ComponentKind::Worker
                | ComponentKind::Function
                | ComponentKind::LoadBalancer
        );
        for (e, d) in spec.dependencies.iter().enumerate() {
            let (Some(from), Some(to)) = (index(&d.from), index(&d.to)) else {
                continue;
            };
            if from == i && opens {
                let kind = spec.components[to].kind;
                if kind == ComponentKind::Cdn {
                    continue;
                }
                let uses = match d.mode_or_default() {
                    CallMode::Async => Use::Publish,
                    CallMode::Sync => Use::Call,
                };
                wanted.push((to, uses, e));
                // Cache-aside: the caller reads through to what the cache fronts.
                if kind == ComponentKind::Cache {
                    for (e2, d2) in spec.dependencies.iter().enumerate() {
                        if d2.from == spec.components[to].name {
                            if let Some(t2) = index(&d2.to) {
                                if t2 != i && spec.components[t2].kind != ComponentKind::Cdn {
                                    wanted.push((t2, Use::ReadThrough, e2));
                                }
                            }
                        }
                    }
                }
            }
            if to == i && opens && spec.components[from].kind == ComponentKind::Queue {
                wanted.push((from, Use::Consume, e));
            }
        }
        let mut connections: Vec<Connection> = Vec::new();
        let mut order: Vec<usize> = Vec::new();
        for &(t, _, _) in &wanted {
            if !order.contains(&t) {
                order.push(t);
            }
        }
        for t in order {
            let mine: Vec<&(usize, Use, usize)> = wanted.iter().filter(|w| w.0 == t).collect();
            // A direct call outranks publishing, which outranks consuming and read-through.
            let uses = [Use::Call, Use::Publish, Use::Consume, Use::ReadThrough]
                .into_iter()
                .find(|u| mine.iter().any(|w| w.1 == *u))
                .unwrap_or(Use::Call);
            let edges: Vec<usize> = mine.iter().filter(|w| w.1 == uses).map(|w| w.2).collect();
            let target = &spec.components[t];
            let (protocol, addr, local) = address(&target.name, &deploys[t], ports[t]);
            let (timeout_ms, timeout_from, retries, retries_from) = policy(spec, &reached, &edges);
            connections.push(Connection {
                target: target.name.clone(),
                env: super::escape::env_name(&target.name),
                protocol,
                uses,
                address: addr,
                port: ports[t],
                replica_addresses: replica_names(spec, t, &deploys[t])
                    .into_iter()
                    .map(|r| format!("{r}:{}", ports[t]))
                    .collect(),
                timeout_ms,
                timeout_from,
                retries,
                retries_from,
                local,
                engine: match &deploys[t] {
                    Deploy::Infra { engine, .. } => Some(*engine),
                    _ => None,
                },
                edges,
            });
        }
        units.push(Unit {
            name: c.name.clone(),
            env: super::escape::env_name(&c.name),
            kind: c.kind,
            deploy: deploys[i].clone(),
            port: ports[i],
            connections,
            routes: Vec::new(),
            depends_on: Vec::new(),
        });
    }

    // Routes: each class's sync path, and what each component on it calls for it (the
    // calls its requests make, by the routing: not those of an operation it never asks
    // for).
    let makes = |k: usize, e: usize| {
        reached.get(k).map_or_else(
            || spec.dependencies[e].applies_to(&spec.workload.classes[k].name),
            |r| r.get(e).copied().unwrap_or(false),
        )
    };
    let mut classes = Vec::new();
    for (k, class) in spec.workload.classes.iter().enumerate() {
        let Some(entry) = index(&class.entry) else {
            classes.push(ClassPath {
                class: class.name.clone(),
                entry: None,
                measured_at: None,
            });
            continue;
        };
        let mut seen = vec![false; n];
        let mut queue = std::collections::VecDeque::from([entry]);
        seen[entry] = true;
        let mut path = Vec::new();
        while let Some(at) = queue.pop_front() {
            path.push(at);
            for (e, d) in spec.dependencies.iter().enumerate() {
                if d.from != spec.components[at].name
                    || !makes(k, e)
                    || d.mode_or_default() != CallMode::Sync
                {
                    continue;
                }
                if let Some(to) = index(&d.to) {
                    if !seen[to] {
                        seen[to] = true;
                        queue.push_back(to);
                    }
                }
            }
        }
        for &at in &path {
            let calls: Vec<usize> = units[at]
                .connections
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    matches!(c.uses, Use::Call | Use::Publish)
                        && c.edges.iter().any(|&e| makes(k, e))
                })
                .map(|(k, _)| k)
                .collect();
            if units[at].deploy.is_app() || units[at].deploy == Deploy::Gateway {
                units[at].routes.push(Route {
                    class: class.name.clone(),
                    calls,
                });
            }
        }
        classes.push(ClassPath {
            class: class.name.clone(),
            entry: path
                .iter()
                .copied()
                .find(|&u| units[u].in_compose() && !is_store(units[u].kind)),
            measured_at: path.iter().copied().find(|&u| units[u].deploy.is_app()),
        });
    }

    // depends_on: a component waits for what it connects to; a read replica for its
    // primary (added in the compose template). Edges that would close a loop are
    // dropped (async edges may form cycles; compose refuses them).
    let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for i in 0..n {
        for c in &units[i].connections {
            if let Some(t) = index(&c.target) {
                if c.local && t != i && !reaches(&deps, t, i) {
                    deps[i].insert(t);
                }
            }
        }
    }
    for (i, d) in deps.iter().enumerate() {
        units[i].depends_on = d.iter().map(|&t| units[t].name.clone()).collect();
    }
    Layout { units, classes }
}

/// Whether `from` already waits (transitively) for `to`.
fn reaches(deps: &[BTreeSet<usize>], from: usize, to: usize) -> bool {
    let mut stack = vec![from];
    let mut seen = vec![false; deps.len()];
    while let Some(at) = stack.pop() {
        if at == to {
            return true;
        }
        if !std::mem::replace(&mut seen[at], true) {
            stack.extend(deps[at].iter().copied());
        }
    }
    false
}
