//! The workspace: every operation round-trips, older files upgrade with their data, and
//! a damaged, foreign, newer or locked file is reported without losing a byte.
//! (Crash safety and two writers at once: tests/store_crash.rs. The diff: store_diff.rs.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use headroom::error::{ErrorKind, HasKind};
use headroom::store::schema::{self, APPLICATION_ID, CURRENT_VERSION};
use headroom::store::{content_hash, RunKind, StoreError, Workspace, RECENT_FILES_KEPT};
use headroom::view::CommandError;
use rusqlite::{params, Connection};
use serde_json::json;

use crate::common::shop::{shop_text, SHOP};

fn workspace_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data").join("workspace.sqlite")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn content_hash_is_sha256_hex() {
    assert_eq!(
        content_hash("abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

#[test]
fn projects_create_list_rename_open_delete() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    assert!(ws.list_projects().unwrap().is_empty());

    let a = ws.create_project("  Shop  ", None).unwrap();
    assert_eq!(a.name, "Shop");
    assert_eq!(a.yaml_path, None);
    assert_eq!(a.revision_count, 0);
    assert_eq!(a.head_revision_id, None);
    assert!(!a.has_working_copy);
    let b = ws
        .create_project("Feed", Some(Path::new("/plans/feed.yaml")))
        .unwrap();
    assert_eq!(b.yaml_path.as_deref(), Some("/plans/feed.yaml"));

    // Most recently opened first; creating counts as opening.
    let names = |ws: &Workspace| -> Vec<String> {
        ws.list_projects()
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect()
    };
    assert_eq!(names(&ws), ["Feed", "Shop"]);
    let opened = ws.open_project(a.id).unwrap();
    assert_eq!(opened.project.name, "Shop");
    assert_eq!(opened.head, None);
    assert_eq!(opened.working_copy, None);
    assert_eq!(names(&ws), ["Shop", "Feed"]);

    let renamed = ws.rename_project(b.id, "Social feed").unwrap();
    assert_eq!(renamed.name, "Social feed");
    assert_eq!(ws.project(b.id).unwrap(), renamed);
    let empty = ws.rename_project(b.id, "   ").unwrap_err();
    assert_eq!(empty.kind(), ErrorKind::InvalidName);
    assert_eq!(ws.project(b.id).unwrap().name, "Social feed");

    // Deleting takes the project's revisions, runs and working copy with it.
    let rev = ws.save_revision(a.id, &shop_text(), "first").unwrap();
    let run = ws
        .record_run(rev.revision.id, RunKind::Analysis, &json!({"ok": true}))
        .unwrap();
    ws.autosave(a.id, "version: 1\nname: shop-edited\n")
        .unwrap();
    ws.delete_project(a.id).unwrap();
    assert_eq!(names(&ws), ["Social feed"]);
    assert_eq!(ws.project(a.id).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(
        ws.revision(rev.revision.id).unwrap_err().kind(),
        ErrorKind::NotFound
    );
    assert_eq!(ws.run(run.id).unwrap_err().kind(), ErrorKind::NotFound);
    let again = ws.delete_project(a.id).unwrap_err();
    assert_eq!(again.kind(), ErrorKind::NotFound);
    assert!(again.to_string().contains("project"), "{again}");
    assert!(again.to_string().contains("workspace.sqlite"), "{again}");
}

#[test]
fn revisions_keep_the_text_byte_for_byte_and_skip_unchanged_saves() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    let p = ws.create_project("shop", None).unwrap().id;

    let v1 = shop_text();
    let first = ws.save_revision(p, &v1, "imported").unwrap();
    assert!(first.created);
    assert_eq!(first.revision.parent_id, None);
    assert_eq!(first.revision.hash, content_hash(&v1));
    assert_eq!(first.revision.size_bytes as usize, v1.len());
    assert_eq!(first.revision.message, "imported");

    // The same text again makes no new row.
    let same = ws.save_revision(p, &v1, "again").unwrap();
    assert!(!same.created);
    assert_eq!(same.revision, first.revision);

    // CRLF line ends, a BOM, non-ASCII text and trailing spaces survive untouched.
    let v2 = format!(
        "\u{feff}{}\r\n# Größe — 🚀  \r\n",
        v1.replace("replicas: 4", "replicas: 6")
    );
    let second = ws.save_revision(p, &v2, "more api replicas").unwrap();
    assert!(second.created);
    assert_eq!(second.revision.parent_id, Some(first.revision.id));
    assert_eq!(ws.revision(second.revision.id).unwrap().yaml, v2);
    assert_eq!(ws.revision(first.revision.id).unwrap().yaml, v1);

    // Going back to an older text is a new revision on top, not a no-op.
    let third = ws.save_revision(p, &v1, "undo").unwrap();
    assert!(third.created);
    assert_eq!(third.revision.parent_id, Some(second.revision.id));

    let listed = ws.revisions(p).unwrap();
    let ids: Vec<i64> = listed.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        [third.revision.id, second.revision.id, first.revision.id]
    );
    let summary = ws.project(p).unwrap();
    assert_eq!(summary.revision_count, 3);
    assert_eq!(summary.head_revision_id, Some(third.revision.id));

    assert_eq!(ws.revisions(9999).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(
        ws.save_revision(9999, "x", "").unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn autosave_keeps_the_working_copy_apart_from_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    let p = ws.create_project("shop", None).unwrap().id;
    let v1 = shop_text();
    let head = ws.save_revision(p, &v1, "first").unwrap().revision;

    let edited = v1.replace("p99_ms: 300", "p99_ms: 250");
    ws.autosave(p, &edited).unwrap();
    ws.autosave(p, &edited).unwrap();
    let wc = ws.working_copy(p).unwrap().unwrap();
    assert_eq!(wc.yaml, edited);
    assert_eq!(wc.hash, content_hash(&edited));
    assert_eq!(wc.base_revision_id, Some(head.id));
    assert_eq!(
        ws.revisions(p).unwrap().len(),
        1,
        "autosave makes no revision"
    );
    assert!(ws.project(p).unwrap().has_working_copy);

    // Reopening the project shows both the head and the edits that were not saved.
    let opened = ws.open_project(p).unwrap();
    assert_eq!(opened.head.unwrap().yaml, v1);
    assert_eq!(opened.working_copy.unwrap().yaml, edited);

    // Saving the edited text makes it the head and the working copy goes.
    let saved = ws.save_revision(p, &edited, "tighter p99").unwrap();
    assert!(saved.created);
    assert_eq!(ws.working_copy(p).unwrap(), None);

    // Autosaving the head's own text leaves nothing to recover; discard drops edits.
    ws.autosave(p, "version: 1\nname: draft\n").unwrap();
    ws.autosave(p, &edited).unwrap();
    assert_eq!(ws.working_copy(p).unwrap(), None);
    ws.autosave(p, "version: 1\nname: draft\n").unwrap();
    ws.discard_working_copy(p).unwrap();
    assert_eq!(ws.working_copy(p).unwrap(), None);
    assert_eq!(ws.revisions(p).unwrap().len(), 2);
}

#[test]
fn restore_makes_an_old_revision_the_head_and_keeps_unsaved_edits() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    let p = ws.create_project("shop", None).unwrap().id;
    let v1 = shop_text();
    let v2 = v1.replace("replicas: 4", "replicas: 8");
    let draft = v1.replace("replicas: 4", "replicas: 12");
    let r1 = ws.save_revision(p, &v1, "one").unwrap().revision;
    let r2 = ws.save_revision(p, &v2, "two").unwrap().revision;
    ws.autosave(p, &draft).unwrap();

    let restored = ws.restore_revision(r1.id).unwrap();
    assert!(restored.created);
    let revs = ws.revisions(p).unwrap();
    let got: Vec<(Option<i64>, String, String)> = revs
        .iter()
        .rev()
        .map(|r| {
            let text = ws.revision(r.id).unwrap().yaml;
            (r.parent_id, r.message.clone(), text)
        })
        .collect();
    let kept = revs[1].id;
    assert_eq!(
        got,
        vec![
            (None, "one".to_string(), v1.clone()),
            (Some(r1.id), "two".to_string(), v2.clone()),
            (
                Some(r2.id),
                format!("Unsaved edits, kept when revision {} was restored", r1.id),
                draft.clone()
            ),
            (
                Some(kept),
                format!("Restored revision {}", r1.id),
                v1.clone()
            ),
        ]
    );
    assert_eq!(restored.revision.id, revs[0].id);
    assert_eq!(ws.working_copy(p).unwrap(), None);

    // Restoring what already is the head changes nothing.
    let again = ws.restore_revision(restored.revision.id).unwrap();
    assert!(!again.created);
    assert_eq!(ws.revisions(p).unwrap().len(), 4);
    assert_eq!(
        ws.restore_revision(4242).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn import_and_atomic_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    let src = Path::new(SHOP);
    let bytes = std::fs::read(src).unwrap();

    let project = ws.import_yaml(src).unwrap();
    assert_eq!(project.name, "shop");
    let abs = std::path::absolute(src)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert_eq!(project.yaml_path.as_deref(), Some(abs.as_str()));
    assert_eq!(project.revision_count, 1);
    let head = project.head_revision_id.unwrap();
    let rev = ws.revision(head).unwrap();
    assert_eq!(rev.yaml.as_bytes(), bytes.as_slice());
    assert_eq!(rev.summary.message, format!("Imported from {abs}"));
    assert_eq!(ws.recent_files().unwrap()[0].path, abs);

    // Export writes the revision's bytes exactly, leaving no temporary file behind.
    let out_dir = tempfile::tempdir().unwrap();
    let dest = out_dir.path().join("shop-export.yaml");
    ws.export_revision(head, &dest, false).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), bytes);
    assert_eq!(files_in(out_dir.path()), ["shop-export.yaml"]);

    // An existing file is replaced only when asked.
    std::fs::write(&dest, "mine").unwrap();
    let refused = ws.export_revision(head, &dest, false).unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Exists);
    assert!(
        refused.to_string().contains("shop-export.yaml"),
        "{refused}"
    );
    assert_eq!(std::fs::read(&dest).unwrap(), b"mine");
    ws.export_revision(head, &dest, true).unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), bytes);
    assert_eq!(files_in(out_dir.path()), ["shop-export.yaml"]);

    // A file that is not a spec is refused with the loader's diagnostics; nothing is made.
    let junk = out_dir.path().join("notes.yaml");
    std::fs::write(&junk, "components: [unclosed\n").unwrap();
    let bad = ws.import_yaml(&junk).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidSpec);
    assert!(bad.to_string().contains("notes.yaml:1:"), "{bad}");
    let missing = ws
        .import_yaml(&out_dir.path().join("nope.yaml"))
        .unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::Io);
    assert!(missing.to_string().contains("nope.yaml"), "{missing}");
    // A FIFO is refused at once (never waited on), as every spec reader refuses it.
    let fifo = out_dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let refused = ws.import_yaml(&fifo).unwrap_err();
    assert!(
        refused.to_string().contains("not a regular file"),
        "{refused}"
    );
    std::fs::remove_file(&fifo).unwrap();
    assert_eq!(ws.list_projects().unwrap().len(), 1);
    assert_eq!(
        ws.export_revision(999, &dest, true).unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn runs_are_kept_with_their_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    let p = ws.create_project("shop", None).unwrap().id;
    let rev = ws
        .save_revision(p, &shop_text(), "first")
        .unwrap()
        .revision
        .id;

    let analysis = json!({"bottleneck": "orders-db", "max_throughput_rps": 4321.5,
                          "components": [{"name": "api", "utilization": 0.42}]});
    let simulation = json!({"events": 1_000_000, "events_per_second": 2.5e6});
    let a = ws.record_run(rev, RunKind::Analysis, &analysis).unwrap();
    let s = ws
        .record_run(rev, RunKind::Simulation, &simulation)
        .unwrap();
    let pl = ws.record_run(rev, RunKind::Plan, &json!([])).unwrap();
    assert_eq!(a.revision_id, rev);
    assert_eq!(a.kind, RunKind::Analysis);

    let listed: Vec<(i64, RunKind)> = ws
        .runs(rev)
        .unwrap()
        .iter()
        .map(|r| (r.id, r.kind))
        .collect();
    assert_eq!(
        listed,
        [
            (pl.id, RunKind::Plan),
            (s.id, RunKind::Simulation),
            (a.id, RunKind::Analysis)
        ]
    );
    let got = ws.run(a.id).unwrap();
    assert_eq!(got.summary, a);
    assert_eq!(got.result, analysis);
    // Key order of the result is kept as it was written.
    assert_eq!(
        serde_json::to_string(&ws.run(s.id).unwrap().result).unwrap(),
        r#"{"events":1000000,"events_per_second":2500000.0}"#
    );
    assert_eq!(
        ws.record_run(777, RunKind::Plan, &json!({}))
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[test]
fn settings_and_recent_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut ws = Workspace::open(&workspace_path(&dir)).unwrap();
    assert_eq!(ws.setting("theme").unwrap(), None);
    ws.set_setting("theme", "dark").unwrap();
    ws.set_setting("theme", "light").unwrap();
    ws.set_setting("autosave_seconds", "3").unwrap();
    assert_eq!(ws.setting("theme").unwrap().as_deref(), Some("light"));
    assert_eq!(
        ws.setting("autosave_seconds").unwrap().as_deref(),
        Some("3")
    );

    for i in 0..RECENT_FILES_KEPT + 5 {
        ws.touch_recent_file(Path::new(&format!("/plans/{i}.yaml")))
            .unwrap();
    }
    ws.touch_recent_file(Path::new("/plans/7.yaml")).unwrap();
    let recent: Vec<String> = ws
        .recent_files()
        .unwrap()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(recent.len(), RECENT_FILES_KEPT);
    assert_eq!(recent[0], "/plans/7.yaml");
    assert_eq!(recent[1], format!("/plans/{}.yaml", RECENT_FILES_KEPT + 4));
    // Touching a kept file again moves it up without pushing the oldest kept one out.
    assert_eq!(recent[RECENT_FILES_KEPT - 1], "/plans/5.yaml");
    ws.forget_recent_file(Path::new("/plans/7.yaml")).unwrap();
    assert_eq!(ws.recent_files().unwrap().len(), RECENT_FILES_KEPT - 1);
    assert!(!ws
        .recent_files()
        .unwrap()
        .iter()
        .any(|r| r.path == "/plans/7.yaml"));
}

/// Data as a Headroom of schema `version` wrote it (raw SQL, only that version's columns).
fn fill_as_version(conn: &Connection, version: i64, v1: &str, v2: &str) {
    if version >= 1 {
        conn.execute(
            "INSERT INTO projects (id, name, yaml_path, created_ms) VALUES (1, 'shop', '/plans/shop.yaml', 1700000000000)",
            [],
        )
        .unwrap();
        for (id, parent, text, msg) in [(1, None, v1, "first"), (2, Some(1), v2, "second")] {
            conn.execute(
                "INSERT INTO revisions (id, project_id, parent_id, yaml, hash, created_ms, message)
                 VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    parent,
                    text,
                    content_hash(text),
                    1700000000000i64 + id,
                    msg
                ],
            )
            .unwrap();
        }
        conn.execute(
            "INSERT INTO runs (revision_id, kind, result_json, created_ms)
             VALUES (2, 'analysis', '{\"bottleneck\":\"orders-db\"}', 1700000000003)",
            [],
        )
        .unwrap();
        conn.execute("INSERT INTO settings VALUES ('theme', 'dark')", [])
            .unwrap();
    }
    // A later version adds its own fixtures here.
}

