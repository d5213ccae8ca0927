//! The workspace schema as a list of migrations. `PRAGMA user_version` is the number of
//! migrations applied; opening a workspace applies the missing ones in one transaction,
//! so a crash mid-upgrade leaves the old version intact.
//!
//! Migrations are append-only: a released step is never edited, a change is a new step.
//! Public so that tests can build a workspace exactly as an older Headroom left it.

use rusqlite::{Connection, Transaction};

/// Marks the file as a Headroom workspace (`PRAGMA application_id`, "HDRM"), so a SQLite
/// file of another application at the workspace path is recognised as foreign.
pub const APPLICATION_ID: i64 = 0x4844_524D;

/// Version 1: projects, revisions of the spec, results of runs, settings.
const V1: &str = "
CREATE TABLE projects (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(trim(name)) > 0),
    yaml_path  TEXT,
    created_ms INTEGER NOT NULL
);
CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    parent_id  INTEGER REFERENCES revisions(id) ON DELETE SET NULL,
    yaml       TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    message    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX revisions_by_project ON revisions(project_id, id);
CREATE INDEX revisions_by_parent ON revisions(parent_id);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    revision_id INTEGER NOT NULL REFERENCES revisions(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('analysis', 'simulation', 'plan')),
    result_json TEXT    NOT NULL CHECK (json_valid(result_json)),
    created_ms  INTEGER NOT NULL
);
CREATE INDEX runs_by_revision ON runs(revision_id, id);
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Version 2: the autosaved working copy of each project (kept apart from named
/// revisions), recent files, and when a project was last opened (for the project list).
const V2: &str = "
ALTER TABLE projects ADD COLUMN opened_ms INTEGER NOT NULL DEFAULT 0;
UPDATE projects SET opened_ms = created_ms;
CREATE TABLE working_copies (
    project_id       INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
    base_revision_id INTEGER REFERENCES revisions(id) ON DELETE SET NULL,
    yaml             TEXT    NOT NULL,
    hash             TEXT    NOT NULL,
    saved_ms         INTEGER NOT NULL
);
CREATE INDEX working_copies_by_base ON working_copies(base_revision_id);
CREATE TABLE recent_files (
    path      TEXT    PRIMARY KEY,
    opened_ms INTEGER NOT NULL
);
";

/// Every migration, in order: `MIGRATIONS[n]` takes a workspace from version n to n + 1.
pub const MIGRATIONS: &[&str] = &[V1, V2];

/// The schema version this Headroom writes; a workspace above it is refused.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings the workspace in `tx` from `from` up to `to`, inside the caller's transaction.
pub fn migrate(tx: &Transaction<'_>, from: i64, to: i64) -> rusqlite::Result<()> {
    if from == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    for (version, sql) in MIGRATIONS.iter().enumerate() {
        let version = version as i64;
        if version >= from && version < to {
            tx.execute_batch(sql)?;
        }
    }
    if to > from {
        tx.pragma_update(None, "user_version", to)?;
    }
    Ok(())
}

/// Creates a workspace at schema version `version` in an empty database: what an older
/// Headroom would have written. For tests of the upgrade path.
pub fn create_at_version(conn: &mut Connection, version: i64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    migrate(&tx, 0, version)?;
    tx.commit()
}

/// The schema version stored in the file.
pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
}
