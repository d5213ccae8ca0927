//! The architecture spec: its types, its YAML form, and everything that checks it.

pub mod bounds;
pub mod defaults;
pub mod diagnostic;
pub mod diff;
pub mod entries;
pub mod export;
pub mod graph;
pub mod load;
pub mod model;
pub mod path;
pub mod reference;
pub mod schema;
pub mod validate;
pub mod yaml;

pub use diagnostic::{Diagnostic, Issue};
pub use diff::{diff, SpecDiff};
pub use export::to_yaml;
pub use load::{check, check_file, Checked};
pub use model::*;
pub use path::Path;
pub use validate::validate;
