//! Work bounded by construction (issue 18, items 8, 9, 11): extreme numbers that a spec
//! may carry reach the engine's entries directly (a `Spec` value, not through the
//! validator, which may refuse them) and each entry ends with a result, never a hang or
//! an abort.

use std::sync::mpsc;
use std::time::Duration;

use headroom::report::hourly::Hour;
use headroom::report::{self, charts, Format};
use headroom::spec::{self, Spec};

/// Long enough for any debug build on a loaded machine; a hang fails here instead of
/// holding the test run forever. Not a speed assertion.
const HANG: Duration = Duration::from_secs(300);

fn within<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(HANG) {
        Ok(v) => v,
        Err(e) => panic!("{what} did not finish: {e}"),
    }
}

fn two_components() -> Spec {
    let yaml = "version: 1
name: two
workload:
  classes:
    - name: browse
      rate_rps: 100
      entry: api
components:
  - name: api
    kind: service
    replicas: 2
    concurrency: 4
    service_time_ms: 5
    cost_per_replica_hour: 0.1
  - name: db
    kind: database
    replicas: 1
    concurrency: 8
    service_time_ms: 2
    cost_per_replica_hour: 0.2
dependencies:
  - from: api
    to: db
";
    spec::check("two", yaml.as_bytes()).into_result().unwrap()
}

/// The validator now bounds costs (1e6 USD an hour) and rates (1e7 req/s), so a spec
/// cannot bring such an axis to the charts; the charts still refuse one themselves.
#[test]
fn a_cost_chart_near_f64_max_is_a_note_not_a_hang() {
    let hours: Vec<Hour> = (0..24)
        .map(|_| Hour {
            static_usd: 1e306,
            scheduled_usd: 1e306,
            autoscaled_usd: 1e306,
        })
        .collect();
    let svg = within("the cost chart", move || charts::cost(&hours, None)).unwrap();
    // The chart's headroom above the highest hour: 1.15 times it.
    let top = 1e306 * 1.15;
    assert_eq!(
        svg,
        format!("<p class=\"chart-note\">Cost per hour over the day: not drawn, the cost axis would run to {top:e} (past 1e15).</p>")
    );
    let fine = charts::cost(
        &[Hour {
            static_usd: 2.0,
            scheduled_usd: 1.0,
            autoscaled_usd: 1.5,
        }],
        None,
    )
    .unwrap();
    assert!(fine.starts_with("<svg"), "{fine}");
}

#[test]
fn a_spec_beyond_the_bounds_is_refused_by_the_report_not_drawn() {
    let mut s = two_components();
    s.components[0].cost_per_replica_hour = Some(1e306);
    let e = within("report", move || report::report(&s, None, Format::Html)).unwrap_err();
    assert!(
        e.to_string().contains("must be in [0, 1e6], got 1e306"),
        "{e}"
    );
}

#[test]
fn a_latency_chart_of_two_classes_at_1e308_is_a_note_not_a_hang() {
    let mut s = two_components();
    let mut second = s.workload.classes[0].clone();
    second.name = "buy".into();
    s.workload.classes.push(second);
    for c in &mut s.workload.classes {
        c.rate_rps = Some(1e308);
    }
    let html = within("the latency chart", move || {
        charts::latency(&report::sweep::sweep(&s).unwrap())
    })
    .unwrap();
    assert!(
        html.contains(
            "p99 latency against load: not drawn, the request rate axis would run to unbounded"
        ),
        "no note in place of the latency chart"
    );
}
