//! Property tests of the spec reader: `headroom::spec::check` answers every input —
//! arbitrary bytes, damaged copies of the example models, generated YAML — without
//! panicking, every refusal says why at a 1-based position, and every spec it accepts
//! survives export: exported text checks back to the same `Spec`, and exporting that
//! gives the same bytes again.
//!
//! 256 cases per property by default; `PROPTEST_CASES=10000 cargo test --test engine
//! fuzz::` for a longer run.

use headroom::spec::validate::{kind_fields, required_fields};
use headroom::spec::{self, ComponentKind, Spec};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;

const MODELS: [(&str, &str); 5] = [
    ("shop", include_str!("../../models/shop.yaml")),
    ("feed", include_str!("../../models/feed.yaml")),
    ("pos", include_str!("../../models/pos.yaml")),
    ("monolith", include_str!("../../models/monolith.yaml")),
    ("bazaar", include_str!("../../models/bazaar.yaml")),
];

fn config() -> ProptestConfig {
    // `default()` reads PROPTEST_CASES; only without it do we pick the count.
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = 256;
    }
    c.failure_persistence = None;
    c
}

/// The export contract for a valid spec: check(export(s)) == s, export is a fixed point.
fn round_trip(s: &Spec) -> Result<(), TestCaseError> {
    let once = spec::to_yaml(s, &[]);
    let again = spec::check("exported.yaml", once.as_bytes());
    prop_assert!(
        again.is_valid(),
        "the export of a valid spec does not validate:\n{}\n--- problems:\n{}",
        once,
        again
            .diagnostics
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let back = again.spec.unwrap();
    prop_assert_eq!(&back, s, "export changed the spec:\n{}", once);
    let twice = spec::to_yaml(&back, &[]);
    prop_assert_eq!(&once, &twice, "a second export differs from the first");
    // So the desktop's live analysis may skip reading a valid model back (editor::live).
    prop_assert_eq!(
        headroom::editor::live(s, "exported.yaml", &[]),
        headroom::editor::live_of_yaml("exported.yaml", once)
    );
    Ok(())
}

/// Checks `bytes` (which must not panic), then holds the answer to its contract.
/// Returns whether the input was a valid spec.
fn check_input(bytes: &[u8]) -> Result<bool, TestCaseError> {
    let checked = spec::check("fuzz.yaml", bytes);
    for d in &checked.diagnostics {
        prop_assert!(d.line >= 1 && d.column >= 1, "position not 1-based: {}", d);
        prop_assert!(
            !d.message.is_empty(),
            "an empty message at {}:{}",
            d.line,
            d.column
        );
    }
    if checked.is_valid() {
        let s = checked.spec.as_ref().unwrap();
        round_trip(s)?;
        // fmt's lossless rewrite says the same spec and is a fixed point.
        let text = String::from_utf8_lossy(bytes);
        let once = spec::export::reformat(s, &text);
        let back = spec::check("reformatted.yaml", once.as_bytes()).into_result();
        prop_assert!(
            back.as_ref().is_ok_and(|b| b == s),
            "fmt changed the spec:\n{}",
            once
        );
        prop_assert_eq!(
            &spec::export::reformat(s, &once),
            &once,
            "a second fmt differs"
        );
        Ok(true)
    } else {
        prop_assert!(
            !checked.diagnostics.is_empty(),
            "refused without a reason: {:?}",
            String::from_utf8_lossy(bytes)
        );
        Ok(false)
    }
}

// ---------------------------------------------------------------------------------------
// (a) arbitrary input

/// Pieces that YAML parsers find interesting, for a token soup.
const TOKENS: &[&str] = &[
    ": ",
    ":",
    "\n",
    "\r\n",
    "  ",
    "    ",
    "\t",
    "- ",
    "-",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "!!str ",
    "!x ",
    "---\n",
    "...\n",
    "? ",
    "|\n",
    ">-\n",
    "'",
    "\"",
    "# c",
    "%YAML 1.2\n",
    "<<: ",
    "\\",
    "\u{feff}",
    "\u{2028}",
    "\0",
    "é",
    "version",
    "name",
    "components",
    "dependencies",
    "workload",
    "classes",
    "kind",
    "service",
    "queue",
    "1",
    "-1",
    "0",
    "1e999",
    ".nan",
    "~",
    "null",
    "true",
    "api",
    "db",
    "from",
    "to",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_input(&bytes)?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,2048}") {
        check_input(text.as_bytes())?;
    }

    #[test]
    fn yaml_token_soup_never_panics(tokens in prop::collection::vec(select(TOKENS), 0..300)) {
        check_input(tokens.concat().as_bytes())?;
    }
}

