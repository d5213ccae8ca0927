//! The `headroom` command line, as the tests run it.

use std::process::{Command, Output};

/// `headroom ARGS...`, run to its end.
pub fn headroom(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headroom"))
        .args(args)
        .output()
        .unwrap()
}
