//! The generated services, workers and functions: their code (Rust with axum, or Node)
//! and Dockerfiles, one [`AppView`] each.

use super::{class_p99, number};
use crate::scaffold::infra::{engine_of, Engine};
use crate::scaffold::layout::{Connection, Language, Protocol, Unit, Use};
use crate::spec::{CallMode, ComponentKind, Spec};

/// Default latency buckets (seconds); each class's p99 target is added.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A dependency as a generated service's code sees it.
#[derive(Debug, Clone)]
pub struct ConnView {
    pub target: String,
    /// A Rust field and JS key: `dep_orders_db`.
    pub field: String,
    pub env: String,
    pub var: String,
    pub address: String,
    pub timeout_ms: u64,
    pub timeout_from: String,
    pub retries: u32,
    pub retries_from: String,
    pub uses: &'static str,
    /// `Http` or `Tcp` (Rust enum variant).
    pub protocol: &'static str,
    pub protocol_js: &'static str,
    /// Whether readiness waits for it: a dependency the scaffold runs, some call to
    /// which fails the request when it fails (an optional one does not gate).
    pub gates_readiness: bool,
    /// How the twin uses it when it is a store: through the store's own client.
    pub twin_store: Option<TwinStore>,
}

/// A store as the twin calls it: through its engine's client library, holding the
/// store for the store's drawn service time (a Lua loop in Redis, `pg_sleep` in a
/// PostgreSQL backend), a cache hitting or missing by its hit ratio.
#[derive(Debug, Clone)]
pub struct TwinStore {
    /// The client: `redis`, `postgres` or `rabbitmq`; `""` for an engine the twin has
    /// no client for (it connects, then waits the store's time out itself).
    pub client: &'static str,
    pub mean_ms: f64,
    pub cv: f64,
    /// A cache's hit ratio (1 for any other store).
    pub hit_ratio: f64,
    /// What a cache's miss reads through to: its own edges, as this unit's connections.
    pub read_through: Vec<TwinCall>,
    /// PostgreSQL: the connections this unit's pool holds, its share of the store's
    /// servers among the components that open the store.
    pub pool: u32,
    /// RabbitMQ: the queue's name.
    pub queue: String,
}

/// A queue the twin consumes: its messages at most `prefetch` at a time, each one a
/// visit by the plan of the class that sent it.
#[derive(Debug, Clone)]
pub struct TwinConsumer {
    pub connection: usize,
    pub prefetch: u32,
    pub plans: Vec<TwinPlan>,
}

/// One class's visit to a component: the operation it asks for (`""`: its caller
/// says, or the component's own time) and its calls slot by slot.
#[derive(Debug, Clone)]
pub struct TwinPlan {
    pub class: String,
    pub operation: String,
    pub steps: Vec<Vec<TwinCall>>,
}

#[derive(Debug, Clone)]
pub struct RouteView {
    pub class: String,
    pub path: String,
    pub handler: String,
    pub calls: Vec<usize>,
    pub service_time: String,
    /// The twin's plan of a visit: the operation the class asks for when it enters
    /// here (`""` otherwise: its caller says), then its calls slot by slot (the calls
    /// of one slot run at once, a `parallel` group).
    pub twin_operation: String,
    pub twin_steps: Vec<Vec<TwinCall>>,
}

/// One call of the twin's plan: the connection, how many times (the whole part, and
/// one more with the fraction's probability), the callee's operation it asks for, and
/// whether its failure is ignored (`on_failure: ignore`).
#[derive(Debug, Clone)]
pub struct TwinCall {
    pub connection: usize,
    pub whole: u32,
    pub frac: f64,
    pub operation: String,
    /// The operation of this component that alone makes it (`""`: every one).
    pub made_by: String,
    pub ignore: bool,
}

/// A service time as the twin draws it: mean ms at the replica's CPU speed, and cv.
#[derive(Debug, Clone)]
pub struct TwinService {
    pub name: String,
    pub mean_ms: f64,
    pub cv: f64,
}

/// A generated service, worker or function.
#[derive(Debug, Clone)]
pub struct AppView {
    pub name: String,
    /// The Cargo package and binary name (the component's, unless Cargo refuses it).
    pub crate_name: String,
    pub kind: String,
    pub description: String,
    pub runtime: Language,
    pub port: u16,
    pub connections: Vec<ConnView>,
    pub routes: Vec<RouteView>,
    pub consumes: Vec<usize>,
    pub buckets: String,
    pub buckets_note: String,
    /// The twin's own work: the component's service time, and each operation's.
    pub twin_default: TwinService,
    pub twin_operations: Vec<TwinService>,
    pub twin_consumers: Vec<TwinConsumer>,
    /// npm packages (name, exact version) the twin's store clients need.
    pub npm_dependencies: Vec<(&'static str, &'static str)>,
}

