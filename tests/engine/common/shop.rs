//! The shop example (models/shop.yaml), the model most tests start from.

use std::path::Path;

use headroom::spec::{self, Spec};

use super::models::via_ipc;

pub const SHOP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/shop.yaml");

/// The shop, read and checked.
pub fn shop() -> Spec {
    spec::check_file(Path::new(SHOP))
        .unwrap()
        .into_result()
        .unwrap()
}

/// The text of models/shop.yaml, byte for byte (the file `shop()` reads).
pub fn shop_text() -> String {
    std::fs::read_to_string(SHOP).unwrap()
}

/// The shop as the app holds it: it crossed the IPC boundary as JSON.
pub fn shop_via_ipc() -> Spec {
    via_ipc(&shop())
}

/// The shop with `n` replicas of its api.
pub fn api_replicas(n: u32) -> Spec {
    with_api_replicas(shop(), n)
}

/// `model` (a shop) with `n` replicas of its api.
pub fn with_api_replicas(mut model: Spec, n: u32) -> Spec {
    let api = model
        .components
        .iter_mut()
        .find(|c| c.name == "api")
        .unwrap();
    api.replicas = Some(n);
    model
}
