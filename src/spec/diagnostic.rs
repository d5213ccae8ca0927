//! What a user is told about a bad spec: `shop.yaml:41:7: components[3] "orders-db":
//! replication.read_replicas must be >= 0, got -1`.

use std::fmt;

use serde::Serialize;
use ts_rs::TS;

use super::path::{Path, Seg};
use crate::text::printable;

/// A problem found in a spec, located by its path (no file positions yet: the validator
/// also checks specs that come from the desktop app as JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub path: Path,
    /// A predicate about the field at `path`: "must be >= 0, got -1".
    pub message: String,
}

impl Issue {
    pub fn new(path: Path, message: impl Into<String>) -> Self {
        Issue {
            path,
            message: message.into(),
        }
    }
}

/// A problem located in a file: what every front end shows.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Diagnostic {
    /// The file as the user named it.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based.
    pub column: usize,
    /// The field, `components[3].replication.read_replicas`; empty for the whole file.
    pub path: String,
    /// The sentence without the position: `components[3] "orders-db": replication.read_replicas must be >= 0, got -1`.
    pub message: String,
}

impl Diagnostic {
    /// The line of a warning: `file:line:column: warning: message`.
    pub fn warning_line(&self) -> String {
        format!(
            "{}:{}:{}: warning: {}",
            printable(&self.file),
            self.line,
            self.column,
            printable(&self.message)
        )
    }
}

/// One line whatever the file's name and the spec's names hold (`text::printable`):
/// a line break in a name cannot start a diagnostic, or a CI annotation, of its own.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            printable(&self.file),
            self.line,
            self.column,
            printable(&self.message)
        )
    }
}

/// Names the items of a spec for messages: the component's name, the class's name, the
/// edge's endpoints. Implemented by the typed spec and by the raw YAML tree, so messages
/// read the same before and after a spec deserializes.
pub trait ItemLabels {
    fn label(&self, section: Section, index: usize) -> Option<String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Components,
    Dependencies,
    Classes,
}

/// `components[3] "orders-db": replication.read_replicas must be >= 0, got -1`.
pub fn sentence(path: &Path, message: &str, labels: &dyn ItemLabels) -> String {
    let segs = &path.0;
    let key = |i: usize| match segs.get(i) {
        Some(Seg::Key(k)) => Some(k.as_str()),
        _ => None,
    };
    let index = |i: usize| match segs.get(i) {
        Some(Seg::Index(n)) => Some(*n),
        _ => None,
    };
    let item = match (key(0), index(1), key(1), index(2)) {
        (Some("components"), Some(i), _, _) => Some((Section::Components, i, 2)),
        (Some("dependencies"), Some(i), _, _) => Some((Section::Dependencies, i, 2)),
        (Some("workload"), _, Some("classes"), Some(i)) => Some((Section::Classes, i, 3)),
        _ => None,
    };
    let (context, rest) = match item {
        Some((section, i, consumed)) => {
            let head = Path(segs[..consumed].to_vec());
            let context = match labels.label(section, i) {
                Some(label) => format!("{head} {label}"),
                None => head.to_string(),
            };
            (Some(context), Path(segs[consumed..].to_vec()))
        }
        None => (None, path.clone()),
    };
    let claim = if rest.is_empty() {
        message.to_string()
    } else {
        format!("{rest} {message}")
    };
    match context {
        Some(c) => format!("{c}: {claim}"),
        None => claim,
    }
}

/// The expected name (a field, a component) within edit distance 2 of `got`, if any: a likely typo.
pub fn closest<'a>(got: &str, expected: &[&'a str]) -> Option<&'a str> {
    let len = got.chars().count();
    expected
        .iter()
        // Two edits change the length by at most two: skip the rest cheaply.
        .filter(|e| e.len().abs_diff(got.len()) <= 8 && e.chars().count().abs_diff(len) <= 2)
        .map(|e| (edit_distance(got, e), *e))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, e)| e)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
