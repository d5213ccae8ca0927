//! models/headroom.schema.json is what `headroom schema` prints today, and it describes
//! the same fields the reader accepts; models/SPEC.md is what `headroom schema
//! --markdown` prints.

use headroom::spec::{load::TOP_LEVEL_FIELDS, schema::json_schema};

use crate::common::models::MODELS;

const SCHEMA_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/headroom.schema.json");

#[test]
fn committed_schema_is_current() {
    let committed = std::fs::read_to_string(SCHEMA_FILE).unwrap_or_default();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(SCHEMA_FILE, json_schema()).unwrap();
        return;
    }
    assert!(
        committed == json_schema(),
        "models/headroom.schema.json is stale: run `make schema`"
    );
}

const REFERENCE_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/SPEC.md");

#[test]
fn committed_reference_is_current() {
    let now = headroom::spec::reference::markdown();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(REFERENCE_FILE, &now).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(REFERENCE_FILE).unwrap_or_default();
    assert!(
        committed == now,
        "models/SPEC.md is stale: run `make schema`"
    );
    // Every kind has its table, and each lists the fields the validator lets it take.
    for kind in headroom::spec::ComponentKind::ALL {
        let heading = format!("## components[] of kind {}\n", kind.as_str());
        let start = now
            .find(&heading)
            .unwrap_or_else(|| panic!("no table for {kind:?}"));
        let table = &now[start + heading.len()..];
        let table = &table[..table.find("\n## ").unwrap_or(table.len())];
        for field in headroom::spec::validate::kind_fields(kind) {
            assert!(
                table.contains(&format!("| `{field}` |")),
                "{kind:?} lacks {field}"
            );
        }
    }
}

#[test]
fn schema_lists_the_top_level_fields_the_reader_knows() {
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    let props: Vec<&str> = schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(props, TOP_LEVEL_FIELDS);
    assert_eq!(
        schema["additionalProperties"],
        serde_json::Value::Bool(false)
    );
    let kinds = &schema["$defs"]["ComponentKind"];
    let text = kinds.to_string();
    for k in [
        "service",
        "worker",
        "function",
        "load_balancer",
        "cdn",
        "cache",
        "database",
        "queue",
        "external",
    ] {
        assert!(
            text.contains(&format!("\"{k}\"")),
            "{k} missing from {text}"
        );
    }
}

#[test]
fn every_example_points_editors_at_the_schema() {
    for entry in std::fs::read_dir(MODELS).unwrap().flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) == Some("yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert!(
                text.starts_with("# yaml-language-server: $schema=./headroom.schema.json\n"),
                "{} lacks the schema line",
                path.display()
            );
        }
    }
}

/// Every number the spec holds has an upper bound in the schema, the same one the
/// validator holds it to (`spec::bounds`).
#[test]
fn every_number_in_the_schema_is_bounded() {
    use headroom::spec::bounds;
    let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
    let is_number = |p: &serde_json::Value| {
        let t = p["type"].to_string();
        t.contains("number") || t.contains("integer")
    };
    let mut checked = 0;
    // A component's fields sit in its kinds' rules (`allOf[i].then`).
    let defs = schema["$defs"].as_object().unwrap();
    let mut tables = Vec::new();
    let top = "Spec".to_string();
    for (def, body) in defs.iter().chain([(&top, &schema)]) {
        tables.extend(body["properties"].as_object().map(|p| (def, p)));
        for rule in body["allOf"].as_array().into_iter().flatten() {
            tables.extend(rule["then"]["properties"].as_object().map(|p| (def, p)));
        }
    }
    for (def, props) in tables {
        for (field, prop) in props {
            let p = if prop["items"].is_object() && is_number(&prop["items"]) {
                &prop["items"]
            } else {
                prop
            };
            if !is_number(p) || field == "version" {
                continue;
            }
            assert!(
                p["maximum"].is_number(),
                "{def}.{field} has no maximum: {p}"
            );
            assert!(
                p["minimum"].is_number() || p["exclusiveMinimum"].is_number(),
                "{def}.{field} has no minimum: {p}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} numbers found");
    let rate = &schema["$defs"]["RequestClass"]["properties"]["rate_rps"];
    assert_eq!(rate["maximum"], serde_json::json!(bounds::MAX_RATE_RPS));
    assert_eq!(rate["minimum"], serde_json::json!(0.0));
    assert_eq!(
        rate["not"]["exclusiveMaximum"],
        serde_json::json!(bounds::MIN_RATE)
    );
    let keys = &schema["$defs"]["Lock"]["properties"]["keys"];
    assert_eq!(keys["maximum"], serde_json::json!(bounds::MAX_LOCK_KEYS));
}
