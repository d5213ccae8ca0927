//! Work bounded by construction (issue 18, items 8, 9, 11): extreme numbers that a spec
//! may carry reach the engine's entries directly (a `Spec` value, not through the
//! validator, which may refuse them) and each entry ends with a result, never a hang or
//! an abort.

use std::sync::mpsc;
use std::time::Duration;

use headroom::report::{self, Format};
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

#[test]
fn report_on_a_cost_near_f64_max_replaces_the_cost_chart_with_a_note() {
    let mut s = two_components();
    s.components[0].cost_per_replica_hour = Some(1e306);
    let html = within("report", move || report::report(&s, None, Format::Html)).unwrap();
    assert!(
        html.contains("Cost per hour over the day: not drawn, the cost axis would run to"),
        "no note in place of the cost chart"
    );
    // The other charts still draw.
    assert!(
        html.contains("Utilisation at peak") && !html.contains("Utilisation at peak: not drawn")
    );
}

#[test]
fn report_on_two_classes_at_1e308_replaces_the_latency_chart_with_a_note() {
    let mut s = two_components();
    let mut second = s.workload.classes[0].clone();
    second.name = "buy".into();
    s.workload.classes.push(second);
    for c in &mut s.workload.classes {
        c.rate_rps = 1e308;
    }
    let html = within("report", move || report::report(&s, None, Format::Html)).unwrap();
    assert!(
        html.contains(
            "p99 latency against load: not drawn, the request rate axis would run to unbounded"
        ),
        "no note in place of the latency chart"
    );
}
