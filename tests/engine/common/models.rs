//! The example models (models/*.yaml) and specs as the tests make them.

use std::path::{Path, PathBuf};

use headroom::spec::{self, Spec};

/// The folder of the example models.
pub const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models");

/// The four examples, by name.
pub const EXAMPLES: [&str; 5] = ["shop", "feed", "pos", "monolith", "bazaar"];

/// An example (`models/{name}.yaml`), read and checked.
pub fn example(name: &str) -> Spec {
    example_file(&format!("{name}.yaml")).1
}

/// The example file `models/{file}` (`"shop.yaml"`): its path, and its spec read and
/// checked.
pub fn example_file(file: &str) -> (PathBuf, Spec) {
    let path = Path::new(MODELS).join(file);
    let s = spec::check_file(&path).unwrap().into_result().unwrap();
    (path, s)
}

/// The models the tests hold apart from the examples (`tests/models/*.yaml`), by name.
pub fn test_model(name: &str) -> Spec {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/models")
        .join(format!("{name}.yaml"));
    spec::check_file(&path).unwrap().into_result().unwrap()
}

/// A spec the test writes out, which must be valid.
pub fn model(yaml: &str) -> Spec {
    spec::check("test.yaml", yaml.as_bytes())
        .into_result()
        .unwrap_or_else(|d| panic!("invalid test spec: {d:#?}"))
}

/// `model` as the app holds it after it crossed the IPC boundary: through JSON text.
pub fn via_ipc(model: &Spec) -> Spec {
    serde_json::from_str(&serde_json::to_string(model).unwrap()).unwrap()
}

/// Every problem `headroom::spec::check` finds in `yaml`, as `path: message`.
pub fn problems(yaml: &str) -> Vec<String> {
    headroom::spec::check("q.yaml", yaml.as_bytes())
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.path, d.message))
        .collect()
}
