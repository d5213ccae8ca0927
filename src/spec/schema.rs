//! The spec's JSON Schema, for editors and validators (`headroom schema`,
//! models/headroom.schema.json).
//!
//! The types' derived schema says the shapes and the doc comments; this adds what only
//! the validator knew, so that the schema alone is enough to write a spec:
//! - the range of every number (`bounds`), DNS-1123 names, a 24-hour profile, a class
//!   open (`rate_rps`) or closed (`users`);
//! - per component kind (`if kind is … then …`): the fields it takes (no other is
//!   allowed, so an editor completes only those), the fields it needs, and the defaults
//!   it gets; the defaults of dependencies, replication, classes and targets;
//! - no `format` strict validators do not know (the derived `uint32`, `double`, …).

use serde_json::{json, Map, Value};

use super::defaults;
use super::model::{ComponentKind, Spec};
use super::validate::{kind_fields, required_fields};

/// The pattern of a DNS-1123 label (`validate::is_dns_label`).
pub const DNS_LABEL_PATTERN: &str = "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$";

/// The JSON Schema of spec version 1, pretty-printed, ending in a newline.
pub fn json_schema() -> String {
    let mut text = serde_json::to_string_pretty(&schema_value()).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of spec version 1 as a value.
pub fn schema_value() -> Value {
    let mut schema = schemars::schema_for!(Spec);
    schema.insert(
        "title".into(),
        "Headroom architecture spec, version 1".into(),
    );
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    super::bounds::annotate_schema(&mut value);
    drop_formats(&mut value);
    if let Some(Value::Object(defs)) = value.get_mut("$defs") {
        name_patterns(defs);
        if let Some(profile) = property(defs, "Workload", "daily_profile") {
            profile.insert("minItems".into(), json!(24));
            profile.insert("maxItems".into(), json!(24));
        }
        for (def, table) in [
            ("Dependency", defaults::dependency_defaults()),
            ("Replication", defaults::replication_defaults()),
            ("RequestClass", defaults::class_defaults()),
            ("Targets", defaults::targets_defaults()),
            ("Network", defaults::network_defaults()),
        ] {
            for (field, default) in table {
                if let Some(prop) = property(defs, def, field) {
                    prop.insert("default".into(), default);
                }
            }
        }
        if let Some(Value::Object(class)) = defs.get_mut("RequestClass") {
            // Open (a rate) or closed (users), not both; a think time only for users.
            class.insert(
                "oneOf".into(),
                json!([
                    { "properties": { "rate_rps": true }, "required": ["rate_rps"] },
                    { "properties": { "users": true }, "required": ["users"] },
                ]),
            );
            class.insert(
                "dependentRequired".into(),
                json!({ "think_time_ms": ["users"] }),
            );
        }
        if let Some(Value::Object(component)) = defs.get_mut("Component") {
            // The outer object names only what every kind has, so an editor offers a
            // kind's own fields alone (from its rule) and nothing it would refuse.
            let all = match component.remove("properties") {
                Some(Value::Object(all)) => all,
                _ => Map::new(),
            };
            let common: Map<String, Value> = ["name", "kind"]
                .iter()
                .filter_map(|f| all.get(*f).map(|v| (f.to_string(), v.clone())))
                .collect();
            component.insert("properties".into(), Value::Object(common));
            component.remove("additionalProperties");
            component.insert("allOf".into(), Value::Array(kind_rules(&all)));
        }
        if let Some(Value::Object(name)) = value.pointer_mut("/properties/name") {
            name.insert("pattern".into(), json!(DNS_LABEL_PATTERN));
            name.insert("maxLength".into(), json!(63));
        }
        if let Some(Value::Object(version)) = value.pointer_mut("/properties/version") {
            version.insert("const".into(), json!(super::validate::SPEC_VERSION));
        }
    }
    value
}

/// `properties.<field>` of `$defs.<def>`.
fn property<'a>(
    defs: &'a mut Map<String, Value>,
    def: &str,
    field: &str,
) -> Option<&'a mut Map<String, Value>> {
    match defs.get_mut(def)?.get_mut("properties")?.get_mut(field)? {
        Value::Object(prop) => Some(prop),
        _ => None,
    }
}

/// Component and class names are DNS-1123 labels (they name files, containers,
/// Kubernetes objects, metrics and load-test scenarios).
fn name_patterns(defs: &mut Map<String, Value>) {
    for def in ["Component", "RequestClass"] {
        if let Some(name) = property(defs, def, "name") {
            name.insert("pattern".into(), json!(DNS_LABEL_PATTERN));
            name.insert("maxLength".into(), json!(63));
        }
    }
    if let Some(name) = property(defs, "Operation", "name") {
        name.insert("pattern".into(), json!(OPERATION_PATTERN));
        name.insert("maxLength".into(), json!(63));
    }
}

/// `validate::is_operation_name` as a regular expression.
const OPERATION_PATTERN: &str = "^[a-z]([a-z0-9_-]*[a-z0-9])?$";

/// One `if kind is K then …` per kind: the fields it may set, with their schemas in
/// `all` (any other field is refused), those it must, and its defaults.
fn kind_rules(all: &Map<String, Value>) -> Vec<Value> {
    let table = defaults::component_defaults();
    ComponentKind::ALL
        .iter()
        .map(|&kind| {
            let required = required_fields(kind);
            let mut allowed = Map::new();
            for field in ["name", "kind"].into_iter().chain(kind_fields(kind)) {
                let mut prop = match all.get(field) {
                    Some(Value::Object(p)) => p.clone(),
                    _ => Map::new(),
                };
                if let Some((_, v)) = table
                    .iter()
                    .find(|(f, _)| *f == field && !required.contains(f))
                {
                    prop.insert("default".into(), v.clone());
                }
                allowed.insert(field.to_string(), Value::Object(prop));
            }
            // A kind that comes in a provider's tiers may take its service time from
            // its tier instead, and one with operations from them.
            let instead: Vec<&str> = ["tier", "operations"]
                .into_iter()
                .filter(|alt| {
                    let field = if *alt == "tier" { "tiers" } else { alt };
                    kind_fields(kind).any(|f| f == field)
                })
                .collect();
            let replaceable = !instead.is_empty() && required.contains(&"service_time_ms");
            let mut needed = vec![json!("name"), json!("kind")];
            needed.extend(
                required
                    .iter()
                    .filter(|f| !(replaceable && **f == "service_time_ms"))
                    .map(|f| json!(f)),
            );
            let mut then = json!({
                "properties": allowed,
                "required": needed,
                "additionalProperties": false,
            });
            if replaceable {
                let alternatives: Vec<Value> = std::iter::once("service_time_ms")
                    .chain(instead)
                    .map(|f| json!({ "properties": { f: true }, "required": [f] }))
                    .collect();
                then["anyOf"] = Value::Array(alternatives);
            }
            json!({
                "if": { "properties": { "kind": { "const": kind.as_str() } }, "required": ["kind"] },
                "then": then,
            })
        })
        .collect()
}

/// Removes every `format`: the derived ones (`uint32`, `double`) are Rust's types, not
/// formats a validator knows, and the ranges already bound the numbers.
fn drop_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("format").is_some_and(Value::is_string)
                && map.get("type").is_some_and(|t| t != "string")
            {
                map.remove("format");
            }
            map.values_mut().for_each(drop_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_formats),
        _ => {}
    }
}
