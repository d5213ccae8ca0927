//! What the templates show, worked out once here from the spec, its plan, the layout
//! and the sizing: the templates only lay it out and escape it.

use super::escape;
use super::infra::Engine;
use super::layout::{ClassPath, Connection, Deploy, Layout, Protocol, Unit, Use};
use super::sizing::{self, Hpa, Sizing};
use crate::plan::Plan;
use crate::spec::{ComponentKind, Rollout, Runtime, Spec};

/// The version the generated images are tagged with.
pub const VERSION: &str = "0.1.0";
/// The gateway's image (unprivileged: listens on 8080, writes only /tmp).
pub const NGINX_IMAGE: &str = "nginxinc/nginx-unprivileged:1.27.2-alpine";
pub const PROMETHEUS_IMAGE: &str = "prom/prometheus:v2.54.1";
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
    pub runtime: Runtime,
    pub port: u16,
    pub connections: Vec<ConnView>,
    pub routes: Vec<RouteView>,
    pub consumes: Vec<usize>,
    pub buckets: String,
    pub buckets_note: String,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

/// One nginx `location` of a gateway.
#[derive(Debug, Clone)]
pub struct Location {
    /// `= /browse` or `/`.
    pub matcher: String,
    pub upstream: String,
    pub port: u16,
    pub why: String,
    pub timeout_ms: u64,
    pub tries: u32,
}

#[derive(Debug, Clone)]
pub struct TrackView {
    /// The Deployment's name.
    pub name: String,
    /// Extra selector label (`track: stable` / `slot: blue`), if the rollout has tracks.
    pub label: Option<(String, String)>,
    pub replicas: u32,
    /// The track the autoscaler and the Service's main traffic follow.
    pub live: bool,
}

/// A Kubernetes workload: Deployment(s), Service, autoscaler, budget, ConfigMap.
#[derive(Debug, Clone)]
pub struct WorkloadView {
    pub name: String,
    pub part_of: String,
    /// `service`, `worker` or `gateway` (app.kubernetes.io/component).
    pub role: String,
    pub image: String,
    pub port: u16,
    pub gateway: bool,
    /// Whether the scaffold knows the image's user and file system (generated or nginx).
    pub hardened: bool,
    pub run_as_user: u32,
    pub tracks: Vec<TrackView>,
    /// Services beside the main one (a blue-green preview).
    pub preview: Option<TrackView>,
    pub sizing: Sizing,
    pub hpa: Option<Hpa>,
    pub cpu_request: String,
    pub cpu_limit: String,
    pub memory_request: String,
    pub memory_limit: String,
    pub env: Vec<EnvVar>,
    pub locations: Vec<Location>,
    pub service_type: String,
    /// The label the main Service adds to its selector (blue-green: the live slot).
    pub service_selector: Option<(String, String)>,
    /// The gateway's nginx configuration (for its ConfigMap).
    pub nginx_conf: String,
}

impl WorkloadView {
    /// The recommended labels, as `key: "value"` lines.
    pub fn label_lines(&self) -> Vec<String> {
        [
            ("app.kubernetes.io/name", self.name.as_str()),
            ("app.kubernetes.io/instance", self.name.as_str()),
            ("app.kubernetes.io/version", VERSION),
            ("app.kubernetes.io/component", self.role.as_str()),
            ("app.kubernetes.io/part-of", self.part_of.as_str()),
            ("app.kubernetes.io/managed-by", "headroom"),
        ]
        .iter()
        .map(|(k, v)| format!("{k}: {}", escape::yaml_str(v)))
        .collect()
    }

    /// The Deployment the autoscaler scales: the live track's.
    pub fn live_deployment(&self) -> String {
        self.tracks
            .iter()
            .find(|t| t.live)
            .map_or_else(|| self.name.clone(), |t| t.name.clone())
    }
}

#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// `CMD` or `CMD-SHELL` words, already JSON-escaped for the flow list.
    pub test: Vec<String>,
}

