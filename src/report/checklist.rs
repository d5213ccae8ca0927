//! The readiness checklist: the practices the model declares or lacks, each with why it
//! matters for this model, in its own numbers.

use crate::analysis::Analysis;
use crate::spec::{CallMode, ComponentKind, Io, Rollout, Spec};

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub practice: &'static str,
    /// `in place`, `partly` or `missing`.
    pub status: &'static str,
    /// What the model says about it.
    pub detail: String,
    /// Why it matters here.
    pub why: String,
}

fn status(ok: bool) -> &'static str {
    if ok {
        "in place"
    } else {
        "missing"
    }
}

/// `knee`: the class whose p99 turns up first, and where; `hops`: the class with the
/// most sync calls on its path, and how many.
pub fn checklist(
    spec: &Spec,
    a: &Analysis,
    knee: Option<(String, f64)>,
    hops: Option<(String, usize)>,
) -> Vec<Item> {
    let p = &spec.practices;
    let peak: f64 = spec.workload.classes.iter().map(|k| k.rate()).sum();
    let mut out = Vec::new();

    let bottleneck = a
        .bottleneck
        .clone()
        .unwrap_or_else(|| "no pool".to_string());
    out.push(Item {
        practice: "load and stress testing",
        status: status(p.load_testing == Some(true)),
        detail: if p.load_testing == Some(true) {
            "declared (practices.load_testing)".to_string()
        } else {
            "not declared".to_string()
        },
        why: format!(
            "the model predicts {bottleneck} saturates first, at {} req/s against a peak of {peak:.0}{}; a load test at the peak and a stress test past it check those numbers before production does",
            a.max_throughput_rps.map_or("no limit".to_string(), |m| format!("{m:.0}")),
            knee.as_ref()
                .map(|(class, rps)| format!(", and {class}'s p99 turns up at about {rps:.0} req/s"))
                .unwrap_or_default()
        ),
    });

    let fragile: Vec<String> = a
        .resilience
        .n_minus_1
        .iter()
        .filter(|o| !o.holds)
        .filter_map(|o| o.component.clone())
        .collect();
    out.push(Item {
        practice: "chaos experiments",
        status: status(p.chaos_testing == Some(true)),
        detail: if p.chaos_testing == Some(true) {
            "declared (practices.chaos_testing)".to_string()
        } else {
            "not declared".to_string()
        },
        why: if fragile.is_empty() {
            "N-1 holds on paper for every component; killing a replica and a zone in a rehearsal proves the failover, timeouts and retries that the model takes on trust".to_string()
        } else {
            format!(
                "N-1 fails for {} on paper; a rehearsed replica and zone loss shows what a real one does to the classes that touch them",
                fragile.join(", ")
            )
        },
    });

    let (rollout_ok, rollout_detail, rollout_why) = match p.rollout {
        Some(Rollout::Canary) => (
            true,
            format!("canary at {} %", p.canary_percent.unwrap_or(0.0)),
            format!(
                "a canary takes {:.0} req/s of the peak's {peak:.0}: a bad release shows in the canary's error rate and p99 before it reaches everyone",
                peak * p.canary_percent.unwrap_or(0.0) / 100.0
            ),
        ),
        Some(Rollout::BlueGreen) => (
            true,
            "blue-green".to_string(),
            format!(
                "switching back is instant; each hour with both colours up costs {:.2} USD more",
                a.cost.blue_green_rollout_usd_per_hour.unwrap_or(0.0)
            ),
        ),
        Some(Rollout::Rolling) => (
            false,
            "rolling (no canary or blue-green)".to_string(),
            "a rolling update replaces replicas while they carry traffic: during it the pools run with one replica fewer (the N-1 case), and a bad release reaches every user before it can be stopped".to_string(),
        ),
        None => (
            false,
            "not declared".to_string(),
            "without a canary or blue-green rollout a bad release reaches every user at once".to_string(),
        ),
    };
    out.push(Item {
        practice: "blue-green or canary rollout",
        status: if rollout_ok { "in place" } else { "missing" },
        detail: rollout_detail,
        why: rollout_why,
    });

    let hottest = a
        .components
        .iter()
        .filter(|c| c.servers > 0)
        .max_by(|x, y| x.utilization.total_cmp(&y.utilization));
    out.push(Item {
        practice: "monitoring",
        status: status(p.monitoring.is_some()),
        detail: p
            .monitoring
            .clone()
            .unwrap_or_else(|| "not declared".to_string()),
        why: match hottest {
            Some(h) => format!(
                "alert on the utilisation of {} (predicted {} at peak) and on each class's p99 and error rate against its target, so the ceiling is seen before it is crossed",
                h.name, crate::text::figure(h.utilization, 2)
            ),
            None => "alert on each class's p99 and error rate against its target".to_string(),
        },
    });

    let longest = hops;
    out.push(Item {
        practice: "distributed tracing",
        status: status(p.tracing.is_some()),
        detail: p.tracing.clone().unwrap_or_else(|| "not declared".to_string()),
        why: match longest {
            Some((class, hops)) => format!(
                "{class}'s path has {hops} sync calls between components; a trace shows which of them its p99 is spent in, where the model can only predict it"
            ),
            None => "a trace shows where a request's time is spent".to_string(),
        },
    });

    let caches: Vec<&str> = spec
        .components
        .iter()
        .filter(|c| matches!(c.kind, ComponentKind::Cache | ComponentKind::Cdn))
        .map(|c| c.name.as_str())
        .collect();
    let uncached: Vec<&str> = spec
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Database)
        .filter(|db| {
            !spec.dependencies.iter().any(|d| {
                d.to == db.name
                    && spec
                        .components
                        .iter()
                        .any(|c| c.name == d.from && c.kind == ComponentKind::Cache)
            })
        })
        .map(|c| c.name.as_str())
        .collect();
    out.push(Item {
        practice: "caching layers",
        status: if caches.is_empty() {
            "missing"
        } else if uncached.is_empty() {
            "in place"
        } else {
            "partly"
        },
        detail: if caches.is_empty() {
            "no cache or CDN".to_string()
        } else {
            caches.join(", ")
        },
        why: if uncached.is_empty() {
            "every store's reads can be answered by a cache; the hit ratios are the model's most sensitive assumption, so measure them".to_string()
        } else {
            format!(
                "{} {} every read directly; a cache in front of a read-heavy store cuts its load by its hit ratio (the planner weighs one against more replicas)",
                uncached.join(", "),
                if uncached.len() == 1 { "takes" } else { "take" }
            )
        },
    });

    let queues = spec
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Queue)
        .count();
    let async_edges = spec
        .dependencies
        .iter()
        .filter(|d| d.mode_or_default() == CallMode::Async)
        .count();
    out.push(Item {
        practice: "async processing",
        status: status(queues > 0 || async_edges > 0),
        detail: format!("{queues} queues, {async_edges} async calls"),
        why: "work a request does not wait for (notifications, fan-out, reports) belongs behind a queue: it leaves the request's latency and availability, and a burst waits in the queue instead of timing out callers".to_string(),
    });

    let services: Vec<&crate::spec::Component> = spec
        .components
        .iter()
        .filter(|c| matches!(c.kind, ComponentKind::Service | ComponentKind::Worker))
        .collect();
    let single: Vec<&str> = services
        .iter()
        .filter(|c| c.replicas_or_default() < 2 && c.autoscale.is_none())
        .map(|c| c.name.as_str())
        .collect();
    let blocking: Vec<&str> = services
        .iter()
        .filter(|c| c.io_or_default() == Io::Blocking)
        .map(|c| c.name.as_str())
        .collect();
    out.push(Item {
        practice: "stateless services",
        status: if single.is_empty() { "in place" } else { "partly" },
        detail: if single.is_empty() {
            format!("{} services and workers run as interchangeable replicas", services.len())
        } else {
            format!("{} run as one replica", single.join(", "))
        },
        why: format!(
            "replicas that keep no state of their own can be added, lost and replaced freely: the scale-out, N-1 and autoscaling figures assume it{}",
            if blocking.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} hold a thread per request (blocking I/O), so their pools size with their callees' latency too",
                    blocking.join(", ")
                )
            }
        ),
    });
    out
}
