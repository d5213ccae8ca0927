//! Export is canonical: parse -> export -> parse gives the same model, exporting twice
//! gives the same bytes, and `headroom fmt` writes exactly that, atomically.

use headroom::spec::{self, export, ComponentKind};

use crate::common::cli::headroom;
use crate::common::models::{EXAMPLES, MODELS};
use crate::common::shop::{shop, shop_text};

#[test]
fn every_example_round_trips_and_exports_byte_stable() {
    let mut seen = 0;
    for entry in std::fs::read_dir(MODELS).unwrap().flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        let name = path.display().to_string();
        let model = spec::check_file(&path)
            .unwrap()
            .into_result()
            .unwrap_or_else(|d| panic!("{name}: {d:?}"));
        let once = spec::to_yaml(&model, &[]);
        let again = spec::check("export", once.as_bytes())
            .into_result()
            .unwrap_or_else(|d| panic!("{name} export: {d:?}\n{once}"));
        assert_eq!(
            again, model,
            "{name}: the exported spec reads back differently"
        );
        assert_eq!(
            spec::to_yaml(&again, &[]),
            once,
            "{name}: a second export differs"
        );
        seen += 1;
    }
    assert!(seen >= 1);
}

#[test]
fn export_keeps_only_what_the_user_set_in_canonical_key_order() {
    let model = shop();
    let out = spec::to_yaml(&model, &["# header"]);
    assert!(
        out.starts_with("# header\nversion: 1\nname: shop\n"),
        "{out}"
    );
    // Unset optional fields are not written back as defaults.
    assert!(!out.contains("load_balancing"));
    assert!(!out.contains("io: async\n    runtime: node"));
    // Sections appear in the model's order.
    let pos = |s: &str| out.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos("\ntargets:") < pos("\npractices:"));
    assert!(pos("\npractices:") < pos("\nworkload:"));
    assert!(pos("\nworkload:") < pos("\ncomponents:"));
    assert!(pos("\ncomponents:") < pos("\ndependencies:"));
    // Edges are one flow mapping each; a long one wraps under its brace.
    assert!(out.contains("  - { from: cdn, to: gateway }\n"));
    assert!(out.contains("  - { from: api, to: orders-db, calls: 1, op: write, classes: [checkout],\n      lock: { keys: 2000, hold_ms: 4 } }\n"), "{out}");
    assert!(out.contains("    autoscale: { min: 2, max: 24 }\n"));
}

#[test]
fn text_that_looks_like_another_type_is_quoted_and_survives() {
    let mut model = shop();
    model.description = Some("yes: it's \"quoted\" # not a comment\nsecond line".into());
    model.practices.monitoring = Some("true".into());
    model.practices.tracing = Some("0.5".into());
    let out = spec::to_yaml(&model, &[]);
    let back = spec::check("x", out.as_bytes()).into_result().unwrap();
    assert_eq!(back, model);
}

#[test]
fn numbers_survive_exactly() {
    let mut model = shop();
    let api = model
        .components
        .iter_mut()
        .find(|c| c.kind == ComponentKind::Service)
        .unwrap();
    api.service_time_ms = Some(0.1 + 0.2); // 0.30000000000000004
    api.cost_per_replica_hour = Some(1e-9);
    model.workload.classes[0].rate_rps = Some(1234567.125); // within spec::bounds::MAX_RATE_RPS
    let back = spec::check("x", spec::to_yaml(&model, &[]).as_bytes())
        .into_result()
        .unwrap();
    assert_eq!(back, model);
}

