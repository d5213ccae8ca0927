//! Transactions that survive a busy workspace, and how a failure inside one becomes a
//! [`StoreError`] that names the file.
//!
//! SQLite's busy timeout makes a writer wait for another window's or process's write
//! lock. It is not called in every case (a WAL recovery in progress, a stale read
//! snapshot), so a busy failure also retries the whole transaction a few times, within
//! the same time budget, before it is reported as `locked`.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::ErrorCode;

use super::error::StoreError;

/// Whole-transaction retries after a busy failure, on top of the busy timeout.
const RETRIES: u32 = 3;
const RETRY_PAUSE: Duration = Duration::from_millis(25);

/// Why an operation inside a transaction stopped; it gets the workspace path (and the
/// time spent waiting) when it is turned into a [`StoreError`].
#[derive(Debug)]
pub(crate) enum Fault {
    Sql(rusqlite::Error),
    Missing(&'static str, i64),
    Store(StoreError),
}

impl From<rusqlite::Error> for Fault {
    fn from(e: rusqlite::Error) -> Self {
        Fault::Sql(e)
    }
}

impl From<StoreError> for Fault {
    fn from(e: StoreError) -> Self {
        Fault::Store(e)
    }
}

pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Runs `attempt` (one whole transaction) until it succeeds, fails for a reason other
/// than a busy workspace, or stays busy past `budget` (or [`RETRIES`] retries).
pub(crate) fn with_retry<T>(
    path: &Path,
    budget: Duration,
    mut attempt: impl FnMut() -> Result<T, Fault>,
) -> Result<T, StoreError> {
    let started = Instant::now();
    let mut retries = 0;
    loop {
        match attempt() {
            Err(Fault::Sql(e))
                if is_busy(&e) && retries < RETRIES && started.elapsed() < budget =>
            {
                retries += 1;
                std::thread::sleep(RETRY_PAUSE * retries);
            }
            other => return other.map_err(|f| into_error(f, path, started.elapsed())),
        }
    }
}

pub(crate) fn into_error(fault: Fault, path: &Path, waited: Duration) -> StoreError {
    let path = path.to_path_buf();
    match fault {
        Fault::Sql(e) if is_busy(&e) => StoreError::Locked {
            path,
            waited_ms: u64::try_from(waited.as_millis()).unwrap_or(u64::MAX),
        },
        Fault::Sql(e) if e.sqlite_error_code() == Some(ErrorCode::CannotOpen) => StoreError::Io {
            action: "open",
            path,
            source: std::io::Error::other(e.to_string()),
        },
        Fault::Sql(source) => StoreError::Database { path, source },
        Fault::Missing(what, id) => StoreError::NotFound { path, what, id },
        Fault::Store(e) => e,
    }
}
