//! The askama templates under `templates/scaffold/` and the filters they escape values
//! with. No template escapes by default (`escape = "none"`): each value is written
//! through the filter for its context (`yaml`, `compose`, `dockerfile`, `jstr` (JSON and JavaScript), `rust`,
//! `toml`, `md`, `line` for comments; shell words are quoted in `view` with `escape::shell_word`), so a free-text value cannot break out of the place it is put.

use askama::Template;

use super::view::{AppView, ProjectView, TrackView, WorkloadView};

#[allow(clippy::unnecessary_wraps)]
mod filters {
    use std::fmt::Display;

    use super::super::escape;

    #[askama::filter_fn]
    pub fn yaml<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::yaml_str(&s.to_string()))
    }
    #[askama::filter_fn]
    pub fn compose<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::compose_str(&s.to_string()))
    }
    #[askama::filter_fn]
    pub fn dockerfile<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::dockerfile_str(&s.to_string()))
    }
    #[askama::filter_fn]
    pub fn jstr<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::json_str(&s.to_string()))
    }
    /// TOML basic strings take JSON's escapes.
    #[askama::filter_fn]
    pub fn toml<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::json_str(&s.to_string()))
    }
    #[askama::filter_fn]
    pub fn rust<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::rust_str(&s.to_string()))
    }
    /// Text on one line, for comments: a line break would end the comment.
    #[askama::filter_fn]
    pub fn line<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::one_line(&s.to_string()))
    }
    /// A number as people write it (`view::number`).
    #[askama::filter_fn]
    pub fn num<T: Display>(x: T, _: &dyn askama::Values) -> askama::Result<String> {
        let s = x.to_string();
        Ok(s.parse::<f64>().map_or(s, super::super::view::number))
    }
    #[askama::filter_fn]
    pub fn md<T: Display>(s: T, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(escape::markdown_text(&s.to_string()))
    }
}

macro_rules! template {
    ($name:ident, $path:literal, $view:ty) => {
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        pub struct $name<'a> {
            pub spec_name: &'a str,
            pub v: &'a $view,
        }
    };
}

template!(RustCargo, "scaffold/rust/Cargo.toml", AppView);
template!(RustMain, "scaffold/rust/main.rs", AppView);
template!(RustConfig, "scaffold/rust/config.rs", AppView);
template!(RustDeps, "scaffold/rust/deps.rs", AppView);
template!(RustMetrics, "scaffold/rust/metrics.rs", AppView);
template!(RustTrace, "scaffold/rust/trace.rs", AppView);
template!(RustDockerfile, "scaffold/rust/Dockerfile", AppView);
template!(NodePackage, "scaffold/node/package.json", AppView);
template!(NodeServer, "scaffold/node/server.js", AppView);
template!(NodeDockerfile, "scaffold/node/Dockerfile", AppView);

template!(Compose, "scaffold/compose/docker-compose.yml", ProjectView);
template!(
    PostgresInit,
    "scaffold/compose/postgres-init.sh",
    ProjectView
);
template!(Nginx, "scaffold/compose/nginx.conf", WorkloadView);
template!(
    Prometheus,
    "scaffold/monitoring/prometheus.yml",
    ProjectView
);
template!(Alerts, "scaffold/monitoring/alerts.yml", ProjectView);
template!(K6, "scaffold/loadtest/k6.js", ProjectView);
template!(Readme, "scaffold/README.md", ProjectView);
template!(Overlay, "scaffold/k8s/overlay.yaml", ProjectView);

/// A Deployment of one track.
#[derive(Template)]
#[template(path = "scaffold/k8s/deployment.yaml", escape = "none")]
pub struct Deployment<'a> {
    pub v: &'a WorkloadView,
    pub t: &'a TrackView,
}

/// The kustomize base: every manifest.
#[derive(Template)]
#[template(path = "scaffold/k8s/kustomization.yaml", escape = "none")]
pub struct Kustomization<'a> {
    pub v: &'a ProjectView,
    pub resources: &'a [String],
}
template!(Service, "scaffold/k8s/service.yaml", WorkloadView);
template!(Hpa, "scaffold/k8s/hpa.yaml", WorkloadView);
template!(Pdb, "scaffold/k8s/pdb.yaml", WorkloadView);
template!(
    NetworkPolicy,
    "scaffold/k8s/networkpolicy.yaml",
    WorkloadView
);
template!(
    ServiceAccount,
    "scaffold/k8s/serviceaccount.yaml",
    WorkloadView
);
template!(DefaultDeny, "scaffold/k8s/default-deny.yaml", ProjectView);
template!(ConfigMap, "scaffold/k8s/configmap.yaml", WorkloadView);
