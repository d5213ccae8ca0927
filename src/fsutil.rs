//! Reading and writing the user's files safely: a crash, a full disk, a planted link or a
//! save made meanwhile never leaves a half-written, replaced or lost file.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Why a file was refused: carried inside the `io::Error` the functions here return
/// (`io::Error::get_ref` downcasts to it), so every caller's error type stays as it is.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{} is not a regular file (it is a {kind}); refused", path.display())]
    NotRegular { path: PathBuf, kind: &'static str },
    #[error(
        "{} has {links} hard links; replacing it would break them, so it is left alone",
        path.display()
    )]
    HardLinked { path: PathBuf, links: u64 },
    #[error("{} is read-only; make it writable first to replace it", path.display())]
    ReadOnly { path: PathBuf },
    #[error(
        "{} changed on disk since it was read; not overwritten (read it again)",
        path.display()
    )]
    Changed { path: PathBuf },
    #[error("{} is {size} bytes; at most {max} are read", path.display())]
    TooLarge { path: PathBuf, size: u64, max: u64 },
}

impl From<FileError> for io::Error {
    fn from(e: FileError) -> io::Error {
        let kind = match e {
            FileError::ReadOnly { .. } => io::ErrorKind::PermissionDenied,
            FileError::TooLarge { .. } => io::ErrorKind::InvalidData,
            _ => io::ErrorKind::InvalidInput,
        };
        io::Error::new(kind, e)
    }
}

/// What identifies one version of a file: a change between a read and a write shows as
/// a different inode (replaced), size or modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
}

impl Seen {
    pub fn of(meta: &Metadata) -> Seen {
        use std::os::unix::fs::MetadataExt;
        Seen {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
        }
    }
}

fn kind_of(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "directory"
    } else if t.is_fifo() {
        "FIFO"
    } else if t.is_char_device() || t.is_block_device() {
        "device"
    } else if t.is_socket() {
        "socket"
    } else {
        "special file"
    }
}

/// Reads the regular file at `path` (through symlinks), at most `max` bytes, with what
/// identifies the version read. A FIFO, device or directory is refused before a byte is
/// read (opened non-blocking, so a FIFO never waits for a writer), and a file larger than
/// `max` by its size, not by reading it.
pub fn read_regular(path: &Path, max: u64) -> io::Result<(Vec<u8>, Seen)> {
    use std::os::unix::fs::OpenOptionsExt;
    let refuse = |meta: &Metadata| -> io::Result<()> {
        if !meta.is_file() {
            return Err(FileError::NotRegular {
                path: path.to_path_buf(),
                kind: kind_of(meta),
            }
            .into());
        }
        if meta.len() > max {
            return Err(FileError::TooLarge {
                path: path.to_path_buf(),
                size: meta.len(),
                max,
            }
            .into());
        }
        Ok(())
    };
    refuse(&fs::metadata(path)?)?;
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    // The file opened may not be the one stat saw: check the handle itself.
    let meta = file.metadata()?;
    refuse(&meta)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // A file growing while read is still cut at `max + 1`, which `check` then refuses.
    file.take(max + 1).read_to_end(&mut bytes)?;
    Ok((bytes, Seen::of(&meta)))
}

/// Writes `bytes` to `path` atomically; see [`write_checked`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_checked(path, bytes, None)
}

