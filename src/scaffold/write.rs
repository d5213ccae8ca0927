//! Writing a scaffold safely: every file goes into a temporary directory beside the
//! target, which is renamed into place only once the whole tree is written, so a failure
//! leaves nothing half-written. A target that exists must be empty unless `force`; with
//! `force` the old tree is moved aside, the new one renamed in, and only then is the old
//! one deleted (a failure in between puts the old one back). No path can leave the
//! target: each is checked to be relative, '/'-separated and free of `.`, `..` and
//! anything a file system might read as a root or a drive.
//!
//! A run killed mid-write leaves its hidden siblings behind; the next write to the same
//! target finds those of a process that no longer runs (`recover`): an old tree whose
//! target is missing (killed between the two renames) is put back, any other is
//! deleted, and the note says which.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::{Scaffold, ScaffoldError, WriteSummary};

/// Checks a scaffold path and turns it into a relative `PathBuf`.
pub fn safe_relative(path: &str) -> Result<PathBuf, ScaffoldError> {
    let bad = |why: &str| ScaffoldError::UnsafePath {
        path: path.to_string(),
        why: why.to_string(),
    };
    if path.is_empty() {
        return Err(bad("empty"));
    }
    if path.starts_with('/') || path.contains('\\') || path.contains(':') {
        return Err(bad("not a relative '/'-separated path"));
    }
    let mut out = PathBuf::new();
    for part in path.split('/') {
        match part {
            "" | "." | ".." => return Err(bad("has an empty, '.' or '..' component")),
            p if p.chars().any(char::is_control) => return Err(bad("has a control character")),
            p => out.push(p),
        }
    }
    Ok(out)
}

fn io(path: &Path, source: std::io::Error) -> ScaffoldError {
    ScaffoldError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The parent and file name of `dir`, as the siblings use them.
fn parent_and_name(dir: &Path) -> Result<(PathBuf, String), ScaffoldError> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir
        .file_name()
        .ok_or_else(|| ScaffoldError::UnsafePath {
            path: dir.display().to_string(),
            why: "the output directory has no name".into(),
        })?
        .to_string_lossy()
        .into_owned();
    Ok((parent, name))
}

/// The tag and pid of a sibling's name, `.NAME.headroom-TAG-PID-N`, for this `name`.
fn sibling_of(file_name: &str, name: &str) -> Option<(&'static str, u32)> {
    let rest = file_name
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix(".headroom-")?;
    let (tag, rest) = [("new", "new-"), ("old", "old-")]
        .into_iter()
        .find_map(|(tag, prefix)| rest.strip_prefix(prefix).map(|r| (tag, r)))?;
    let (pid, n) = rest.split_once('-')?;
    n.parse::<u32>().ok()?;
    Some((tag, pid.parse().ok()?))
}

/// Cleans up after earlier runs on `dir` that were killed mid-write (see the module's
/// comment), returning a sentence for each thing done. `write` runs it first; a caller
/// that wants the sentences even when the write then fails runs it before.
pub fn recover(dir: &Path) -> Result<Vec<String>, ScaffoldError> {
    let (parent, name) = parent_and_name(dir)?;
    let Ok(entries) = fs::read_dir(&parent) else {
        return Ok(Vec::new());
    };
    let mut left: Vec<(&'static str, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let file_name = e.file_name();
            let (tag, pid) = sibling_of(&file_name.to_string_lossy(), &name)?;
            let is_dir = e.file_type().ok()?.is_dir();
            (is_dir && crate::fsutil::writer_gone(pid)).then(|| (tag, e.path()))
        })
        .collect();
    // Old trees first: one may have to go back in place before the new ones go.
    left.sort_by_key(|(tag, path)| (*tag != "old", path.clone()));
    let mut notes = Vec::new();
    for (tag, path) in left {
        let shown = path.display();
        if tag == "old" && fs::symlink_metadata(dir).is_err() {
            fs::rename(&path, dir).map_err(|e| io(&path, e))?;
            notes.push(format!(
                "put back {} from {shown}: an earlier run was stopped while replacing it",
                dir.display()
            ));
        } else {
            fs::remove_dir_all(&path).map_err(|e| io(&path, e))?;
            notes.push(format!(
                "removed {shown}, left by an earlier run that was stopped"
            ));
        }
    }
    Ok(notes)
}

