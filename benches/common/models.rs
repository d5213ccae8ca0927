//! The models the benchmarks time, read and checked once.

use headroom::spec::{self, Spec};

/// The spec at `path` (relative to the repository), which must be valid.
pub fn model(path: &str) -> Spec {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let text = std::fs::read(&full).unwrap_or_else(|e| panic!("{path}: {e}"));
    spec::check(path, &text)
        .into_result()
        .unwrap_or_else(|d| panic!("{path} is invalid: {d:?}"))
}
