//! SIGKILL at random moments (spread over one run's length) during `fmt` and `plan -o`: the target is always the complete
//! old or the complete new content, and the next run leaves no temporary file behind.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_headroom");
const KILLS: u64 = 50;

/// A spec that `fmt --drop-comments` rewrites: shop.yaml with extra blank lines.
fn old_text() -> String {
    let shop = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/models/shop.yaml"))
        .unwrap_or_default();
    assert!(!shop.is_empty(), "models/shop.yaml is missing");
    format!("{shop}\n\n\n")
}

fn temp_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".headroom-tmp"))
        .collect()
}

/// A delay in 0..max_us microseconds, different for each kill (a fixed LCG: reproducible).
fn delay(i: u64, max_us: u64) -> Duration {
    let x = i
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    Duration::from_micros((x >> 33) % max_us)
}

/// Runs `args` (with `{}` replaced by the target) to completion once for the new content,
/// then KILLS times killed after a random delay, checking the target after each.
fn kill_test(spec_args: &dyn Fn(&Path, &Path) -> Vec<String>, target_is_spec: bool) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    let out = dir.path().join("out.yaml");
    let target = if target_is_spec { &spec } else { &out };
    let old = old_text();
    let reset = || {
        fs::write(&spec, &old).unwrap();
        if !target_is_spec {
            fs::write(&out, "old output\n").unwrap();
        }
    };
    reset();
    let before = fs::read(target).unwrap();
    let started = std::time::Instant::now();
    let done = Command::new(BIN)
        .args(spec_args(&spec, &out))
        .output()
        .unwrap();
    assert!(done.status.code().is_some(), "{done:?}");
    // Kills spread over the whole run, and a little past it (as long as a run takes).
    let span_us = (started.elapsed().as_micros() as u64).max(1000) * 6 / 5;
    let new = fs::read(target).unwrap();
    assert_ne!(
        new,
        before,
        "the command did not rewrite {}",
        target.display()
    );

    let (mut landed, mut kept_old) = (0, 0);
    for i in 0..KILLS {
        reset();
        let mut child = Command::new(BIN)
            .args(spec_args(&spec, &out))
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay(i, span_us));
        // Child::kill sends SIGKILL on unix.
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.code().is_none() {
            landed += 1;
        }
        let now = fs::read(target).unwrap();
        assert!(
            now == before || now == new,
            "kill {i}: target is neither old nor new"
        );
        kept_old += usize::from(now == before);
    }
    eprintln!("{landed} of {KILLS} kills landed; {kept_old} left the old content");
    // The next complete run removes what the killed ones left.
    reset();
    let again = Command::new(BIN)
        .args(spec_args(&spec, &out))
        .output()
        .unwrap();
    assert!(again.status.code().is_some(), "{again:?}");
    assert_eq!(fs::read(target).unwrap(), new);
    assert_eq!(temp_files(dir.path()), Vec::<String>::new());
    // Some kills must have landed while the process ran, or the test tested nothing.
    assert!(landed > 0, "no kill landed before the process finished");
}

#[test]
fn fmt_killed_leaves_old_or_new() {
    kill_test(
        &|spec, _| {
            vec![
                "fmt".into(),
                "--drop-comments".into(),
                spec.display().to_string(),
            ]
        },
        true,
    );
}

#[test]
fn plan_o_killed_leaves_old_or_new() {
    kill_test(
        &|spec, out| {
            vec![
                "plan".into(),
                spec.display().to_string(),
                "-o".into(),
                out.display().to_string(),
            ]
        },
        false,
    );
}
