//! The report and the scaffold of the model being edited, for the desktop: the same
//! bytes `headroom report` and `headroom scaffold` write for the saved file.
//!
//! The edited model is written out in canonical form and read back through the same
//! checks as a file (as [`super::live`] does), so what the app previews and exports is
//! what the command line makes of the file Save writes. Files are written atomically
//! (the report through a temporary file renamed over the target; the scaffold as a tree
//! renamed into place), so a failure never leaves a half-written one.
//!
//! The report is the analytic one (`headroom report` without `--simulate`): the command
//! line's `--simulate` runs a fresh simulation rather than reading a stored one.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::error::{ErrorKind, HasKind};
use crate::fsutil::write_atomic;
use crate::report::{self, ReportError};
use crate::scaffold::{self, DeploymentSummary, ScaffoldError};
use crate::spec::Spec;

/// How many entries of a folder [`folder_info`] names.
const FOLDER_SAMPLE: usize = 5;

/// What an export of the report wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ExportedReport {
    /// The file written, as given.
    pub path: String,
    /// The format written: the file's extension decides when it names one.
    pub format: report::Format,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// One file of a scaffold, as the app lists it before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PreviewFile {
    /// Relative to the project's root, '/'-separated.
    pub path: String,
    /// The size in bytes (UTF-8).
    #[ts(type = "number")]
    pub bytes: u64,
    pub executable: bool,
    /// The file's text. Every file is sent: the largest example's scaffold (pos.yaml)
    /// has 70 files and 199 kB.
    pub contents: String,
}

/// The scaffold of the model, rendered in memory: every file and the plan behind it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ScaffoldPreview {
    /// The project's name (the spec's).
    pub name: String,
    /// In the order they are written.
    pub files: Vec<PreviewFile>,
    #[ts(type = "number")]
    pub total_bytes: u64,
    /// The Kubernetes Deployments with the plan's replicas, autoscaler bounds and
    /// resource requests.
    pub deployments: Vec<DeploymentSummary>,
    pub meets_all_targets: bool,
    pub targets_met: usize,
    pub targets: usize,
    pub out_of_reach: Vec<String>,
    pub plan_steps: usize,
    pub monthly_cost_usd: f64,
}

/// What is at a path the scaffold may be written to.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct FolderInfo {
    pub path: String,
    pub exists: bool,
    /// Something other than a folder is there (a file, a link).
    pub is_dir: bool,
    /// Entries directly inside (0 for a missing or empty folder).
    pub entries: usize,
    /// The first few entries' names, sorted.
    pub sample: Vec<String>,
}

