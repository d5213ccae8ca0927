//! A project's history in the desktop app: its revisions with what each changed, a
//! revision's model to restore into the editor, and two revisions (or one and the model
//! being edited) compared: the semantic diff and both analyses.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{live, EditorError, LiveModel};
use crate::spec::diff::{Change, FieldChange};
use crate::spec::{self, Spec, SpecDiff};
use crate::store::{ProjectId, RevisionId, RevisionSummary, Workspace};

/// A revision as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct HistoryEntry {
    pub revision: RevisionSummary,
    /// What it changed from the revision it was saved on top of, in a few words (for
    /// the first revision: what it holds).
    pub summary: String,
    /// False when its text does not read as a spec: it can be neither restored nor compared.
    pub readable: bool,
}

/// One side of a comparison: a saved revision, or the model as edited.
#[derive(Debug, Clone, PartialEq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Side {
    Revision {
        #[ts(type = "number")]
        id: RevisionId,
    },
    Model {
        spec: Box<Spec>,
    },
}

/// A side of a comparison with its analysis.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SideView {
    /// `revision 3`, or `the model being edited`.
    pub label: String,
    /// The revision, when the side is one.
    pub revision: Option<RevisionSummary>,
    /// The side's model checked and analysed, as the editor analyses it.
    pub live: LiveModel,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RevisionComparison {
    /// What changed from `before` to `after`.
    pub diff: SpecDiff,
    pub before: SideView,
    pub after: SideView,
}

/// The project's revisions, newest first, each with what it changed.
pub fn history(ws: &Workspace, project: ProjectId) -> Result<Vec<HistoryEntry>, EditorError> {
    let revisions = ws.revisions(project)?;
    let mut models = Vec::with_capacity(revisions.len());
    for r in &revisions {
        let text = ws.revision(r.id)?.yaml;
        models.push((r.id, spec::check("revision", text.as_bytes()).spec));
    }
    let model_of = |id: RevisionId| {
        models
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, m)| m.as_ref())
    };
    Ok(revisions
        .iter()
        .map(|r| {
            let this = model_of(r.id);
            let summary = match (this, r.parent_id) {
                (None, _) => "does not read as a spec".to_string(),
                (Some(m), None) => contents(m),
                (Some(m), Some(p)) => match model_of(p) {
                    Some(parent) => summarize(&spec::diff(parent, m)),
                    None => contents(m),
                },
            };
            HistoryEntry {
                revision: r.clone(),
                summary,
                readable: this.is_some(),
            }
        })
        .collect())
}

/// Revision `id`'s model, to put into the editor.
pub fn revision_model(ws: &Workspace, id: RevisionId) -> Result<Spec, EditorError> {
    let revision = ws.revision(id)?;
    let label = format!("revision {id}");
    read(&label, &revision.yaml)
}

/// `before` and `after` compared: what changed, and each analysed.
pub fn compare(
    ws: &Workspace,
    before: &Side,
    after: &Side,
) -> Result<RevisionComparison, EditorError> {
    let (before_model, before_view) = side(ws, before)?;
    let (after_model, after_view) = side(ws, after)?;
    Ok(RevisionComparison {
        diff: spec::diff(&before_model, &after_model),
        before: before_view,
        after: after_view,
    })
}

fn side(ws: &Workspace, side: &Side) -> Result<(Spec, SideView), EditorError> {
    let (label, revision, model) = match side {
        Side::Revision { id } => {
            let r = ws.revision(*id)?;
            let label = format!("revision {id}");
            let model = read(&label, &r.yaml)?;
            (label, Some(r.summary), model)
        }
        Side::Model { spec } => (
            "the model being edited".to_string(),
            None,
            spec.as_ref().clone(),
        ),
    };
    let live = live(&model, &label, &[]);
    Ok((
        model,
        SideView {
            label,
            revision,
            live,
        },
    ))
}

/// A revision's text as a model (it may have problems, as long as it reads as a spec).
fn read(label: &str, yaml: &str) -> Result<Spec, EditorError> {
    let checked = spec::check(label, yaml.as_bytes());
    checked.spec.ok_or_else(|| {
        let why = checked
            .diagnostics
            .first()
            .map(|d| format!(": line {}: {}", d.line, d.message))
            .unwrap_or_default();
        EditorError::Invalid(format!("{label} does not read as a spec{why}"))
    })
}

/// What a first revision holds.
fn contents(m: &Spec) -> String {
    format!(
        "{}, {}, {}",
        count(m.components.len(), "component", "components"),
        count(m.workload.classes.len(), "class", "classes"),
        count(m.dependencies.len(), "dependency", "dependencies"),
    )
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A diff in a few words: each field when there are few, else counts per section.
pub fn summarize(d: &SpecDiff) -> String {
    if d.is_empty() {
        return "no change to the model (formatting or comments)".to_string();
    }
    let sections = [
        ("component", "components", &d.components),
        ("class", "classes", &d.classes),
        ("edge", "edges", &d.edges),
    ];
    // Few changes: name each one.
    let mut lines: Vec<String> = Vec::new();
    for f in d.general.iter().chain(&d.targets) {
        lines.push(field_line("", f));
    }
    for (what, _, items) in sections {
        for item in items {
            match item.change {
                Change::Added => lines.push(format!("added {what} {}", item.key)),
                Change::Removed => lines.push(format!("removed {what} {}", item.key)),
                Change::Changed => {
                    for f in &item.fields {
                        lines.push(field_line(&item.key, f));
                    }
                }
            }
        }
    }
    if lines.len() <= 3 {
        return lines.join("; ");
    }
    // Many: count them.
    let mut parts = Vec::new();
    if !d.general.is_empty() {
        parts.push("general settings changed".to_string());
    }
    if !d.targets.is_empty() {
        parts.push(format!(
            "{} changed",
            count(d.targets.len(), "target", "targets")
        ));
    }
    for (one, many, items) in sections {
        let with = |c: Change| items.iter().filter(|i| i.change == c).count();
        let (changed, added, removed) = (
            with(Change::Changed),
            with(Change::Added),
            with(Change::Removed),
        );
        let mut bits = Vec::new();
        if changed > 0 {
            bits.push(format!("{changed} changed"));
        }
        if added > 0 {
            bits.push(format!("{added} added"));
        }
        if removed > 0 {
            bits.push(format!("{removed} removed"));
        }
        if !bits.is_empty() {
            let noun = if changed + added + removed == 1 {
                one
            } else {
                many
            };
            parts.push(format!("{noun}: {}", bits.join(", ")));
        }
    }
    parts.join("; ")
}

fn field_line(item: &str, f: &FieldChange) -> String {
    let name = if item.is_empty() {
        f.field.clone()
    } else {
        format!("{item} {}", f.field)
    };
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "unset".to_string());
    format!("{name} {} → {}", value(&f.before), value(&f.after))
}
