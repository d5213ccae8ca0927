//! Operations (a component's entries): a station whose visits ask for different work
//! is one multi-class FCFS queue, shared waiting and per-operation service. Held to the
//! multi-class M/G/1 closed form, to the simulator, to a load counted by hand, and to
//! what the validator refuses.

use headroom::analysis::analyze;

use crate::common::models::{model, problems};
use crate::common::textbook::{class_agrees, close, half_width, simulated};

/// One single-server service with two operations: `fast` deterministic 4 ms entered
/// by 50 req/s, `slow` exponential 12 ms entered by 30 req/s.
const TWO_OPERATIONS: &str = "\
version: 1
name: ops
workload:
  classes:
    - { name: quick, rate_rps: 50, entry: api, operation: fast }
    - { name: heavy, rate_rps: 30, entry: api, operation: slow }
components:
  - name: api
    kind: service
    service_time_ms: 8
    operations:
      - { name: fast, service_time_ms: 4, service_time_cv: 0 }
      - { name: slow, service_time_ms: 12, service_time_cv: 1 }
";

/// Multi-class M/G/1 FCFS: every class waits the Pollaczek–Khinchine wait of the
/// mixed service, `W = Σ λ_i E[S_i²] / (2 (1 - ρ))`, then is served for its own time.
#[test]
fn a_shared_queue_waits_by_the_mixed_service_and_serves_each_its_own() {
    let spec = model(TWO_OPERATIONS);
    let a = analyze(&spec).unwrap();
    // Per ms: λ_fast = 0.05, λ_slow = 0.03. ρ = 0.05·4 + 0.03·12 = 0.56.
    // λE[S²] = 0.05·16 (deterministic) + 0.03·2·144 (exponential) = 9.44.
    let wait = 9.44 / (2.0 * (1.0 - 0.56));
    close(a.components[0].utilization, 0.56, 1e-12);
    close(a.classes[0].mean_latency_ms.unwrap(), wait + 4.0, 1e-9);
    close(a.classes[1].mean_latency_ms.unwrap(), wait + 12.0, 1e-9);
    // Per operation in the report: its arrivals, its service, its time there.
    let ops = &a.components[0].operations;
    assert_eq!(ops.len(), 2);
    assert_eq!(
        (ops[0].name.as_str(), ops[1].name.as_str()),
        ("fast", "slow")
    );
    close(ops[0].arrival_rps, 50.0, 1e-12);
    close(ops[1].arrival_rps, 30.0, 1e-12);
    close(ops[0].service_time_ms, 4.0, 1e-12);
    close(ops[0].mean_response_ms.unwrap(), wait + 4.0, 1e-9);
    close(ops[1].mean_response_ms.unwrap(), wait + 12.0, 1e-9);
    // The component's own mean is the visits' mixture.
    close(
        a.components[0].mean_response_ms.unwrap(),
        (50.0 * (wait + 4.0) + 30.0 * (wait + 12.0)) / 80.0,
        1e-9,
    );
    // An operation's p99 is its class's here (it calls nothing).
    close(
        ops[1].p99_response_ms.unwrap(),
        a.classes[1].p99_latency_ms.unwrap(),
        2e-3,
    );

    // The simulator serves each visit for its own operation's time in the one queue.
    let s = simulated(&spec, 200_000, 11);
    for (k, want) in [(0, wait + 4.0), (1, wait + 12.0)] {
        let c = &s.classes[k];
        let mean = c.mean_latency_ms.unwrap();
        let tolerance = half_width(c.mean_latency_ms_ci95).max(0.02 * want);
        assert!(
            (mean - want).abs() <= tolerance,
            "{}: simulated {mean}, want {want}",
            c.name
        );
        class_agrees("two operations", &a.classes[k], c);
    }
}

/// Without operations the same component is one service time: the old behaviour,
/// and the mixed station is not the mean's M/G/1 (the mixture's variance counts).
#[test]
fn the_mixture_is_not_the_mean_service() {
    let a = analyze(&model(TWO_OPERATIONS)).unwrap();
    // One service time of the same mean (7 ms) and cv 1: W = ρ·S·(1+cv²)/(2(1−ρ)).
    let flat = model(
        "version: 1\nname: flat\nworkload:\n  classes:\n    - { name: all, rate_rps: 80, entry: api }\n\
         components:\n  - { name: api, kind: service, service_time_ms: 7 }\n",
    );
    let f = analyze(&flat).unwrap();
    close(
        f.classes[0].mean_latency_ms.unwrap(),
        7.0 + 0.56 * 7.0 / 0.44,
        1e-9,
    );
    let mixed_mean = (50.0 * a.classes[0].mean_latency_ms.unwrap()
        + 30.0 * a.classes[1].mean_latency_ms.unwrap())
        / 80.0;
    // E[S²] of the mixture: (50·16 + 30·288)/80 = 118, against 2·49 = 98.
    close(mixed_mean, 7.0 + 0.08 * 118.0 / (2.0 * 0.44), 1e-9);
}

