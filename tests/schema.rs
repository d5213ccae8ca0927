//! models/headroom.schema.json is what `headroom schema` prints today, and it describes
//! the same fields the reader accepts.

use headroom::spec::{load::TOP_LEVEL_FIELDS, schema::json_schema};

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
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/models");
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
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
