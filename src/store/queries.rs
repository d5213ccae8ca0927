//! The queries the workspace's operations share. Each runs inside the caller's
//! transaction, so an operation made of several of them is still all or nothing.

use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::records::*;
use super::txn::Fault;
use super::{content_hash, now_ms, RECENT_FILES_KEPT};

/// A new project counts as just opened. Opening times are kept strictly increasing (at
/// most a millisecond late), so "most recently opened" is exact within one millisecond.
pub(super) const INSERT_PROJECT: &str =
    "INSERT INTO projects (name, yaml_path, created_ms, opened_ms)
    VALUES (?1, ?2, ?3, max(?3, (SELECT coalesce(max(opened_ms), 0) + 1 FROM projects)))";

pub(super) const PROJECT_SELECT: &str =
    "SELECT p.id, p.name, p.yaml_path, p.created_ms, p.opened_ms,
    (SELECT count(*) FROM revisions r WHERE r.project_id = p.id),
    (SELECT max(r.id) FROM revisions r WHERE r.project_id = p.id),
    EXISTS (SELECT 1 FROM working_copies w WHERE w.project_id = p.id)
    FROM projects p";

pub(super) fn project_row(r: &Row<'_>) -> rusqlite::Result<ProjectSummary> {
    Ok(ProjectSummary {
        id: r.get(0)?,
        name: r.get(1)?,
        yaml_path: r.get(2)?,
        created_ms: r.get(3)?,
        opened_ms: r.get(4)?,
        revision_count: r.get(5)?,
        head_revision_id: r.get(6)?,
        has_working_copy: r.get(7)?,
    })
}

pub(super) fn project_summary(
    tx: &Transaction<'_>,
    id: ProjectId,
) -> Result<ProjectSummary, Fault> {
    tx.query_row(
        &format!("{PROJECT_SELECT} WHERE p.id = ?1"),
        [id],
        project_row,
    )
    .optional()?
    .ok_or(Fault::Missing("project", id))
}

pub(super) fn require(
    tx: &Transaction<'_>,
    what: &'static str,
    sql: &str,
    id: i64,
) -> Result<(), Fault> {
    match tx.query_row(sql, [id], |_| Ok(())).optional()? {
        Some(()) => Ok(()),
        None => Err(Fault::Missing(what, id)),
    }
}

pub(super) fn require_project(tx: &Transaction<'_>, id: ProjectId) -> Result<(), Fault> {
    require(tx, "project", "SELECT 1 FROM projects WHERE id = ?1", id)
}

/// The newest revision of a project: (id, hash).
pub(super) fn head(
    tx: &Transaction<'_>,
    project: ProjectId,
) -> Result<Option<(RevisionId, String)>, Fault> {
    Ok(tx
        .query_row(
            "SELECT id, hash FROM revisions WHERE project_id = ?1 ORDER BY id DESC LIMIT 1",
            [project],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

/// Adds `yaml` as the project's head unless it already is.
pub(super) fn save(
    tx: &Transaction<'_>,
    project: ProjectId,
    yaml: &str,
    message: &str,
) -> Result<SavedRevision, Fault> {
    let hash = content_hash(yaml);
    let parent = head(tx, project)?;
    if let Some((id, head_hash)) = &parent {
        if *head_hash == hash {
            return Ok(SavedRevision {
                revision: revision(tx, *id)?.summary,
                created: false,
            });
        }
    }
    tx.execute(
        "INSERT INTO revisions (project_id, parent_id, yaml, hash, created_ms, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            project,
            parent.map(|(id, _)| id),
            yaml,
            hash,
            now_ms(),
            message
        ],
    )?;
    Ok(SavedRevision {
        revision: revision(tx, tx.last_insert_rowid())?.summary,
        created: true,
    })
}

pub(super) const REVISION_SELECT: &str =
    "SELECT id, project_id, parent_id, hash, created_ms, message, length(CAST(yaml AS BLOB)) FROM revisions";

pub(super) fn revision_summary_row(r: &Row<'_>) -> rusqlite::Result<RevisionSummary> {
    Ok(RevisionSummary {
        id: r.get(0)?,
        project_id: r.get(1)?,
        parent_id: r.get(2)?,
        hash: r.get(3)?,
        created_ms: r.get(4)?,
        message: r.get(5)?,
        size_bytes: r.get(6)?,
    })
}

pub(super) fn revision(tx: &Transaction<'_>, id: RevisionId) -> Result<Revision, Fault> {
    tx.query_row(
        "SELECT id, project_id, parent_id, hash, created_ms, message, length(CAST(yaml AS BLOB)), yaml
         FROM revisions WHERE id = ?1",
        [id],
        |r| {
            Ok(Revision {
                summary: revision_summary_row(r)?,
                yaml: r.get(7)?,
            })
        },
    )
    .optional()?
    .ok_or(Fault::Missing("revision", id))
}

pub(super) fn working_copy(
    tx: &Transaction<'_>,
    project: ProjectId,
) -> Result<Option<WorkingCopy>, Fault> {
    Ok(tx
        .query_row(
            "SELECT project_id, base_revision_id, yaml, hash, saved_ms FROM working_copies
             WHERE project_id = ?1",
            [project],
            |r| {
                Ok(WorkingCopy {
                    project_id: r.get(0)?,
                    base_revision_id: r.get(1)?,
                    yaml: r.get(2)?,
                    hash: r.get(3)?,
                    saved_ms: r.get(4)?,
                })
            },
        )
        .optional()?)
}

pub(super) fn run(tx: &Transaction<'_>, id: RunId) -> Result<Run, Fault> {
    // The schema's CHECKs hold the kind to the three names and the result to valid JSON;
    // anything else is reported, not papered over.
    let bad = |col, e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(col, rusqlite::types::Type::Text, e)
    };
    tx.query_row(
        "SELECT id, revision_id, kind, created_ms, result_json FROM runs WHERE id = ?1",
        [id],
        |r| {
            let kind = r.get_ref(2)?.as_str()?;
            let kind = RunKind::parse(kind)
                .ok_or_else(|| bad(2, format!("unknown run kind {kind:?}").into()))?;
            let result =
                serde_json::from_str(r.get_ref(4)?.as_str()?).map_err(|e| bad(4, Box::new(e)))?;
            Ok(Run {
                summary: RunSummary {
                    id: r.get(0)?,
                    revision_id: r.get(1)?,
                    kind,
                    created_ms: r.get(3)?,
                },
                result,
            })
        },
    )
    .optional()?
    .ok_or(Fault::Missing("run", id))
}

pub(super) fn touch_recent(tx: &Transaction<'_>, path: &str) -> Result<(), Fault> {
    tx.execute(
        "INSERT INTO recent_files (path, opened_ms)
         VALUES (?1, max(?2, (SELECT coalesce(max(opened_ms), 0) + 1 FROM recent_files)))
         ON CONFLICT (path) DO UPDATE SET opened_ms = excluded.opened_ms",
        params![path, now_ms()],
    )?;
    tx.execute(
        "DELETE FROM recent_files WHERE path NOT IN
         (SELECT path FROM recent_files ORDER BY opened_ms DESC LIMIT ?1)",
        [RECENT_FILES_KEPT as i64],
    )?;
    Ok(())
}
