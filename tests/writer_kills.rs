//! SIGKILL at random moments (spread over one run's length) during `fmt`, `plan -o`,
//! `report -o` and `scaffold --force`: the target is always the complete old or the
//! complete new content, and the next run leaves no temporary file behind.

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
fn report_o_killed_leaves_old_or_new() {
    kill_test(
        &|spec, out| {
            vec![
                "report".into(),
                spec.display().to_string(),
                "-o".into(),
                out.display().to_string(),
            ]
        },
        false,
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

/// Every file under `dir`, by its path relative to `dir`, with its bytes.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The hidden siblings scaffold leaves beside `out` while it writes.
fn scaffold_leftovers(parent: &Path) -> Vec<String> {
    fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.headroom-"))
        .collect()
}

fn shop_path() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/models/shop.yaml").to_string()
}

fn scaffold(out: &Path, force: bool) -> std::process::Output {
    let mut args = vec![
        "scaffold".to_string(),
        shop_path(),
        "-o".into(),
        out.display().to_string(),
    ];
    if force {
        args.push("--force".into());
    }
    Command::new(BIN).args(args).output().unwrap()
}

#[test]
fn scaffold_force_killed_leaves_the_old_tree_or_the_new_and_the_next_run_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let reset = || {
        if out.exists() {
            fs::remove_dir_all(&out).unwrap();
        }
        fs::create_dir(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine\n").unwrap();
    };
    reset();
    let old = tree(&out);
    let started = std::time::Instant::now();
    assert!(scaffold(&out, true).status.success());
    let span_us = (started.elapsed().as_micros() as u64).max(1000) * 6 / 5;
    let new = tree(&out);
    assert!(new.len() > 10 && !new.contains_key("notes.txt"));

    let (mut landed, mut put_back, mut removed) = (0, 0, 0);
    for i in 0..KILLS {
        reset();
        let mut child = Command::new(BIN)
            .args([
                "scaffold",
                &shop_path(),
                "-o",
                &out.display().to_string(),
                "--force",
            ])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay(i, span_us));
        let _ = child.kill();
        if child.wait().unwrap().code().is_none() {
            landed += 1;
        }
        // The next run (without --force: it then refuses the full target) cleans up
        // after the killed one first.
        let next = scaffold(&out, false);
        let said = String::from_utf8_lossy(&next.stderr);
        put_back += said.matches("put back").count();
        removed += said.matches("removed").count();
        let now = tree(&out);
        assert!(
            now == old || now == new,
            "kill {i}: the target is neither the old tree nor the new"
        );
        assert_eq!(
            scaffold_leftovers(dir.path()),
            Vec::<String>::new(),
            "kill {i}"
        );
    }
    eprintln!("{landed} of {KILLS} kills landed; the next run put back {put_back} trees and removed {removed}");
    assert!(landed > 0, "no kill landed before the process finished");
}

/// A pid no process has: a child that has been waited for.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_tree_moved_aside_by_a_killed_run_is_put_back_and_its_half_written_sibling_removed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let pid = dead_pid();
    // Killed between its two renames: the user's tree aside, the new one complete
    // beside it, the target missing.
    let old = dir.path().join(format!(".out.headroom-old-{pid}-0"));
    fs::create_dir_all(old.join("src")).unwrap();
    fs::write(old.join("src/mine.rs"), "fn main() {}\n").unwrap();
    let new = dir.path().join(format!(".out.headroom-new-{pid}-0"));
    fs::create_dir(&new).unwrap();
    fs::write(new.join("README.md"), "half").unwrap();
    // A live writer's sibling (this test's own pid) is not touched.
    let live = dir
        .path()
        .join(format!(".out.headroom-new-{}-0", std::process::id()));
    fs::create_dir(&live).unwrap();

    let run = scaffold(&out, false);
    let said = String::from_utf8_lossy(&run.stderr);
    assert!(said.contains("put back"), "{said}");
    assert!(
        said.contains(&format!("removed {}", new.display())),
        "{said}"
    );
    // The target holds the user's tree again, so the run without --force refuses it.
    assert!(!run.status.success());
    assert_eq!(
        fs::read_to_string(out.join("src/mine.rs")).unwrap(),
        "fn main() {}\n"
    );
    assert_eq!(tree(&out).len(), 1);
    assert!(!old.exists() && !new.exists() && live.exists());

    // Killed after the new tree went in, before the old one was deleted: the old one
    // goes, the target stays.
    fs::create_dir(&old).unwrap();
    fs::write(old.join("stale"), "x").unwrap();
    let run = scaffold(&out, false);
    assert!(String::from_utf8_lossy(&run.stderr).contains(&format!("removed {}", old.display())));
    assert!(!old.exists());
    assert_eq!(tree(&out).len(), 1);
}
