//! The workspace: one SQLite file in the app's data directory that keeps a team's
//! projects, every revision of their specs, the autosaved working copy, the results of
//! runs, settings and recent files.
//!
//! Every change is one transaction (taken with the write lock up front, retried while
//! another window or process holds it); WAL with `synchronous=FULL` makes a save durable
//! when it returns, and a crash at any moment leaves the last committed state.

mod error;
mod open;
mod queries;
mod records;
pub mod schema;
mod txn;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::spec;
use crate::spec::{diff, SpecDiff};
pub use error::StoreError;
use queries::*;
pub use records::*;
use txn::{with_retry, Fault};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How many recent files are remembered.
pub const RECENT_FILES_KEPT: usize = 20;

/// How long an operation waits for another window's or process's lock before it is
/// reported as `locked`.
pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open workspace. One per window; windows and processes may share the file.
pub struct Workspace {
    conn: Connection,
    path: PathBuf,
    busy_timeout: Duration,
}

impl Workspace {
    /// Opens the workspace at `path`, creating it (and its folder) if needed and
    /// upgrading an older one. A file that is not a workspace is moved aside and reported
    /// (`corrupt` or `foreign`; the next open starts afresh); a newer one is refused.
    pub fn open(path: &Path) -> Result<Workspace> {
        Self::open_with_timeout(path, DEFAULT_BUSY_TIMEOUT)
    }

    /// [`Workspace::open`] with the time an operation waits for a lock before it is
    /// reported as `locked`.
    pub fn open_with_timeout(path: &Path, busy_timeout: Duration) -> Result<Workspace> {
        let conn = open::open(path, busy_timeout)?;
        Ok(Workspace {
            conn,
            path: path.to_path_buf(),
            busy_timeout,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    // ---- projects ----

    pub fn create_project(
        &mut self,
        name: &str,
        yaml_path: Option<&Path>,
    ) -> Result<ProjectSummary> {
        let name = project_name(name)?;
        let yaml_path = yaml_path.map(path_text).transpose()?;
        self.write(|tx| {
            tx.execute(INSERT_PROJECT, params![name, yaml_path, now_ms()])?;
            project_summary(tx, tx.last_insert_rowid())
        })
    }

    /// Every project, the most recently opened first.
    pub fn list_projects(&self) -> Result<Vec<ProjectSummary>> {
        self.read(|tx| {
            let mut stmt = tx.prepare(&format!(
                "{PROJECT_SELECT} ORDER BY p.opened_ms DESC, p.id DESC"
            ))?;
            let rows = stmt.query_map([], project_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn project(&self, id: ProjectId) -> Result<ProjectSummary> {
        self.read(|tx| project_summary(tx, id))
    }

    /// The project with its head revision and autosaved working copy; marks it opened.
    pub fn open_project(&mut self, id: ProjectId) -> Result<OpenedProject> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE projects SET opened_ms =
                   max(?2, (SELECT coalesce(max(opened_ms), 0) + 1 FROM projects)) WHERE id = ?1",
                params![id, now_ms()],
            )?;
            if n == 0 {
                return Err(Fault::Missing("project", id));
            }
            let head = head(tx, id)?
                .map(|(rev, _)| revision(tx, rev))
                .transpose()?;
            Ok(OpenedProject {
                project: project_summary(tx, id)?,
                head,
                working_copy: working_copy(tx, id)?,
            })
        })
    }

    pub fn rename_project(&mut self, id: ProjectId, name: &str) -> Result<ProjectSummary> {
        let name = project_name(name)?;
        self.write(|tx| {
            if tx.execute(
                "UPDATE projects SET name = ?2 WHERE id = ?1",
                params![id, name],
            )? == 0
            {
                return Err(Fault::Missing("project", id));
            }
            project_summary(tx, id)
        })
    }

    /// Deletes the project with its revisions, runs and working copy.
    /// Keeps the project in `file` from now on (after a "Save As"); the file becomes recent.
    pub fn set_project_file(&mut self, id: ProjectId, file: &Path) -> Result<ProjectSummary> {
        let path = path_text(file)?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE projects SET yaml_path = ?2 WHERE id = ?1",
                params![id, path],
            )?;
            if n == 0 {
                return Err(Fault::Missing("project", id));
            }
            touch_recent(tx, &path)?;
            project_summary(tx, id)
        })
    }

