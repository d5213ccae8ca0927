//! Opening the workspace file: decide whether it is ours before writing a byte to it.
//!
//! A new or empty file becomes a workspace. A Headroom workspace is checked
//! (`PRAGMA quick_check`) and upgraded. A file written by a newer Headroom is refused and
//! left alone. Anything else (not SQLite, damaged, another application's database) is
//! renamed aside with its WAL and journal, so it is never overwritten, and reported.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};

use super::error::StoreError;
use super::schema::{self, APPLICATION_ID, CURRENT_VERSION};
use super::txn::{with_retry, Fault};

/// What the file at the workspace path turned out to be.
enum Verdict {
    /// Ours (or new), at this schema version, with the connection configured.
    Usable(Connection, i64),
    /// Not a SQLite database, or a damaged one: why.
    Unreadable(String),
    /// A healthy SQLite database of another application.
    Foreign,
}

/// Opens (creating if needed) the workspace at `path`, upgraded to the current schema.
pub(crate) fn open(path: &Path, busy_timeout: Duration) -> Result<Connection, StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|source| StoreError::Io {
            action: "create the folder",
            path: dir.to_path_buf(),
            source,
        })?;
    }
    if let Some(moved_to) = interrupted_move(path) {
        finish_move(path, &moved_to)?;
        return Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            reason: "an earlier Headroom was stopped while moving it aside (its WAL had gone \
                     ahead); the move is now complete, the file and its WAL together"
                .to_string(),
            moved_to,
        });
    }
    match with_retry(path, busy_timeout, || inspect(path, busy_timeout))? {
        Verdict::Usable(mut conn, version) => {
            if version < CURRENT_VERSION {
                with_retry(path, busy_timeout, || upgrade(&mut conn, path))?;
            }
            Ok(conn)
        }
        Verdict::Unreadable(reason) => Err(StoreError::Corrupt {
            path: path.to_path_buf(),
            reason,
            moved_to: move_aside(path)?,
        }),
        Verdict::Foreign => Err(StoreError::Foreign {
            path: path.to_path_buf(),
            moved_to: move_aside(path)?,
        }),
    }
}

fn inspect(path: &Path, busy_timeout: Duration) -> Result<Verdict, Fault> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(busy_timeout)?;
    // One read transaction, so a workspace being created by another process right now
    // is seen either empty or complete, never half-made (and so never taken as foreign).
    let header = (|| {
        let tx = conn.unchecked_transaction()?;
        let app: i64 = tx.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version = schema::user_version(&tx)?;
        let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        Ok::<_, rusqlite::Error>((app, version, objects))
    })();
    let (app, version, objects) = match header {
        Ok(h) => h,
        Err(e) => return unreadable(e),
    };
    let fresh = app == 0 && version == 0 && objects == 0;
    if app != APPLICATION_ID && !fresh {
        return Ok(Verdict::Foreign);
    }
    if version > CURRENT_VERSION {
        return Err(too_new(path, version));
    }
    match conn.query_row("PRAGMA quick_check(1)", [], |r| r.get::<_, String>(0)) {
        Ok(ok) if ok == "ok" => {}
        Ok(problem) => {
            return Ok(Verdict::Unreadable(format!(
                "its integrity check failed: {problem}"
            )))
        }
        Err(e) => return unreadable(e),
    }
    // WAL: readers never block the writer, and a commit is one append to the log.
    // synchronous=FULL: a commit is on disk when the save returns.
    conn.pragma_update_and_check(None, "journal_mode", "wal", |r| r.get::<_, String>(0))?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(Verdict::Usable(conn, version))
}

/// A failure while reading the header: the file is unreadable, or the error is real.
fn unreadable(e: rusqlite::Error) -> Result<Verdict, Fault> {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Ok(Verdict::Unreadable(
            "it is not a SQLite database".to_string(),
        )),
        Some(ErrorCode::DatabaseCorrupt) => Ok(Verdict::Unreadable(format!(
            "SQLite reports it damaged: {e}"
        ))),
        _ => Err(Fault::Sql(e)),
    }
}

