//! The spec's JSON Schema, for editors (`headroom schema`, models/headroom.schema.json).

use super::model::Spec;

/// The JSON Schema of spec version 1, pretty-printed, ending in a newline.
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(Spec);
    schema.insert(
        "title".into(),
        "Headroom architecture spec, version 1".into(),
    );
    let mut value = serde_json::to_value(&schema).unwrap_or_default();
    super::bounds::annotate_schema(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}
