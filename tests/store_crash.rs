//! Crash safety and concurrency of the workspace, with real processes.
//!
//! Each test re-executes this test binary (`current_exe`) with `STORE_CHILD` set, so the
//! same test function runs as the child: it writes to the workspace and prints a line
//! after each write has returned. The parent kills it with SIGKILL at random moments, or
//! runs two at once, and then checks the file: `PRAGMA integrity_check` passes and every
//! write the child reported is there, byte for byte.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use headroom::store::{content_hash, RunKind, Workspace};
use rusqlite::Connection;

const CHILD: &str = "STORE_CHILD";
const PATH: &str = "STORE_PATH";
const PROJECT: &str = "STORE_PROJECT";
const TAG: &str = "STORE_TAG";

fn env(name: &str) -> String {
    std::env::var(name).unwrap()
}

/// Starts this test binary running only `test`, as a child of role `role`.
fn spawn_child(test: &str, role: &str, vars: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, role)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.spawn().unwrap()
}

/// Kills the child if the test fails before it does, so none is left running.
struct Reaped(Child);
impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Forwards the child's report lines to a channel, until its stdout closes. The test
/// harness may print on the same line first ("test x ... READY"), so a report starts at
/// its first known word.
fn lines_of(child: &mut Child) -> mpsc::Receiver<Vec<String>> {
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            let words: Vec<String> = line
                .split_whitespace()
                .skip_while(|w| !WORDS.contains(w))
                .map(str::to_string)
                .collect();
            if !words.is_empty() && tx.send(words).is_err() {
                break;
            }
        }
    });
    rx
}

/// The first words of the children's report lines.
const WORDS: [&str; 7] = [
    "READY",
    "SAVED",
    "AUTOSAVED",
    "BEGIN",
    "RESTORED",
    "OPENING",
    "OPENED",
];

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

