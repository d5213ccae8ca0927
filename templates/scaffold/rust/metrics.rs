//! Prometheus metrics in the text exposition format, by hand (no metrics stack to
//! compile): requests by method, route and status, a latency histogram per route, and
//! calls to each dependency by outcome. The histogram's buckets include each class's
//! p99 target ({{ v.buckets_note|line }}), so the alert rules' quantiles are exact there.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

pub const BUCKETS: &[f64] = &[{{ v.buckets }}];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    buckets: Vec<u64>,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Series>,
    calls: BTreeMap<(String, &'static str), u64>,
}

pub struct Metrics {
    service: String,
    inner: Mutex<Inner>,
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    pub fn new(service: &str) -> Self {
        Metrics {
            service: service.to_string(),
            inner: Mutex::new(Inner::default()),
        }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *m.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let s = m.latency.entry(route.to_string()).or_default();
        if s.buckets.is_empty() {
            s.buckets = vec![0; BUCKETS.len()];
        }
        s.count += 1;
        s.sum += seconds;
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                s.buckets[i] += 1;
            }
        }
    }

    #[allow(dead_code)]
    pub fn dependency_call(&self, dependency: &str, outcome: &'static str) {
        let mut m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        *m.calls.entry((dependency.to_string(), outcome)).or_default() += 1;
    }

    pub fn render(&self) -> String {
        let m = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let svc = self.service.as_str();
        let mut out = String::new();
        help(&mut out, "http_requests_total", "counter", "Requests served, by method, route and status.");
        for ((method, route, status), n) in &m.requests {
            let status = status.to_string();
            sample(&mut out, "http_requests_total", &[("service", svc), ("method", method), ("route", route), ("status", &status)], *n as f64);
        }
        help(&mut out, "http_request_duration_seconds", "histogram", "Time to answer a request, by route.");
        for (route, s) in &m.latency {
            for (i, le) in BUCKETS.iter().enumerate() {
                let le = le.to_string();
                sample(&mut out, "http_request_duration_seconds_bucket", &[("service", svc), ("route", route), ("le", &le)], s.buckets[i] as f64);
            }
            sample(&mut out, "http_request_duration_seconds_bucket", &[("service", svc), ("route", route), ("le", "+Inf")], s.count as f64);
            sample(&mut out, "http_request_duration_seconds_sum", &[("service", svc), ("route", route)], s.sum);
            sample(&mut out, "http_request_duration_seconds_count", &[("service", svc), ("route", route)], s.count as f64);
        }
        help(&mut out, "dependency_calls_total", "counter", "Calls to dependencies, by outcome (after retries).");
        for ((dep, outcome), n) in &m.calls {
            sample(&mut out, "dependency_calls_total", &[("service", svc), ("dependency", dep), ("outcome", outcome)], *n as f64);
        }
        out
    }
}

fn help(out: &mut String, name: &str, kind: &str, text: &str) {
    let _ = writeln!(out, "# HELP {name} {text}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// One sample line: `name{k="v",...} value`.
fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    out.push('{');
    for (i, (k, v)) in labels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(out, "{k}=\"{}\"", label(v));
    }
    out.push('}');
    let _ = writeln!(out, " {value}");
}
