//! Fixtures shared by the engine's tests.

pub mod generated_spec;
pub mod models;
pub mod shop;
pub mod textbook;