#[test]
fn every_earlier_schema_version_upgrades_and_keeps_its_data() {
    assert_eq!(CURRENT_VERSION, 2, "add fixtures for the new version above");
    let v1 = shop_text();
    let v2 = v1.replace("replicas: 4", "replicas: 5");
    for version in 0..CURRENT_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let path = workspace_path(&dir);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        {
            let mut conn = Connection::open(&path).unwrap();
            schema::create_at_version(&mut conn, version).unwrap();
            fill_as_version(&conn, version, &v1, &v2);
        }

        let mut ws = Workspace::open(&path).unwrap();
        {
            let conn = Connection::open(&path).unwrap();
            assert_eq!(schema::user_version(&conn).unwrap(), CURRENT_VERSION);
            let app: i64 = conn
                .pragma_query_value(None, "application_id", |r| r.get(0))
                .unwrap();
            assert_eq!(app, APPLICATION_ID);
            let mode: String = conn
                .pragma_query_value(None, "journal_mode", |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
        }
        if version >= 1 {
            let projects = ws.list_projects().unwrap();
            assert_eq!(projects.len(), 1, "from v{version}");
            let p = &projects[0];
            assert_eq!((p.id, p.name.as_str()), (1, "shop"));
            assert_eq!(p.yaml_path.as_deref(), Some("/plans/shop.yaml"));
            assert_eq!(p.created_ms, 1700000000000);
            assert_eq!(p.opened_ms, 1700000000000, "v2 backfills opened_ms");
            assert_eq!((p.revision_count, p.head_revision_id), (2, Some(2)));
            assert!(!p.has_working_copy);
            assert_eq!(ws.revision(1).unwrap().yaml, v1);
            let r2 = ws.revision(2).unwrap();
            assert_eq!(r2.yaml, v2);
            assert_eq!(r2.summary.parent_id, Some(1));
            assert_eq!(r2.summary.message, "second");
            let runs = ws.runs(2).unwrap();
            assert_eq!(runs.len(), 1);
            assert_eq!(
                ws.run(runs[0].id).unwrap().result,
                json!({"bottleneck": "orders-db"})
            );
            assert_eq!(ws.setting("theme").unwrap().as_deref(), Some("dark"));
            // What v2 added works on the upgraded file, and saving continues the history.
            ws.autosave(1, "version: 1\nname: shop\n").unwrap();
            assert!(ws.project(1).unwrap().has_working_copy);
            let next = ws
                .save_revision(1, "version: 1\nname: shop\n", "third")
                .unwrap();
            assert_eq!(next.revision.parent_id, Some(2));
        } else {
            assert!(ws.list_projects().unwrap().is_empty());
        }
        ws.touch_recent_file(Path::new("/plans/shop.yaml")).unwrap();
        drop(ws);
        // Opening again is a no-op on an up-to-date file.
        let ws = Workspace::open(&path).unwrap();
        assert_eq!(ws.recent_files().unwrap().len(), 1);
    }
}