#[test]
fn fmt_rewrites_to_canonical_form_keeping_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shop.yaml");
    let (text, model) = (shop_text(), shop());
    // A non-canonical but comment-free spec: the schema line, then flow-heavy YAML.
    let header = export::leading_comments(&text)[0];
    let messy = format!("{header}\n{}", serde_json::to_string(&model).unwrap());
    std::fs::write(&path, &messy).unwrap();

    let p = path.to_str().unwrap();
    let check = headroom(&["fmt", "--check", p]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "--check reports a file that would change"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        messy,
        "--check changes nothing"
    );

    let out = headroom(&["fmt", p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, spec::to_yaml(&model, &[header]));
    assert_eq!(headroom(&["fmt", "--check", p]).status.code(), Some(0));
    // No temporary file is left beside it.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn crlf_and_bare_cr_read_as_lf_in_fmt_plan_and_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (text, model) = (shop_text(), shop());
    let header = export::leading_comments(&text);
    assert!(header.len() >= 2, "the shop starts with comments");
    // Canonical but for its line breaks: fmt rewrites it to exactly the LF form, once.
    let canonical = spec::to_yaml(&model, &header);
    for (name, breaks) in [("crlf", "\r\n"), ("cr", "\r")] {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, canonical.replace('\n', breaks)).unwrap();
        let p = path.to_str().unwrap();
        assert_eq!(headroom(&["validate", p]).status.code(), Some(0), "{name}");
        // plan -o keeps the schema line of the header, not the whole file as "header".
        let planned = dir.path().join(format!("{name}-planned.yaml"));
        let plan = headroom(&["plan", "-o", planned.to_str().unwrap(), p]);
        assert_eq!(plan.status.code(), Some(0), "{name}");
        let planned_text = std::fs::read_to_string(&planned).unwrap();
        assert_eq!(
            planned_text.matches("version: 1").count(),
            1,
            "{planned_text}"
        );
        let valid = headroom(&["validate", planned.to_str().unwrap()]);
        assert_eq!(valid.status.code(), Some(0), "{name}: {planned_text}");

        let out = headroom(&["fmt", p]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{name}: {stdout}");
        assert_eq!(
            stdout.trim(),
            format!("{p}: formatted (line breaks now LF)")
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), canonical, "{name}");
        assert_eq!(headroom(&["fmt", "--check", p]).status.code(), Some(0));
    }

    // A problem is placed on the same line and column whatever the line breaks.
    let broken = text.replacen("    replicas: 4\n", "    replicas: -4\n", 1);
    assert_ne!(broken, text);
    let path = dir.path().join("broken.yaml");
    let p = path.to_str().unwrap();
    let diagnostics = |breaks: &str| {
        std::fs::write(&path, broken.replace('\n', breaks)).unwrap();
        let out = headroom(&["validate", p]);
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let lf = diagnostics("\n");
    assert!(
        lf.contains(&format!("{p}:56:")) && lf.contains("replicas"),
        "{lf}"
    );
    assert_eq!(diagnostics("\r\n"), lf);
    assert_eq!(diagnostics("\r"), lf);
}

