//! The generated services, workers and functions: their code (Rust with axum, or Node)
//! and Dockerfiles, one [`AppView`] each.

use super::{class_p99, number};
use crate::scaffold::layout::{Connection, Language, Protocol, Unit, Use};
use crate::spec::Spec;

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
}

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

fn conn_view(spec: &Spec, c: &Connection) -> ConnView {
    let needed = c.edges.iter().any(|&e| {
        spec.dependencies
            .get(e)
            .is_some_and(|d| !d.failure_ignored())
    });
    ConnView {
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
        connections: unit
            .connections
            .iter()
            .map(|c| conn_view(spec, c))
            .collect(),
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

/// Per route of `unit`, the twin's plan: the operation its class enters with here, and
/// the sync calls its requests make here, slot by slot, by the analysis's routing (a
/// call only one operation makes keeps its `from_operation`, which the twin checks
/// against the operation each visit asks for).
fn twin_plans(spec: &Spec, unit: &Unit) -> Vec<(String, Vec<Vec<TwinCall>>)> {
    let flows = crate::analysis::load::class_flows(spec).ok();
    unit.routes
        .iter()
        .map(|r| {
            let k = spec.workload.classes.iter().position(|c| c.name == r.class);
            let class = k.map(|k| &spec.workload.classes[k]);
            let operation = class
                .filter(|c| c.entry == unit.name)
                .and_then(|c| c.operation.clone())
                .unwrap_or_default();
            let mut slots: Vec<(Option<&str>, Vec<TwinCall>)> = Vec::new();
            for (e, d) in spec.dependencies.iter().enumerate() {
                if d.from != unit.name || d.mode_or_default() != crate::spec::CallMode::Sync {
                    continue;
                }
                let makes = match (&flows, k) {
                    (Some(f), Some(k)) => f[k].fired.get(e).is_some_and(|&x| x > 0.0),
                    _ => class.is_some_and(|c| d.applies_to(&c.name)),
                };
                let Some(connection) = unit
                    .connections
                    .iter()
                    .position(|c| c.uses == Use::Call && c.edges.contains(&e))
                else {
                    continue;
                };
                if !makes {
                    continue;
                }
                let calls = d.calls_or_default().max(0.0);
                let call = TwinCall {
                    connection,
                    whole: calls.floor().min(f64::from(u32::MAX)) as u32,
                    frac: calls.fract(),
                    operation: d.operation.clone().unwrap_or_default(),
                    made_by: d.from_operation.clone().unwrap_or_default(),
                    ignore: d.failure_ignored(),
                };
                match d.parallel.as_deref() {
                    Some(g) => match slots.iter_mut().find(|(name, _)| *name == Some(g)) {
                        Some((_, list)) => list.push(call),
                        None => slots.push((Some(g), vec![call])),
                    },
                    None => slots.push((None, vec![call])),
                }
            }
            (operation, slots.into_iter().map(|(_, s)| s).collect())
        })
        .collect()
}
