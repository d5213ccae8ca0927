//! The proof that a scaffold runs as a twin of its plan: `tests/models/twin.yaml` (a
//! gateway, two Node services, a Redis cache, a PostgreSQL database, a RabbitMQ queue
//! and a worker) is scaffolded, its stores started as throwaway servers on loopback,
//! its services started in twin mode behind the generated nginx gateway, and the
//! generated k6 script run against it. What k6 and the services' metrics measure is
//! held to `headroom analyze` of the same model: each service's utilisation within
//! 15 %, every threshold evaluated and met, each class's p50 and p99 printed beside the
//! analysis's; then at 1.5 times the rate, the bottleneck the analysis names is the one
//! that saturates.
//!
//! The services hold the event loop for their drawn work without keeping a core busy
//! (`HEADROOM_TWIN_WORK=hold`): the plan gives each Node process its own core, which a
//! two-core machine running all of them, the stores and k6 does not have.

mod servers;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use headroom::{analysis, scaffold, spec};

const MODEL: &str = "tests/models/twin.yaml";
/// How long each load runs: enough requests for a stable p99 of the smaller class.
const RUN: &str = "30s";
const TOLERANCE: f64 = 0.15;

fn model() -> spec::Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(MODEL);
    let bytes = std::fs::read(&path).expect("the twin model");
    spec::check("twin.yaml", &bytes)
        .into_result()
        .expect("the twin model checks")
}

/// The model with every class's rate times `factor` (what `RATE_SCALE` does to k6).
fn scaled(spec: &spec::Spec, factor: f64) -> spec::Spec {
    let mut s = spec.clone();
    for k in &mut s.workload.classes {
        k.rate_rps = k.rate_rps.map(|r| r * factor);
    }
    s
}

fn k6() -> PathBuf {
    let home = std::env::var("HOME").unwrap_or_default();
    let venv = Path::new(&home).join(".cache/headroom/tools-venv/bin/k6");
    assert!(
        venv.exists(),
        "no k6 at {}: run scripts/setup.sh (make test does)",
        venv.display()
    );
    venv
}

/// A GET on loopback: (status, body), or None when nothing answers.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, buf.split_once("\r\n\r\n")?.1.to_string()))
}

/// A generated service running in twin mode: killed when dropped.
struct Service {
    name: &'static str,
    port: u16,
    child: Child,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Service {
    /// The event loop's busy seconds so far (`nodejs_eventloop_busy_seconds_total`).
    fn busy_seconds(&self) -> f64 {
        let (_, metrics) = get(self.port, "/metrics").expect("the service's metrics");
        metrics
            .lines()
            .find_map(|l| l.strip_prefix("nodejs_eventloop_busy_seconds_total{"))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{}: no event-loop metric in\n{metrics}", self.name))
    }
}

fn npm_install(dir: &Path) {
    let out = Command::new("npm")
        .args([
            "install",
            "--omit=dev",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ])
        .current_dir(dir)
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "npm install in {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn start(
    dir: &Path,
    name: &'static str,
    port: u16,
    env: &[(String, String)],
    logs: &Path,
) -> Service {
    let log = std::fs::File::create(logs.join(format!("{name}.log"))).expect("a log file");
    let mut cmd = Command::new("node");
    cmd.arg("server.js")
        .current_dir(dir.join("services").join(name))
        .env("HEADROOM_TWIN", "1")
        .env("HEADROOM_TWIN_WORK", "hold")
        .env("BIND_ADDRESS", "127.0.0.1")
        .env("PORT", port.to_string())
        .env("LOG_LEVEL", "warn")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("a log file"))
        .stderr(log);
    Service {
        name,
        port,
        child: cmd.spawn().expect("node starts"),
    }
}

