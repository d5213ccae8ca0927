//! The Kubernetes manifests, one [`WorkloadView`] a workload: its Deployment per rollout
//! track, Service, autoscaler, disruption budget and ConfigMap; and, for a gateway, the
//! nginx `location`s its nginx.conf routes by (the same file docker-compose mounts).

use super::{class_p99, env_of, image_of, EnvVar, VERSION};
use crate::scaffold::escape;
use crate::scaffold::layout::{Deploy, Language, Layout, Protocol, Unit, Use};
use crate::scaffold::sizing::{Hpa, Sizing};
use crate::spec::{Rollout, Spec};

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
    /// The workloads whose calls reach it (its NetworkPolicy lets only them in), and
    /// whether requests enter here from outside (then anyone may).
    pub callers: Vec<String>,
    pub public: bool,
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

    /// The services its locations forward to, each once: (name, port).
    pub fn upstreams(&self) -> Vec<(String, u16)> {
        let mut out: Vec<(String, u16)> = Vec::new();
        for l in &self.locations {
            if !out.iter().any(|(name, _)| *name == l.upstream) {
                out.push((l.upstream.clone(), l.port));
            }
        }
        out
    }

    /// The Deployment the autoscaler scales: the live track's.
    pub fn live_deployment(&self) -> String {
        self.tracks
            .iter()
            .find(|t| t.live)
            .map_or_else(|| self.name.clone(), |t| t.name.clone())
    }
}

fn locations(spec: &Spec, unit: &Unit) -> Vec<Location> {
    let mut out = Vec::new();
    let upstream = |k: usize| &unit.connections[k];
    // What the service behind may take with its own timeouts and retries: a gateway
    // that gave up sooner would answer 504 to requests still being served.
    let graph = crate::spec::graph::SystemGraph::new(spec);
    let tree = crate::analysis::latency::CallTree::new(spec, &graph).ok();
    let budgets = tree
        .as_ref()
        .map(|t| crate::analysis::timeouts::budgets(spec, t))
        .unwrap_or_default();
    let budget_of = |edges: &[usize]| -> Option<f64> {
        let t = tree.as_ref()?;
        edges
            .iter()
            .filter_map(|&e| budgets.get(t.entries.callee(e)?).copied().flatten())
            .reduce(f64::max)
    };
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
                let budget = budget_of(&c.edges).filter(|_| !explicit);
                let timeout_ms = match class_p99(spec, &r.class) {
                    Some((ms, _)) if !explicit => {
                        ms.max(budget.unwrap_or(0.0)).ceil().max(1.0) as u64
                    }
                    _ => c.timeout_ms,
                };
                let why = match budget {
                    Some(b) if timeout_ms == b.ceil() as u64 => format!(
                        "class {} goes to {}, whose own calls may take {} ms with their timeouts and retries",
                        r.class,
                        c.target,
                        timeout_ms
                    ),
                    _ => format!("class {} goes to {}", r.class, c.target),
                };
                out.push(Location {
                    matcher: format!("= /{}", r.class),
                    upstream: c.target.clone(),
                    port: c.port,
                    why,
                    timeout_ms,
                    tries: c.retries + 1,
                });
            }
        }
    }
    out
}

pub(super) fn workload_view(
    spec: &Spec,
    layout: &Layout,
    i: usize,
    sizing: Sizing,
) -> WorkloadView {
    let unit = &layout.units[i];
    // Who may reach it (its NetworkPolicy): what the spec's edges say calls it, and
    // anyone where requests enter.
    let mut callers: Vec<String> = layout
        .units
        .iter()
        .filter(|u| u.in_kubernetes())
        .filter(|u| {
            u.connections
                .iter()
                .any(|c| c.target == unit.name && matches!(c.uses, Use::Call | Use::Publish))
        })
        .map(|u| u.name.clone())
        .collect();
    callers.dedup();
    let public =
        unit.deploy == Deploy::Gateway || layout.classes.iter().any(|c| c.entry == Some(i));
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
            runtime: Language::Rust,
            ..
        } => (true, 10001),
        Deploy::Code {
            runtime: Language::Node,
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
        callers,
        public,
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
