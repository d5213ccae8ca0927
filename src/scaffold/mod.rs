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
//! show, a file per target), `templates` (askama and its escaping filters), `escape`,
//! `write`. Which files a project has is the tables of rows below `render`.

pub mod escape;
pub mod infra;
pub mod layout;
pub mod sizing;
pub mod templates;
pub mod view;
pub mod write;

use std::path::{Path, PathBuf};

use askama::{DynTemplate, Template};
use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorKind, HasKind};
use crate::plan::{plan, PlanError, PlanOptions};
use crate::spec::Spec;
use layout::Language;
use templates::{
    Alerts, Compose, ConfigMap, DefaultDeny, Deployment, Hpa, Kustomization, NetworkPolicy,
    NodeDockerfile, NodePackage, NodeServer, Overlay, Pdb, PostgresInit, Prometheus, Readme,
    RustCargo, RustConfig, RustDeps, RustDockerfile, RustMain, RustMetrics, RustTrace, Service,
    ServiceAccount, K6,
};
use view::{AppView, ProjectView, WorkloadView};

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

/// What one file's contents come from.
enum Source<'a> {
    Template(Box<dyn DynTemplate + 'a>),
    /// Contents that are final as they are.
    Text(String),
}

/// A row of the tables below: one file of the scaffold, before it is rendered.
struct Row<'a> {
    /// Relative to the project's root, '/'-separated.
    path: String,
    source: Source<'a>,
    executable: bool,
    /// Whether this spec has the file: a row whose condition is false is skipped.
    when: bool,
}

impl<'a> Row<'a> {
    fn template(path: impl Into<String>, t: impl Template + 'a) -> Self {
        Row {
            path: path.into(),
            source: Source::Template(Box::new(t)),
            executable: false,
            when: true,
        }
    }

    fn text(path: impl Into<String>, contents: impl Into<String>) -> Self {
        Row {
            path: path.into(),
            source: Source::Text(contents.into()),
            executable: false,
            when: true,
        }
    }

    fn when(self, when: bool) -> Self {
        Row { when, ..self }
    }

    fn executable(self) -> Self {
        Row {
            executable: true,
            ..self
        }
    }

    fn render(self) -> Result<ScaffoldFile, ScaffoldError> {
        let contents = match self.source {
            Source::Template(t) => {
                let mut contents = t.dyn_render().map_err(|source| ScaffoldError::Render {
                    file: self.path.clone(),
                    source,
                })?;
                // askama drops a template's last line break; text files end with one.
                if !contents.ends_with('\n') {
                    contents.push('\n');
                }
                contents
            }
            Source::Text(contents) => contents,
        };
        Ok(ScaffoldFile {
            path: self.path,
            contents,
            executable: self.executable,
        })
    }
}

/// The files that open the project: the README and what docker-compose runs.
fn project_rows<'a>(n: &'a str, p: &'a ProjectView) -> Vec<Row<'a>> {
    vec![
        Row::template("README.md", Readme { spec_name: n, v: p }),
        Row::template("docker-compose.yml", Compose { spec_name: n, v: p }),
        Row::template(
            "k8s/base/default-deny.yaml",
            DefaultDeny { spec_name: n, v: p },
        ),
        Row::template(
            "infra/postgres/init-replication.sh",
            PostgresInit { spec_name: n, v: p },
        )
        .executable()
        .when(p.postgres_with_replicas),
    ]
}

