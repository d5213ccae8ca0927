//! The TypeScript the front end compiles against must be what ts-rs generates from the
//! engine's types today. `UPDATE_BINDINGS=1 cargo test --test engine bindings::` (or
//! `make bindings`) rewrites ui/src/bindings/.

use std::collections::BTreeSet;
use std::path::Path;

use headroom::bindings::{render_all, BINDINGS_DIR};

#[test]
fn typescript_bindings_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_DIR);
    let files = render_all().expect("every IPC type renders to TypeScript");
    let expected: BTreeSet<&str> = files.iter().map(|(name, _)| name.as_str()).collect();

    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".ts") && !expected.contains(name.as_str()) {
                std::fs::remove_file(entry.path()).unwrap();
            }
        }
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }

    let mut stale = Vec::new();
    for (name, text) in &files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if committed == *text => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".ts") && !expected.contains(name.as_str()) {
            stale.push(format!("{name} is no longer generated"));
        }
    }
    assert!(
        stale.is_empty(),
        "ui/src/bindings is stale ({}); run `make bindings`",
        stale.join(", ")
    );
}
