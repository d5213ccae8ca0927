//! Timeout budgets: what a call's callee may take with its own timeouts and retries,
//! worked out by hand, and the finding for a caller that gives up first.

use headroom::analysis::analyze;
use headroom::analysis::findings::FindingKind;

use crate::common::models::model;

/// gateway -> api (1000 ms, no retry); api calls pay (800 ms, 1 retry: 1600) then, in
/// one parallel group, stock (300 ms, 2 retries: 900) and tax (500 ms: 500), then log
/// twice (100 ms each: 200), then audit, which has no timeout but whose own call to
/// archive does (50 ms, 1 retry: 100).
const BUDGETS: &str = "\
version: 1
name: budgets
workload:
  classes:
    - { name: web, rate_rps: 10, entry: gateway }
components:
  - { name: gateway, kind: load_balancer, service_time_ms: 0.1 }
  - { name: api, kind: service, concurrency: 8, service_time_ms: 1 }
  - { name: pay, kind: external, latency_ms: 40 }
  - { name: stock, kind: service, service_time_ms: 1 }
  - { name: tax, kind: service, service_time_ms: 1 }
  - { name: log, kind: service, service_time_ms: 1 }
  - { name: audit, kind: service, service_time_ms: 1 }
  - { name: archive, kind: service, service_time_ms: 1 }
dependencies:
  - { from: gateway, to: api, timeout_ms: 1000 }
  - { from: api, to: pay, timeout_ms: 800, retries: 1 }
  - { from: api, to: stock, parallel: both, timeout_ms: 300, retries: 2 }
  - { from: api, to: tax, parallel: both, timeout_ms: 500 }
  - { from: api, to: log, calls: 2, timeout_ms: 100 }
  - { from: api, to: audit }
  - { from: audit, to: archive, timeout_ms: 50, retries: 1 }
";

#[test]
fn a_callers_timeout_shorter_than_its_callees_retries_is_found() {
    let spec = model(BUDGETS);
    let a = analyze(&spec).unwrap();
    // api's budget: 1600 + max(900, 500) + 200 + 100 = 2800 ms, over the gateway's 1000.
    let inverted: Vec<_> = a
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::InvertedTimeout)
        .collect();
    assert_eq!(inverted.len(), 1, "{inverted:?}");
    let f = inverted[0];
    assert_eq!(f.value, Some(1000.0));
    assert_eq!(f.limit, Some(2800.0));
    assert_eq!(f.component.as_deref(), Some("gateway"));
    assert!(
        f.message.starts_with(
            "gateway -> api times out at 1000 ms, but api's own calls may take 2800 ms"
        ),
        "{}",
        f.message
    );
    // With the budget given, nothing is inverted.
    let fixed = model(&BUDGETS.replace(
        "{ from: gateway, to: api, timeout_ms: 1000 }",
        "{ from: gateway, to: api, timeout_ms: 2800 }",
    ));
    let a = analyze(&fixed).unwrap();
    assert!(
        !a.findings
            .iter()
            .any(|f| f.kind == FindingKind::InvertedTimeout),
        "{:?}",
        a.findings
    );
}