/// Waits for every service's /readyz (its stores open, its dependencies answering).
fn wait_ready(services: &mut [Service]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    for s in services.iter_mut() {
        loop {
            if let Some((200, _)) = get(s.port, "/readyz") {
                break;
            }
            if let Ok(Some(status)) = s.child.try_wait() {
                panic!("{} exited before it was ready: {status}", s.name);
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready within 60 s",
                s.name
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// What one load run measured.
struct Measured {
    /// Per class: (p50, p99) ms, from k6's summary.
    latency: BTreeMap<String, (f64, f64)>,
    /// Per service: its event loop's busy share of the run.
    utilisation: BTreeMap<String, f64>,
    /// Every threshold k6 evaluated: (metric and threshold, crossed).
    thresholds: Vec<(String, bool)>,
    exit_ok: bool,
}

fn load(project: &Path, gateway: u16, scale: f64, services: &[Service], logs: &Path) -> Measured {
    let summary = logs.join(format!("k6-summary-{scale}.json"));
    let before: Vec<f64> = services.iter().map(Service::busy_seconds).collect();
    let started = Instant::now();
    let out = Command::new(k6())
        .args(["run", "--quiet", "--no-usage-report"])
        .args(["-e", &format!("GATEWAY_URL=http://127.0.0.1:{gateway}")])
        .args(["-e", &format!("RATE_SCALE={scale}")])
        .args(["-e", &format!("DURATION={RUN}")])
        .arg("--summary-export")
        .arg(&summary)
        .arg("loadtest/k6.js")
        .current_dir(project)
        .env("K6_NO_COLOR", "1")
        .output()
        .expect("k6 runs");
    let elapsed = started.elapsed().as_secs_f64();
    let after: Vec<f64> = services.iter().map(Service::busy_seconds).collect();
    let text = std::fs::read_to_string(&summary).unwrap_or_else(|e| {
        panic!(
            "no k6 summary ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let json: serde_json::Value = serde_json::from_str(&text).expect("k6's summary is JSON");
    let metrics = json["metrics"].as_object().expect("k6's metrics");
    let mut latency = BTreeMap::new();
    let mut thresholds = Vec::new();
    for (name, m) in metrics {
        if let Some(class) = name
            .strip_prefix("http_req_duration{scenario:")
            .and_then(|r| r.strip_suffix('}'))
        {
            let p = |k: &str| m[k].as_f64().unwrap_or(f64::NAN);
            latency.insert(class.to_string(), (p("med"), p("p(99)")));
        }
        if let Some(t) = m["thresholds"].as_object() {
            for (rule, crossed) in t {
                thresholds.push((format!("{name} {rule}"), crossed.as_bool().unwrap_or(true)));
            }
        }
    }
    let utilisation = services
        .iter()
        .zip(before.iter().zip(&after))
        .map(|(s, (b, a))| (s.name.to_string(), (a - b) / elapsed))
        .collect();
    Measured {
        latency,
        utilisation,
        thresholds,
        exit_ok: out.status.success(),
    }
}

fn off(measured: f64, planned: f64) -> f64 {
    (measured - planned) / planned
}

#[test]
fn the_twin_of_the_plan_measures_what_the_analysis_says() {
    let spec = model();
    let root = tempfile::Builder::new()
        .prefix("headroom-twin-proof-")
        .tempdir()
        .expect("a temporary directory");
    let project = root.path().join("twin");
    let rendered = scaffold::render(&spec).expect("the scaffold renders");
    scaffold::write(&rendered, &project, false).expect("the scaffold is written");
    let logs = root.path().join("logs");
    let dir = |name: &str| -> PathBuf {
        let d = root.path().join(name);
        std::fs::create_dir_all(&d).expect("a directory");
        d
    };
    std::fs::create_dir_all(&logs).expect("a log directory");

    let redis = servers::redis(&dir("redis"));
    let postgres = servers::postgres(&dir("postgres"));
    let rabbitmq = servers::rabbitmq(&dir("rabbitmq"));

    let names: [&'static str; 3] = ["web", "stock", "worker"];
    for name in names {
        npm_install(&project.join("services").join(name));
    }
    let ports: Vec<u16> = names.iter().map(|_| servers::free_port()).collect();
    let env: Vec<(String, String)> = [
        ("CACHE_ADDR", format!("127.0.0.1:{}", redis.port)),
        ("DB_ADDR", format!("127.0.0.1:{}", postgres.port)),
        ("EVENTS_ADDR", format!("127.0.0.1:{}", rabbitmq.port)),
        // The broker's own guest user, which it lets in from loopback only.
        ("EVENTS_USER", "guest".to_string()),
        ("EVENTS_PASSWORD", "guest".to_string()),
        ("STOCK_URL", format!("http://127.0.0.1:{}", ports[1])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let mut services: Vec<Service> = names
        .iter()
        .zip(&ports)
        .map(|(name, &port)| start(&project, name, port, &env, &logs))
        .collect();
    wait_ready(&mut services);

    // The generated gateway, its upstream and listener moved to loopback ports.
    let gateway = servers::free_port();
    let site = std::fs::read_to_string(project.join("gateway/gateway/nginx.conf"))
        .expect("the generated nginx.conf");
    assert!(site.contains("server web:8080;"), "{site}");
    let site = site
        .replace(
            "server web:8080;",
            &format!("server 127.0.0.1:{};", ports[0]),
        )
        .replace("listen 8080;", &format!("listen 127.0.0.1:{gateway};"));
    let nginx_dir = dir("nginx");
    let site_path = nginx_dir.join("site.conf");
    std::fs::write(&site_path, site).expect("the gateway's site");
    let _nginx = servers::nginx(&nginx_dir, &site_path, gateway);

    let planned = analysis::analyze(&spec).expect("the model analyses");
    let measured = load(&project, gateway, 1.0, &services, &logs);

    println!("twin proof at the model's rates, {RUN} of k6:");
    println!(
        "{:<22} {:>10} {:>10} {:>8}",
        "figure", "analysis", "measured", "off"
    );
    let mut misses = Vec::new();
    // Latency is measured and printed, not yet held to 15 %: one event loop makes a
    // request wait again for the loop each time a call's answer comes back, which the
    // analysis does not model yet (measured: browse p99 +63 %, order p99 +17 %).
    let mut row = |what: String, plan: f64, got: f64, held: bool| {
        let o = off(got, plan);
        println!("{what:<22} {plan:>10.3} {got:>10.3} {:>7.1}%", 100.0 * o);
        if held && (o.abs() > TOLERANCE || !got.is_finite()) {
            misses.push(format!("{what}: analysis {plan:.3}, measured {got:.3}"));
        }
    };
    for class in &planned.classes {
        let (p50, p99) = measured
            .latency
            .get(&class.name)
            .copied()
            .unwrap_or((f64::NAN, f64::NAN));
        row(
            format!("{} p50 ms", class.name),
            class.p50_latency_ms.unwrap_or(f64::NAN),
            p50,
            false,
        );
        row(
            format!("{} p99 ms", class.name),
            class.p99_latency_ms.unwrap_or(f64::NAN),
            p99,
            false,
        );
    }
    for name in names {
        let c = planned
            .components
            .iter()
            .find(|c| c.name == name)
            .expect("the service in the analysis");
        row(
            format!("{name} utilisation"),
            c.utilization,
            measured.utilisation[name],
            true,
        );
    }
    // Every class's three thresholds (requests sent, p99, errors) were evaluated, and met.
    assert_eq!(
        measured.thresholds.len(),
        3 * planned.classes.len(),
        "{:?}",
        measured.thresholds
    );
    let crossed: Vec<&String> = measured
        .thresholds
        .iter()
        .filter(|(_, c)| *c)
        .map(|(t, _)| t)
        .collect();
    assert!(
        crossed.is_empty() && measured.exit_ok,
        "thresholds crossed: {crossed:?}"
    );
    assert!(misses.is_empty(), "off by more than 15 %: {misses:#?}");

    // At 1.5 times the rate, the analysis's bottleneck is the service that saturates.
    let heavier = analysis::analyze(&scaled(&spec, 1.5)).expect("the scaled model analyses");
    let bottleneck = heavier.bottleneck.clone().expect("a bottleneck");
    let measured = load(&project, gateway, 1.5, &services, &logs);
    println!(
        "at 1.5 times: analysis's bottleneck {bottleneck}; measured utilisation {:?}",
        measured.utilisation
    );
    let busiest = measured
        .utilisation
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(n, _)| n.clone())
        .expect("services measured");
    assert_eq!(busiest, bottleneck);
    assert!(
        measured.utilisation[&busiest] > 0.8,
        "{:?}",
        measured.utilisation
    );
    drop(services);
}
