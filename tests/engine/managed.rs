//! Managed components (`managed: true`, `tier`, `tiers`): a provider's sizes, priced per
//! hour and per request, by hand; a lost replica or zone does not take one; the planner
//! moves one to a larger tier instead of scaling replicas; what the validator refuses.

use headroom::analysis::analyze;
use headroom::plan::{plan, Change, PlanOptions};
use headroom::spec::Spec;

use crate::common::models::{model, problems};
use crate::common::textbook::close;

/// A service writing to a managed database at `tier`, at `rate` requests a second.
fn shop(rate: f64, tier: &str) -> Spec {
    model(&format!(
        "version: 1\nname: managed\ntargets: {{ utilization_ceiling: 0.7, survive: [replica, zone] }}\n\
         workload:\n  classes:\n    - {{ name: web, rate_rps: {rate}, entry: api }}\n\
         components:\n  - {{ name: api, kind: service, replicas: 4, zones: 2, concurrency: 16, service_time_ms: 1 }}\n\
         \x20 - name: db\n    kind: database\n    managed: true\n    tier: {tier}\n    cost_per_million_requests_usd: 0.2\n\
         \x20   tiers:\n\
         \x20     - {{ name: small, concurrency: 4, service_time_ms: 4, cost_per_hour: 0.2 }}\n\
         \x20     - {{ name: medium, concurrency: 8, service_time_ms: 4, cost_per_hour: 0.4 }}\n\
         \x20     - {{ name: large, concurrency: 16, service_time_ms: 3, cost_per_hour: 0.8 }}\n\
         dependencies:\n  - {{ from: api, to: db, op: write }}\n"
    ))
}

#[test]
fn a_tier_sets_the_capacity_and_the_price() {
    // small: 4 servers of 4 ms at 500 req/s = 2 erlangs, utilisation 0.5.
    let a = analyze(&shop(500.0, "small")).unwrap();
    let db = a.components.iter().find(|c| c.name == "db").unwrap();
    assert_eq!(db.servers, 4);
    close(db.utilization, 0.5, 1e-12);
    // 0.2 USD an hour for 730 hours, and 500 req/s for a month at 0.2 USD a million.
    close(
        db.monthly_cost_usd,
        0.2 * 730.0 + 500.0 * 3600.0 * 730.0 * 0.2 / 1e6,
        1e-9,
    );
    // large: 16 servers of 3 ms, 1.5 erlangs.
    let a = analyze(&shop(500.0, "large")).unwrap();
    let db = a.components.iter().find(|c| c.name == "db").unwrap();
    close(db.utilization, 1.5 / 16.0, 1e-12);
    // The provider replaces a lost node and spans the zones: no finding says otherwise.
    assert!(
        !a.findings
            .iter()
            .any(|f| f.component.as_deref() == Some("db") && f.message.contains("N-1")),
        "{:?}",
        a.findings
    );
    assert!(a
        .resilience
        .zone_loss
        .as_ref()
        .is_none_or(|z| !z.down.contains(&"db".to_string())));
}

#[test]
fn the_planner_moves_a_managed_store_up_a_tier_not_out() {
    // 1,000 req/s on small is 4 erlangs on 4 servers (saturated); medium runs it at
    // 0.5, within the ceiling 0.7, and is the cheapest that does.
    let spec = shop(1000.0, "small");
    let p = plan(&spec, &PlanOptions::default()).unwrap();
    assert!(p.meets_all_targets, "{}", headroom::plan::text::render(&p));
    let db: Vec<&Change> = p
        .steps
        .iter()
        .map(|s| &s.change)
        .filter(|c| c.component() == "db")
        .collect();
    assert_eq!(
        db,
        [&Change::Tier {
            component: "db".into(),
            from: "small".into(),
            to: "medium".into()
        }],
        "{}",
        headroom::plan::text::render(&p)
    );
    let planned = &p.spec;
    let db = planned.components.iter().find(|c| c.name == "db").unwrap();
    assert_eq!((db.tier.as_deref(), db.replicas), (Some("medium"), None));
}

#[test]
fn the_validator_holds_tiers_together() {
    let errors = |component: &str| {
        let text = format!(
            "version: 1\nname: q\nworkload:\n  classes:\n    - {{ name: web, rate_rps: 5, entry: db }}\ncomponents:\n  - {component}\n"
        );
        problems(&text)
    };
    let tiers = "tiers: [{ name: a, concurrency: 4, service_time_ms: 2, cost_per_hour: 0.1 }]";
    let ok = errors(&format!(
        "{{ name: db, kind: database, managed: true, tier: a, {tiers} }}"
    ));
    assert!(ok.is_empty(), "{ok:?}");
    for (component, at, says) in [
        (format!("{{ name: db, kind: database, managed: true, tier: b, {tiers} }}"), "components[0].tier", "is none of its tiers (a)"),
        (format!("{{ name: db, kind: database, tier: a, service_time_ms: 1, {tiers} }}"), "components[0].tier", "applies to a managed component"),
        (format!("{{ name: db, kind: database, managed: true, tier: a, concurrency: 9, {tiers} }}"), "components[0].concurrency", "comes from its tier \"a\""),
        (format!("{{ name: db, kind: database, managed: true, tier: a, autoscale: {{ min: 1, max: 2 }}, {tiers} }}"), "components[0].autoscale", "its provider sizes it"),
        ("{ name: db, kind: database, managed: true, tier: a, service_time_ms: 1 }".to_string(), "components[0].tiers", "are required with a tier"),
    ] {
        let got = errors(&component);
        assert!(got.iter().any(|e| e.contains(at) && e.contains(says)), "{at}: {says} in {got:?}");
    }
}

#[test]
fn the_planner_moves_an_idle_managed_store_down_to_the_tier_it_needs() {
    // 100 req/s on large is 0.3 erlangs on 16 servers; small runs it at 0.4 / 4 = 0.1,
    // within the ceiling, for a quarter of the price: the cheapest plan takes it there.
    let p = plan(&shop(100.0, "large"), &PlanOptions::default()).unwrap();
    assert!(p.meets_all_targets, "{}", headroom::plan::text::render(&p));
    let planned = p.spec.components.iter().find(|c| c.name == "db").unwrap();
    assert_eq!(
        planned.tier.as_deref(),
        Some("small"),
        "{}",
        headroom::plan::text::render(&p)
    );
    close(
        p.before.monthly_cost_usd - p.after.monthly_cost_usd,
        (0.8 - 0.2) * 730.0,
        0.05,
    );
}
