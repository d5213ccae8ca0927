//! Scaffolds: a deployable starting point whose numbers come from the plan.
//!
//! [`render`] plans the spec and renders every file in memory (pure: the desktop app
//! lists the tree before anything is written); [`write`] puts them on disk safely. The
//! project has a skeleton per service, worker and function in its `runtime` (Rust with
//! axum, or Node's http module), a Dockerfile each, docker-compose.yml with the
//! infrastructure the spec names, Kubernetes manifests in a kustomize layout (replicas,
//! autoscaler bounds, resources and disruption budgets from the plan; the rollout the
//! practices ask for), Prometheus SLO alert rules, a k6 load test at the target rates
//! with the targets as thresholds, and a README that says where each number came from.
//!
//! One concern a file: `layout` (what runs where, connections from the edges), `infra`
//! (engines as containers), `sizing` (the plan's numbers), `view` (what the templates
//! show), `templates` (askama and its escaping filters), `escape`, `write`.

pub mod escape;
pub mod infra;
pub mod layout;
pub mod sizing;
pub mod templates;
pub mod view;
pub mod write;

use std::path::{Path, PathBuf};

use askama::Template;
use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorKind, HasKind};
use crate::plan::{plan, PlanError, PlanOptions};
use crate::spec::{Runtime, Spec};
use view::ProjectView;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScaffoldFile {
    /// Relative to the project's root, '/'-separated.
    pub path: String,
    pub contents: String,
    pub executable: bool,
}

/// What one Kubernetes Deployment runs, as the plan sized it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DeploymentSummary {
    /// The component (the live track's Deployment has this name, or `NAME-blue`).
    pub name: String,
    pub deployment: String,
    pub replicas: u32,
    pub hpa_min: Option<u32>,
    pub hpa_max: Option<u32>,
    pub cpu_request: String,
    pub memory_request: String,
}

