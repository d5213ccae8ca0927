//! The report: golden Markdown of every example (regenerate with `HEADROOM_BLESS=1
//! cargo test --test engine report::` and review the diff), the HTML's sections and charts and
//! that it names nothing on the network, simulated figures shown when given, and the
//! command line.

use std::path::{Path, PathBuf};
use std::process::Command;

use headroom::report::{self, Format, SimulatedClass, SimulatedClasses};

use crate::common::models::{example, EXAMPLES};
use crate::common::shop::SHOP;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report")
}

#[test]
fn markdown_reports_match_their_golden_files() {
    let bless = std::env::var_os("HEADROOM_BLESS").is_some();
    let mut stale = Vec::new();
    for name in EXAMPLES {
        let text = report::report(&example(name), None, Format::Markdown).unwrap();
        let path = golden_dir().join(format!("{name}.md"));
        if bless {
            std::fs::create_dir_all(golden_dir()).unwrap();
            std::fs::write(&path, &text).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != text {
            let line = want
                .lines()
                .zip(text.lines())
                .position(|(a, b)| a != b)
                .map_or("the end".to_string(), |i| format!("line {}", i + 1));
            stale.push(format!("{} differs from {line}", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "{}\n(if the change is intended: HEADROOM_BLESS=1 cargo test --test engine report::, then review the diff)",
        stale.join("\n")
    );
}

/// Every section the issue lists, in the order it lists them, with its chart.
#[test]
fn html_has_every_section_and_chart_and_names_nothing_on_the_network() {
    for name in EXAMPLES {
        let html = report::report(&example(name), None, Format::Html).unwrap();
        let mut at = 0;
        for id in [
            "scorecard",
            "architecture",
            "bottlenecks",
            "latency",
            "availability",
            "consistency",
            "resilience",
            "cost",
            "plan",
            "readiness",
            "findings",
        ] {
            let found = html[at..]
                .find(&format!("<section id=\"{id}\">"))
                .unwrap_or_else(|| panic!("{name}: section {id} missing or out of order"));
            at += found;
        }
        // The diagram and three plotters charts, inline.
        assert_eq!(html.matches("<svg").count(), 4, "{name}");
        assert!(html.contains("Utilisation at peak"), "{name}");
        assert!(html.contains("p99 latency against load"), "{name}");
        assert!(html.contains("Cost per hour over the day"), "{name}");
        // Self-contained: no stylesheet, script or image is fetched, and no link leaves
        // the page.
        for attr in ["src=", "href=", "url("] {
            for (i, _) in html.match_indices(attr) {
                let value: String = html[i + attr.len()..]
                    .chars()
                    .skip_while(|c| *c == '"' || *c == '\'')
                    .take(8)
                    .collect();
                assert!(
                    !value.starts_with("http") && !value.starts_with("//"),
                    "{name}: {attr}{value}... points off the page"
                );
            }
        }
        assert!(!html.contains("<script"), "{name}");
        assert!(!html.contains("<link"), "{name}");
        assert!(!html.contains("@import"), "{name}");
    }
}

#[test]
fn simulated_figures_are_shown_beside_the_analytic_ones() {
    let shop = example("shop");
    let sim = SimulatedClasses {
        classes: vec![
            SimulatedClass {
                name: "browse".into(),
                p50_ms: Some(13.1),
                p99_ms: Some(36.4),
                p99_ci_ms: Some((35.2, 37.9)),
            },
            SimulatedClass {
                name: "checkout".into(),
                p50_ms: Some(134.0),
                p99_ms: Some(170.2),
                p99_ci_ms: None,
            },
        ],
        note: "60 s simulated, seed 7".into(),
    };
    let md = report::report(&shop, Some(&sim), Format::Markdown).unwrap();
    assert!(
        md.contains("Analytic, and simulated (60 s simulated, seed 7)"),
        "{md}"
    );
    assert!(
        md.contains("| 42.3 ms | 300 ms | pass | 13.1 ms | 36.4 ms (35.2-37.9) |"),
        "{md}"
    );
    assert!(
        md.contains("| 500 ms | pass | 134.0 ms | 170.2 ms |"),
        "{md}"
    );
    let html = report::report(&shop, Some(&sim), Format::Html).unwrap();
    assert!(html.contains("<th>simulated p99</th>"));
    // A run that left checkouts unanswered (saturated) has no p99 to show, and says why.
    let mut saturated = sim.clone();
    saturated.classes[1].p99_ms = None;
    let md = report::report(&shop, Some(&saturated), Format::Markdown).unwrap();
    assert!(
        md.contains("| 500 ms | pass | 134.0 ms | unbounded (saturated) |"),
        "{md}"
    );
    let plain = report::report(&shop, None, Format::Markdown).unwrap();
    assert!(plain.contains("no simulation was run"));
    assert!(!plain.contains("simulated p99"));
}

#[test]
fn report_command_writes_html_or_markdown_and_simulates_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let shop = PathBuf::from(SHOP);
    let run = |args: &[&str], out: &Path| {
        Command::new(env!("CARGO_BIN_EXE_headroom"))
            .arg("report")
            .arg(&shop)
            .arg("-o")
            .arg(out)
            .args(args)
            .output()
            .unwrap()
    };
    let html = dir.path().join("shop.html");
    assert_eq!(run(&[], &html).status.code(), Some(0));
    assert!(std::fs::read_to_string(&html)
        .unwrap()
        .starts_with("<!DOCTYPE html>"));
    let md = dir.path().join("shop.md");
    assert_eq!(run(&[], &md).status.code(), Some(0));
    assert!(std::fs::read_to_string(&md)
        .unwrap()
        .starts_with("# Gap analysis: shop"));
    let forced = dir.path().join("report.txt");
    assert_eq!(run(&["--format", "md"], &forced).status.code(), Some(0));
    assert!(std::fs::read_to_string(&forced)
        .unwrap()
        .starts_with("# Gap analysis"));

    let sim = dir.path().join("sim.html");
    let out = run(&["--simulate"], &sim);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&sim).unwrap();
    assert!(html.contains("<th>simulated p99</th>"));
    assert!(html.contains("5 replications of 200000 requests, "));
}

#[test]
fn report_refuses_to_write_over_its_own_spec_however_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("same.yaml");
    std::fs::copy(SHOP, &spec).unwrap();
    let before = std::fs::read(&spec).unwrap();
    let link = dir.path().join("link.yaml");
    std::os::unix::fs::symlink(&spec, &link).unwrap();
    let spelled = dir.path().join(".").join("same.yaml");
    for out in [&spec, &link, &spelled] {
        let run = Command::new(env!("CARGO_BIN_EXE_headroom"))
            .arg("report")
            .arg(&spec)
            .arg("-o")
            .arg(out)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{}", out.display());
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains("is the spec being reported on"), "{stderr}");
        assert_eq!(std::fs::read(&spec).unwrap(), before, "{}", out.display());
    }
}