/// What generating a scaffold wrote.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct GeneratedScaffold {
    pub dir: String,
    pub files: usize,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Whether a folder that had entries was replaced.
    pub replaced: bool,
    /// What an earlier, interrupted write had left there, and what became of it.
    pub recovered: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The edited model does not pass the checks a file does.
    #[error(transparent)]
    InvalidSpec(#[from] super::ModelProblems),
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Scaffold(#[from] ScaffoldError),
    #[error("{} is a folder; choose a file name", .0.display())]
    IsADirectory(PathBuf),
    #[error("{} is the model's own file; the report would replace it, so choose another name", .0.display())]
    IsTheModel(PathBuf),
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl HasKind for ExportError {
    fn kind(&self) -> ErrorKind {
        match self {
            ExportError::InvalidSpec(_) => ErrorKind::InvalidSpec,
            ExportError::Report(ReportError::Analysis(_)) => ErrorKind::Analysis,
            ExportError::Report(ReportError::Plan(_)) => ErrorKind::Plan,
            ExportError::Report(_) => ErrorKind::Render,
            ExportError::Scaffold(e) => e.kind(),
            ExportError::IsADirectory(_) => ErrorKind::IsADirectory,
            ExportError::IsTheModel(_) => ErrorKind::IsTheModel,
            ExportError::Io { .. } => ErrorKind::Io,
        }
    }
}

/// The model as its saved file reads (see `editor::saved`).
fn as_saved(model: &Spec) -> Result<Spec, ExportError> {
    Ok(super::as_saved(model, &[], "exporting")?)
}

/// The gap-analysis report of `model` in `format`: what `headroom report` writes for
/// the saved model.
pub fn render_report(model: &Spec, format: report::Format) -> Result<String, ExportError> {
    let model = as_saved(model)?;
    Ok(report::report(&model, None, format)?)
}

/// Writes the report of `model` to `path` atomically, in the format its extension names
/// (else `format`). An existing file is replaced (the save dialog asked); a folder at
/// `path`, and the model's own file `document` however `path` spells it, are refused
/// and left alone.
pub fn export_report(
    model: &Spec,
    format: report::Format,
    path: &Path,
    document: Option<&Path>,
) -> Result<ExportedReport, ExportError> {
    let format = report::Format::for_output(path, None, format);
    if path.is_dir() {
        return Err(ExportError::IsADirectory(path.to_path_buf()));
    }
    if document.is_some_and(|d| crate::fsutil::same_file(path, d)) {
        return Err(ExportError::IsTheModel(path.to_path_buf()));
    }
    let text = render_report(model, format)?;
    write_atomic(path, text.as_bytes()).map_err(|source| ExportError::Io {
        action: "write",
        path: path.to_path_buf(),
        source,
    })?;
    Ok(ExportedReport {
        path: path.display().to_string(),
        format,
        bytes: text.len() as u64,
    })
}

/// The scaffold of `model`, rendered in memory: what `headroom scaffold` writes.
pub fn scaffold_preview(model: &Spec) -> Result<ScaffoldPreview, ExportError> {
    let model = as_saved(model)?;
    let s = scaffold::render(&model)?;
    let files: Vec<PreviewFile> = s
        .files
        .into_iter()
        .map(|f| PreviewFile {
            bytes: f.contents.len() as u64,
            path: f.path,
            executable: f.executable,
            contents: f.contents,
        })
        .collect();
    Ok(ScaffoldPreview {
        name: s.name,
        total_bytes: files.iter().map(|f| f.bytes).sum(),
        files,
        deployments: s.deployments,
        meets_all_targets: s.meets_all_targets,
        targets_met: s.targets_met,
        targets: s.targets,
        out_of_reach: s.out_of_reach,
        plan_steps: s.plan_steps,
        monthly_cost_usd: s.monthly_cost_usd,
    })
}

/// What is at `path` now.
pub fn folder_info(path: &Path) -> Result<FolderInfo, ExportError> {
    let shown = path.display().to_string();
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(FolderInfo {
                path: shown,
                exists: false,
                is_dir: false,
                entries: 0,
                sample: Vec::new(),
            })
        }
        Err(source) => {
            return Err(ExportError::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            })
        }
    };
    if !meta.is_dir() {
        return Ok(FolderInfo {
            path: shown,
            exists: true,
            is_dir: false,
            entries: 0,
            sample: Vec::new(),
        });
    }
    let io = |source| ExportError::Io {
        action: "list",
        path: path.to_path_buf(),
        source,
    };
    let mut names = Vec::new();
    for entry in std::fs::read_dir(path).map_err(io)? {
        names.push(
            entry
                .map_err(io)?
                .file_name()
                .to_string_lossy()
                .into_owned(),
        );
    }
    names.sort();
    let entries = names.len();
    names.truncate(FOLDER_SAMPLE);
    Ok(FolderInfo {
        path: shown,
        exists: true,
        is_dir: true,
        entries,
        sample: names,
    })
}

/// Writes the scaffold of `model` into `dir` (see [`scaffold::write`]): a missing or
/// empty folder is filled; a folder with entries is refused (`not_empty`) unless
/// `force`, and with `force` it is replaced whole — everything in it is deleted, not
/// only what the scaffold writes — once the new tree is complete beside it.
pub fn generate_scaffold(
    model: &Spec,
    dir: &Path,
    force: bool,
) -> Result<GeneratedScaffold, ExportError> {
    let model = as_saved(model)?;
    let rendered = scaffold::render(&model)?;
    let mut recovered = scaffold::recover(dir)?;
    let written = scaffold::write(&rendered, dir, force)?;
    recovered.extend(written.recovered);
    Ok(GeneratedScaffold {
        dir: written.dir.display().to_string(),
        files: written.files,
        bytes: written.bytes,
        replaced: written.replaced,
        recovered,
    })
}