/// A rendered scaffold: every file, and the plan's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scaffold {
    pub name: String,
    pub files: Vec<ScaffoldFile>,
    pub deployments: Vec<DeploymentSummary>,
    pub meets_all_targets: bool,
    pub targets_met: usize,
    pub targets: usize,
    /// The targets the plan cannot meet, with why (empty when it meets them all).
    pub out_of_reach: Vec<String>,
    pub plan_steps: usize,
    pub monthly_cost_usd: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WriteSummary {
    pub dir: PathBuf,
    pub files: usize,
    pub bytes: u64,
    /// Whether a non-empty directory was replaced (`force`).
    pub replaced: bool,
    /// What an earlier run that was killed mid-write left, and what became of it.
    pub recovered: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("the spec is not valid: {0}")]
    InvalidSpec(String),
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("cannot render {file}: {source}")]
    Render { file: String, source: askama::Error },
    #[error("{} is not empty (pass --force to replace it)", .0.display())]
    NotEmpty(PathBuf),
    #[error("{} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    #[error("unsafe path {path:?}: {why}")]
    UnsafePath { path: String, why: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl HasKind for ScaffoldError {
    fn kind(&self) -> ErrorKind {
        match self {
            ScaffoldError::InvalidSpec(_) => ErrorKind::InvalidSpec,
            ScaffoldError::Plan(_) => ErrorKind::Plan,
            ScaffoldError::Render { .. } => ErrorKind::Render,
            ScaffoldError::NotEmpty(_) => ErrorKind::NotEmpty,
            ScaffoldError::NotADirectory(_) => ErrorKind::NotADirectory,
            ScaffoldError::UnsafePath { .. } => ErrorKind::UnsafePath,
            ScaffoldError::Io { .. } => ErrorKind::Io,
        }
    }
}

pub use write::{recover, write};

/// Kubernetes names built from a component's: Services are DNS-1035 labels (a letter
/// first, at most 63 characters), and a rollout adds a suffix.
fn check_kubernetes_names(p: &ProjectView) -> Result<(), ScaffoldError> {
    for w in &p.workloads {
        let mut names: Vec<&str> = w.tracks.iter().map(|t| t.name.as_str()).collect();
        names.push(&w.name);
        if let Some(pv) = &w.preview {
            names.push(&pv.name);
        }
        for n in names {
            if n.len() > 63 || !n.starts_with(|c: char| c.is_ascii_lowercase()) {
                return Err(ScaffoldError::InvalidSpec(format!(
                    "component {:?}: the Kubernetes name {n:?} must start with a letter and have at most 63 characters (the {} rollout adds a suffix); rename the component",
                    w.name, p.rollout
                )));
            }
        }
    }
    Ok(())
}

fn render_one<T: Template>(
    files: &mut Vec<ScaffoldFile>,
    path: String,
    t: &T,
    executable: bool,
) -> Result<(), ScaffoldError> {
    let mut contents = t.render().map_err(|source| ScaffoldError::Render {
        file: path.clone(),
        source,
    })?;
    // askama drops a template's last line break; text files end with one.
    if !contents.ends_with('\n') {
        contents.push('\n');
    }
    files.push(ScaffoldFile {
        path,
        contents,
        executable,
    });
    Ok(())
}

/// Plans `spec` and renders its scaffold in memory.
pub fn render(spec: &Spec) -> Result<Scaffold, ScaffoldError> {
    let issues = crate::spec::validate(spec);
    if !issues.is_empty() {
        return Err(ScaffoldError::InvalidSpec(
            issues
                .iter()
                .map(|i| format!("{}: {}", i.path, i.message))
                .collect::<Vec<_>>()
                .join("; "),
        ));
    }
    let plan = plan(spec, &PlanOptions::default())?;
    let layout = layout::layout(&plan.spec);
    let sizings: Vec<(usize, sizing::Sizing)> = layout
        .units
        .iter()
        .enumerate()
        .filter(|(_, u)| u.in_kubernetes())
        .map(|(i, u)| (i, sizing::size(spec, &plan, i, u)))
        .collect();
    let mut p = view::project(spec, &plan, &layout, &sizings);
    check_kubernetes_names(&p)?;
    // A gateway's nginx.conf goes to compose as a file and to Kubernetes in its ConfigMap.
    let spec_name = p.name.clone();
    for w in p.workloads.iter_mut().filter(|w| w.gateway) {
        w.nginx_conf = templates::Nginx {
            spec_name: &spec_name,
            v: w,
        }
        .render()
        .map_err(|source| ScaffoldError::Render {
            file: format!("gateway/{}/nginx.conf", w.name),
            source,
        })?;
    }
    let name = p.name.as_str();

    let mut files = Vec::new();
    let f = &mut files;
    use templates::*;
    render_one(
        f,
        "README.md".into(),
        &Readme {
            spec_name: name,
            v: &p,
        },
        false,
    )?;
    render_one(
        f,
        "docker-compose.yml".into(),
        &Compose {
            spec_name: name,
            v: &p,
        },
        false,
    )?;
    if p.postgres_with_replicas {
        render_one(
            f,
            "infra/postgres/init-replication.sh".into(),
            &PostgresInit {
                spec_name: name,
                v: &p,
            },
            true,
        )?;
    }
    for a in &p.apps {
        let dir = format!("services/{}", a.name);
        match a.runtime {
            Runtime::Rust => {
                render_one(
                    f,
                    format!("{dir}/Cargo.toml"),
                    &RustCargo {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/src/main.rs"),
                    &RustMain {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/src/config.rs"),
                    &RustConfig {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/src/deps.rs"),
                    &RustDeps {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/src/metrics.rs"),
                    &RustMetrics {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/src/trace.rs"),
                    &RustTrace {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/Dockerfile"),
                    &RustDockerfile {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                f.push(ScaffoldFile {
                    path: format!("{dir}/.dockerignore"),
                    contents: "target/\nDockerfile\n.dockerignore\n".into(),
                    executable: false,
                });
            }
            Runtime::Node => {
                render_one(
                    f,
                    format!("{dir}/package.json"),
                    &NodePackage {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/server.js"),
                    &NodeServer {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                render_one(
                    f,
                    format!("{dir}/Dockerfile"),
                    &NodeDockerfile {
                        spec_name: name,
                        v: a,
                    },
                    false,
                )?;
                f.push(ScaffoldFile {
                    path: format!("{dir}/.dockerignore"),
                    contents: "node_modules/\nDockerfile\n.dockerignore\n".into(),
                    executable: false,
                });
            }
        }
    }
    for w in &p.workloads {
        let dir = format!("k8s/base/{}", w.name);
        if w.gateway {
            f.push(ScaffoldFile {
                path: format!("gateway/{}/nginx.conf", w.name),
                contents: w.nginx_conf.clone(),
                executable: false,
            });
        }
        for t in &w.tracks {
            let file = match &t.label {
                Some((_, value)) if !t.live || value == "blue" => {
                    format!("{dir}/deployment-{value}.yaml")
                }
                _ => format!("{dir}/deployment.yaml"),
            };
            render_one(f, file, &Deployment { v: w, t }, false)?;
        }
        render_one(
            f,
            format!("{dir}/service.yaml"),
            &Service {
                spec_name: name,
                v: w,
            },
            false,
        )?;
        if w.hpa.is_some() {
            render_one(
                f,
                format!("{dir}/hpa.yaml"),
                &Hpa {
                    spec_name: name,
                    v: w,
                },
                false,
            )?;
        }
        render_one(
            f,
            format!("{dir}/pdb.yaml"),
            &Pdb {
                spec_name: name,
                v: w,
            },
            false,
        )?;
        render_one(
            f,
            format!("{dir}/configmap.yaml"),
            &ConfigMap {
                spec_name: name,
                v: w,
            },
            false,
        )?;
    }
    // The base lists every manifest written above.
    let resources: Vec<String> = f
        .iter()
        .filter_map(|x| x.path.strip_prefix("k8s/base/").map(str::to_string))
        .collect();
    render_one(
        f,
        "k8s/base/kustomization.yaml".into(),
        &Kustomization {
            v: &p,
            resources: &resources,
        },
        false,
    )?;
    render_one(
        f,
        "k8s/overlays/production/kustomization.yaml".into(),
        &Overlay {
            spec_name: name,
            v: &p,
        },
        false,
    )?;
    render_one(
        f,
        "monitoring/alerts.yml".into(),
        &Alerts {
            spec_name: name,
            v: &p,
        },
        false,
    )?;
    if p.monitoring {
        render_one(
            f,
            "monitoring/prometheus.yml".into(),
            &Prometheus {
                spec_name: name,
                v: &p,
            },
            false,
        )?;
    }
    render_one(
        f,
        "loadtest/k6.js".into(),
        &K6 {
            spec_name: name,
            v: &p,
        },
        false,
    )?;
    // Nothing can be written outside the project, whatever the spec holds.
    for file in &files {
        write::safe_relative(&file.path)?;
    }

    let deployments = p
        .workloads
        .iter()
        .map(|w| DeploymentSummary {
            name: w.name.clone(),
            deployment: w
                .tracks
                .iter()
                .find(|t| t.live)
                .map_or_else(|| w.name.clone(), |t| t.name.clone()),
            replicas: w.sizing.replicas,
            hpa_min: w.hpa.as_ref().map(|h| h.min),
            hpa_max: w.hpa.as_ref().map(|h| h.max),
            cpu_request: w.cpu_request.clone(),
            memory_request: w.memory_request.clone(),
        })
        .collect();
    Ok(Scaffold {
        name: p.name.clone(),
        files,
        deployments,
        meets_all_targets: plan.meets_all_targets,
        targets_met: plan.after.targets_met,
        targets: plan.after.targets,
        out_of_reach: p.out_of_reach.clone(),
        plan_steps: plan.steps.len(),
        monthly_cost_usd: plan.after.monthly_cost_usd,
    })
}

/// Renders `spec` and writes it to `dir`.
pub fn scaffold(
    spec: &Spec,
    dir: &Path,
    force: bool,
) -> Result<(Scaffold, WriteSummary), ScaffoldError> {
    let s = render(spec)?;
    let w = write(&s, dir, force)?;
    Ok((s, w))
}