/// One docker-compose service.
#[derive(Debug, Clone)]
pub struct ComposeService {
    pub name: String,
    pub comment: String,
    pub image: Option<String>,
    pub build: Option<String>,
    pub command: Vec<String>,
    pub user: Option<String>,
    pub environment: Vec<EnvVar>,
    pub ports: Vec<String>,
    pub volumes: Vec<String>,
    pub healthcheck: Option<Healthcheck>,
    pub depends_on: Vec<(String, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct ClassView {
    pub name: String,
    pub path: String,
    pub rate_rps: f64,
    pub p99_ms: Option<f64>,
    pub p99_seconds: Option<f64>,
    pub p99_from: String,
    /// `1 - availability`, when the spec has an availability target.
    pub error_budget: Option<f64>,
    pub availability: Option<f64>,
    /// The env var k6 reads the entry's URL from, and its local default.
    pub entry_var: String,
    pub entry_url: Option<String>,
    pub entry_note: String,
    pub measured_at: Option<String>,
    pub pre_allocated_vus: u32,
    pub max_vus: u32,
    /// k6 sub-metrics the thresholds hold (`http_req_duration{scenario:browse}`).
    pub duration_metric: String,
    pub failed_metric: String,
    /// The alert names' prefix, CamelCase (`ShopBrowse`).
    pub alert_prefix: String,
    /// The alert group's name.
    pub group: String,
    pub text: ClassText,
}

/// Sentences and thresholds of a class's alerts and load-test thresholds.
#[derive(Debug, Clone, Default)]
pub struct ClassText {
    pub p99_summary: String,
    pub p99_description: String,
    pub fast_summary: String,
    pub fast_description: String,
    pub slow_summary: String,
    pub slow_description: String,
    pub p99_threshold: String,
    pub failed_threshold: String,
}

impl ClassView {
    pub fn alert_name(&self, what: &str) -> String {
        format!("{}{what}", self.alert_prefix)
    }
}

/// `shop`, `read-timeline` -> `ShopReadTimeline` (a letter first).
fn camel(parts: &[&str]) -> String {
    let mut out = String::new();
    for p in parts {
        for word in p.split(|c: char| !c.is_ascii_alphanumeric()) {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 'C');
    }
    out
}

/// A row of the README's provenance table.
#[derive(Debug, Clone)]
pub struct Provenance {
    pub file: String,
    pub value: String,
    pub from: String,
}

#[derive(Debug, Clone)]
pub struct ProjectView {
    pub name: String,
    pub description: String,
    pub meets_all_targets: bool,
    pub targets_met: usize,
    pub targets: usize,
    pub monthly_cost_usd: String,
    pub plan_steps: Vec<String>,
    pub out_of_reach: Vec<String>,
    pub apps: Vec<AppView>,
    pub workloads: Vec<WorkloadView>,
    pub compose: Vec<ComposeService>,
    pub classes: Vec<ClassView>,
    pub rollout: &'static str,
    pub monitoring: bool,
    pub prometheus_targets: Vec<String>,
    pub provenance: Vec<Provenance>,
    pub notes: Vec<String>,
    pub ceiling: f64,
    pub postgres_with_replicas: bool,
    pub duration_default: &'static str,
    /// Images the production overlay points at a registry: (name in the base, new name).
    pub images: Vec<(String, String)>,
    /// Whether any class has alert rules.
    pub any_alerts: bool,
}

impl ProjectView {
    /// The first port published on the host (for the README's example).
    pub fn first_port(&self) -> String {
        self.compose
            .iter()
            .filter(|s| s.name != "prometheus")
            .find_map(|s| s.ports.first())
            .and_then(|p| p.split(':').next())
            .unwrap_or("8080")
            .to_string()
    }

    pub fn rollout_text(&self) -> String {
        match self.rollout {
            "canary" => "Each workload has a stable Deployment (`track: stable`) with the planned replicas and a canary Deployment (`NAME-canary`, `track: canary`) idle at zero; the Service selects both, so traffic splits by pod count. For a release, set the canary's image and scale it to the pods in the table below (the spec's canary_percent), watch its errors and latency, then roll the stable Deployment and scale the canary back to zero.".to_string(),
            "blue_green" => "Each workload has a blue Deployment (`NAME-blue`, live, the planned replicas, scaled by the autoscaler) and a green one (`NAME-green`) idle at zero. For a release, set green's image and scale it to blue's replicas, check it through `NAME-preview`, then switch the Service's `slot` selector to green (and the autoscaler's target), and scale blue to zero. Both colours run at once for the length of the switch: the plan prices an hour of that.".to_string(),
            _ => "Rolling updates, never below the planned capacity: `maxSurge: 25%`, `maxUnavailable: 0`.".to_string(),
        }
    }
}

impl AppView {
    pub fn is_rust(&self) -> bool {
        self.runtime == Runtime::Rust
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

fn class_p99(spec: &Spec, class: &str) -> Option<(f64, String)> {
    let k = spec.workload.classes.iter().find(|k| k.name == class)?;
    let i = spec.workload.classes.iter().position(|x| x.name == class)?;
    match (k.p99_ms, spec.targets.p99_ms) {
        (Some(ms), _) => Some((ms, format!("workload.classes[{i}].p99_ms"))),
        (None, Some(ms)) => Some((ms, "targets.p99_ms".to_string())),
        _ => None,
    }
}

/// A number as people write it: at most 9 decimals, no trailing zeros (0.3, 2.5, 10,
/// and 0.0005 for 1 - 99.95 / 100, not 0.0005000000000000004).
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "0".to_string();
    }
    let s = format!("{x:.9}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

fn app_view(spec: &Spec, unit: &Unit, runtime: Runtime) -> AppView {
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

/// The environment of a unit: its own settings and its dependencies' addresses and policies.
fn env_of(unit: &Unit, kubernetes: bool) -> Vec<EnvVar> {
    let mut env = vec![
        EnvVar {
            name: "SERVICE_NAME".into(),
            value: unit.name.clone(),
        },
        EnvVar {
            name: "PORT".into(),
            value: unit.port.to_string(),
        },
        EnvVar {
            name: "LOG_LEVEL".into(),
            value: "info".into(),
        },
        EnvVar {
            name: "OTEL_SERVICE_NAME".into(),
            value: unit.name.clone(),
        },
    ];
    if kubernetes {
        // Endpoints take a few seconds to drop a pod that reports not ready.
        env.push(EnvVar {
            name: "SHUTDOWN_DELAY_MS".into(),
            value: "5000".into(),
        });
    }
    for c in &unit.connections {
        env.push(EnvVar {
            name: c.var(),
            value: c.address.clone(),
        });
        if !c.replica_addresses.is_empty() {
            env.push(EnvVar {
                name: format!("{}_REPLICA_ADDRS", c.env),
                value: c.replica_addresses.join(","),
            });
        }
        env.push(EnvVar {
            name: format!("{}_TIMEOUT_MS", c.env),
            value: c.timeout_ms.to_string(),
        });
        env.push(EnvVar {
            name: format!("{}_RETRIES", c.env),
            value: c.retries.to_string(),
        });
    }
    env
}

fn locations(spec: &Spec, unit: &Unit) -> Vec<Location> {
    let mut out = Vec::new();
    let upstream = |k: usize| &unit.connections[k];
    for r in &unit.routes {
        if let Some(&k) = r.calls.first() {
            let c = upstream(k);
            if c.protocol == Protocol::Http && c.local {
                // Without a timeout on the edge, this class's own p99 target bounds it
                // (the connection's is the strictest of all the classes it carries).
                let explicit = c
                    .edges
                    .iter()
                    .any(|&e| spec.dependencies[e].timeout_ms.is_some());
                let timeout_ms = match class_p99(spec, &r.class) {
                    Some((ms, _)) if !explicit => ms.ceil().max(1.0) as u64,
                    _ => c.timeout_ms,
                };
                out.push(Location {
                    matcher: format!("= /{}", r.class),
                    upstream: c.target.clone(),
                    port: c.port,
                    why: format!("class {} goes to {}", r.class, c.target),
                    timeout_ms,
                    tries: c.retries + 1,
                });
            }
        }
    }
    if let Some(c) = unit
        .connections
        .iter()
        .find(|c| c.uses == Use::Call && c.protocol == Protocol::Http && c.local)
    {
        out.push(Location {
            matcher: "/".into(),
            upstream: c.target.clone(),
            port: c.port,
            why: format!("everything else goes to {}, its first route", c.target),
            timeout_ms: c.timeout_ms,
            tries: c.retries + 1,
        });
    }
    out
}

fn image_of(spec: &Spec, unit: &Unit) -> String {
    match &unit.deploy {
        Deploy::Image(image) => image.clone(),
        Deploy::Gateway => NGINX_IMAGE.to_string(),
        Deploy::Infra { engine, .. } => engine.image().to_string(),
        _ => format!("{}/{}:{VERSION}", spec.name, unit.name),
    }
}

fn workload_view(spec: &Spec, unit: &Unit, sizing: Sizing) -> WorkloadView {
    let rollout = spec.practices.rollout.unwrap_or(Rollout::Rolling);
    let replicas = sizing.replicas;
    let second = sizing.second_track_replicas;
    let (tracks, preview) = match rollout {
        Rollout::Rolling => (
            vec![TrackView {
                name: unit.name.clone(),
                label: None,
                replicas,
                live: true,
            }],
            None,
        ),
        // The canary track idles at zero and takes `second` pods during a release; the
        // Service selects both tracks, so traffic splits by pod count.
        Rollout::Canary => (
            vec![
                TrackView {
                    name: unit.name.clone(),
                    label: Some(("track".into(), "stable".into())),
                    replicas,
                    live: true,
                },
                TrackView {
                    name: format!("{}-canary", unit.name),
                    label: Some(("track".into(), "canary".into())),
                    replicas: 0,
                    live: false,
                },
            ],
            None,
        ),
        // Blue is live; green idles at zero, scales to blue's count for a release, is
        // checked through the preview Service, and takes over by a selector switch.
        Rollout::BlueGreen => (
            vec![
                TrackView {
                    name: format!("{}-blue", unit.name),
                    label: Some(("slot".into(), "blue".into())),
                    replicas,
                    live: true,
                },
                TrackView {
                    name: format!("{}-green", unit.name),
                    label: Some(("slot".into(), "green".into())),
                    replicas: 0,
                    live: false,
                },
            ],
            Some(TrackView {
                name: format!("{}-preview", unit.name),
                label: Some(("slot".into(), "green".into())),
                replicas: second,
                live: false,
            }),
        ),
    };
    let gateway = unit.deploy == Deploy::Gateway;
    let (hardened, run_as_user) = match &unit.deploy {
        Deploy::Code {
            runtime: Runtime::Rust,
            ..
        } => (true, 10001),
        Deploy::Code {
            runtime: Runtime::Node,
            ..
        } => (true, 1000),
        Deploy::Gateway => (true, 101),
        _ => (false, 0),
    };
    WorkloadView {
        name: unit.name.clone(),
        part_of: spec.name.clone(),
        role: if gateway {
            "gateway".into()
        } else {
            unit.kind.to_string()
        },
        image: image_of(spec, unit),
        port: unit.port,
        gateway,
        hardened,
        run_as_user,
        tracks,
        preview,
        hpa: sizing.hpa.clone(),
        cpu_request: format!("{}m", sizing.cpu_request_milli),
        cpu_limit: format!("{}m", sizing.cpu_limit_milli),
        memory_request: format!("{}Mi", sizing.memory_request_mib),
        memory_limit: format!("{}Mi", sizing.memory_limit_mib),
        sizing,
        env: if gateway {
            Vec::new()
        } else {
            env_of(unit, true)
        },
        locations: if gateway {
            locations(spec, unit)
        } else {
            Vec::new()
        },
        service_type: if gateway {
            "LoadBalancer".into()
        } else {
            "ClusterIP".into()
        },
        service_selector: match rollout {
            Rollout::BlueGreen => Some(("slot".into(), "blue".into())),
            _ => None,
        },
        nginx_conf: String::new(),
    }
}

fn cmd(words: &[&str]) -> Healthcheck {
    Healthcheck {
        test: std::iter::once("CMD")
            .chain(words.iter().copied())
            .map(escape::json_str)
            .collect(),
    }
}

fn shell(script: &str) -> Healthcheck {
    Healthcheck {
        test: vec![escape::json_str("CMD-SHELL"), escape::json_str(script)],
    }
}

fn compose_services(
    spec: &Spec,
    layout: &Layout,
    host_ports: &[Option<u16>],
    monitoring: bool,
) -> Vec<ComposeService> {
    let healthy = |name: &str| -> &'static str {
        match layout
            .units
            .iter()
            .find(|u| u.name == name)
            .map(|u| &u.deploy)
        {
            Some(Deploy::Image(_)) => "service_started",
            _ => "service_healthy",
        }
    };
    let mut out = Vec::new();
    for (i, unit) in layout.units.iter().enumerate() {
        let c = &spec.components[i];
        let depends_on: Vec<(String, &'static str)> = unit
            .depends_on
            .iter()
            .map(|d| (d.clone(), healthy(d)))
            .collect();
        let ports: Vec<String> = host_ports[i]
            .map(|h| vec![format!("{h}:{}", unit.port)])
            .unwrap_or_default();
        match &unit.deploy {
            Deploy::Outside => {}
            Deploy::Code { runtime, .. } => out.push(ComposeService {
                name: unit.name.clone(),
                comment: format!(
                    "{} {}: generated {} skeleton (services/{})",
                    c.kind,
                    unit.name,
                    match runtime {
                        Runtime::Rust => "Rust",
                        Runtime::Node => "Node",
                    },
                    unit.name
                ),
                image: Some(image_of(spec, unit)),
                build: Some(format!("./services/{}", unit.name)),
                command: Vec::new(),
                user: None,
                environment: env_of(unit, false),
                ports,
                volumes: Vec::new(),
                // The image's own HEALTHCHECK (the binary asks itself for /healthz).
                healthcheck: None,
                depends_on,
            }),
            Deploy::Image(image) => out.push(ComposeService {
                name: unit.name.clone(),
                comment: format!("{} {}: the spec's image", c.kind, unit.name),
                image: Some(image.clone()),
                build: None,
                command: Vec::new(),
                user: None,
                environment: env_of(unit, false),
                ports,
                volumes: Vec::new(),
                healthcheck: None,
                depends_on,
            }),
            Deploy::Gateway => out.push(ComposeService {
                name: unit.name.clone(),
                comment: format!(
                    "load balancer {}: nginx{}",
                    unit.name,
                    c.engine
                        .as_deref()
                        .filter(|e| !e.eq_ignore_ascii_case("nginx"))
                        .map(|e| format!(" standing in for {e}"))
                        .unwrap_or_default()
                ),
                image: Some(NGINX_IMAGE.to_string()),
                build: None,
                command: Vec::new(),
                user: None,
                environment: Vec::new(),
                ports,
                volumes: vec![format!(
                    "./gateway/{}/nginx.conf:/etc/nginx/conf.d/default.conf:ro",
                    unit.name
                )],
                healthcheck: Some(cmd(&["wget", "-qO-", "http://127.0.0.1:8080/healthz"])),
                depends_on,
            }),
            Deploy::Infra { engine, note } => {
                let mut environment = Vec::new();
                let mut volumes = Vec::new();
                let replicas = super::layout::replica_names(spec, i, &unit.deploy);
                match engine {
                    Engine::Postgres => {
                        environment.push(EnvVar {
                            name: "POSTGRES_PASSWORD".into(),
                            value: "${POSTGRES_PASSWORD:-headroom}".into(),
                        });
                        if !replicas.is_empty() {
                            environment.push(EnvVar {
                                name: "REPLICATION_PASSWORD".into(),
                                value: "${REPLICATION_PASSWORD:-replicator}".into(),
                            });
                            volumes.push("./infra/postgres/init-replication.sh:/docker-entrypoint-initdb.d/10-replication.sh:ro".to_string());
                        }
                    }
                    Engine::Mysql => environment.push(EnvVar {
                        name: "MYSQL_ROOT_PASSWORD".into(),
                        value: "${MYSQL_ROOT_PASSWORD:-headroom}".into(),
                    }),
                    Engine::Kafka => {
                        let partitions = c.partitions.unwrap_or(crate::spec::defaults::PARTITIONS);
                        for (k, v) in [
                            ("KAFKA_NODE_ID", "1".to_string()),
                            ("KAFKA_PROCESS_ROLES", "broker,controller".to_string()),
                            (
                                "KAFKA_LISTENERS",
                                "PLAINTEXT://:9092,CONTROLLER://:9093".to_string(),
                            ),
                            (
                                "KAFKA_ADVERTISED_LISTENERS",
                                format!("PLAINTEXT://{}:9092", unit.name),
                            ),
                            ("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER".to_string()),
                            (
                                "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
                                "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT".to_string(),
                            ),
                            (
                                "KAFKA_CONTROLLER_QUORUM_VOTERS",
                                "1@localhost:9093".to_string(),
                            ),
                            ("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1".to_string()),
                            (
                                "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
                                "1".to_string(),
                            ),
                            ("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1".to_string()),
                            // The spec's partitions: the most consumers that drain it at once.
                            ("KAFKA_NUM_PARTITIONS", partitions.to_string()),
                        ] {
                            environment.push(EnvVar {
                                name: k.into(),
                                value: v,
                            });
                        }
                    }
                    Engine::Opensearch => {
                        for (k, v) in [
                            ("discovery.type", "single-node"),
                            ("DISABLE_SECURITY_PLUGIN", "true"),
                            ("DISABLE_INSTALL_DEMO_CONFIG", "true"),
                            ("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m"),
                        ] {
                            environment.push(EnvVar {
                                name: k.into(),
                                value: v.into(),
                            });
                        }
                    }
                    Engine::Redis | Engine::Memcached | Engine::Rabbitmq => {}
                }
                let mut comment = format!("{} {}: {}", c.kind, unit.name, engine.name());
                if let Some(n) = note {
                    comment.push_str(&format!(" ({n})"));
                }
                out.push(ComposeService {
                    name: unit.name.clone(),
                    comment,
                    image: Some(engine.image().to_string()),
                    build: None,
                    command: Vec::new(),
                    user: None,
                    environment,
                    ports: Vec::new(),
                    volumes,
                    healthcheck: Some(shell(engine.healthcheck())),
                    depends_on: Vec::new(),
                });
                for (k, r) in replicas.iter().enumerate() {
                    let primary = escape::shell_word(&unit.name);
                    let (command, user, environment) = match engine {
                        Engine::Postgres => (
                            vec![
                                "bash".to_string(),
                                "-c".to_string(),
                                format!(
                                    "if [ ! -s /var/lib/postgresql/data/pgdata/PG_VERSION ]; then until pg_basebackup -h {primary} -U replicator -D /var/lib/postgresql/data/pgdata -R -X stream; do sleep 1; done; fi; exec postgres -D /var/lib/postgresql/data/pgdata"
                                ),
                            ],
                            Some("postgres".to_string()),
                            vec![EnvVar {
                                name: "PGPASSWORD".into(),
                                value: "${REPLICATION_PASSWORD:-replicator}".into(),
                            }],
                        ),
                        _ => (
                            vec![
                                "redis-server".to_string(),
                                "--replicaof".to_string(),
                                unit.name.clone(),
                                engine.port().to_string(),
                            ],
                            None,
                            Vec::new(),
                        ),
                    };
                    out.push(ComposeService {
                        name: r.clone(),
                        comment: format!(
                            "read replica {} of {} ({} in the spec)",
                            k + 1,
                            unit.name,
                            format_args!("components[{i}].replication.read_replicas")
                        ),
                        image: Some(engine.image().to_string()),
                        build: None,
                        command,
                        user,
                        environment,
                        ports: Vec::new(),
                        volumes: Vec::new(),
                        healthcheck: Some(shell(engine.healthcheck())),
                        depends_on: vec![(unit.name.clone(), "service_healthy")],
                    });
                }
            }
        }
    }
    if monitoring {
        out.push(ComposeService {
            name: "prometheus".into(),
            comment:
                "practices.monitoring: Prometheus scraping every service, with the SLO alert rules"
                    .into(),
            image: Some(PROMETHEUS_IMAGE.to_string()),
            build: None,
            command: vec![
                "--config.file=/etc/prometheus/prometheus.yml".to_string(),
                "--web.enable-lifecycle".to_string(),
            ],
            user: None,
            environment: Vec::new(),
            ports: vec!["9090:9090".to_string()],
            volumes: vec![
                "./monitoring/prometheus.yml:/etc/prometheus/prometheus.yml:ro".to_string(),
                "./monitoring/alerts.yml:/etc/prometheus/alerts.yml:ro".to_string(),
            ],
            healthcheck: Some(cmd(&["wget", "-qO-", "http://127.0.0.1:9090/-/ready"])),
            depends_on: Vec::new(),
        });
    }
    out
}

/// Host ports for what a person or k6 reaches from outside: gateways and the services
/// classes enter at. The spec's port when it has one and it is free, else the next free
/// one from 8080.
fn host_ports(spec: &Spec, layout: &Layout) -> Vec<Option<u16>> {
    let mut taken: Vec<u16> = vec![9090];
    let mut out = vec![None; layout.units.len()];
    let entries: Vec<usize> = layout.classes.iter().filter_map(|c| c.entry).collect();
    for (i, u) in layout.units.iter().enumerate() {
        let published = u.deploy == Deploy::Gateway || (entries.contains(&i) && u.deploy.is_app());
        if !published {
            continue;
        }
        let wanted = spec.components[i].port.unwrap_or(8080);
        let mut p = wanted;
        while taken.contains(&p) {
            p = p.saturating_add(1);
        }
        taken.push(p);
        out[i] = Some(p);
    }
    out
}

fn class_view(
    spec: &Spec,
    layout: &Layout,
    path: &ClassPath,
    host_ports: &[Option<u16>],
) -> ClassView {
    let k = spec.workload.classes.iter().find(|k| k.name == path.class);
    let rate = k.map_or(0.0, |k| k.rate_rps);
    let p99 = class_p99(spec, &path.class);
    let entry_name = k.map(|k| k.entry.clone()).unwrap_or_default();
    let (entry_url, entry_note, entry_var) = match path.entry {
        Some(u) => {
            let unit = &layout.units[u];
            let url = host_ports[u].map(|p| format!("http://localhost:{p}"));
            let note = if unit.name == entry_name {
                format!("enters at {}", unit.name)
            } else {
                format!(
                    "enters at {entry_name}, which the scaffold does not run: sent to {}, the first component behind it",
                    unit.name
                )
            };
            (url, note, format!("{}_URL", escape::env_name(&unit.name)))
        }
        None => (
            None,
            format!("enters at {entry_name}, and nothing on its path runs locally: set the URL to run it"),
            format!("{}_URL", escape::env_name(&entry_name)),
        ),
    };
    // Little's law: VUs in flight = rate x time per request; the p99 is a generous time.
    let seconds = p99.as_ref().map_or(1.0, |(ms, _)| ms / 1000.0);
    let pre = (rate * seconds).ceil().max(1.0);
    ClassView {
        name: path.class.clone(),
        path: format!("/{}", path.class),
        rate_rps: rate,
        p99_ms: p99.as_ref().map(|p| p.0),
        p99_seconds: p99.as_ref().map(|p| p.0 / 1000.0),
        p99_from: p99
            .as_ref()
            .map_or("no p99 target".to_string(), |p| p.1.clone()),
        error_budget: spec.targets.availability.map(|a| 1.0 - a / 100.0),
        availability: spec.targets.availability,
        entry_var,
        entry_url,
        entry_note,
        measured_at: path.measured_at.map(|u| layout.units[u].name.clone()),
        pre_allocated_vus: pre.min(100_000.0) as u32,
        max_vus: (pre * 4.0).min(400_000.0) as u32,
        duration_metric: format!("http_req_duration{{scenario:{}}}", path.class),
        failed_metric: format!("http_req_failed{{scenario:{}}}", path.class),
        alert_prefix: camel(&[&spec.name, &path.class]),
        group: format!("{}-{}", spec.name, path.class),
        text: class_text(spec, path, p99.as_ref()),
    }
}

fn class_text(spec: &Spec, path: &ClassPath, p99: Option<&(f64, String)>) -> ClassText {
    let k = &path.class;
    let mut t = ClassText::default();
    if let Some((ms, from)) = p99 {
        t.p99_summary = format!("p99 of {k} over its {} ms target", number(*ms));
        t.p99_description = format!(
            "The p99 latency of class {k} has been over {} s for 10 minutes ({from}).",
            number(ms / 1000.0)
        );
        t.p99_threshold = format!("p(99)<{}", number(*ms));
    }
    if let Some(a) = spec.targets.availability {
        let budget = number(1.0 - a / 100.0);
        t.fast_summary = format!("{k} is burning its error budget fast");
        t.fast_description = format!(
            "At this rate class {k} spends its monthly error budget ({budget} of requests, from the {} % availability target) in days.",
            number(a)
        );
        t.slow_summary = format!("{k} is spending its error budget faster than it accrues");
        t.slow_description =
            format!("Class {k} has failed more than {budget} of its requests over 3 days.");
        t.failed_threshold = format!("rate<{budget}");
    }
    t
}

pub fn project(
    original: &Spec,
    plan: &Plan,
    layout: &Layout,
    sizings: &[(usize, Sizing)],
) -> ProjectView {
    let spec = &plan.spec;
    let monitoring = spec
        .practices
        .monitoring
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("prometheus"));
    let ports = host_ports(spec, layout);
    let apps: Vec<AppView> = layout
        .units
        .iter()
        .filter_map(|u| match u.deploy {
            Deploy::Code { runtime, .. } => Some(app_view(spec, u, runtime)),
            _ => None,
        })
        .collect();
    let workloads: Vec<WorkloadView> = sizings
        .iter()
        .map(|(i, s)| workload_view(spec, &layout.units[*i], s.clone()))
        .collect();
    let classes: Vec<ClassView> = layout
        .classes
        .iter()
        .map(|c| class_view(spec, layout, c, &ports))
        .collect();

    let mut provenance = Vec::new();
    let mut row = |file: String, value: String, from: String| {
        provenance.push(Provenance { file, value, from })
    };
    for w in &workloads {
        let base = format!("k8s/base/{}", w.name);
        let s = &w.sizing;
        row(
            format!("{base}/deployment.yaml"),
            format!("replicas {}", s.replicas),
            s.replicas_from.clone(),
        );
        match &w.hpa {
            Some(h) => row(
                format!("{base}/hpa.yaml"),
                format!(
                    "minReplicas {}, maxReplicas {}, CPU {} %",
                    h.min, h.max, h.cpu_target_percent
                ),
                format!(
                    "{} (hour by hour: {})",
                    s.hpa_from,
                    h.hourly
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
            ),
            None => row(
                format!("{base}/hpa.yaml"),
                "none".into(),
                s.hpa_from.clone(),
            ),
        }
        row(
            format!("{base}/deployment.yaml"),
            format!("cpu request {}, limit {}", w.cpu_request, w.cpu_limit),
            s.cpu_from.clone(),
        );
        row(
            format!("{base}/deployment.yaml"),
            format!(
                "memory request {}, limit {}",
                w.memory_request, w.memory_limit
            ),
            s.memory_from.clone(),
        );
        row(
            format!("{base}/pdb.yaml"),
            format!("maxUnavailable {}", s.pdb_max_unavailable),
            s.pdb_from.clone(),
        );
        if s.second_track_replicas > 0 {
            row(
                format!("{base}/deployment-*.yaml"),
                format!(
                    "{} pod{} for a release",
                    s.second_track_replicas,
                    if s.second_track_replicas == 1 {
                        ""
                    } else {
                        "s"
                    }
                ),
                s.second_track_from.clone(),
            );
        }
    }
    for a in &apps {
        for c in &a.connections {
            row(
                format!("services/{}", a.name),
                format!(
                    "{} -> {}: timeout {} ms, {} retries",
                    a.name, c.target, c.timeout_ms, c.retries
                ),
                format!("{}; {}", c.timeout_from, c.retries_from),
            );
        }
    }
    for w in workloads.iter().filter(|w| w.gateway) {
        for l in &w.locations {
            row(
                format!("gateway/{}/nginx.conf", w.name),
                format!(
                    "location {} -> {}: timeout {} ms, {} tries",
                    l.matcher, l.upstream, l.timeout_ms, l.tries
                ),
                format!(
                    "{}; the edge's timeout (or the class's p99 target without one) and retries",
                    l.why
                ),
            );
        }
    }
    for k in &classes {
        row(
            "loadtest/k6.js".into(),
            format!("{}: {} req/s", k.name, number(k.rate_rps)),
            "workload.classes[].rate_rps (at peak)".into(),
        );
        if let Some(ms) = k.p99_ms {
            row(
                "loadtest/k6.js, monitoring/alerts.yml".into(),
                format!("{}: p99 < {} ms", k.name, number(ms)),
                k.p99_from.clone(),
            );
        }
        if let Some(a) = k.availability {
            row(
                "loadtest/k6.js, monitoring/alerts.yml".into(),
                format!(
                    "{}: errors < {} (burn-rate alerts)",
                    k.name,
                    number(1.0 - a / 100.0)
                ),
                format!("targets.availability {} %", number(a)),
            );
        }
    }

    let mut notes = Vec::new();
    for (i, u) in layout.units.iter().enumerate() {
        let c = &spec.components[i];
        match &u.deploy {
            Deploy::Code {
                defaulted: true, ..
            } => notes.push(format!(
                "{} has no runtime in the spec: its skeleton is Rust, the default.",
                u.name
            )),
            Deploy::Infra {
                note: Some(n), ..
            } => notes.push(format!("{}: {n}.", u.name)),
            Deploy::Image(image) => notes.push(format!(
                "{} runs the spec's image {image}: no skeleton is generated; it should answer /healthz, /readyz and /metrics like the generated ones (the probes and alerts expect them).",
                u.name
            )),
            Deploy::Outside => notes.push(format!(
                "{} ({}) is not run by the scaffold: set {}_URL where it is called.",
                u.name,
                c.kind,
                u.env
            )),
            _ => {}
        }
        if c.kind == ComponentKind::Function {
            notes.push(format!(
                "{} is a function: the scaffold builds and runs it in docker-compose, but deploys no Kubernetes objects for it (put it on your serverless platform with at most {} instances, max_concurrency in the plan; set {}_URL for its callers).",
                u.name,
                c.max_concurrency.unwrap_or(crate::spec::defaults::MAX_CONCURRENCY),
                u.env
            ));
        }
        if c.replicas_or_default() > 1 && matches!(u.deploy, Deploy::Infra { .. }) {
            notes.push(format!(
                "{} has {} primaries per shard in the planned spec: docker-compose runs one; run it as a cluster of that size in production.",
                u.name,
                c.replicas_or_default()
            ));
        }
        if c.shards_or_default() > 1 && matches!(u.deploy, Deploy::Infra { .. }) {
            notes.push(format!(
                "{} has {} shards in the spec: docker-compose runs one.",
                u.name,
                c.shards_or_default()
            ));
        }
        if let Deploy::Infra { engine, .. } = &u.deploy {
            let reads = c
                .replication
                .as_ref()
                .and_then(|r| r.read_replicas)
                .unwrap_or(0);
            if reads > 0 && !engine.runs_replicas() {
                notes.push(format!(
                    "{} has {reads} read replicas in the spec: docker-compose runs the primary only ({} replication is not set up here).",
                    u.name,
                    engine.name()
                ));
            }
        }
        if matches!(u.deploy, Deploy::Gateway) {
            if let Some(e) = c
                .engine
                .as_deref()
                .filter(|e| !e.eq_ignore_ascii_case("nginx"))
            {
                notes.push(format!(
                    "{} is {e} in the spec: the scaffold's gateway is nginx, with the same routes.",
                    u.name
                ));
            }
        }
    }
    for k in &classes {
        if k.measured_at.is_none() {
            notes.push(format!(
                "class {} reaches no service the scaffold runs: it has no SLO alert rules (the load test still covers it when {} is set).",
                k.name, k.entry_var
            ));
        }
    }

    ProjectView {
        name: spec.name.clone(),
        description: original.description.clone().unwrap_or_default(),
        meets_all_targets: plan.meets_all_targets,
        targets_met: plan.after.targets_met,
        targets: plan.after.targets,
        monthly_cost_usd: format!("{:.0}", plan.after.monthly_cost_usd),
        plan_steps: plan.steps.iter().map(|s| s.summary.clone()).collect(),
        out_of_reach: plan
            .out_of_reach
            .iter()
            .map(|o| {
                format!(
                    "{}{}: {}",
                    o.target,
                    o.subject
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default(),
                    o.why
                )
            })
            .collect(),
        rollout: match spec.practices.rollout.unwrap_or(Rollout::Rolling) {
            Rollout::Rolling => "rolling",
            Rollout::Canary => "canary",
            Rollout::BlueGreen => "blue_green",
        },
        monitoring,
        prometheus_targets: layout
            .units
            .iter()
            .filter(|u| u.deploy.is_app())
            .map(|u| format!("{}:{}", u.name, u.port))
            .collect(),
        compose: compose_services(spec, layout, &ports, monitoring),
        postgres_with_replicas: layout.units.iter().enumerate().any(|(i, u)| {
            matches!(
                u.deploy,
                Deploy::Infra {
                    engine: Engine::Postgres,
                    ..
                }
            ) && !super::layout::replica_names(spec, i, &u.deploy).is_empty()
        }),
        images: workloads
            .iter()
            .filter(|w| !w.gateway && apps.iter().any(|a| a.name == w.name))
            .map(|w| {
                (
                    w.image.clone(),
                    format!("REGISTRY/{}/{}", spec.name, w.name),
                )
            })
            .collect(),
        any_alerts: classes.iter().any(|k| k.measured_at.is_some()),
        apps,
        workloads,
        classes,
        provenance,
        notes,
        ceiling: sizing::ceiling(spec),
        duration_default: "5m",
    }
}
