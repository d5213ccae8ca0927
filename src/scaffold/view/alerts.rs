//! Each request class's SLO alert rules (monitoring/alerts.yml) and, from the same
//! targets, the k6 load test's scenario and thresholds: one [`ClassView`] a class.

use super::{class_p99, number};
use crate::scaffold::escape;
use crate::scaffold::layout::{ClassPath, Layout};
use crate::spec::Spec;

#[derive(Debug, Clone)]
pub struct ClassView {
    pub name: String,
    pub path: String,
    /// `POST` for a class whose requests write (an edge on its path with `op: write`),
    /// else `GET`.
    pub method: &'static str,
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
    /// A closed class's users (0 for an open class) and their think time, seconds.
    pub users: u32,
    pub think_s: f64,
    /// k6 sub-metrics the thresholds hold (`http_req_duration{scenario:browse}`).
    pub duration_metric: String,
    pub failed_metric: String,
    /// The k6 sub-metric that counts the class's requests: a class that sent none (its
    /// URL unset) fails its threshold instead of passing every other one unmeasured.
    pub sent_metric: String,
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

pub(super) fn class_view(
    spec: &Spec,
    layout: &Layout,
    path: &ClassPath,
    host_ports: &[Option<u16>],
) -> ClassView {
    let index = spec
        .workload
        .classes
        .iter()
        .position(|k| k.name == path.class);
    let k = index.map(|i| &spec.workload.classes[i]);
    let offered = k.map_or(0.0, |k| k.rate());
    let p99 = class_p99(spec, &path.class);
    let entry_name = k.map(|k| k.entry.clone()).unwrap_or_default();
    // Behind an entry the scaffold does not run (a CDN), the class reaches the first
    // component it does run at the share of its requests that get there (the misses).
    let flow = index.and_then(|i| {
        crate::analysis::load::class_flows(spec)
            .ok()
            .and_then(|f| f.into_iter().nth(i))
    });
    let reaching = |u: usize| -> f64 { flow.as_ref().map_or(1.0, |f| f.sync_visits[u].total()) };
    let mut rate = offered;
    let (entry_url, entry_note, entry_var) = match path.entry {
        Some(u) => {
            let unit = &layout.units[u];
            let url = host_ports[u].map(|p| format!("http://localhost:{p}"));
            let note = if unit.name == entry_name {
                format!("enters at {}", unit.name)
            } else {
                let share = reaching(u);
                rate = offered * share;
                format!(
                    "enters at {entry_name}, which the scaffold does not run: sent to {}, the first component behind it, at the {} % of its {} req/s that reach it",
                    unit.name,
                    number(100.0 * share),
                    number(offered)
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
    let writes = flow.as_ref().is_some_and(|f| {
        spec.dependencies.iter().enumerate().any(|(e, d)| {
            d.op == Some(crate::spec::Op::Write) && f.fired.get(e).is_some_and(|&x| x > 0.0)
        })
    });
    ClassView {
        name: path.class.clone(),
        path: format!("/{}", path.class),
        method: if writes { "POST" } else { "GET" },
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
        users: k.and_then(|k| k.users).unwrap_or(0),
        think_s: k.map_or(0.0, |k| k.think_time_ms_or_default() / 1000.0),
        duration_metric: format!("http_req_duration{{scenario:{}}}", path.class),
        failed_metric: format!("http_req_failed{{scenario:{}}}", path.class),
        sent_metric: format!("http_reqs{{scenario:{}}}", path.class),
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