fn too_new(path: &Path, found: i64) -> Fault {
    Fault::Store(StoreError::TooNew {
        path: path.to_path_buf(),
        found,
        supported: CURRENT_VERSION,
    })
}

/// Applies the missing migrations under the write lock; the version is read again there,
/// since another process may have upgraded the file in the meantime.
fn upgrade(conn: &mut Connection, path: &Path) -> Result<(), Fault> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version = schema::user_version(&tx)?;
    if version > CURRENT_VERSION {
        return Err(too_new(path, version));
    }
    schema::migrate(&tx, version, CURRENT_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// Renames the file (and its WAL, shared-memory index and rollback journal, which hold
/// part of its content) to `<name>.corrupt-<ms>`, a name not yet taken. Returns the new
/// path of the main file.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "workspace".to_string());
    let stamp = super::now_ms();
    let taken = |p: &Path| {
        SIDECARS
            .iter()
            .any(|s| fs::symlink_metadata(sidecar(p, s)).is_ok())
    };
    let mut n = 0u32;
    let target = loop {
        let suffix = match n {
            0 => format!("{name}.corrupt-{stamp}"),
            _ => format!("{name}.corrupt-{stamp}-{n}"),
        };
        let candidate = path.with_file_name(suffix);
        if !taken(&candidate) {
            break candidate;
        }
        n += 1;
    };
    for s in SIDECARS {
        let from = sidecar(path, s);
        if s.is_empty() || fs::symlink_metadata(&from).is_ok() {
            fs::rename(&from, sidecar(&target, s)).map_err(|source| StoreError::Io {
                action: "move aside",
                path: from.clone(),
                source,
            })?;
        }
    }
    Ok(target)
}

/// A move aside that a killed Headroom left half done: a `-wal`, `-shm` or `-journal`
/// already at a `NAME.corrupt-…` name whose main file is missing, while the file at
/// `path` is not a Headroom workspace (whose header would carry our application id: a
/// sidecar left by someone deleting an old set-aside file by hand is then no reason to
/// move a good workspace). Returns the name the main file was going to.
fn interrupted_move(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!("{name}.corrupt-");
    let target = fs::read_dir(&dir).ok()?.flatten().find_map(|e| {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let rest = file_name.strip_prefix(&prefix)?;
        let base = SIDECARS[..3]
            .iter()
            .find_map(|s| rest.strip_suffix(s))
            .filter(|b| !b.is_empty() && b.bytes().all(|c| c.is_ascii_digit() || c == b'-'))?;
        let main = dir.join(format!("{prefix}{base}"));
        fs::symlink_metadata(&main).is_err().then_some(main)
    })?;
    (fs::symlink_metadata(path).is_ok() && !ours(path)).then_some(target)
}

/// Whether the file's SQLite header carries Headroom's application id (offset 68).
fn ours(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 72];
    fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| {
            header.starts_with(b"SQLite format 3\0")
                && i64::from(u32::from_be_bytes([
                    header[68], header[69], header[70], header[71],
                ])) == APPLICATION_ID
        })
}

/// Completes an interrupted move aside: what is still at `path` follows what went ahead.
fn finish_move(path: &Path, target: &Path) -> Result<(), StoreError> {
    for s in SIDECARS {
        let from = sidecar(path, s);
        let to = sidecar(target, s);
        if fs::symlink_metadata(&from).is_ok() && fs::symlink_metadata(&to).is_err() {
            fs::rename(&from, &to).map_err(|source| StoreError::Io {
                action: "move aside",
                path: from.clone(),
                source,
            })?;
        }
    }
    Ok(())
}

/// The files SQLite keeps beside the main file, then the main file last: a crash between
/// two renames leaves the WAL already aside (kept, with the name the main file would
/// have taken), never a main file moved away from its WAL, which the next open would
/// treat as stale and delete with every revision only in it.
const SIDECARS: [&str; 4] = ["-wal", "-shm", "-journal", ""];

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}