/// The per-page front end of a shop: each operation makes its own calls, on several
/// servers, against the simulator.
const PAGES: &str = "\
version: 1
name: pages
workload:
  classes:
    - { name: home, rate_rps: 120, entry: frontend, operation: home }
    - { name: product, rate_rps: 200, entry: frontend, operation: product }
    - { name: cart, rate_rps: 60, entry: frontend, operation: view_cart }
components:
  - name: frontend
    kind: service
    replicas: 2
    concurrency: 4
    service_time_ms: 3
    operations:
      - { name: home, service_time_ms: 9 }
      - { name: product, service_time_ms: 4 }
      - { name: view_cart, service_time_cv: 0.5 }
  - name: catalog
    kind: service
    concurrency: 4
    service_time_ms: 1
    operations:
      - { name: list_products, service_time_ms: 6 }
      - { name: get_product, service_time_ms: 1.5, service_time_cv: 0.3 }
  - name: cart
    kind: database
    concurrency: 2
    service_time_ms: 2
dependencies:
  - { from: frontend, from_operation: home, to: catalog, operation: list_products }
  - { from: frontend, from_operation: product, to: catalog, operation: get_product }
  - { from: frontend, from_operation: view_cart, to: catalog, operation: get_product, calls: 3 }
  - { from: frontend, to: cart }
";

#[test]
fn each_operation_makes_its_own_calls() {
    let spec = model(PAGES);
    let a = analyze(&spec).unwrap();
    // By hand: catalog's list_products takes the home pages (120), get_product the
    // product pages and three per cart view (200 + 3·60 = 380); every page reads the
    // cart (380).
    let catalog = &a.components[1];
    close(catalog.arrival_rps, 500.0, 1e-12);
    close(catalog.operations[0].arrival_rps, 120.0, 1e-12);
    close(catalog.operations[1].arrival_rps, 380.0, 1e-12);
    close(a.components[2].arrival_rps, 380.0, 1e-12);
    let rates: Vec<f64> = a.dependencies.iter().map(|d| d.rate_rps).collect();
    for (got, want) in rates.iter().zip([120.0, 200.0, 180.0, 380.0]) {
        close(*got, want, 1e-12);
    }
    // Utilisation: frontend's mixed service (120·9 + 200·4 + 60·3)/380 over 8 servers,
    // catalog's (120·6 + 380·1.5)/500 over 4.
    close(
        a.components[0].utilization,
        (120.0 * 9.0 + 200.0 * 4.0 + 60.0 * 3.0) / 1000.0 / 8.0,
        1e-12,
    );
    close(
        catalog.utilization,
        (120.0 * 6.0 + 380.0 * 1.5) / 1000.0 / 4.0,
        1e-12,
    );
    // An operation without its own service time takes the component's.
    close(a.components[0].operations[2].service_time_ms, 3.0, 1e-12);
    let s = simulated(&spec, 200_000, 3);
    for (ac, sc) in a.classes.iter().zip(&s.classes) {
        class_agrees("pages", ac, sc);
    }
}

/// `api` with two operations and `web` without, with these classes and dependencies.
fn two_services(classes: &str, deps: &str) -> String {
    format!(
        "version: 1\nname: v\nworkload:\n  classes:\n{classes}\
         components:\n  - name: api\n    kind: service\n    service_time_ms: 2\n    operations:\n      - {{ name: get_cart }}\n      - {{ name: add_item, service_time_ms: 5 }}\n\
         \x20 - {{ name: web, kind: service, service_time_ms: 1 }}\n\
         dependencies:\n{deps}"
    )
}