/// The spec's own text reaches the Markdown report as text: a description's tag is not
/// HTML, its line breaks cannot start a heading, and the HTML report escapes it too.
#[test]
fn a_description_is_text_in_markdown_and_html() {
    let mut shop = example("shop");
    shop.description =
        Some("<script>alert(1)</script> a | b\n# forged heading\n<img src=x>".into());
    let md = report::report(&shop, None, Format::Markdown).unwrap();
    assert!(!md.contains("<script") && !md.contains("<img"), "{md}");
    assert!(
        md.contains("&lt;script>alert(1)&lt;/script> a \\| b # forged heading &lt;img src=x>"),
        "{md}"
    );
    assert!(!md.lines().any(|l| l.starts_with("# forged")), "{md}");
    let html = report::report(&shop, None, Format::Html).unwrap();
    assert!(!html.contains("<script>alert") && !html.contains("<img src=x"));
}

#[test]
fn a_design_that_meets_its_targets_at_a_cost_it_need_not_pay_gets_the_saving() {
    // 50 req/s on 6 replicas of 10 ms: 1 would carry it under the 0.7 ceiling, 2 keep
    // the redundancy the spec has: one step, 4 x 0.1 x 730 = 292 USD a month less.
    let s = crate::common::models::model(
        "version: 1\nname: roomy\ntargets: { utilization_ceiling: 0.7, p99_ms: 300 }\n\
         workload:\n  classes:\n    - { name: web, rate_rps: 50, entry: svc }\n\
         components:\n  - { name: svc, kind: service, replicas: 6, service_time_ms: 10, cost_per_replica_hour: 0.1 }\n",
    );
    let md = headroom::report::report(&s, None, headroom::report::Format::Markdown).unwrap();
    assert!(
        md.contains("meets all 2 of its targets; the plan below keeps them met for 292 USD less a month in 1 step"),
        "{md}"
    );
    assert!(
        md.contains("1 step takes the design from 2 of 2 targets to 2 of 2"),
        "{md}"
    );
}