fn integrity(path: &Path) -> String {
    let conn = Connection::open(path).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// A generator seeded from the clock, its seed printed (as `what seed N`) so that a
/// failure can be replayed.
fn seeded(what: &str) -> (u64, Rng) {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("{what} seed {seed}");
    (seed, Rng(seed))
}

/// A small xorshift generator: the seed is printed, so a failure can be replayed.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The text the crash child saves as its `i`-th revision of round `round`: sizes from
/// a few hundred bytes to ~40 KB, so saves span one page or many.
fn crash_text(round: u64, i: u64) -> String {
    let pad = ((round * 31 + i * 17) % 40) as usize * 1000;
    format!(
        "version: 1\nname: crash\ndescription: round {round} save {i} — ünïcode\n# {}\n",
        "x".repeat(pad)
    )
}

fn autosave_text(round: u64, i: u64) -> String {
    format!("version: 1\nname: crash\n# editing after round {round} save {i}\n")
}

/// (round, i) from an autosaved text, to order what the child may have written.
fn autosave_marker(text: &str) -> Option<(u64, u64)> {
    let rest = text.split("# editing after round ").nth(1)?;
    let mut words = rest.split_whitespace();
    let round = words.next()?.parse().ok()?;
    let i = words.nth(1)?.parse().ok()?;
    Some((round, i))
}

fn crash_child() {
    let round: u64 = env(TAG).parse().unwrap();
    let project: i64 = env(PROJECT).parse().unwrap();
    let mut ws = Workspace::open(Path::new(&env(PATH))).unwrap();
    say("READY");
    // The parent kills this process within milliseconds; the bound only keeps a lost
    // child from running on if the parent died first.
    let started = Instant::now();
    for i in 0.. {
        if started.elapsed() > Duration::from_secs(30) {
            return;
        }
        let saved = ws
            .save_revision(
                project,
                &crash_text(round, i),
                &format!("round {round} save {i}"),
            )
            .unwrap();
        assert!(saved.created);
        say(&format!("SAVED {round} {i} {}", saved.revision.id));
        ws.autosave(project, &autosave_text(round, i)).unwrap();
        say(&format!("AUTOSAVED {round} {i}"));
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_returned_save() {
    if std::env::var_os(CHILD).is_some() {
        return crash_child();
    }
    const ROUNDS: u64 = 60;
    let started = Instant::now();
    let (seed, mut rng) = seeded("crash test");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.sqlite");
    let project = Workspace::open(&path)
        .unwrap()
        .create_project("crash", None)
        .unwrap()
        .id;

    // Every save the child reported: (round, i, revision id).
    let mut saved: Vec<(u64, u64, i64)> = Vec::new();
    let mut last_autosave: Option<(u64, u64)> = None;
    let mut killed_mid_open = 0;
    for round in 0..ROUNDS {
        let mut child = Reaped(spawn_child(
            "sigkill_at_random_moments_loses_no_returned_save",
            "crash",
            &[
                (PATH, path.display().to_string()),
                (PROJECT, project.to_string()),
                (TAG, round.to_string()),
            ],
        ));
        let lines = lines_of(&mut child.0);
        // One round in five is killed while it starts or opens (WAL recovery, checks); the others
        // once they are saving, a random few milliseconds in.
        if rng.below(5) == 0 {
            killed_mid_open += 1;
            std::thread::sleep(Duration::from_micros(rng.below(15_000)));
        } else {
            match lines.recv_timeout(Duration::from_secs(20)) {
                Ok(words) if words[0] == "READY" => {}
                other => panic!("round {round}: the child did not get ready: {other:?}"),
            }
            std::thread::sleep(Duration::from_micros(rng.below(40_000)));
        }
        child.0.kill().unwrap(); // SIGKILL
        child.0.wait().unwrap();
        for words in lines.iter() {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match words.as_slice() {
                ["SAVED", r, i, id] => {
                    saved.push((r.parse().unwrap(), i.parse().unwrap(), id.parse().unwrap()))
                }
                ["AUTOSAVED", r, i] => {
                    last_autosave = Some((r.parse().unwrap(), i.parse().unwrap()))
                }
                _ => {}
            }
        }

        assert_eq!(integrity(&path), "ok", "round {round}, seed {seed}");
        let ws = Workspace::open(&path).unwrap();
        for &(r, i, id) in &saved {
            let rev = ws.revision(id).unwrap();
            assert_eq!(
                rev.yaml,
                crash_text(r, i),
                "round {round}: revision {id}, seed {seed}"
            );
            assert_eq!(rev.summary.hash, content_hash(&rev.yaml));
        }
        // The working copy is the last autosave reported, or a newer one not yet reported.
        if let Some(wc) = ws.working_copy(project).unwrap() {
            let mark = autosave_marker(&wc.yaml).unwrap();
            assert_eq!(wc.yaml, autosave_text(mark.0, mark.1));
            assert_eq!(wc.hash, content_hash(&wc.yaml));
            assert!(
                Some(mark) >= last_autosave,
                "round {round}: {mark:?} < {last_autosave:?}"
            );
        }
    }

    // The history is one unbroken chain, each row intact, however the children died.
    let ws = Workspace::open(&path).unwrap();
    let mut revisions = ws.revisions(project).unwrap();
    revisions.reverse();
    assert!(revisions.len() >= saved.len());
    for pair in revisions.windows(2) {
        assert_eq!(pair[1].parent_id, Some(pair[0].id));
    }
    for r in &revisions {
        assert_eq!(ws.revision(r.id).unwrap().summary.hash, r.hash);
    }
    let kills_mid_save = ROUNDS - killed_mid_open;
    eprintln!(
        "crash test: {ROUNDS} SIGKILLs ({killed_mid_open} while starting or opening, {kills_mid_save} while saving), \
         {} saves reported, {} revisions stored, {:.1} s",
        saved.len(),
        revisions.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The text writer `tag` saves as its `i`-th revision.
fn writer_text(tag: &str, i: u64) -> String {
    format!(
        "version: 1\nname: shared\n# writer {tag} save {i}\n{}\n",
        "#".repeat((i as usize % 7) * 300)
    )
}

const WRITER_SAVES: u64 = 60;

fn writer_child() {
    let tag = env(TAG);
    let project: i64 = env(PROJECT).parse().unwrap();
    let mut ws = Workspace::open(Path::new(&env(PATH))).unwrap();
    for i in 0..WRITER_SAVES {
        let saved = ws
            .save_revision(project, &writer_text(&tag, i), &tag)
            .unwrap();
        assert!(saved.created);
        let json = serde_json::json!({ "writer": tag, "i": i });
        ws.record_run(saved.revision.id, RunKind::Analysis, &json)
            .unwrap();
        ws.set_setting(&format!("last-{tag}"), &i.to_string())
            .unwrap();
        ws.touch_recent_file(&PathBuf::from(format!("/plans/{tag}-{i}.yaml")))
            .unwrap();
        say(&format!("SAVED {tag} {i} {}", saved.revision.id));
        // A moment between saves, as an app has: the other writer gets its turn.
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn two_processes_saving_at_once_lose_nothing() {
    if std::env::var_os(CHILD).is_some() {
        return writer_child();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.sqlite");
    let project = Workspace::open(&path)
        .unwrap()
        .create_project("shared", None)
        .unwrap()
        .id;
    let mut children: Vec<(String, Reaped, mpsc::Receiver<Vec<String>>)> = ["a", "b"]
        .into_iter()
        .map(|tag| {
            let mut child = Reaped(spawn_child(
                "two_processes_saving_at_once_lose_nothing",
                "writer",
                &[
                    (PATH, path.display().to_string()),
                    (PROJECT, project.to_string()),
                    (TAG, tag.to_string()),
                ],
            ));
            let lines = lines_of(&mut child.0);
            (tag.to_string(), child, lines)
        })
        .collect();

    let mut saved: Vec<(String, u64, i64)> = Vec::new();
    for (tag, child, lines) in &mut children {
        assert!(child.0.wait().unwrap().success(), "writer {tag} failed");
        for words in lines.iter() {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            if let ["SAVED", t, i, id] = words.as_slice() {
                saved.push((t.to_string(), i.parse().unwrap(), id.parse().unwrap()));
            }
        }
    }
    assert_eq!(saved.len() as u64, 2 * WRITER_SAVES);

    assert_eq!(integrity(&path), "ok");
    let ws = Workspace::open(&path).unwrap();
    for (tag, i, id) in &saved {
        let rev = ws.revision(*id).unwrap();
        assert_eq!(rev.yaml, writer_text(tag, *i));
        assert_eq!(rev.summary.message, *tag);
        let runs = ws.runs(*id).unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(
            ws.run(runs[0].id).unwrap().result,
            serde_json::json!({ "writer": tag, "i": i })
        );
    }
    // One linear history: each save took the other's latest as its parent.
    let mut revisions = ws.revisions(project).unwrap();
    revisions.reverse();
    assert_eq!(revisions.len() as u64, 2 * WRITER_SAVES);
    for pair in revisions.windows(2) {
        assert_eq!(pair[1].parent_id, Some(pair[0].id));
    }
    let last = (WRITER_SAVES - 1).to_string();
    assert_eq!(ws.setting("last-a").unwrap(), Some(last.clone()));
    assert_eq!(ws.setting("last-b").unwrap(), Some(last));
    let switches = revisions
        .windows(2)
        .filter(|p| p[0].message != p[1].message)
        .count();
    eprintln!(
        "two writers: {} revisions, the writer changed {switches} times",
        revisions.len()
    );
}

// ---- kills during a schema upgrade ----

/// Projects in the version-1 workspace the upgrade child opens: enough rows that the
/// upgrade's UPDATE spills pages to the WAL before it commits, and lasts long enough
/// for a kill to land inside it.
const UPGRADE_ROWS: i64 = 60_000;

fn upgrade_child() {
    say("OPENING");
    Workspace::open(Path::new(&env(PATH))).unwrap();
    say("OPENED");
}

/// A version-1 workspace of `UPGRADE_ROWS` projects at `path`, in WAL mode, closed.
fn version_1_workspace(path: &Path) {
    let mut conn = Connection::open(path).unwrap();
    conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get::<_, String>(0))
        .unwrap();
    headroom::store::schema::create_at_version(&mut conn, 1).unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut insert = tx
            .prepare("INSERT INTO projects (name, yaml_path, created_ms) VALUES (?1, ?2, ?3)")
            .unwrap();
        for i in 0..UPGRADE_ROWS {
            insert
                .execute(rusqlite::params![
                    format!("project {i} {}", "n".repeat(60)),
                    format!("/home/someone/specs/{i}.yaml"),
                    1_700_000_000_000 + i
                ])
                .unwrap();
        }
    }
    tx.commit().unwrap();
}

/// (schema version, projects, projects whose opened_ms is not their created_ms).
fn upgrade_state(path: &Path) -> (i64, i64, i64) {
    let conn = Connection::open(path).unwrap();
    let version = headroom::store::schema::user_version(&conn).unwrap();
    let projects = conn
        .query_row("SELECT count(*) FROM projects", [], |r| r.get(0))
        .unwrap();
    let unset = if version >= 2 {
        conn.query_row(
            "SELECT count(*) FROM projects WHERE opened_ms != created_ms",
            [],
            |r| r.get(0),
        )
        .unwrap()
    } else {
        0
    };
    (version, projects, unset)
}

fn wal_bytes(path: &Path) -> u64 {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).map_or(0, |m| m.len())
}

#[test]
fn sigkill_during_a_schema_upgrade_leaves_the_old_version_or_the_new_never_half() {
    if std::env::var_os(CHILD).is_some() {
        return upgrade_child();
    }
    const KILLS: u64 = 20;
    let (seed, mut rng) = seeded("upgrade crash");
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("v1.sqlite");
    version_1_workspace(&pristine);
    assert_eq!(wal_bytes(&pristine), 0, "closed cleanly: no WAL left");
    let path = dir.path().join("workspace.sqlite");
    let fresh = || {
        for suffix in ["-wal", "-shm"] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(p));
        }
        std::fs::copy(&pristine, &path).unwrap();
    };
    let run = |kill_after: Option<Duration>| {
        let mut child = Reaped(spawn_child(
            "sigkill_during_a_schema_upgrade_leaves_the_old_version_or_the_new_never_half",
            "upgrade",
            &[(PATH, path.display().to_string())],
        ));
        let lines = lines_of(&mut child.0);
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(words) if words[0] == "OPENING" => {}
            other => panic!("the child did not start: {other:?}"),
        }
        let started = Instant::now();
        let opened = match kill_after {
            Some(after) => {
                std::thread::sleep(after);
                child.0.kill().unwrap();
                child.0.wait().unwrap();
                lines.iter().any(|w| w[0] == "OPENED")
            }
            None => {
                let opened = lines.iter().any(|w| w[0] == "OPENED");
                child.0.wait().unwrap();
                opened
            }
        };
        (opened, started.elapsed())
    };

    // One upgrade to its end, for its length.
    fresh();
    let (opened, took) = run(None);
    assert!(opened);
    assert_eq!(upgrade_state(&path), (2, UPGRADE_ROWS, 0));
    let span_us = took.as_micros() as u64 * 6 / 5;

    let (mut inside, mut old, mut new) = (0, 0, 0);
    for i in 0..KILLS {
        fresh();
        let (opened, _) = run(Some(Duration::from_micros(rng.below(span_us.max(1)))));
        // Frames in the WAL before any reader looks: the upgrade had written pages.
        let wal = wal_bytes(&path);
        assert_eq!(integrity(&path), "ok", "kill {i}, seed {seed}");
        let (version, projects, unset) = upgrade_state(&path);
        assert_eq!(projects, UPGRADE_ROWS, "kill {i}, seed {seed}");
        match version {
            1 => {
                old += 1;
                // Pages written and the kill came before the commit: inside the upgrade's
                // transaction, which left no trace.
                if wal > 32 && !opened {
                    inside += 1;
                }
            }
            2 => {
                new += 1;
                assert_eq!(unset, 0, "kill {i}: an upgrade seen half done, seed {seed}");
            }
            v => panic!("kill {i}: version {v}, seed {seed}"),
        }
        // Whatever the kill left, the next open upgrades it whole.
        Workspace::open(&path).unwrap();
        assert_eq!(
            upgrade_state(&path),
            (2, UPGRADE_ROWS, 0),
            "kill {i}, seed {seed}"
        );
    }
    eprintln!(
        "upgrade crash test: {KILLS} SIGKILLs, {inside} inside the upgrade's transaction \
         (pages in the WAL, no commit), {old} left version 1, {new} version 2; one upgrade \
         took {took:?}"
    );
    assert!(
        inside > 0,
        "no kill landed inside the upgrade's transaction (seed {seed})"
    );
}

// ---- kills during a restore ----

fn restore_text(which: u64) -> String {
    format!(
        "version: 1\nname: restore\ndescription: revision {which}\n# {}\n",
        "r".repeat(20_000 + which as usize * 7_000)
    )
}

fn restore_child() {
    let project: i64 = env(PROJECT).parse().unwrap();
    let ids: Vec<i64> = env(TAG).split(',').map(|x| x.parse().unwrap()).collect();
    let round: u64 = std::env::var("STORE_ROUND").unwrap().parse().unwrap();
    let mut ws = Workspace::open(Path::new(&env(PATH))).unwrap();
    say("READY");
    let started = Instant::now();
    for i in 0.. {
        if started.elapsed() > Duration::from_secs(30) {
            return;
        }
        // Unsaved edits first: the restore keeps them as a revision of their own, in
        // the same transaction.
        ws.autosave(
            project,
            &format!("version: 1\nname: restore\n# edit {round} {i}\n"),
        )
        .unwrap();
        say(&format!("BEGIN {i}"));
        let which = i % 2;
        let saved = ws.restore_revision(ids[which as usize]).unwrap();
        say(&format!("RESTORED {i} {which} {}", saved.revision.id));
    }
}

#[test]
fn sigkill_during_restores_keeps_each_restore_whole() {
    if std::env::var_os(CHILD).is_some() {
        return restore_child();
    }
    const ROUNDS: u64 = 20;
    let (seed, mut rng) = seeded("restore crash");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workspace.sqlite");
    let (project, ids) = {
        let mut ws = Workspace::open(&path).unwrap();
        let project = ws.create_project("restore", None).unwrap().id;
        let a = ws
            .save_revision(project, &restore_text(0), "a")
            .unwrap()
            .revision
            .id;
        let b = ws
            .save_revision(project, &restore_text(1), "b")
            .unwrap()
            .revision
            .id;
        (project, [a, b])
    };
    let mut restored: Vec<(u64, i64)> = Vec::new();
    let mut inside = 0;
    for round in 0..ROUNDS {
        let mut child = Reaped(spawn_child(
            "sigkill_during_restores_keeps_each_restore_whole",
            "restore",
            &[
                (PATH, path.display().to_string()),
                (PROJECT, project.to_string()),
                (TAG, format!("{},{}", ids[0], ids[1])),
                ("STORE_ROUND", round.to_string()),
            ],
        ));
        let lines = lines_of(&mut child.0);
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(words) if words[0] == "READY" => {}
            other => panic!("round {round}: the child did not get ready: {other:?}"),
        }
        std::thread::sleep(Duration::from_micros(rng.below(40_000)));
        child.0.kill().unwrap();
        child.0.wait().unwrap();
        let mut begun = None;
        for words in lines.iter() {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            match words.as_slice() {
                ["BEGIN", i] => begun = Some(i.parse::<u64>().unwrap()),
                ["RESTORED", i, which, id] => {
                    assert_eq!(begun, Some(i.parse().unwrap()));
                    begun = None;
                    restored.push((which.parse().unwrap(), id.parse().unwrap()));
                }
                _ => {}
            }
        }
        // Begun and not reported: the kill landed inside the restore.
        inside += usize::from(begun.is_some());

        assert_eq!(integrity(&path), "ok", "round {round}, seed {seed}");
        let ws = Workspace::open(&path).unwrap();
        for &(which, id) in &restored {
            assert_eq!(
                ws.revision(id).unwrap().yaml,
                restore_text(which),
                "round {round}"
            );
        }
        // Each restore is whole: edits kept by a restore are always followed by it.
        let mut revisions = ws.revisions(project).unwrap();
        revisions.reverse();
        for (k, r) in revisions.iter().enumerate() {
            if r.message.starts_with("Unsaved edits, kept") {
                let next = revisions.get(k + 1).map(|n| n.message.as_str());
                assert!(
                    next.is_some_and(|m| m.starts_with("Restored revision")),
                    "round {round}: kept edits without their restore (seed {seed})"
                );
            }
        }
    }
    eprintln!(
        "restore crash test: {ROUNDS} SIGKILLs, {inside} inside a restore, {} restores reported",
        restored.len()
    );
    assert!(inside > 0, "no kill landed inside a restore (seed {seed})");
}
