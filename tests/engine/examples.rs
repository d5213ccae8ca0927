//! The example models are part of the contract: every one of them must validate, carry
//! the editor's schema hint, and survive an export unchanged; `models/shop.yaml` is the
//! spec-v1 contract example itself and must stay byte-identical to the shared copy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use headroom::spec::{self, Autoscale, Checked, ComponentKind, Consistency, ReadsFrom, Spec};

use crate::common::models::MODELS;

const SCHEMA_LINE: &str = "# yaml-language-server: $schema=./headroom.schema.json";

fn models_dir() -> PathBuf {
    PathBuf::from(MODELS)
}

/// Every `models/*.yaml`, sorted, with its bytes.
fn models() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(models_dir())
        .expect("models/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let name = format!("models/{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

fn checked(name: &str, bytes: &[u8]) -> Checked {
    let c = spec::check(name, bytes);
    if !c.is_valid() {
        let lines: Vec<String> = c.diagnostics.iter().map(|d| d.to_string()).collect();
        panic!(
            "{name} is not valid ({} problems):\n{}",
            lines.len(),
            lines.join("\n")
        );
    }
    c
}

fn valid_spec(name: &str, bytes: &[u8]) -> Spec {
    checked(name, bytes).spec.expect("a valid check has a spec")
}

#[test]
fn there_are_the_five_examples() {
    let names: Vec<String> = models().into_iter().map(|(n, _)| n).collect();
    for expected in ["bazaar", "feed", "monolith", "pos", "shop"] {
        assert!(
            names.contains(&format!("models/{expected}.yaml")),
            "models/{expected}.yaml is missing; found {names:?}"
        );
    }
}

#[test]
fn every_example_validates() {
    let mut failures = Vec::new();
    for (name, bytes) in models() {
        let c = spec::check(&name, &bytes);
        if !c.is_valid() {
            failures.push(format!(
                "{name}:\n{}",
                c.diagnostics
                    .iter()
                    .map(|d| format!("  {d}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "invalid examples:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_example_starts_with_the_schema_line() {
    for (name, bytes) in models() {
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{name} is not UTF-8"));
        assert_eq!(
            text.lines().next(),
            Some(SCHEMA_LINE),
            "{name} must start with the editor's schema hint"
        );
    }
}

#[test]
fn shop_is_the_shared_contract_example() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/spec-v1-example.yaml");
    let Ok(contract) = std::fs::read(&shared) else {
        eprintln!(
            "note: {} is absent; skipping the byte-for-byte comparison with the contract",
            shared.display()
        );
        return;
    };
    let shop = std::fs::read(models_dir().join("shop.yaml")).unwrap();
    let first_newline = shop.iter().position(|b| *b == b'\n').unwrap();
    assert_eq!(&shop[..first_newline], SCHEMA_LINE.as_bytes());
    let body = &shop[first_newline + 1..];
    if body != contract.as_slice() {
        let (a, b) = (
            String::from_utf8_lossy(body),
            String::from_utf8_lossy(&contract),
        );
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .map_or("the end".to_string(), |i| format!("line {}", i + 2));
        panic!(
            "models/shop.yaml (after its schema line) differs from {} from {line} on",
            shared.display()
        );
    }
}

#[test]
fn the_contract_example_reads_as_written() {
    let bytes = std::fs::read(models_dir().join("shop.yaml")).unwrap();
    let s = valid_spec("models/shop.yaml", &bytes);

    assert_eq!(s.version, 1);
    assert_eq!(s.name, "shop");
    assert_eq!(s.components.len(), 9);
    assert_eq!(s.dependencies.len(), 10);
    assert_eq!(s.workload.classes.len(), 2);

    assert_eq!(s.targets.throughput_rps, Some(3000.0));
    assert_eq!(s.targets.p99_ms, Some(300.0));
    assert_eq!(s.targets.availability, Some(99.95));
    assert_eq!(s.targets.utilization_ceiling, Some(0.7));
    assert_eq!(s.targets.monthly_budget_usd, Some(15000.0));
    assert_eq!(s.practices.canary_percent, Some(5.0));
    assert_eq!(s.practices.load_testing, Some(true));

    let profile = s.workload.daily_profile.as_ref().expect("a daily profile");
    assert_eq!(profile.len(), 24);
    assert_eq!(profile[0], 0.2);
    assert_eq!(profile[18], 1.0);

    let class = |n: &str| s.workload.classes.iter().find(|c| c.name == n).unwrap();
    assert_eq!(class("browse").rate_rps, Some(2600.0));
    assert_eq!(class("browse").entry, "cdn");
    assert_eq!(class("checkout").p99_ms, Some(500.0));
    assert_eq!(class("checkout").consistency, Some(Consistency::Strong));

    let comp = |n: &str| s.components.iter().find(|c| c.name == n).unwrap();
    assert_eq!(comp("cdn").kind, ComponentKind::Cdn);
    assert_eq!(comp("cdn").hit_ratio, Some(0.8));
    assert_eq!(comp("api").autoscale, Some(Autoscale { min: 2, max: 24 }));
    assert_eq!(comp("api").replicas, Some(4));
    assert_eq!(comp("api").port, Some(8080));
    let rep = comp("orders-db").replication.as_ref().expect("replication");
    assert_eq!(rep.read_replicas, Some(2));
    assert_eq!(rep.reads_from, Some(ReadsFrom::Replicas));
    assert_eq!(rep.lag_ms, Some(50.0));
    assert_eq!(comp("order-events").partitions, Some(6));
    assert_eq!(comp("notify").kind, ComponentKind::Function);
    assert_eq!(comp("notify").cold_start_ratio, Some(0.02));

    let lock_edge = s
        .dependencies
        .iter()
        .find(|d| d.lock.is_some())
        .expect("the checkout write takes a lock");
    assert_eq!(
        (lock_edge.from.as_str(), lock_edge.to.as_str()),
        ("api", "orders-db")
    );
    assert_eq!(lock_edge.lock.unwrap().keys, 2000);
    assert_eq!(
        lock_edge.classes.as_deref(),
        Some(&["checkout".to_string()][..])
    );
}

#[test]
fn every_kind_appears_in_some_example() {
    let mut seen = BTreeSet::new();
    for (name, bytes) in models() {
        for c in valid_spec(&name, &bytes).components {
            seen.insert(c.kind.as_str());
        }
    }
    let missing: Vec<&str> = ComponentKind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !seen.contains(k))
        .collect();
    assert!(missing.is_empty(), "no example uses kind(s) {missing:?}");
}

/// What the brief asks of every example: classes with rates, targets, practices, and a
/// daily profile of 24 multipliers that peaks at 1.0; the throughput target is the sum
/// of the class rates, as the contract example has it.
#[test]
fn every_example_is_complete_and_consistent() {
    for (name, bytes) in models() {
        let s = valid_spec(&name, &bytes);
        assert!(!s.workload.classes.is_empty(), "{name}: no request classes");
        assert!(!s.practices.is_empty(), "{name}: no practices");
        let t = &s.targets;
        for (field, v) in [
            ("throughput_rps", t.throughput_rps),
            ("p99_ms", t.p99_ms),
            ("availability", t.availability),
            ("utilization_ceiling", t.utilization_ceiling),
            ("monthly_budget_usd", t.monthly_budget_usd),
        ] {
            assert!(v.is_some(), "{name}: targets.{field} is not set");
        }
        let profile = s.workload.daily_profile.as_ref().unwrap_or_else(|| {
            panic!("{name}: no workload.daily_profile");
        });
        assert_eq!(profile.len(), 24, "{name}");
        let max = profile.iter().cloned().fold(f64::MIN, f64::max);
        assert_eq!(max, 1.0, "{name}: the daily profile should peak at 1.0");
        // A closed class's rate is what its users reach: the target is that, rounded.
        let effective = headroom::analysis::effective(&s).unwrap();
        let sum: f64 = effective.workload.classes.iter().map(|c| c.rate()).sum();
        let closed = s.workload.classes.iter().any(|c| c.is_closed());
        assert!(
            (sum - t.throughput_rps.unwrap()).abs() < if closed { 0.01 * sum } else { 1e-6 },
            "{name}: targets.throughput_rps {} is not the sum of the class rates {sum}",
            t.throughput_rps.unwrap()
        );
        assert!(
            s.workload.classes.iter().all(|c| c.consistency.is_some()),
            "{name}: every class should say the consistency it needs"
        );
    }
}

#[test]
fn every_example_survives_export() {
    for (name, bytes) in models() {
        let s = valid_spec(&name, &bytes);
        let once = spec::to_yaml(&s, &[SCHEMA_LINE]);
        let again = valid_spec(&format!("{name} (exported)"), once.as_bytes());
        assert_eq!(again, s, "{name}: export changed the spec");
        assert_eq!(
            spec::to_yaml(&again, &[SCHEMA_LINE]),
            once,
            "{name}: a second export differs from the first"
        );
    }
}

#[test]
fn the_cli_accepts_every_example() {
    let bin = env!("CARGO_BIN_EXE_headroom");
    let files: Vec<PathBuf> = models()
        .iter()
        .map(|(n, _)| Path::new(env!("CARGO_MANIFEST_DIR")).join(n))
        .collect();
    let out = std::process::Command::new(bin)
        .arg("validate")
        .args(&files)
        .output()
        .expect("the headroom binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stdout:\n{stdout}");
    for f in &files {
        assert!(
            stdout.contains(&format!("{}: valid (", f.display())),
            "no `valid` line for {}:\n{stdout}",
            f.display()
        );
    }
}