/// The store clients a Node twin uses, pinned to exact versions.
const NPM_REDIS: (&str, &str) = ("redis", "4.7.1");
const NPM_PG: (&str, &str) = ("pg", "8.19.0");
const NPM_AMQPLIB: (&str, &str) = ("amqplib", "0.10.9");

impl AppView {
    pub fn is_rust(&self) -> bool {
        self.runtime == Language::Rust
    }
}

/// Names Cargo will not take for a package.
const CARGO_RESERVED: [&str; 12] = [
    "test",
    "core",
    "std",
    "alloc",
    "proc-macro",
    "self",
    "super",
    "crate",
    "fn",
    "type",
    "mod",
    "async",
];

fn crate_name(name: &str) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) || CARGO_RESERVED.contains(&name) {
        format!("svc-{name}")
    } else {
        name.to_string()
    }
}

fn snake(name: &str) -> String {
    name.replace('-', "_")
}

fn uses_text(u: Use) -> &'static str {
    match u {
        Use::Call => "called on requests",
        Use::Publish => "handed work asynchronously",
        Use::Consume => "consumed from",
        Use::ReadThrough => "read through a cache on a miss",
    }
}

/// The store behind connection `c` of `unit` as the twin calls it (`None` for a
/// service, or anything else that is not a cache, database or queue).
fn twin_store(spec: &Spec, unit: &Unit, c: &Connection) -> Option<TwinStore> {
    let store = spec.components.iter().find(|s| s.name == c.target)?;
    if !matches!(
        store.kind,
        ComponentKind::Cache | ComponentKind::Database | ComponentKind::Queue
    ) {
        return None;
    }
    let client = match engine_of(store).map(|(e, _)| e) {
        Some(Engine::Redis) => "redis",
        Some(Engine::Postgres) => "postgres",
        Some(Engine::Rabbitmq) => "rabbitmq",
        _ => "",
    };
    let is_cache = store.kind == ComponentKind::Cache;
    let read_through = if is_cache {
        spec.dependencies
            .iter()
            .filter(|d| d.from == store.name && d.mode_or_default() == CallMode::Sync)
            .filter_map(|d| {
                let connection = unit.connections.iter().position(|k| k.target == d.to)?;
                Some(twin_call(connection, d))
            })
            .collect()
    } else {
        Vec::new()
    };
    // The components that open the store, directly or through a cache in front of it.
    let fronts: Vec<&str> = spec
        .dependencies
        .iter()
        .filter(|d| d.to == store.name)
        .map(|d| d.from.as_str())
        .collect();
    let openers: std::collections::BTreeSet<&str> = spec
        .dependencies
        .iter()
        .filter(|d| d.to == store.name || fronts.contains(&d.to.as_str()))
        .map(|d| d.from.as_str())
        .filter(|from| {
            spec.components.iter().any(|k| {
                k.name == *from
                    && matches!(
                        k.kind,
                        ComponentKind::Service | ComponentKind::Worker | ComponentKind::Function
                    )
            })
        })
        .collect();
    let share = u32::try_from(openers.len().max(1)).unwrap_or(u32::MAX);
    Some(TwinStore {
        client,
        mean_ms: store.own_service_ms(),
        cv: store.service_time_cv_or_default(),
        hit_ratio: if is_cache {
            store.hit_ratio.unwrap_or(1.0).clamp(0.0, 1.0)
        } else {
            1.0
        },
        read_through,
        pool: (store.pool_servers() / share).max(1),
        queue: store.name.clone(),
    })
}

/// One call of edge `d` by connection `connection`, as the twin makes it.
fn twin_call(connection: usize, d: &crate::spec::Dependency) -> TwinCall {
    let calls = d.calls_or_default().max(0.0);
    TwinCall {
        connection,
        whole: calls.floor().min(f64::from(u32::MAX)) as u32,
        frac: calls.fract(),
        operation: d.operation.clone().unwrap_or_default(),
        made_by: d.from_operation.clone().unwrap_or_default(),
        ignore: d.failure_ignored(),
    }
}