    /// The project kept in `file` (an absolute path), if there is one.
    pub fn project_for_file(&self, file: &Path) -> Result<Option<ProjectSummary>> {
        let path = path_text(file)?;
        self.read(|tx| {
            let id: Option<ProjectId> = tx
                .query_row(
                    "SELECT id FROM projects WHERE yaml_path = ?1 ORDER BY opened_ms DESC LIMIT 1",
                    [&path],
                    |r| r.get(0),
                )
                .optional()?;
            id.map(|id| project_summary(tx, id)).transpose()
        })
    }

    pub fn delete_project(&mut self, id: ProjectId) -> Result<()> {
        self.write(
            |tx| match tx.execute("DELETE FROM projects WHERE id = ?1", [id])? {
                0 => Err(Fault::Missing("project", id)),
                _ => Ok(()),
            },
        )
    }

    // ---- revisions ----

    /// Saves `yaml` as the project's new head, on top of the current one. Text identical
    /// to the head makes no new revision (`created` is false). An autosaved working copy
    /// with this same text is no longer needed and goes.
    pub fn save_revision(
        &mut self,
        project: ProjectId,
        yaml: &str,
        message: &str,
    ) -> Result<SavedRevision> {
        self.write(|tx| {
            require_project(tx, project)?;
            let saved = save(tx, project, yaml, message)?;
            tx.execute(
                "DELETE FROM working_copies WHERE project_id = ?1 AND hash = ?2",
                params![project, saved.revision.hash],
            )?;
            Ok(saved)
        })
    }