#[test]
fn a_workspace_from_a_newer_headroom_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    {
        let mut ws = Workspace::open(&path).unwrap();
        ws.create_project("shop", None).unwrap();
    }
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", CURRENT_VERSION + 1)
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let listing = files_in(path.parent().unwrap());

    let err = Workspace::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::TooNew);
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains(&format!("schema version {}", CURRENT_VERSION + 1)),
        "{msg}"
    );
    assert!(msg.contains("newer Headroom"), "{msg}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(files_in(path.parent().unwrap()), listing);
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let junk = "these are someone's notes, not a database\n".repeat(200);
    std::fs::write(&path, &junk).unwrap();

    let err = Workspace::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Corrupt);
    let StoreError::Corrupt {
        moved_to, reason, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(reason, "it is not a SQLite database");
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), junk);
    let name = moved_to.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("workspace.sqlite.corrupt-"), "{name}");
    assert!(err.to_string().contains(&moved_to.display().to_string()));
    assert!(!path.exists());

    // The next open starts a new workspace beside the kept file.
    let mut ws = Workspace::open(&path).unwrap();
    assert!(ws.list_projects().unwrap().is_empty());
    ws.create_project("fresh", None).unwrap();
    assert_eq!(std::fs::read_to_string(moved_to).unwrap(), junk);
}

