//! The documents the desktop edits. Each is a spec file (or a model not saved yet) kept
//! as a project in the workspace, so edits are autosaved there and offered back after a
//! crash, and a save records a revision.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::EditorError;
use crate::fsutil::{write_checked, FileError};
use crate::spec::{export, yaml, Spec, Workload};
use crate::store::{content_hash, ProjectId, ProjectSummary, Workspace};
use crate::view::ModelView;

/// A document as the app opens it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Document {
    pub project: ProjectSummary,
    /// The YAML file, absolute; `null` for a model never saved.
    pub file: Option<String>,
    /// SHA-256 of the file as read or last written. A save checks that the file still
    /// has it, so a change made outside the app is never overwritten unasked.
    pub file_hash: Option<String>,
    /// The file's leading comments, which a save keeps (with every comment below them,
    /// read again from the file at the save).
    pub header: Vec<String>,
    pub view: ModelView,
    /// Autosaved edits newer than the last save, left by a session that ended without
    /// saving them.
    pub recovered: Option<Recovered>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Recovered {
    /// Milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub saved_ms: i64,
    pub view: ModelView,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Saved {
    pub project: ProjectSummary,
    pub file: String,
    pub file_hash: String,
    pub yaml: String,
    /// Set when the file was written but the workspace could not record the revision.
    pub warning: Option<String>,
}

/// Opens the spec file at `path` and the workspace project that tracks it (made on first
/// open). A file changed outside the app since it was last seen becomes a new revision.
pub fn open_file(ws: &mut Workspace, path: &Path) -> Result<Document, EditorError> {
    let file = std::path::absolute(path).map_err(|e| EditorError::io("resolve", path, e))?;
    let (bytes, _) =
        crate::spec::load::read_file(&file).map_err(|e| EditorError::io("read", &file, e))?;
    let view = ModelView::from_bytes(&file.display().to_string(), &bytes);
    let text = String::from_utf8_lossy(&bytes);

    let project = match ws.project_for_file(&file)? {
        Some(p) => p,
        None => {
            let name = view
                .spec
                .as_ref()
                .map(|s| s.name.clone())
                .or_else(|| file.file_stem().map(|s| s.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "untitled".into());
            ws.create_project(&name, Some(&file))?
        }
    };
    let opened = ws.open_project(project.id)?;
    let head_hash = opened.head.as_ref().map(|h| h.summary.hash.as_str());
    let file_hash = content_hash(&text);
    if head_hash != Some(file_hash.as_str()) {
        ws.save_revision(project.id, &text, &format!("Read from {}", file.display()))?;
    }
    ws.touch_recent_file(&file)?;
    let project = ws.project(project.id)?;
    let recovered = ws.working_copy(project.id)?.map(|wc| Recovered {
        saved_ms: wc.saved_ms,
        view: ModelView::from_bytes(&file.display().to_string(), wc.yaml.as_bytes()),
    });
    Ok(Document {
        project,
        file: Some(file.display().to_string()),
        file_hash: Some(file_hash),
        header: export::leading_comments(&text)
            .into_iter()
            .map(str::to_string)
            .collect(),
        view,
        recovered,
    })
}

/// Opens a project of the workspace: its file when it has one that can still be read,
/// else its newest revision (or autosaved edits) as a model not saved to any file.
pub fn open_project(ws: &mut Workspace, id: ProjectId) -> Result<Document, EditorError> {
    let project = ws.project(id)?;
    if let Some(path) = project.yaml_path.as_deref().map(PathBuf::from) {
        if path.is_file() {
            return open_file(ws, &path);
        }
    }
    let opened = ws.open_project(id)?;
    let label = format!("project {}", opened.project.name);
    let text = opened.head.map(|h| h.yaml).unwrap_or_default();
    let recovered = opened.working_copy.map(|wc| Recovered {
        saved_ms: wc.saved_ms,
        view: ModelView::from_bytes(&label, wc.yaml.as_bytes()),
    });
    Ok(Document {
        project: opened.project,
        file: None,
        file_hash: None,
        header: export::leading_comments(&text)
            .into_iter()
            .map(str::to_string)
            .collect(),
        view: ModelView::from_bytes(&label, text.as_bytes()),
        recovered,
    })
}

/// A new, empty model in a new project: nothing on disk until the user saves it.
pub fn new_document(ws: &mut Workspace) -> Result<Document, EditorError> {
    let spec = Spec {
        version: crate::spec::validate::SPEC_VERSION,
        name: "untitled".into(),
        description: None,
        targets: Default::default(),
        practices: Default::default(),
        planning: Default::default(),
        network: Default::default(),
        workload: Workload::default(),
        components: Vec::new(),
        dependencies: Vec::new(),
    };
    let project = ws.create_project(&spec.name, None)?;
    let yaml = export::to_yaml(&spec, &[]);
    Ok(Document {
        project,
        file: None,
        file_hash: None,
        header: Vec::new(),
        view: ModelView::from_bytes("untitled", yaml.as_bytes()),
        recovered: None,
    })
}

/// Writes `spec` in canonical form to `path` (atomically) and records it as a revision.
///
/// `expected_hash` is what the app last saw of the file: when the file now holds
/// something else, it was changed outside the app and the save is refused. A Save As
/// passes `None` (the save dialog has asked about replacing an existing file).
pub fn save(
    ws: &mut Workspace,
    project: ProjectId,
    path: &Path,
    spec: &Spec,
    header: &[String],
    expected_hash: Option<&str>,
) -> Result<Saved, EditorError> {
    let file = std::path::absolute(path).map_err(|e| EditorError::io("resolve", path, e))?;
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let yaml = export::to_yaml_with(spec, &header, &comments_for(ws, project)?);
    // The version whose hash was checked: the write checks the file is still that one
    // just before its rename, so a save made in between is not lost.
    let mut seen = None;
    if let Some(expected) = expected_hash {
        match crate::spec::load::read_file(&file) {
            Ok((bytes, _)) if content_hash(&String::from_utf8_lossy(&bytes)) != expected => {
                return Err(EditorError::ChangedOnDisk { path: file });
            }
            Ok((_, s)) => seen = Some(s),
            // Deleted or moved since: writing it again loses nothing.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(EditorError::io("read", &file, e)),
        }
    }
    write_checked(&file, yaml.as_bytes(), seen).map_err(|e| {
        let changed = e
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<FileError>())
            .is_some_and(|f| matches!(f, FileError::Changed { .. }));
        if changed {
            EditorError::ChangedOnDisk { path: file.clone() }
        } else {
            EditorError::io("write", &file, e)
        }
    })?;

    // The file is safe on disk; the workspace's record of it is secondary.
    let recorded = (|| {
        ws.save_revision(project, &yaml, &format!("Saved to {}", file.display()))?;
        // Autosaved edits of the model just saved, whatever their text (a run kept
        // them without the file's comments), are saved now.
        if let Some(wc) = ws.working_copy(project)? {
            if crate::spec::check("working copy", wc.yaml.as_bytes())
                .spec
                .as_ref()
                == Some(spec)
            {
                ws.discard_working_copy(project)?;
            }
        }
        ws.set_project_file(project, &file)
    })();
    let (project, warning) = match recorded {
        Ok(p) => (p, None),
        Err(e) => (
            ws.project(project)?,
            Some(format!(
                "saved to {}, but the workspace could not record it: {e}",
                file.display()
            )),
        ),
    };
    Ok(Saved {
        project,
        file: file.display().to_string(),
        file_hash: content_hash(&yaml),
        yaml,
        warning,
    })
}

/// Keeps the editor's model in the workspace (not in its file) so a crash loses nothing.
pub fn autosave(
    ws: &mut Workspace,
    project: ProjectId,
    spec: &Spec,
    header: &[String],
) -> Result<(), EditorError> {
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let yaml = export::to_yaml_with(spec, &header, &comments_for(ws, project)?);
    ws.autosave(project, &yaml)?;
    Ok(())
}

/// The comments a save keeps: those of the project's file (the one read or last saved;
/// a Save As takes them along), each at its field or item; without the file, those of
/// the text last read or saved. An autosave keeps the same, so that the save of the
/// same model is the same text.
fn comments_for(ws: &Workspace, project: ProjectId) -> Result<yaml::Notes, EditorError> {
    let file = ws
        .project(project)?
        .yaml_path
        .and_then(|p| crate::spec::load::read_file(Path::new(&p)).ok());
    let source = match file {
        Some((bytes, _)) => String::from_utf8_lossy(&bytes).into_owned(),
        None => ws.head_text(project)?.unwrap_or_default(),
    };
    Ok(export::comments_of(&source))
}
