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
}

#[derive(Debug, Clone)]
pub struct RouteView {
    pub class: String,
    pub path: String,
    pub handler: String,
    pub calls: Vec<usize>,
    pub service_time: String,
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

fn conn_view(c: &Connection) -> ConnView {
    ConnView {
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
        connections: unit.connections.iter().map(conn_view).collect(),
        routes: unit
            .routes
            .iter()
            .map(|r| RouteView {
                class: r.class.clone(),
                path: format!("/{}", r.class),
                handler: format!("class_{}", snake(&r.class)),
                calls: r.calls.clone(),
                service_time: service_time.clone(),
            })
            .collect(),
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
