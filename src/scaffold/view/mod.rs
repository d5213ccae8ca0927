//! What the templates show, worked out once here from the spec, its plan, the layout
//! and the sizing: the templates only lay it out and escape it.
//!
//! One file a target, by what it renders: `app` (the generated services' code and
//! Dockerfiles), `compose` (docker-compose.yml), `kube` (the Kubernetes manifests and a
//! gateway's nginx.conf), `alerts` (each class's SLO alert rules and the k6 load test's
//! thresholds), `provenance` (the README's table of where each number came from, and its
//! notes). This file holds what more than one of them uses, and [`ProjectView`], the
//! whole project that [`project`] puts together.

mod alerts;
mod app;
mod compose;
mod kube;
mod provenance;

pub use alerts::{ClassText, ClassView};
pub use app::{AppView, ConnView, RouteView};
pub use compose::{ComposeService, Healthcheck, PROMETHEUS_IMAGE};
pub use kube::{Location, TrackView, WorkloadView};
pub use provenance::Provenance;

use super::infra::Engine;
use super::layout::{Deploy, Layout, Unit};
use super::sizing::{self, Sizing};
use crate::plan::Plan;
use crate::spec::{Rollout, Spec};

/// The version the generated images are tagged with.
pub const VERSION: &str = "0.1.0";
/// The gateway's image (unprivileged: listens on 8080, writes only /tmp).
pub const NGINX_IMAGE: &str = "nginxinc/nginx-unprivileged:1.27.2-alpine";

/// An environment variable: docker-compose and the ConfigMaps set the same ones.
#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
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

/// A class's p99 target and where it came from: the services' latency buckets, the
/// gateway's timeouts and the alerts all start from it.
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
        // The credentials of a store docker-compose runs, from the same variables the
        // store's own container takes them from.
        if !kubernetes {
            match c.engine {
                Some(Engine::Postgres) => env.push(EnvVar {
                    name: format!("{}_PASSWORD", c.env),
                    value: "${POSTGRES_PASSWORD:-headroom}".into(),
                }),
                Some(Engine::Rabbitmq) => {
                    env.push(EnvVar {
                        name: format!("{}_USER", c.env),
                        value: RABBITMQ_USER.into(),
                    });
                    env.push(EnvVar {
                        name: format!("{}_PASSWORD", c.env),
                        value: RABBITMQ_PASSWORD.into(),
                    });
                }
                _ => {}
            }
        }
    }
    env
}

/// The user docker-compose's RabbitMQ is started with, and its password's variable.
pub(super) const RABBITMQ_USER: &str = "headroom";
pub(super) const RABBITMQ_PASSWORD: &str = "${RABBITMQ_PASSWORD:-headroom}";

/// The image a unit runs, the same in docker-compose and its Deployment.
fn image_of(spec: &Spec, unit: &Unit) -> String {
    match &unit.deploy {
        Deploy::Image(image) => image.clone(),
        Deploy::Gateway => NGINX_IMAGE.to_string(),
        Deploy::Infra { engine, .. } => engine.image().to_string(),
        _ => format!("{}/{}:{VERSION}", spec.name, unit.name),
    }
}

/// The whole project as the templates show it: `original` is the spec as written, the
/// plan's spec the one it sizes.
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
    let ports = compose::host_ports(spec, layout);
    let apps: Vec<AppView> = layout
        .units
        .iter()
        .filter_map(|u| match u.deploy {
            Deploy::Code { runtime, .. } => Some(app::app_view(spec, u, runtime)),
            _ => None,
        })
        .collect();
    let workloads: Vec<WorkloadView> = sizings
        .iter()
        .map(|(i, s)| kube::workload_view(spec, layout, *i, s.clone()))
        .collect();
    let classes: Vec<ClassView> = layout
        .classes
        .iter()
        .map(|c| alerts::class_view(spec, layout, c, &ports))
        .collect();

    let provenance = provenance::provenance(&workloads, &apps, &classes);
    let notes = provenance::notes(spec, layout, &classes);

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
        compose: compose::compose_services(spec, layout, &ports, monitoring),
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