fn conn_view(spec: &Spec, unit: &Unit, c: &Connection) -> ConnView {
    let needed = c.edges.iter().any(|&e| {
        spec.dependencies
            .get(e)
            .is_some_and(|d| !d.failure_ignored())
    });
    ConnView {
        twin_store: twin_store(spec, unit, c),
        gates_readiness: c.local && needed,
        target: c.target.clone(),
        field: format!("dep_{}", snake(&c.target)),
        env: c.env.clone(),
        var: c.var(),
        address: c.address.clone(),
        timeout_ms: c.timeout_ms,
        timeout_from: c.timeout_from.clone(),
        retries: c.retries,
        retries_from: c.retries_from.clone(),
        uses: uses_text(c.uses),
        protocol: match c.protocol {
            Protocol::Http => "Http",
            Protocol::Tcp => "Tcp",
        },
        protocol_js: match c.protocol {
            Protocol::Http => "http",
            Protocol::Tcp => "tcp",
        },
    }
}

pub(super) fn app_view(spec: &Spec, unit: &Unit, runtime: Language) -> AppView {
    let c = spec.components.iter().find(|c| c.name == unit.name);
    let mut buckets: Vec<f64> = BUCKETS.to_vec();
    let mut notes = Vec::new();
    for r in &unit.routes {
        if let Some((ms, _)) = class_p99(spec, &r.class) {
            buckets.push(ms / 1000.0);
            notes.push(format!("{} {} s", r.class, number(ms / 1000.0)));
        }
    }
    buckets.sort_by(f64::total_cmp);
    buckets.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    let plans = twin_plans(spec, unit);
    let service_time = c
        .and_then(|c| c.service_time_ms)
        .map_or("no service_time_ms in the spec".to_string(), |ms| {
            format!("service_time_ms {} in the spec", number(ms))
        });
    let connections: Vec<ConnView> = unit
        .connections
        .iter()
        .map(|c| conn_view(spec, unit, c))
        .collect();
    AppView {
        name: unit.name.clone(),
        crate_name: crate_name(&unit.name),
        kind: unit.kind.to_string(),
        description: c
            .map(|_| {
                format!(
                    "{} of {}{}",
                    unit.kind,
                    spec.name,
                    spec.description
                        .as_deref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        runtime,
        port: unit.port,
        npm_dependencies: npm_dependencies(&connections, runtime),
        connections,
        routes: unit
            .routes
            .iter()
            .zip(plans)
            .map(|(r, (twin_operation, twin_steps))| RouteView {
                class: r.class.clone(),
                path: format!("/{}", r.class),
                handler: format!("class_{}", snake(&r.class)),
                calls: r.calls.clone(),
                service_time: service_time.clone(),
                twin_operation,
                twin_steps,
            })
            .collect(),
        twin_default: TwinService {
            name: String::new(),
            mean_ms: c.map_or(0.0, |c| c.own_service_ms()),
            cv: c.map_or(1.0, |c| c.service_time_cv_or_default()),
        },
        twin_operations: c
            .map(|c| {
                c.operations()
                    .iter()
                    .enumerate()
                    .map(|(o, op)| TwinService {
                        name: op.name.clone(),
                        mean_ms: c.operation_service_ms(Some(o)),
                        cv: c.operation_service_cv(Some(o)),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        twin_consumers: twin_consumers(spec, unit),
        consumes: unit
            .connections
            .iter()
            .enumerate()
            .filter(|(_, c)| c.uses == Use::Consume)
            .map(|(i, _)| i)
            .collect(),
        // `{:?}` keeps the `.0` of whole numbers: a float literal in Rust, a number in JS.
        buckets: buckets
            .iter()
            .map(|b| format!("{b:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        buckets_note: if notes.is_empty() {
            "no class with a p99 target reaches it".to_string()
        } else {
            notes.join(", ")
        },
    }
}

/// The npm packages a Node twin's store clients need, each once, in a fixed order.
fn npm_dependencies(
    connections: &[ConnView],
    runtime: Language,
) -> Vec<(&'static str, &'static str)> {
    if runtime == Language::Rust {
        return Vec::new();
    }
    let uses = |client: &str| {
        connections
            .iter()
            .any(|c| c.twin_store.as_ref().is_some_and(|s| s.client == client))
    };
    [
        ("redis", NPM_REDIS),
        ("postgres", NPM_PG),
        ("rabbitmq", NPM_AMQPLIB),
    ]
    .into_iter()
    .filter(|(client, _)| uses(client))
    .map(|(_, package)| package)
    .collect()
}

/// Per route of `unit`, the twin's plan of a visit by the route's class.
fn twin_plans(spec: &Spec, unit: &Unit) -> Vec<(String, Vec<Vec<TwinCall>>)> {
    let flows = crate::analysis::load::class_flows(spec).ok();
    unit.routes
        .iter()
        .map(|r| {
            let k = spec.workload.classes.iter().position(|c| c.name == r.class);
            let class = k.map(|k| &spec.workload.classes[k]);
            let operation = match class.filter(|c| c.entry == unit.name) {
                Some(c) => c.operation.clone().unwrap_or_default(),
                None => asked_operation(spec, unit, flows.as_deref(), k, CallMode::Sync),
            };
            (operation, visit_steps(spec, unit, flows.as_deref(), k))
        })
        .collect()
}

/// The queues `unit` consumes, each with a plan per class whose messages reach it.
fn twin_consumers(spec: &Spec, unit: &Unit) -> Vec<TwinConsumer> {
    let flows = crate::analysis::load::class_flows(spec).ok();
    let Some(me) = spec.components.iter().find(|c| c.name == unit.name) else {
        return Vec::new();
    };
    unit.connections
        .iter()
        .enumerate()
        .filter(|(_, c)| c.uses == Use::Consume)
        .map(|(connection, c)| {
            let plans = spec
                .workload
                .classes
                .iter()
                .enumerate()
                .filter(|(k, class)| match &flows {
                    Some(f) => c
                        .edges
                        .iter()
                        .any(|&e| f[*k].fired.get(e).is_some_and(|&x| x > 0.0)),
                    None => c
                        .edges
                        .iter()
                        .any(|&e| spec.dependencies[e].applies_to(&class.name)),
                })
                .map(|(k, class)| TwinPlan {
                    class: class.name.clone(),
                    operation: asked_operation(
                        spec,
                        unit,
                        flows.as_deref(),
                        Some(k),
                        CallMode::Async,
                    ),
                    steps: visit_steps(spec, unit, flows.as_deref(), Some(k)),
                })
                .collect();
            TwinConsumer {
                connection,
                // One message per request it can have in flight.
                prefetch: me.concurrency_or_default().max(1),
                plans,
            }
        })
        .collect()
}

/// The operation class `k`'s visits ask of `unit` over edges of `mode`, when the
/// spec's edges into it that the class fires agree on one (`""` otherwise: the
/// caller's header says, or the component's own time counts).
fn asked_operation(
    spec: &Spec,
    unit: &Unit,
    flows: Option<&[crate::analysis::load::ClassFlow]>,
    k: Option<usize>,
    mode: CallMode,
) -> String {
    let mut asked: Vec<&str> = spec
        .dependencies
        .iter()
        .enumerate()
        .filter(|(_, d)| d.to == unit.name && d.mode_or_default() == mode)
        .filter(|(e, d)| match (flows, k) {
            (Some(f), Some(k)) => f[k].fired.get(*e).is_some_and(|&x| x > 0.0),
            _ => k.is_some_and(|k| d.applies_to(&spec.workload.classes[k].name)),
        })
        .filter_map(|(_, d)| d.operation.as_deref())
        .collect();
    asked.dedup();
    match asked.as_slice() {
        [one] => (*one).to_string(),
        _ => String::new(),
    }
}

/// The calls class `k`'s requests make at `unit` (sync, and messages it publishes), slot by slot, by the analysis's
/// routing (a call only one operation makes keeps its `from_operation`, which the twin
/// checks against the operation each visit asks for).
fn visit_steps(
    spec: &Spec,
    unit: &Unit,
    flows: Option<&[crate::analysis::load::ClassFlow]>,
    k: Option<usize>,
) -> Vec<Vec<TwinCall>> {
    let class = k.map(|k| &spec.workload.classes[k]);
    let mut slots: Vec<(Option<&str>, Vec<TwinCall>)> = Vec::new();
    for (e, d) in spec.dependencies.iter().enumerate() {
        if d.from != unit.name {
            continue;
        }
        let makes = match (flows, k) {
            (Some(f), Some(k)) => f[k].fired.get(e).is_some_and(|&x| x > 0.0),
            _ => class.is_some_and(|c| d.applies_to(&c.name)),
        };
        // A sync call, or a message handed to a queue (which returns once it is sent).
        let Some(connection) = unit
            .connections
            .iter()
            .position(|c| matches!(c.uses, Use::Call | Use::Publish) && c.edges.contains(&e))
        else {
            continue;
        };
        if !makes {
            continue;
        }
        let call = twin_call(connection, d);
        match d.parallel.as_deref() {
            Some(g) => match slots.iter_mut().find(|(name, _)| *name == Some(g)) {
                Some((_, list)) => list.push(call),
                None => slots.push((Some(g), vec![call])),
            },
            None => slots.push((None, vec![call])),
        }
    }
    slots.into_iter().map(|(_, s)| s).collect()
}