/// A generated service's code and image, by its runtime.
fn app_rows<'a>(n: &'a str, a: &'a AppView) -> Vec<Row<'a>> {
    let file = |name: &str| format!("services/{}/{name}", a.name);
    match a.runtime {
        Language::Rust => vec![
            Row::template(file("Cargo.toml"), RustCargo { spec_name: n, v: a }),
            Row::template(file("src/main.rs"), RustMain { spec_name: n, v: a }),
            Row::template(file("src/config.rs"), RustConfig { spec_name: n, v: a }),
            Row::template(file("src/deps.rs"), RustDeps { spec_name: n, v: a }),
            Row::template(file("src/metrics.rs"), RustMetrics { spec_name: n, v: a }),
            Row::template(file("src/trace.rs"), RustTrace { spec_name: n, v: a }),
            Row::template(file("Dockerfile"), RustDockerfile { spec_name: n, v: a }),
            Row::text(
                file(".dockerignore"),
                "target/\nDockerfile\n.dockerignore\n",
            ),
        ],
        Language::Node => vec![
            Row::template(file("package.json"), NodePackage { spec_name: n, v: a }),
            Row::template(file("server.js"), NodeServer { spec_name: n, v: a }),
            Row::template(file("Dockerfile"), NodeDockerfile { spec_name: n, v: a }),
            Row::text(
                file(".dockerignore"),
                "node_modules/\nDockerfile\n.dockerignore\n",
            ),
        ],
    }
}

/// A workload's files: a gateway's nginx.conf (rendered already, for its ConfigMap too),
/// then its manifests in the kustomize base.
fn workload_rows<'a>(n: &'a str, w: &'a WorkloadView) -> Vec<Row<'a>> {
    let file = |name: &str| format!("k8s/base/{}/{name}", w.name);
    let mut rows = vec![Row::text(
        format!("gateway/{}/nginx.conf", w.name),
        w.nginx_conf.clone(),
    )
    .when(w.gateway)];
    // One Deployment per track: blue-green names both slots' files, a canary's stable
    // track keeps the plain name.
    rows.extend(w.tracks.iter().map(|t| {
        let path = match &t.label {
            Some((_, value)) if !t.live || value == "blue" => {
                file(&format!("deployment-{value}.yaml"))
            }
            _ => file("deployment.yaml"),
        };
        Row::template(path, Deployment { v: w, t })
    }));
    rows.extend([
        Row::template(file("service.yaml"), Service { spec_name: n, v: w }),
        Row::template(file("hpa.yaml"), Hpa { spec_name: n, v: w }).when(w.hpa.is_some()),
        Row::template(file("pdb.yaml"), Pdb { spec_name: n, v: w }),
        Row::template(
            file("networkpolicy.yaml"),
            NetworkPolicy { spec_name: n, v: w },
        ),
        Row::template(
            file("serviceaccount.yaml"),
            ServiceAccount { spec_name: n, v: w },
        ),
        Row::template(file("configmap.yaml"), ConfigMap { spec_name: n, v: w }),
    ]);
    rows
}

/// The files that close the project; the kustomize base lists `resources`, the
/// manifests above it.
fn closing_rows<'a>(n: &'a str, p: &'a ProjectView, resources: &'a [String]) -> Vec<Row<'a>> {
    vec![
        Row::template(
            "k8s/base/kustomization.yaml",
            Kustomization { v: p, resources },
        ),
        Row::template(
            "k8s/overlays/production/kustomization.yaml",
            Overlay { spec_name: n, v: p },
        ),
        Row::template("monitoring/alerts.yml", Alerts { spec_name: n, v: p }),
        Row::template(
            "monitoring/prometheus.yml",
            Prometheus { spec_name: n, v: p },
        )
        .when(p.monitoring),
        Row::template("loadtest/k6.js", K6 { spec_name: n, v: p }),
    ]
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

    // Every file in the order it is listed: adding one is a row in the tables above.
    let rows: Vec<Row> = project_rows(name, &p)
        .into_iter()
        .chain(p.apps.iter().flat_map(|a| app_rows(name, a)))
        .chain(p.workloads.iter().flat_map(|w| workload_rows(name, w)))
        .collect();
    // The kustomize base lists every manifest above it.
    let resources: Vec<String> = rows
        .iter()
        .filter(|r| r.when)
        .filter_map(|r| r.path.strip_prefix("k8s/base/").map(str::to_string))
        .collect();
    let rows = rows.into_iter().chain(closing_rows(name, &p, &resources));
    let mut files = Vec::new();
    for row in rows.filter(|r| r.when) {
        files.push(row.render()?);
    }
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
