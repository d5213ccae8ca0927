//! The example models (models/*.yaml) and specs as the tests make them.

use headroom::spec::Spec;

/// `model` as the app holds it after it crossed the IPC boundary: through JSON text.
pub fn via_ipc(model: &Spec) -> Spec {
    serde_json::from_str(&serde_json::to_string(model).unwrap()).unwrap()
}
