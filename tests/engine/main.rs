//! The engine's integration tests as one binary: a module per feature (the table in
//! README.md, Testing, says which), over the fixtures in `common`. One binary is one link
//! of the engine and its dependencies, where a binary per file was 24.
//!
//! Its tests run on threads of one process, so none may change what the process shares:
//! none sets an environment variable (they only read one: UPDATE_BINDINGS, UPDATE_SCHEMA,
//! HEADROOM_BLESS, PROPTEST_CASES, FUZZ_TIMES, HOME and PATH), changes the current
//! directory or the umask, installs a signal handler, or uses a fixed path or port: each
//! works in a temporary directory of its own. The tests that kill processes
//! (`tests/store_crash.rs`, which runs its own binary as the child it kills, and
//! `tests/writer_kills.rs`), drive headless Chromium (`tests/report_browser.rs`) or build
//! and serve generated services on ports (`tests/scaffold_services.rs`) stay binaries of
//! their own.
//!
//! `cargo test --test engine` runs them all, `cargo test --test engine store::` one
//! module.

mod common;

mod analysis;
mod analysis_model;
mod bad_specs;
mod bindings;
mod bounds;
mod closed;
mod editor;
mod editor_export;
mod editor_plan;
mod editor_simulation;
mod examples;
mod export;
mod fs_safety;
mod fuzz;
mod graph;
mod live_session;
mod managed;
mod network;
mod operations;
mod optional_calls;
mod percentiles;
mod plan;
mod plan_optimal;
mod report;
mod runtimes;
mod scaffold;
mod scale;
mod schema;
mod sim_cli;
mod simulation;
mod store;
mod store_diff;
mod timeouts;