/// The validator names what is missing or wrong, with the names it knows.
#[test]
fn references_to_operations_are_checked() {
    let ok_class = "    - { name: k, rate_rps: 1, entry: web }\n";
    // A valid one first, so the cases below fail for their own reason.
    model(&two_services(
        ok_class,
        "  - { from: web, to: api, operation: add_item }\n",
    ));
    let cases = [
        (
            ok_class,
            "  - { from: web, to: api }\n",
            "dependencies[0]",
            "needs operation: api serves get_cart, add_item at different costs",
        ),
        (
            ok_class,
            "  - { from: web, to: api, operation: add_items }\n",
            "dependencies[0].operation",
            "must name one of api's operations (get_cart, add_item), got \"add_items\" (did you mean \"add_item\"?)",
        ),
        (
            ok_class,
            "  - { from: web, from_operation: home, to: api, operation: get_cart }\n",
            "dependencies[0].from_operation",
            "does not apply: web lists no operations",
        ),
        (
            "    - { name: k, rate_rps: 1, entry: api }\n",
            "  - { from: api, to: web }\n",
            "workload.classes[0]",
            "needs operation: api serves get_cart, add_item at different costs",
        ),
        (
            "    - { name: k, rate_rps: 1, entry: web, operation: home }\n",
            "  - { from: web, to: api, operation: get_cart }\n",
            "workload.classes[0].operation",
            "does not apply: web lists no operations",
        ),
    ];
    for (classes, deps, path, message) in cases {
        let found = problems(&two_services(classes, deps));
        // An item's own problem is said after its name.
        assert!(
            found
                .iter()
                .any(|f| f.starts_with(&format!("{path}: ")) && f.ends_with(message)),
            "{path}: {message}\nnot in {found:?}"
        );
    }

    // The operations themselves: a name, once, and a time to serve.
    let found = problems(
        "version: 1\nname: v\ncomponents:\n  - name: api\n    kind: service\n    operations:\n\
         \x20     - { name: Get }\n      - { name: put, service_time_ms: 1 }\n      - { name: put, service_time_ms: 1 }\n",
    );
    for (path, message) in [
        ("components[0].operations[0].name", "must be lower-case letters, digits, '_' and '-', starting with a letter and ending with a letter or digit, at most 63 characters (it names metrics and routes), got \"Get\""),
        ("components[0].operations[0].service_time_ms", "is required: api gives no service_time_ms of its own to fall back on"),
        ("components[0].operations[2].name", "\"put\" is listed twice"),
    ] {
        assert!(
            found
                .iter()
                .any(|f| f.starts_with(&format!("{path}: ")) && f.ends_with(message)),
            "{path}: {message}\nnot in {found:?}"
        );
    }
    // Operations that all give their time need none from the component.
    assert!(
        !found
            .iter()
            .any(|p| p.starts_with("components[0].service_time_ms")),
        "{found:?}"
    );
    // Not on a kind that serves nothing itself.
    let found = problems(
        "version: 1\nname: v\ncomponents:\n  - { name: q, kind: queue, operations: [{ name: a }] }\n  - { name: w, kind: worker, service_time_ms: 1 }\n\
         dependencies:\n  - { from: q, to: w }\n",
    );
    assert!(
        found.len() == 1 && found[0].ends_with("operations does not apply to a queue"),
        "{found:?}"
    );
}

/// The report lists each operation under its component, and the calls by the
/// operations they ask for; `analyze` prints them under their component.
#[test]
fn the_report_and_the_table_show_each_operation() {
    use headroom::report::{self, Format};
    let spec = model(PAGES);
    let a = analyze(&spec).unwrap();
    let built = report::build(&spec, None).unwrap();
    let md = report::render(&built, Format::Markdown).unwrap();
    let get_product = &a.components[1].operations[1];
    let row = format!(
        "| catalog | get_product | 380.0 | 1.5 ms | {:.1} ms | {:.1} ms |",
        get_product.mean_response_ms.unwrap(),
        get_product.p99_response_ms.unwrap()
    );
    assert!(md.contains(&row), "{row} not in:\n{md}");
    assert!(md.contains("frontend.view_cart"), "{md}");
    assert!(md.contains("catalog.get_product"), "{md}");
    let html = report::render(&built, Format::Html).unwrap();
    assert!(
        html.contains("<td>catalog</td><td>list_products</td>"),
        "{html}"
    );
    let table = headroom::analysis::table::render(&a);
    let line = table
        .lines()
        .find(|l| l.starts_with("  list_products"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        line.contains("operation") && line.contains("120.0"),
        "{line}"
    );
}
