//! The shop example (models/shop.yaml) as the editor tests start from it.

use std::path::Path;

use headroom::spec::{self, Spec};

pub const SHOP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/models/shop.yaml");

/// The shop, read and checked.
pub fn shop() -> Spec {
    spec::check_file(Path::new(SHOP))
        .unwrap()
        .into_result()
        .unwrap()
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