/// A sibling of `dir` that does not exist yet: `.NAME.headroom-TAG-PID-N`.
fn sibling(dir: &Path, tag: &str) -> Result<PathBuf, ScaffoldError> {
    let (parent, name) = parent_and_name(dir)?;
    for n in 0..1000 {
        let p = parent.join(format!(".{name}.headroom-{tag}-{}-{n}", std::process::id()));
        if !p.exists() {
            return Ok(p);
        }
    }
    Err(io(
        &parent,
        std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free temporary name"),
    ))
}

fn write_tree(scaffold: &Scaffold, root: &Path) -> Result<u64, ScaffoldError> {
    let mut bytes = 0u64;
    for f in &scaffold.files {
        let rel = safe_relative(&f.path)?;
        let path = root.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io(&path, e))?;
        file.write_all(f.contents.as_bytes())
            .map_err(|e| io(&path, e))?;
        file.sync_all().map_err(|e| io(&path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = if f.executable { 0o755 } else { 0o644 };
            fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                .map_err(|e| io(&path, e))?;
        }
        bytes += f.contents.len() as u64;
    }
    Ok(bytes)
}

fn is_empty_dir(dir: &Path) -> Result<bool, ScaffoldError> {
    Ok(fs::read_dir(dir).map_err(|e| io(dir, e))?.next().is_none())
}

/// Writes `scaffold` to `dir` (see the module's comment).
pub fn write(scaffold: &Scaffold, dir: &Path, force: bool) -> Result<WriteSummary, ScaffoldError> {
    // Every path is checked before anything touches the disk.
    for f in &scaffold.files {
        safe_relative(&f.path)?;
    }
    let recovered = recover(dir)?;
    let mut old_permissions = None;
    let existing = match fs::symlink_metadata(dir) {
        Ok(m) if m.is_dir() => {
            old_permissions = Some(m.permissions());
            Some(is_empty_dir(dir)?)
        }
        Ok(_) => {
            return Err(ScaffoldError::NotADirectory(dir.to_path_buf()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(dir, e)),
    };
    if existing == Some(false) && !force {
        return Err(ScaffoldError::NotEmpty(dir.to_path_buf()));
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
    }
    let tmp = sibling(dir, "new")?;
    fs::create_dir(&tmp).map_err(|e| io(&tmp, e))?;
    // The new tree takes the place of the target directory: keep its mode (a 0700 target
    // stays private).
    if let Some(permissions) = old_permissions {
        if let Err(e) = fs::set_permissions(&tmp, permissions) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(io(&tmp, e));
        }
    }
    let bytes = match write_tree(scaffold, &tmp) {
        Ok(b) => b,
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    let replaced = match existing {
        None => {
            if let Err(e) = fs::rename(&tmp, dir) {
                let _ = fs::remove_dir_all(&tmp);
                return Err(io(dir, e));
            }
            false
        }
        // An empty directory: rename over it (POSIX allows replacing an empty directory).
        Some(true) => {
            if let Err(e) = fs::rename(&tmp, dir) {
                let _ = fs::remove_dir_all(&tmp);
                return Err(io(dir, e));
            }
            false
        }
        Some(false) => {
            let old = match sibling(dir, "old") {
                Ok(p) => p,
                Err(e) => {
                    let _ = fs::remove_dir_all(&tmp);
                    return Err(e);
                }
            };
            if let Err(e) = fs::rename(dir, &old) {
                let _ = fs::remove_dir_all(&tmp);
                return Err(io(dir, e));
            }
            if let Err(e) = fs::rename(&tmp, dir) {
                // Put the old tree back: the target is as it was.
                let _ = fs::rename(&old, dir);
                let _ = fs::remove_dir_all(&tmp);
                return Err(io(dir, e));
            }
            fs::remove_dir_all(&old).map_err(|e| io(&old, e))?;
            true
        }
    };
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(WriteSummary {
        dir: dir.to_path_buf(),
        files: scaffold.files.len(),
        bytes,
        replaced,
        recovered,
    })
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn only_plain_relative_paths_pass() {
        assert!(safe_relative("services/api/src/main.rs").is_ok());
        assert!(safe_relative("services/api/.dockerignore").is_ok());
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a\\b",
            "C:x",
            "a/\u{0}b",
            "a/",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad:?}");
        }
    }
}