#[test]
fn another_applications_database_is_moved_aside_with_its_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    // Another application's database as a crash left it: its rows still only in the WAL.
    let wal = foreign_with_rows_in_its_wal(dir.path(), &path);

    let err = Workspace::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Foreign);
    let StoreError::Foreign { moved_to, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(err.to_string().contains("another application"), "{err}");
    assert!(!Path::new(&wal).exists());
    // The WAL moved with the file, so the kept copy still has every row.
    let kept = Connection::open(moved_to).unwrap();
    let name: String = kept
        .query_row("SELECT name FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "ada");
    assert!(Workspace::open(&path)
        .unwrap()
        .list_projects()
        .unwrap()
        .is_empty());
}

/// Another application's database at `path` whose rows are only in its WAL.
fn foreign_with_rows_in_its_wal(dir: &Path, path: &Path) -> PathBuf {
    let elsewhere = dir.join("contacts.db");
    let other = Connection::open(&elsewhere).unwrap();
    other
        .execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE contacts (name TEXT);
             INSERT INTO contacts VALUES ('ada');",
        )
        .unwrap();
    std::fs::copy(&elsewhere, path).unwrap();
    let mut wal = path.to_path_buf().into_os_string();
    wal.push("-wal");
    std::fs::copy(dir.join("contacts.db-wal"), &wal).unwrap();
    drop(other);
    PathBuf::from(wal)
}

