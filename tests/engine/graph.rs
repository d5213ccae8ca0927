//! The dependency graph and the queries later stages stand on.

use headroom::spec::graph::SystemGraph;
use headroom::spec::{self, Component, ComponentKind, Dependency, Spec};

use crate::common::shop::shop;

fn names<'a>(spec: &'a Spec, idx: &[usize]) -> Vec<&'a str> {
    idx.iter()
        .map(|&i| spec.components[i].name.as_str())
        .collect()
}

#[test]
fn topological_order_puts_every_sync_caller_before_its_callees() {
    let s = shop();
    let g = SystemGraph::new(&s);
    let order = names(&s, &g.sync_topological_order().unwrap());
    assert_eq!(order.len(), 9);
    let pos = |n: &str| order.iter().position(|x| *x == n).unwrap();
    for d in &s.dependencies {
        let from_queue = s
            .components
            .iter()
            .any(|c| c.name == d.from && c.kind == ComponentKind::Queue);
        if d.mode_or_default() == spec::CallMode::Sync && !from_queue {
            assert!(pos(&d.from) < pos(&d.to), "{} -> {}", d.from, d.to);
        }
    }
}

#[test]
fn a_class_reaches_only_the_edges_that_apply_to_it() {
    let s = shop();
    let g = SystemGraph::new(&s);
    let mut browse = names(&s, &g.reached_by("browse", "cdn"));
    browse.sort();
    // payments, order-events and everything behind the queue are checkout-only.
    assert_eq!(
        browse,
        ["api", "cdn", "gateway", "orders-db", "session-cache"]
    );
    let mut checkout = names(&s, &g.reached_by("checkout", "gateway"));
    checkout.sort();
    assert_eq!(
        checkout,
        [
            "api",
            "fulfilment",
            "gateway",
            "notify",
            "order-events",
            "orders-db",
            "payments",
            "session-cache"
        ]
    );
}

fn chain(edges: &[(&str, &str)]) -> Spec {
    let mut s = shop();
    s.components = ["a", "b", "c", "d"]
        .iter()
        .map(|n| Component {
            service_time_ms: Some(1.0),
            ..Component::new(*n, ComponentKind::Service)
        })
        .collect();
    s.dependencies = edges.iter().map(|(f, t)| Dependency::new(*f, *t)).collect();
    s.workload.classes.truncate(1);
    s.workload.classes[0].entry = "a".into();
    s
}

#[test]
fn a_sync_cycle_is_named_edge_by_edge() {
    let s = chain(&[("a", "b"), ("b", "c"), ("c", "d"), ("d", "b")]);
    let g = SystemGraph::new(&s);
    let cycle = names(&s, &g.sync_topological_order().unwrap_err());
    assert_eq!(cycle.first(), cycle.last());
    let mut members = cycle[..cycle.len() - 1].to_vec();
    members.sort();
    assert_eq!(members, ["b", "c", "d"]);
    for pair in cycle.windows(2) {
        assert!(
            s.dependencies
                .iter()
                .any(|d| d.from == pair[0] && d.to == pair[1]),
            "{pair:?} is not an edge"
        );
    }
    let issues = spec::validate(&s);
    assert!(
        issues
            .iter()
            .any(|i| i.message.starts_with("sync calls form a cycle: ")),
        "{issues:?}"
    );
}

#[test]
fn a_ten_thousand_deep_chain_orders_without_recursion() {
    let mut s = shop();
    s.components = (0..10_000)
        .map(|i| Component {
            service_time_ms: Some(1.0),
            ..Component::new(format!("c{i}"), ComponentKind::Service)
        })
        .collect();
    s.dependencies = (1..10_000)
        .map(|i| Dependency::new(format!("c{}", i - 1), format!("c{i}")))
        .collect();
    let g = SystemGraph::new(&s);
    let order = g.sync_topological_order().unwrap();
    assert_eq!(order, (0..10_000).collect::<Vec<_>>());
}