/// The end of the name of this module's temporary files: `.NAME.PID.RANDOM.headroom-tmp`.
const TMP_SUFFIX: &str = ".headroom-tmp";

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over the target. Readers see the old file or the new one, never a
/// mix; on error the target is untouched and the temporary file removed.
///
/// - A symlink is written through: the file it resolves to gets the content, the link
///   stays a link. A dangling link is refused.
/// - An existing target must be a regular file with one link (a hard-linked file is
///   refused, since a rename would break the link) and not read-only (no write bit).
/// - The temporary file has a random name and is created exclusively (`O_EXCL`,
///   `O_NOFOLLOW`) with the target's mode (0666 less the umask for a new file), owner
///   kept where allowed: a planted file or link at its name fails the write, and the
///   content is never more readable than the target.
/// - `expected` is what the caller read; just before the rename the target is checked
///   against it (or, without one, against what it was when this call began), so a save
///   made meanwhile is not overwritten ([`FileError::Changed`]).
/// - Temporary files of this module left by a killed process in that directory (their pid
///   is gone, or older than ten minutes) are removed first.
pub fn write_checked(path: &Path, bytes: &[u8], expected: Option<Seen>) -> io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let target = resolve(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?
        .to_string_lossy()
        .into_owned();
    remove_stale(&dir);

    let existing = match fs::symlink_metadata(&target) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(meta) = &existing {
        check_replaceable(&target, meta)?;
    }
    let before = existing.as_ref().map(Seen::of);
    if expected.is_some() && expected != before {
        return Err(FileError::Changed { path: target }.into());
    }

    let tmp = dir.join(format!(
        ".{name}.{}.{:016x}{TMP_SUFFIX}",
        std::process::id(),
        random()
    ));
    let mode = existing
        .as_ref()
        .map_or(0o666, |m| m.permissions().mode() & 0o7777);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .mode(mode)
            .open(&tmp)?;
        if let Some(meta) = &existing {
            use std::os::unix::fs::MetadataExt;
            // Root rewriting another user's file keeps it theirs; others cannot, and
            // need not.
            let _ = std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()));
            // The umask applied at creation only took bits away: set the exact mode.
            f.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        let now = match fs::symlink_metadata(&target) {
            Ok(meta) => Some(Seen::of(&meta)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        if now != before {
            return Err(FileError::Changed {
                path: target.clone(),
            }
            .into());
        }
        fs::rename(&tmp, &target)?;
        // The rename itself is durable once the directory is synced.
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `path` with its symlinks followed to the file they name (which need not exist yet
/// when `path` is not a link).
fn resolve(path: &Path) -> io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("{} is a symlink to nothing: {e}", path.display()),
            )
        }),
        _ => Ok(path.to_path_buf()),
    }
}

fn check_replaceable(target: &Path, meta: &Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    if !meta.is_file() {
        return Err(FileError::NotRegular {
            path: target.to_path_buf(),
            kind: kind_of(meta),
        }
        .into());
    }
    if meta.nlink() > 1 {
        return Err(FileError::HardLinked {
            path: target.to_path_buf(),
            links: meta.nlink(),
        }
        .into());
    }
    if meta.permissions().readonly() {
        return Err(FileError::ReadOnly {
            path: target.to_path_buf(),
        }
        .into());
    }
    Ok(())
}

/// 64 random bits from the kernel, or (without /dev/urandom) from the time, pid and a
/// counter: the name need only be unguessable enough that O_EXCL rarely fails.
fn random() -> u64 {
    let mut buf = [0u8; 8];
    if File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok()
    {
        return u64::from_ne_bytes(buf);
    }
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u32(std::process::id());
    if let Ok(t) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        h.write_u128(t.as_nanos());
    }
    h.finish()
}

/// Removes this module's temporary files in `dir` whose writer is gone: its pid no longer
/// runs (seen in /proc), or the file is over ten minutes old. Best effort: a failure here
/// never stops a write.
fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = tmp_pid(&file_name.to_string_lossy()) else {
            continue;
        };
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 600);
        if old || writer_gone(pid) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether the process `pid`, which left a temporary file or tree, no longer runs (as
/// /proc tells; without /proc nothing is known to be gone). Never this process.
pub fn writer_gone(pid: u32) -> bool {
    pid != std::process::id()
        && Path::new("/proc/self").exists()
        && !Path::new("/proc").join(pid.to_string()).exists()
}

/// The pid in a name of this module's pattern, `.NAME.PID.HEX16.headroom-tmp`.
fn tmp_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(TMP_SUFFIX)?;
    let mut parts = rest.rsplitn(3, '.');
    let hex = parts.next()?;
    let pid = parts.next()?;
    parts.next().filter(|n| !n.is_empty())?;
    if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether `a` and `b` name one existing file, however each is spelled (relative or
/// absolute, through a symlink or a hard link): an output that is the input would
/// replace what is being read.
#[cfg(unix)]
pub fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => (x.dev(), x.ino()) == (y.dev(), y.ino()),
        _ => false,
    }
}

/// Whether `a` and `b` name one existing file: without inode numbers, by their resolved
/// paths (a hard link is not seen through).
#[cfg(not(unix))]
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}