#[test]
fn a_move_aside_killed_after_the_wal_went_ahead_is_finished_not_taken_for_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let wal = foreign_with_rows_in_its_wal(dir.path(), &path);
    // A run killed between its renames: the WAL is at the set-aside name, the main file
    // not yet. Without its WAL the main file holds no table at all, so it would read as
    // an empty, new database and be made a workspace, losing the rows for good.
    let aside = path.with_file_name("workspace.sqlite.corrupt-1700000000000");
    let mut aside_wal = aside.clone().into_os_string();
    aside_wal.push("-wal");
    std::fs::rename(&wal, &aside_wal).unwrap();

    let err = Workspace::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    let StoreError::Corrupt {
        moved_to, reason, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(moved_to, &aside);
    assert!(reason.contains("stopped while moving it aside"), "{reason}");
    assert!(!path.exists());
    // Reunited: the set-aside file reads with every row of its WAL.
    let kept = Connection::open(moved_to).unwrap();
    let name: String = kept
        .query_row("SELECT name FROM contacts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "ada");
    drop(kept);

    // A workspace of ours is never moved for a stray set-aside sidecar beside it (one
    // left when someone deleted an old set-aside file by hand).
    let mut ws = Workspace::open(&path).unwrap();
    ws.create_project("mine", None).unwrap();
    drop(ws);
    std::fs::remove_file(&aside).unwrap();
    std::fs::write(&aside_wal, b"stray").unwrap();
    let ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.list_projects().unwrap().len(), 1);
    assert_eq!(std::fs::read(&aside_wal).unwrap(), b"stray");
}