// ---------------------------------------------------------------------------------------
// (b) damaged copies of the example models

const EXTREME_NUMBERS: &[&str] = &[
    "-1",
    "0",
    "-0",
    "1e308",
    "-1e308",
    "1e999",
    "-1e999",
    "NaN",
    ".nan",
    ".inf",
    "-.inf",
    "99999999999999999999",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "65535",
    "65536",
    "100000",
    "100001",
    "0.0000000001",
    "5e-324",
    "1_000",
    "0x10",
    "0o17",
    "+1",
    "1.",
    ".5",
    "1e3",
    "abc",
    "~",
    "\"7\"",
    "[]",
    "{}",
    "true",
    "",
];

const STRINGS: &[&str] = &[
    "",
    "x",
    "Upper",
    "a/b",
    "..",
    "-lead",
    "trail-",
    "paymentz",
    "\"quoted\"",
    "'single'",
    "null",
    "~",
    "true",
    "é",
    "日本",
    "[a, b]",
    "{ a: 1 }",
    "*nope",
    "&anchor",
    "!!str",
    "a: b",
    "a #b",
    "|",
    ">",
    "service",
    "queue",
    "cache",
    "database",
    "external",
    "async",
    "sync",
    "strong",
    "replicas",
    "\"\\u0000\"",
    "\"\u{2028}\"",
    "\"a\\tb\"",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
];

const INSERTS: &[&str] = &[
    "\n",
    "\t",
    "  ",
    "- ",
    ": ",
    "---\n",
    "# c\n",
    "&x ",
    "*x",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "\nextra: 1\n",
    "\n  - { name: z, kind: queue }\n",
    "\n  - { from: api, to: api }\n",
    "\u{feff}",
    "\r",
];

/// A position in whatever is being damaged, as a fraction of its length (shrinks to 0).
#[derive(Debug, Clone, Copy)]
struct Index(f64);

impl Index {
    fn index(&self, len: usize) -> usize {
        assert!(len > 0);
        ((self.0 * len as f64) as usize).min(len - 1)
    }
}

