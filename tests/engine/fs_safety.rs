//! The safe writer and reader (`headroom::fsutil`): regressions for issue 18's items 4-6.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::process::Command;

use headroom::fsutil::{read_regular, write_atomic, write_checked, FileError};

use crate::common::shop::SHOP;

fn file_error(e: &std::io::Error) -> Option<&FileError> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<FileError>())
}

fn mkfifo(path: &std::path::Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .map(|s| s.success());
    assert_eq!(ok.ok(), Some(true), "mkfifo {}", path.display());
}

#[test]
fn a_symlink_is_written_through_to_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.yaml");
    let link = dir.path().join("link.yaml");
    fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn a_fifo_target_is_refused_and_left_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let link = dir.path().join("out.yaml");
    mkfifo(&fifo);
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let e = write_atomic(&link, b"x").unwrap_err();
    assert!(matches!(
        file_error(&e),
        Some(FileError::NotRegular { kind: "FIFO", .. })
    ));
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    // Reading it is refused at once, not blocked on a writer.
    let e = read_regular(&link, 100).unwrap_err();
    assert!(matches!(
        file_error(&e),
        Some(FileError::NotRegular { kind: "FIFO", .. })
    ));
}

#[test]
fn a_hard_linked_target_is_refused_and_both_names_kept() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    fs::write(&a, "old").unwrap();
    fs::hard_link(&a, &b).unwrap();
    let e = write_atomic(&a, b"new").unwrap_err();
    assert!(matches!(
        file_error(&e),
        Some(FileError::HardLinked { links: 2, .. })
    ));
    assert_eq!(
        fs::metadata(&a).unwrap().ino(),
        fs::metadata(&b).unwrap().ino()
    );
    assert_eq!(fs::read_to_string(&a).unwrap(), "old");
}

#[test]
fn a_read_only_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    fs::write(&a, "old").unwrap();
    fs::set_permissions(&a, fs::Permissions::from_mode(0o444)).unwrap();
    let e = write_atomic(&a, b"new").unwrap_err();
    assert!(matches!(file_error(&e), Some(FileError::ReadOnly { .. })));
    assert!(e.to_string().contains("read-only"), "{e}");
    assert_eq!(fs::read_to_string(&a).unwrap(), "old");
}

#[test]
fn the_mode_is_kept_and_no_temp_file_remains() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    fs::write(&a, "old").unwrap();
    fs::set_permissions(&a, fs::Permissions::from_mode(0o600)).unwrap();
    write_atomic(&a, b"new").unwrap();
    assert_eq!(
        fs::metadata(&a).unwrap().permissions().mode() & 0o7777,
        0o600
    );
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_save_made_after_the_read_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    fs::write(&a, "first").unwrap();
    let (_, seen) = read_regular(&a, 100).unwrap();
    // Someone else saves (a different size, so the change shows whatever the clock).
    fs::write(&a, "someone else's save").unwrap();
    let e = write_checked(&a, b"ours", Some(seen)).unwrap_err();
    assert!(matches!(file_error(&e), Some(FileError::Changed { .. })));
    assert_eq!(fs::read_to_string(&a).unwrap(), "someone else's save");
}

#[test]
fn a_file_over_the_limit_is_refused_by_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    fs::write(&a, "0123456789").unwrap();
    let e = read_regular(&a, 9).unwrap_err();
    assert!(matches!(
        file_error(&e),
        Some(FileError::TooLarge {
            size: 10,
            max: 9,
            ..
        })
    ));
    assert_eq!(read_regular(&a, 10).unwrap().0, b"0123456789");
}

#[test]
fn a_dead_writers_temp_file_is_removed_on_the_next_write() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    fs::write(&a, "old").unwrap();
    // A pid above the kernel's maximum (4194304) never runs.
    let stale = dir
        .path()
        .join(".a.yaml.4999999.0123456789abcdef.headroom-tmp");
    let other = dir.path().join(".a.yaml.4999999.not-ours.tmp");
    fs::write(&stale, "half").unwrap();
    fs::write(&other, "theirs").unwrap();
    write_atomic(&a, b"new").unwrap();
    assert!(!stale.exists());
    assert!(other.exists());
}

#[test]
fn fmt_refuses_a_fifo_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("spec.yaml");
    mkfifo(&fifo);
    let out = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("fmt")
        .arg(&fifo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a regular file (it is a FIFO)"), "{err}");
}

#[test]
fn an_empty_0700_scaffold_target_stays_0700() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("project");
    fs::create_dir(&target).unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o700)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_headroom"))
        .arg("scaffold")
        .arg(SHOP)
        .arg("-o")
        .arg(&target)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let meta = fs::metadata(&target).unwrap();
    assert_eq!(meta.permissions().mode() & 0o7777, 0o700);
    assert!(fs::read_dir(&target).unwrap().count() > 0);
}