#[test]
fn a_damaged_workspace_is_detected_and_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    {
        let mut ws = Workspace::open(&path).unwrap();
        let p = ws.create_project("shop", None).unwrap().id;
        for i in 0..40 {
            let text = format!("{}\n# {i} {}\n", shop_text(), "x".repeat(i * 50));
            ws.save_revision(p, &text, "").unwrap();
        }
    } // closing the last connection checkpoints the WAL into the file
    let mut bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 16 * 4096, "{}", bytes.len());
    // Scribble over the pages after the schema page: b-tree pages full of garbage.
    for (i, b) in bytes[4096..16 * 4096].iter_mut().enumerate() {
        *b = (i * 7 + 13) as u8;
    }
    std::fs::write(&path, &bytes).unwrap();

    let err = Workspace::open(&path).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Corrupt, "{err}");
    let StoreError::Corrupt { moved_to, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(std::fs::read(moved_to).unwrap(), bytes);
    assert!(Workspace::open(&path)
        .unwrap()
        .list_projects()
        .unwrap()
        .is_empty());
}

#[test]
fn a_workspace_held_locked_is_reported_as_locked_and_reads_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    let mut ws = Workspace::open_with_timeout(&path, Duration::from_millis(50)).unwrap();
    let p = ws.create_project("shop", None).unwrap().id;

    let other = Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = ws
        .save_revision(p, "version: 1\nname: shop\n", "")
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Locked);
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(msg.contains("another Headroom window or process"), "{msg}");
    // Readers are not blocked by a writer in WAL mode.
    assert_eq!(ws.list_projects().unwrap().len(), 1);
    // A second window opens fine while the first writes.
    let second = Workspace::open_with_timeout(&path, Duration::from_millis(50)).unwrap();
    assert_eq!(second.project(p).unwrap().revision_count, 0);

    other.execute_batch("COMMIT").unwrap();
    assert!(
        ws.save_revision(p, "version: 1\nname: shop\n", "")
            .unwrap()
            .created
    );
    assert_eq!(second.project(p).unwrap().revision_count, 1);
}

#[test]
fn two_windows_creating_one_workspace_at_once_both_open_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = workspace_path(&dir);
    let barrier = std::sync::Barrier::new(4);
    std::thread::scope(|s| {
        for t in 0..4 {
            let (path, barrier) = (&path, &barrier);
            s.spawn(move || {
                barrier.wait();
                let mut ws = Workspace::open(path).unwrap();
                let p = ws.create_project(&format!("window {t}"), None).unwrap().id;
                for i in 0..10 {
                    ws.save_revision(p, &format!("version: 1\nname: w{t}\n# {i}\n"), "")
                        .unwrap();
                }
            });
        }
    });
    let ws = Workspace::open(&path).unwrap();
    let projects = ws.list_projects().unwrap();
    assert_eq!(projects.len(), 4);
    assert!(projects.iter().all(|p| p.revision_count == 10));
    assert_eq!(
        files_in(path.parent().unwrap())
            .iter()
            .filter(|f| f.contains("corrupt"))
            .count(),
        0
    );
}

#[test]
fn errors_reach_the_app_as_kind_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&workspace_path(&dir)).unwrap();
    let err = ws.revision(12).unwrap_err();
    let cmd = CommandError::from(&err);
    assert_eq!(cmd.kind, ErrorKind::NotFound);
    assert_eq!(
        cmd.message,
        format!(
            "revision 12 does not exist in the workspace {}",
            workspace_path(&dir).display()
        )
    );
    // A directory where the workspace file should be is an I/O problem, and stays put.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(&blocked).unwrap();
    let err = Workspace::open(&blocked).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(blocked.is_dir());
}