fn at() -> impl Strategy<Value = Index> {
    (0.0f64..1.0).prop_map(Index)
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    ReplaceNumber(Index, &'static str),
    ReplaceWord(Index, &'static str),
    Insert(Index, &'static str),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (at(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        1 => at().prop_map(Mutation::DeleteLine),
        1 => at().prop_map(Mutation::DuplicateLine),
        1 => (at(), at()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        3 => (at(), select(EXTREME_NUMBERS)).prop_map(|(i, n)| Mutation::ReplaceNumber(i, n)),
        2 => (at(), select(STRINGS)).prop_map(|(i, s)| Mutation::ReplaceWord(i, s)),
        1 => (at(), select(INSERTS)).prop_map(|(i, s)| Mutation::Insert(i, s)),
        1 => at().prop_map(Mutation::Truncate),
    ]
}

/// Byte ranges of the maximal runs of bytes satisfying `part`, starting at one satisfying `start`.
fn spans(text: &[u8], start: fn(u8) -> bool, part: fn(u8) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let prev_ok = i == 0 || !part(text[i - 1]);
        if prev_ok && start(text[i]) {
            let j = i + text[i..].iter().take_while(|b| part(**b)).count();
            out.push((i, j.max(i + 1)));
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

fn replace_span(text: &mut Vec<u8>, spans: &[(usize, usize)], at: &Index, with: &str) {
    if spans.is_empty() {
        return;
    }
    let (a, b) = spans[at.index(spans.len())];
    text.splice(a..b, with.bytes());
}

fn lines(text: &[u8]) -> Vec<Vec<u8>> {
    text.split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    match m {
        Mutation::FlipBit(i, bit) if !text.is_empty() => {
            let at = i.index(text.len());
            text[at] ^= 1 << bit;
        }
        Mutation::DeleteLine(i) | Mutation::DuplicateLine(i) => {
            let mut ls = lines(text);
            if ls.is_empty() {
                return;
            }
            let at = i.index(ls.len());
            if matches!(m, Mutation::DeleteLine(_)) {
                ls.remove(at);
            } else {
                let copy = ls[at].clone();
                ls.insert(at, copy);
            }
            *text = ls.concat();
        }
        Mutation::SwapLines(a, b) => {
            let mut ls = lines(text);
            if ls.is_empty() {
                return;
            }
            let (a, b) = (a.index(ls.len()), b.index(ls.len()));
            ls.swap(a, b);
            *text = ls.concat();
        }
        Mutation::ReplaceNumber(i, with) => {
            let numbers = spans(
                text,
                |b| b.is_ascii_digit(),
                |b| b.is_ascii_digit() || b == b'.',
            );
            replace_span(text, &numbers, i, with);
        }
        Mutation::ReplaceWord(i, with) => {
            let words = spans(
                text,
                |b| b.is_ascii_lowercase(),
                |b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_',
            );
            replace_span(text, &words, i, with);
        }
        Mutation::Insert(i, with) => {
            let at = i.index(text.len() + 1);
            text.splice(at..at, with.bytes());
        }
        Mutation::Truncate(i) => {
            let at = i.index(text.len() + 1);
            text.truncate(at);
        }
        Mutation::FlipBit(..) => {}
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_examples_never_panic(
        model in 0..MODELS.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let mut text = MODELS[model].1.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut text, m);
        }
        check_input(&text)?;
    }

    /// Only numbers changed, one at a time: the document keeps its shape, so this reaches
    /// the range checks and, when the number is acceptable, the round trip.
    #[test]
    fn examples_with_an_extreme_number_never_panic(
        model in 0..MODELS.len(),
        at in at(),
        with in select(EXTREME_NUMBERS),
    ) {
        let mut text = MODELS[model].1.as_bytes().to_vec();
        apply(&mut text, &Mutation::ReplaceNumber(at, with));
        check_input(&text)?;
    }
}

// ---------------------------------------------------------------------------------------
// (c) generated YAML

/// A YAML value of a small vocabulary.
#[derive(Debug, Clone)]
enum Y {
    Scalar(&'static str),
    List(Vec<Y>),
    Map(Vec<(&'static str, Y)>),
}

const KEYS: &[&str] = &[
    "version",
    "name",
    "description",
    "targets",
    "practices",
    "workload",
    "components",
    "dependencies",
    "classes",
    "daily_profile",
    "kind",
    "replicas",
    "concurrency",
    "service_time_ms",
    "hit_ratio",
    "availability",
    "replication",
    "mode",
    "read_replicas",
    "autoscale",
    "min",
    "max",
    "from",
    "to",
    "calls",
    "lock",
    "keys",
    "hold_ms",
    "rate_rps",
    "entry",
    "consistency",
    "throughput_rps",
    "p99_ms",
    "utilization_ceiling",
    "io",
    "unknown",
];

const SCALARS: &[&str] = &[
    "1",
    "2",
    "0",
    "-1",
    "0.5",
    "1.5",
    "100",
    "1e999",
    ".nan",
    "99999999999999999999",
    "~",
    "true",
    "api",
    "db",
    "q",
    "service",
    "database",
    "queue",
    "cache",
    "worker",
    "async",
    "sync",
    "strong",
    "eventual",
    "blocking",
    "\"quoted\"",
    "'single'",
    "Upper",
    "a/b",
    "\"\"",
    "x",
    "é",
    "*nope",
];

fn yaml_value() -> impl Strategy<Value = Y> {
    select(SCALARS)
        .prop_map(Y::Scalar)
        .prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Y::List),
                prop::collection::vec((select(KEYS), inner), 0..6).prop_map(Y::Map),
            ]
        })
}

fn flow(y: &Y) -> String {
    match y {
        Y::Scalar(s) => (*s).to_string(),
        Y::List(items) => format!(
            "[{}]",
            items.iter().map(flow).collect::<Vec<_>>().join(", ")
        ),
        Y::Map(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", flow(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Block style down to `block_depth`, flow below it.
fn block(y: &Y, indent: usize, block_depth: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let inline = |v: &Y| match v {
        Y::Scalar(_) => true,
        Y::List(l) => l.is_empty() || block_depth == 0,
        Y::Map(m) => m.is_empty() || block_depth == 0,
    };
    match y {
        Y::Scalar(s) => out.push_str(&format!("{pad}{s}\n")),
        Y::List(items) => {
            for item in items {
                if inline(item) {
                    out.push_str(&format!("{pad}- {}\n", flow(item)));
                } else {
                    out.push_str(&format!("{pad}-\n"));
                    block(item, indent + 2, block_depth - 1, out);
                }
            }
        }
        Y::Map(entries) => {
            for (k, v) in entries {
                if inline(v) {
                    out.push_str(&format!("{pad}{k}: {}\n", flow(v)));
                } else {
                    out.push_str(&format!("{pad}{k}:\n"));
                    block(v, indent + 2, block_depth - 1, out);
                }
            }
        }
    }
}

// A spec-shaped generator: mostly valid specs, so the round trip gets real exercise.

fn field_value(field: &'static str) -> BoxedStrategy<String> {
    let count = prop_oneof![8 => 1u32..40, 1 => Just(0u32), 1 => 100_000u32..=100_001]
        .prop_map(|n| n.to_string());
    let ms = prop_oneof![
        select(vec![0.2, 0.5, 1.0, 3.0, 6.0, 40.0, 120.0]),
        0.001f64..5000.0,
    ]
    .prop_map(|v: f64| v.to_string());
    let ratio = prop_oneof![4 => 0.0f64..=1.0, 1 => Just(1.5)].prop_map(|v| v.to_string());
    match field {
        "replicas" | "concurrency" | "shards" | "partitions" | "max_concurrency" | "zones" => {
            count.boxed()
        }
        "service_time_ms" | "latency_ms" | "cold_start_ms" => ms.boxed(),
        "service_time_cv" => (0.0f64..3.0).prop_map(|v| v.to_string()).boxed(),
        "availability" => prop_oneof![
            select(vec!["99.9", "99.95", "99.99", "100"]).prop_map(str::to_string),
            (90.0f64..=100.0).prop_map(|v| v.to_string()),
        ]
        .boxed(),
        "hit_ratio" | "cold_start_ratio" => ratio.boxed(),
        "hot_shard_skew" => Just("1".to_string()).boxed(),
        "cost_per_replica_hour" | "cost_per_million_requests_usd" => {
            (0.0f64..5.0).prop_map(|v| v.to_string()).boxed()
        }
        "engine" => select(vec!["redis", "postgres", "kafka", "\"my engine\"", "nginx"])
            .prop_map(str::to_string)
            .boxed(),
        "load_balancing" => select(vec!["round_robin", "random", "least_connections"])
            .prop_map(str::to_string)
            .boxed(),
        "replication" => select(vec![
            "{ mode: async, read_replicas: 2, reads_from: replicas, lag_ms: 50 }",
            "{ mode: sync }",
            "{ mode: quorum, read_replicas: 2 }",
            "{ mode: async, reads_from: replicas }",
        ])
        .prop_map(str::to_string)
        .boxed(),
        "scaled_up_from" => prop_oneof![
            4 => Just("{ service_time_ms: 4, cost_per_replica_hour: 0.1 }"),
            1 => Just("{ service_time_ms: 0, cost_per_replica_hour: 0.1 }"),
        ]
        .prop_map(str::to_string)
        .boxed(),
        "autoscale" => select(vec!["{ min: 1, max: 100 }", "{ min: 2, max: 1 }"])
            .prop_map(str::to_string)
            .boxed(),
        "io" => select(vec!["async", "blocking"])
            .prop_map(str::to_string)
            .boxed(),
        "runtime" => select(vec!["rust", "node", "go", "java", "python", "other"])
            .prop_map(str::to_string)
            .boxed(),
        "cpu" => prop_oneof![
            8 => select(vec![0.1, 0.25, 0.5, 1.0, 2.5, 4.0]),
            1 => 0.001f64..64.0,
        ]
        .prop_map(|v: f64| v.to_string())
        .boxed(),
        "memory_mb" => prop_oneof![16 => 64u32..8192, 1 => Just(0u32)]
            .prop_map(|n| n.to_string())
            .boxed(),
        "port" => prop_oneof![4 => 1u32..65536, 1 => Just(0u32)]
            .prop_map(|p| p.to_string())
            .boxed(),
        "image" => prop_oneof![
            4 => select(vec!["registry.example.com/app:1.2", "\"img: with colon\""]),
            1 => Just("\" \""),
        ]
        .prop_map(str::to_string)
        .boxed(),
        "managed" => prop_oneof![1 => Just("true"), 4 => Just("false")]
            .prop_map(str::to_string)
            .boxed(),
        _ => Just("1".to_string()).boxed(),
    }
}

fn component(name: String) -> impl Strategy<Value = (String, ComponentKind, String)> {
    select(ComponentKind::ALL.to_vec()).prop_flat_map(move |kind| {
        // A provider's tiers come together, with `managed: true`, and operations with
        // calls and classes that name them: drawn apart, they would be refused nearly
        // always (the examples' mutants vary bazaar's).
        let fields: Vec<&'static str> = kind_fields(kind)
            .filter(|f| !matches!(*f, "tier" | "tiers" | "operations"))
            .collect();
        let required = required_fields(kind);
        let choices: Vec<BoxedStrategy<Option<(&'static str, String)>>> = fields
            .iter()
            .map(|&f| {
                let value = field_value(f).prop_map(move |v| (f, v));
                if required.contains(&f) {
                    prop_oneof![19 => value.prop_map(Some), 1 => Just(None)].boxed()
                } else {
                    prop_oneof![value.prop_map(Some), Just(None)].boxed()
                }
            })
            .collect();
        let name = name.clone();
        choices.prop_map(move |set| {
            let mut line = format!("{{ name: {name}, kind: {kind}");
            for (f, v) in set.into_iter().flatten() {
                line.push_str(&format!(", {f}: {v}"));
            }
            line.push_str(" }");
            (name.clone(), kind, line)
        })
    })
}

fn spec_text() -> impl Strategy<Value = String> {
    let components = (1usize..9).prop_flat_map(|n| {
        (0..n)
            .map(|i| component(format!("c{i}")))
            .collect::<Vec<_>>()
    });
    (
        components,
        prop::collection::vec((at(), at(), any::<bool>()), 0..12),
        prop::collection::vec(
            (
                at(),
                0.0f64..20000.0,
                select(vec!["strong", "read_your_writes", "eventual"]),
                prop::option::of(1.0f64..2000.0),
            ),
            0..4,
        ),
        any::<bool>(),
    )
        .prop_map(|(components, edges, classes, with_targets)| {
            let n = components.len();
            let is_queue = |i: usize| components[i].1 == ComponentKind::Queue;
            let consumes = |k: ComponentKind| {
                matches!(
                    k,
                    ComponentKind::Service | ComponentKind::Worker | ComponentKind::Function
                )
            };
            let mut out = String::from("version: 1\nname: generated\n");
            if with_targets {
                out.push_str("targets:\n  throughput_rps: 1000\n  p99_ms: 300\n  availability: 99.9\n  utilization_ceiling: 0.7\n");
            }
            let class_names: Vec<String> = (0..classes.len()).map(|i| format!("k{i}")).collect();
            if !classes.is_empty() {
                out.push_str("workload:\n  classes:\n");
                for (i, (entry, rate, consistency, p99)) in classes.iter().enumerate() {
                    out.push_str(&format!(
                        "    - {{ name: k{i}, rate_rps: {rate}, entry: {}, consistency: {consistency}",
                        components[entry.index(n)].0
                    ));
                    if let Some(p) = p99 {
                        out.push_str(&format!(", p99_ms: {p}"));
                    }
                    out.push_str(" }\n");
                }
            }
            out.push_str("components:\n");
            for (_, _, line) in &components {
                out.push_str(&format!("  - {line}\n"));
            }
            // Sync edges only go forward (a DAG); into a queue they are async; out of a
            // queue only to a consumer; every queue gets a consumer when one follows it.
            let mut deps = Vec::new();
            for (i, (a, b, with_class)) in edges.iter().enumerate() {
                let (a, b) = (a.index(n), b.index(n));
                let (from, to) = (a.min(b), a.max(b));
                if from == to || is_queue(from) {
                    continue;
                }
                let mut d = format!("{{ from: {}, to: {}", components[from].0, components[to].0);
                if is_queue(to) {
                    d.push_str(", mode: async");
                } else if i % 3 == 0 {
                    d.push_str(&format!(", calls: {}", (i % 5) as f64 * 0.75));
                }
                if *with_class && !class_names.is_empty() {
                    d.push_str(&format!(", classes: [{}]", class_names[i % class_names.len()]));
                }
                d.push_str(" }");
                deps.push(d);
            }
            for q in (0..n).filter(|&i| is_queue(i)) {
                if let Some(c) = (q + 1..n).find(|&j| consumes(components[j].1)) {
                    deps.push(format!("{{ from: {}, to: {} }}", components[q].0, components[c].0));
                }
            }
            if !deps.is_empty() {
                out.push_str("dependencies:\n");
                for d in deps {
                    out.push_str(&format!("  - {d}\n"));
                }
            }
            out
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn generated_yaml_never_panics(
        top in prop::collection::vec((select(KEYS), yaml_value()), 0..8),
        block_depth in 0usize..4,
    ) {
        let mut text = String::new();
        block(&Y::Map(top), 0, block_depth, &mut text);
        check_input(text.as_bytes())?;
    }

    #[test]
    fn generated_specs_never_panic_and_round_trip(text in spec_text()) {
        check_input(text.as_bytes())?;
    }
}

/// The spec generator must produce valid specs often enough for the round trip above to
/// mean something.
#[test]
fn the_spec_generator_makes_valid_specs() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = spec_text();
    let total = 200;
    let valid = (0..total)
        .filter(|_| {
            let text = strategy.new_tree(&mut runner).unwrap().current();
            spec::check("g.yaml", text.as_bytes()).is_valid()
        })
        .count();
    assert!(
        valid * 10 >= total,
        "only {valid} of {total} generated specs are valid"
    );
}

/// The mutation helpers do what they say (a broken helper would make the fuzzing vacuous).
#[test]
fn mutations_change_the_text() {
    let base = b"a: 12\nb: word\n".to_vec();
    let mut t = base.clone();
    apply(&mut t, &Mutation::ReplaceNumber(Index(0.0), "1e999"));
    assert_eq!(t, b"a: 1e999\nb: word\n");
    let mut t = base.clone();
    apply(&mut t, &Mutation::ReplaceWord(Index(0.99), "x"));
    assert_eq!(t, b"a: 12\nb: x\n");
    let mut t = base.clone();
    apply(&mut t, &Mutation::DuplicateLine(Index(0.0)));
    assert_eq!(t, b"a: 12\na: 12\nb: word\n");
    let mut t = base;
    apply(&mut t, &Mutation::DeleteLine(Index(0.99)));
    assert_eq!(t, b"a: 12\n");
}

// ---------------------------------------------------------------------------------------
// Free text: whatever a user types into a text field must come back from an export.

/// A double-quoted YAML scalar for `s` (JSON string syntax is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn free_text_survives_export(
        description in "(?s).{0,80}",
        engine in "[^\u{0}-\u{1f}]{1,24}",
        image in "\\PC{1,40}",
        monitoring in "(?s).{1,24}",
        group in "[ -~]{1,16}",
    ) {
        let text = format!(
            "version: 1\nname: text\ndescription: {}\npractices:\n  monitoring: {}\n\
             components:\n  - {{ name: api, kind: service, service_time_ms: 5, image: {} }}\n\
             \x20 - {{ name: db, kind: database, service_time_ms: 2, engine: {} }}\n\
             dependencies:\n  - {{ from: api, to: db, parallel: {} }}\n",
            quoted(&description),
            quoted(&monitoring),
            quoted(&image),
            quoted(&engine),
            quoted(&group),
        );
        let checked = spec::check("text.yaml", text.as_bytes());
        let blank = |s: &str| s.trim().is_empty();
        if blank(&engine) || blank(&image) || blank(&monitoring) || blank(&group) {
            prop_assert!(!checked.is_valid());
        } else {
            prop_assert!(checked.is_valid(), "{}\n{:?}", text, checked.diagnostics);
            let s = checked.spec.as_ref().unwrap();
            prop_assert_eq!(s.description.as_deref(), Some(description.as_str()));
            prop_assert_eq!(s.components[1].engine.as_deref(), Some(engine.as_str()));
            round_trip(s)?;
        }
    }
}

// ---------------------------------------------------------------------------------------
// (d) every command on the specs that pass

/// Where `text` holds a non-finite number as `Debug` prints it (`NaN`, `inf`, `-inf`), or
/// as a sentence made from one would (`infx`): a figure the engine cannot compute must
/// say "unbounded" instead. Text the user wrote, which `Debug` quotes (an image tag
/// `app:.inf`), is not a figure.
fn non_finite_in(text: &str) -> Option<usize> {
    let mut at = 0;
    let (mut quoted, mut escaped) = (false, false);
    for word in text.split_inclusive(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let w = word.trim_end_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '-'));
        if !quoted && matches!(w, "NaN" | "inf" | "-inf" | "infx") {
            return Some(at);
        }
        for c in word[w.len()..].chars() {
            match c {
                '\\' if quoted => escaped = !escaped,
                '"' if !escaped => quoted = !quoted,
                _ => escaped = false,
            }
        }
        at += word.len();
    }
    None
}

fn finite(what: &str, text: &str) -> Result<(), TestCaseError> {
    match non_finite_in(text) {
        Some(at) => {
            let from = (0..=at.saturating_sub(300))
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            let to = ((at + 60).min(text.len())..=text.len())
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(text.len());
            Err(TestCaseError::fail(format!(
                "{what} holds a non-finite number: …{}…",
                &text[from..to]
            )))
        }
        None => Ok(()),
    }
}

/// Each library entry a command calls: analyse, plan, simulate (a short run), the
/// report in both formats, the scaffold. Refusals are fine; a panic, a hang or a
/// non-finite number in an answer is not.
fn every_command(s: &Spec) -> Result<(), TestCaseError> {
    // Each stage's time, printed when FUZZ_TIMES is set: how a long run (`PROPTEST_CASES`
    // in the thousands) finds a case that is slow rather than stuck.
    let clock = std::time::Instant::now();
    let lap = |stage: &str| {
        if std::env::var_os("FUZZ_TIMES").is_some() {
            eprintln!(
                "fuzz case {}: {stage} at {:.2} s",
                s.name,
                clock.elapsed().as_secs_f64()
            );
        }
    };
    // The one infinity allowed: a component's utilisation said to be unbounded (JSON
    // has `null` there and `"unbounded": true`), in the analysis and the plan's copy.
    let said = |debug: String| {
        debug.replace(
            "utilization: inf, unbounded: true",
            "utilization: (unbounded), unbounded: true",
        )
    };
    if let Ok(a) = headroom::analysis::analyze(s) {
        finite("the analysis", &said(format!("{a:?}")))?;
    }
    lap("analysed");
    match headroom::plan::plan(s, &headroom::plan::PlanOptions::default()) {
        Ok(p) => finite("the plan", &said(format!("{p:?}")))?,
        // The planner's own errors (a change it cannot apply, a planned spec that does
        // not validate or does not replay) are bugs on any input.
        Err(e @ (headroom::plan::PlanError::Apply(_) | headroom::plan::PlanError::Invalid(_))) => {
            return Err(TestCaseError::fail(format!(
                "the planner failed itself: {e}"
            )));
        }
        Err(_) => {}
    }
    lap("planned");
    let opts = headroom::sim::SimOptions {
        requests: 2_000,
        replications: 2,
        threads: Some(1),
        // A tenth of the default budget: a mutant whose run would be long (a day-long
        // service time makes a long warm-up) is refused, as the default refuses a longer.
        max_events: headroom::sim::DEFAULT_MAX_EVENTS / 10,
        ..Default::default()
    };
    let cancel = std::sync::atomic::AtomicBool::new(false);
    if let Ok(r) = headroom::sim::simulate(s, &opts, &|_| {}, &cancel) {
        finite("the simulation", &format!("{r:?}"))?;
    }
    lap("simulated");
    for format in [
        headroom::report::Format::Markdown,
        headroom::report::Format::Html,
    ] {
        if let Ok(text) = headroom::report::report(s, None, format) {
            finite("the report", &text)?;
        }
    }
    lap("reported");
    let _ = headroom::scaffold::render(s);
    lap("scaffolded");
    Ok(())
}

fn every_command_cases() -> ProptestConfig {
    let mut c = config();
    // Each case plans and simulates: a tenth of the spec reader's count.
    c.cases = (c.cases / 10).max(8);
    c
}

proptest! {
    #![proptest_config(every_command_cases())]

    #[test]
    fn valid_mutants_run_through_every_command(
        model in 0..MODELS.len(),
        at in at(),
        with in select(EXTREME_NUMBERS),
        more in prop::collection::vec(mutation(), 0..3),
    ) {
        let mut text = MODELS[model].1.as_bytes().to_vec();
        apply(&mut text, &Mutation::ReplaceNumber(at, with));
        for m in &more {
            apply(&mut text, m);
        }
        if let Ok(s) = spec::check("fuzz.yaml", &text).into_result() {
            every_command(&s)?;
        }
    }
}