    /// The project's revisions, newest first.
    pub fn revisions(&self, project: ProjectId) -> Result<Vec<RevisionSummary>> {
        self.read(|tx| {
            require_project(tx, project)?;
            let mut stmt = tx.prepare(&format!(
                "{REVISION_SELECT} WHERE project_id = ?1 ORDER BY id DESC"
            ))?;
            let rows = stmt.query_map([project], revision_summary_row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn revision(&self, id: RevisionId) -> Result<Revision> {
        self.read(|tx| revision(tx, id))
    }

    /// The text of the project's head revision (the file as last read or saved), if it
    /// has one; unlike `open_project` it marks nothing.
    pub fn head_text(&self, project: ProjectId) -> Result<Option<String>> {
        self.read(|tx| {
            head(tx, project)?
                .map(|(rev, _)| revision(tx, rev).map(|r| r.yaml))
                .transpose()
        })
    }

    /// Makes revision `id`'s text the project's head again, as a new revision on top of
    /// the current head (history is never rewritten). Autosaved edits that differ from
    /// both are first kept as a revision of their own, so a restore loses nothing.
    pub fn restore_revision(&mut self, id: RevisionId) -> Result<SavedRevision> {
        self.write(|tx| {
            let old = revision(tx, id)?;
            let project = old.summary.project_id;
            if let Some(wc) = working_copy(tx, project)? {
                if wc.hash != old.summary.hash {
                    let message = format!("Unsaved edits, kept when revision {id} was restored");
                    save(tx, project, &wc.yaml, &message)?;
                }
            }
            tx.execute(
                "DELETE FROM working_copies WHERE project_id = ?1",
                [project],
            )?;
            save(tx, project, &old.yaml, &format!("Restored revision {id}"))
        })
    }

    /// What changed from revision `before` to revision `after`. Both must parse as specs
    /// (they need not be valid).
    pub fn diff_revisions(&self, before: RevisionId, after: RevisionId) -> Result<SpecDiff> {
        let (a, b) = self.read(|tx| Ok((revision(tx, before)?, revision(tx, after)?)))?;
        Ok(diff(&parse(&a)?, &parse(&b)?))
    }

    // ---- the working copy ----

    /// Keeps the editor's current text, apart from the named revisions; the app calls it
    /// every few seconds while the user edits. Text equal to the head clears it.
    pub fn autosave(&mut self, project: ProjectId, yaml: &str) -> Result<()> {
        let hash = content_hash(yaml);
        self.write(|tx| {
            require_project(tx, project)?;
            match head(tx, project)? {
                Some((_, head_hash)) if head_hash == hash => {
                    tx.execute("DELETE FROM working_copies WHERE project_id = ?1", [project])?;
                }
                base => {
                    tx.execute(
                        "INSERT INTO working_copies (project_id, base_revision_id, yaml, hash, saved_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (project_id) DO UPDATE SET base_revision_id = excluded.base_revision_id,
                           yaml = excluded.yaml, hash = excluded.hash, saved_ms = excluded.saved_ms",
                        params![project, base.map(|(id, _)| id), yaml, hash, now_ms()],
                    )?;
                }
            }
            Ok(())
        })
    }

    /// Keeps `yaml` as the working copy even when it is the head's text: for edits that
    /// were recorded as a revision (to hold the result of a run) without being saved to
    /// the project's file, so they are still offered back after a crash.
    pub fn keep_working_copy(&mut self, project: ProjectId, yaml: &str) -> Result<()> {
        let hash = content_hash(yaml);
        self.write(|tx| {
            require_project(tx, project)?;
            let base = head(tx, project)?.map(|(id, _)| id);
            tx.execute(
                "INSERT INTO working_copies (project_id, base_revision_id, yaml, hash, saved_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (project_id) DO UPDATE SET base_revision_id = excluded.base_revision_id,
                   yaml = excluded.yaml, hash = excluded.hash, saved_ms = excluded.saved_ms",
                params![project, base, yaml, hash, now_ms()],
            )?;
            Ok(())
        })
    }

    pub fn working_copy(&self, project: ProjectId) -> Result<Option<WorkingCopy>> {
        self.read(|tx| {
            require_project(tx, project)?;
            working_copy(tx, project)
        })
    }

    pub fn discard_working_copy(&mut self, project: ProjectId) -> Result<()> {
        self.write(|tx| {
            require_project(tx, project)?;
            tx.execute(
                "DELETE FROM working_copies WHERE project_id = ?1",
                [project],
            )?;
            Ok(())
        })
    }

    // ---- files ----

    /// Makes a project of the spec in `file`: named after the spec, its text (byte for
    /// byte) the first revision, the file remembered as recent. The file must parse as a
    /// spec; a spec with semantic problems is imported, for the app to show them.
    pub fn import_yaml(&mut self, file: &Path) -> Result<ProjectSummary> {
        let io = |action, source| StoreError::Io {
            action,
            path: file.to_path_buf(),
            source,
        };
        // As every spec is read: a regular file, its size checked first.
        let (bytes, _) = crate::fsutil::read_regular(file, spec::load::MAX_FILE_BYTES as u64)
            .map_err(|e| io("read", e))?;
        let checked = spec::check(&file.display().to_string(), &bytes);
        let (Some(parsed), Ok(text)) = (checked.spec, String::from_utf8(bytes)) else {
            return Err(StoreError::InvalidSpec {
                file: file.display().to_string(),
                diagnostics: checked.diagnostics,
            });
        };
        let absolute = std::path::absolute(file).map_err(|e| io("resolve", e))?;
        let path = path_text(&absolute)?;
        let name = project_name(&parsed.name)?;
        self.write(|tx| {
            tx.execute(INSERT_PROJECT, params![name, path, now_ms()])?;
            let id = tx.last_insert_rowid();
            save(tx, id, &text, &format!("Imported from {path}"))?;
            touch_recent(tx, &path)?;
            project_summary(tx, id)
        })
    }

    /// Writes revision `id`'s text, byte for byte, to `dest` atomically (temporary file,
    /// fsync, rename). An existing file is replaced only when `overwrite` is set.
    pub fn export_revision(&self, id: RevisionId, dest: &Path, overwrite: bool) -> Result<()> {
        let rev = self.revision(id)?;
        if !overwrite && std::fs::symlink_metadata(dest).is_ok() {
            return Err(StoreError::Exists {
                path: dest.to_path_buf(),
            });
        }
        crate::fsutil::write_atomic(dest, rev.yaml.as_bytes()).map_err(|source| StoreError::Io {
            action: "write",
            path: dest.to_path_buf(),
            source,
        })
    }

    // ---- runs ----

    /// Keeps the result of an analysis, simulation or plan of revision `revision`.
    pub fn record_run(
        &mut self,
        revision: RevisionId,
        kind: RunKind,
        result: &serde_json::Value,
    ) -> Result<RunSummary> {
        let json = result.to_string();
        self.write(|tx| {
            require(tx, "revision", "SELECT 1 FROM revisions WHERE id = ?1", revision)?;
            tx.execute(
                "INSERT INTO runs (revision_id, kind, result_json, created_ms) VALUES (?1, ?2, ?3, ?4)",
                params![revision, kind.as_str(), json, now_ms()],
            )?;
            Ok(run(tx, tx.last_insert_rowid())?.summary)
        })
    }

    /// The runs of a revision, newest first.
    pub fn runs(&self, revision: RevisionId) -> Result<Vec<RunSummary>> {
        self.read(|tx| {
            require(
                tx,
                "revision",
                "SELECT 1 FROM revisions WHERE id = ?1",
                revision,
            )?;
            let mut stmt =
                tx.prepare("SELECT id FROM runs WHERE revision_id = ?1 ORDER BY id DESC")?;
            let ids = stmt.query_map([revision], |r| r.get::<_, i64>(0))?;
            let ids = ids.collect::<rusqlite::Result<Vec<_>>>()?;
            ids.into_iter().map(|id| Ok(run(tx, id)?.summary)).collect()
        })
    }

    pub fn run(&self, id: RunId) -> Result<Run> {
        self.read(|tx| run(tx, id))
    }

    // ---- settings and recent files ----

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.read(|tx| {
            Ok(tx
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?)
        })
    }

    /// Remembers `file` as just opened; only the newest [`RECENT_FILES_KEPT`] are kept.
    pub fn touch_recent_file(&mut self, file: &Path) -> Result<()> {
        let path = path_text(file)?;
        self.write(|tx| touch_recent(tx, &path))
    }

    /// Recent files, the newest first.
    pub fn recent_files(&self) -> Result<Vec<RecentFile>> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare("SELECT path, opened_ms FROM recent_files ORDER BY opened_ms DESC")?;
            let rows = stmt.query_map([], |r| {
                Ok(RecentFile {
                    path: r.get(0)?,
                    opened_ms: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn forget_recent_file(&mut self, file: &Path) -> Result<()> {
        let path = path_text(file)?;
        self.write(|tx| {
            tx.execute("DELETE FROM recent_files WHERE path = ?1", [&path])?;
            Ok(())
        })
    }

    // ---- transactions ----

    /// One write transaction, holding the write lock from its start, so it never has to
    /// upgrade a read lock (which a busy timeout cannot wait for).
    fn write<T>(&mut self, mut op: impl FnMut(&Transaction<'_>) -> Result<T, Fault>) -> Result<T> {
        let conn = &mut self.conn;
        with_retry(&self.path, self.busy_timeout, || {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let value = op(&tx)?;
            tx.commit()?;
            Ok(value)
        })
    }

    /// One read transaction: every query in `op` sees the same snapshot.
    fn read<T>(&self, mut op: impl FnMut(&Transaction<'_>) -> Result<T, Fault>) -> Result<T> {
        with_retry(&self.path, self.busy_timeout, || {
            let tx = self.conn.unchecked_transaction()?;
            op(&tx)
        })
    }
}

/// SHA-256 of the text, lowercase hex: a revision's identity.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Milliseconds since the Unix epoch, UTC (0 if the clock is before it).
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn project_name(name: &str) -> Result<String> {
    match name.trim() {
        "" => Err(StoreError::InvalidName),
        n => Ok(n.to_string()),
    }
}

/// Paths are kept as text; one that is not UTF-8 is refused rather than mangled.
fn path_text(path: &Path) -> Result<String> {
    path.to_str()
        .map(str::to_string)
        .ok_or_else(|| StoreError::Io {
            action: "remember",
            path: path.to_path_buf(),
            source: std::io::Error::new(std::io::ErrorKind::InvalidData, "the path is not UTF-8"),
        })
}

fn parse(rev: &Revision) -> Result<spec::Spec> {
    let file = format!("revision {}", rev.summary.id);
    let checked = spec::check(&file, rev.yaml.as_bytes());
    checked.spec.ok_or(StoreError::InvalidSpec {
        file,
        diagnostics: checked.diagnostics,
    })
}