#[test]
fn fmt_keeps_every_comment_and_never_rewrites_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    // Every shipped example is in its form already, comments and all.
    for name in EXAMPLES {
        let (path, _) = crate::common::models::example_file(&format!("{name}.yaml"));
        let copy = dir.path().join(format!("{name}.yaml"));
        std::fs::copy(&path, &copy).unwrap();
        let check = headroom(&["fmt", "--check", copy.to_str().unwrap()]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
    // A rewrite is lossless: what the user wrote stays (blank lines and comments
    // included), trailing spaces go; a second run changes nothing.
    let commented = dir.path().join("shop.yaml");
    let text = shop_text();
    let loose = text
        .replace("  - name: gateway\n", "\n\n  - name: gateway   \n")
        .replace(
            "    hit_ratio: 0.8            # only misses go on downstream\n",
            "    # the edge caches 80 %\n\n    hit_ratio: 0.8            # only misses go on downstream\n",
        );
    assert_ne!(loose, text);
    std::fs::write(&commented, &loose).unwrap();
    let out = headroom(&["fmt", commented.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let written = std::fs::read_to_string(&commented).unwrap();
    let trimmed: String = loose
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    assert_eq!(written, trimmed);
    assert_eq!(
        headroom(&["fmt", "--check", commented.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );

    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "version: 1\nname: [unclosed\n").unwrap();
    let out = headroom(&["fmt", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(&broken).unwrap(),
        "version: 1\nname: [unclosed\n"
    );

    std::fs::write(&commented, &text).unwrap();
    let out = headroom(&["fmt", "--drop-comments", commented.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let rewritten = std::fs::read_to_string(&commented).unwrap();
    assert!(rewritten.starts_with("# yaml-language-server: $schema=./headroom.schema.json\n"));
    assert_eq!(export::inner_comment_count(&rewritten), 0);
}

#[test]
fn every_command_has_an_example_in_its_help() {
    for cmd in ["validate", "analyze", "schema", "fmt"] {
        let out = headroom(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(
            help.contains("Example") && help.contains(&format!("headroom {cmd}")),
            "{cmd}: {help}"
        );
    }
    let out = headroom(&["validate"]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

/// Names and keys are printed escaped: a line break or a terminal escape in a spec
/// cannot forge a diagnostic line (or a CI annotation) or colour the terminal.
#[test]
fn names_with_line_breaks_or_escapes_cannot_forge_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let text = shop_text();
    let hostile = text.replace(
        "dependencies:\n",
        "dependencies:\n  - { from: \"api\\nother.yaml:1:1: forged\", to: \"\\e[31mred\" }\n  - { from: api, to: orders-db, \"x\\n::error file=x::forged\": 1 }\n",
    );
    let path = dir.path().join("hostile.yaml");
    std::fs::write(&path, &hostile).unwrap();
    let run = headroom(&["validate", path.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let out = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(!out.contains('\u{1b}'), "{out:?}");
    for line in &lines {
        assert!(
            line.starts_with(path.to_str().unwrap()),
            "a forged line: {line:?}\n{out}"
        );
    }
    assert!(
        out.contains(r#"dependencies[0] api\nother.yaml:1:1: forged -> \u{1b}[31mred: from must name a component"#),
        "{out}"
    );
    assert!(
        out.contains(r"x\n::error file=x::forged is not a known field"),
        "{out}"
    );
}

#[test]
fn an_edited_spec_keeps_every_comment_of_the_text_it_was_read_from() {
    // What plan -o and an editor do: change values, remove an item that had a comment,
    // add one. Every comment of the source is still in the text, an unchanged line is
    // as it was, a changed one keeps its comment at its column.
    let (text, mut model) = (shop_text(), shop());
    let db = model
        .components
        .iter_mut()
        .find(|c| c.name == "orders-db")
        .unwrap();
    db.replication.as_mut().unwrap().mode = spec::ReplicationMode::Quorum;
    let gone = model
        .dependencies
        .iter()
        .position(|d| d.from == "session-cache")
        .unwrap();
    model.dependencies.remove(gone);
    model
        .dependencies
        .push(spec::Dependency::new("fulfilment", "payments"));
    let header = export::leading_comments(&text);
    let written = export::to_yaml_with(&model, &header, &export::comments_of(&text));
    let back = spec::check("edited.yaml", written.as_bytes())
        .into_result()
        .unwrap();
    assert_eq!(back, model);
    let comments = |t: &str| -> Vec<String> {
        let mut c: Vec<String> = t
            .lines()
            .filter_map(|l| headroom::spec::yaml::comment_at(l).map(|at| l[at..].to_string()))
            .collect();
        c.sort();
        c
    };
    assert_eq!(comments(&written), comments(&text), "{written}");
    assert!(
        written.contains("      mode: quorum            # async | sync | quorum\n"),
        "{written}"
    );
    assert!(
        written.contains("    hit_ratio: 0.8            # only misses go on downstream\n"),
        "{written}"
    );
    assert!(
        written.contains("  - { from: fulfilment, to: payments }\n"),
        "{written}"
    );
    // Items are found again by what they are, not their place: the edges after the
    // removed one are as they were, and its comment stays with the list, on no other edge.
    assert!(
        written.contains("      lock: { keys: 2000, hold_ms: 4 } }                            # a distributed lock per order/item key\n"),
        "{written}"
    );
    assert!(
        written.contains("dependencies:  # read-through: misses only\n"),
        "{written}"
    );
}
