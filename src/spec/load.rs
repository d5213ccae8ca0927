//! From the bytes of a file to a typed, validated [`Spec`], or every problem in it.
//!
//! The document is deserialized section by section and item by item, so that one bad
//! component does not hide the problems of the next; the semantic checks then run on
//! whatever did deserialize.

use std::collections::HashSet;

use serde::de::Error as _;

use super::diagnostic::{sentence, Diagnostic, Issue, ItemLabels, Section};
use super::model::{
    Component, Dependency, Network, Planning, Practices, RequestClass, Spec, Targets, Workload,
};
use super::path::{Path, Seg};
use super::validate::{count_bounds, validate_with, warnings, Unparsed};
use super::yaml::{self, DeError, Mark, Node, Value};
use crate::text::printable;

/// Larger files are refused before parsing: a 5,000-component spec is about 1 MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;

/// The top-level fields of a spec, in canonical order.
pub const TOP_LEVEL_FIELDS: &[&str] = &[
    "version",
    "name",
    "description",
    "targets",
    "practices",
    "planning",
    "network",
    "workload",
    "components",
    "dependencies",
];
const WORKLOAD_FIELDS: &[&str] = &["daily_profile", "classes"];

/// The outcome of reading a spec: the typed spec if every part of it deserialized (it
/// may still have semantic problems), and every problem found, in file order.
#[derive(Debug)]
pub struct Checked {
    pub spec: Option<Spec>,
    pub diagnostics: Vec<Diagnostic>,
    /// What is valid but likely not meant (`validate::warnings`), placed like the
    /// diagnostics; only for a valid spec.
    pub warnings: Vec<Diagnostic>,
}

impl Checked {
    pub fn is_valid(&self) -> bool {
        self.spec.is_some() && self.diagnostics.is_empty()
    }

    /// The spec if it is valid, or every problem in it.
    pub fn into_result(self) -> Result<Spec, Vec<Diagnostic>> {
        match self.spec {
            Some(spec) if self.diagnostics.is_empty() => Ok(spec),
            _ => Err(self.diagnostics),
        }
    }
}

/// Reads and validates a spec. `file` is the name used in messages.
pub fn check(file: &str, bytes: &[u8]) -> Checked {
    let whole_file = |mark: Mark, message: String| Diagnostic {
        file: file.to_string(),
        line: mark.line,
        column: mark.column,
        path: String::new(),
        message,
    };
    let fail = |d: Diagnostic| Checked {
        spec: None,
        diagnostics: vec![d],
        warnings: Vec::new(),
    };

    if bytes.len() > MAX_FILE_BYTES {
        return fail(whole_file(
            Mark { line: 1, column: 1 },
            format!(
                "the file is {} bytes; a spec may be at most {MAX_FILE_BYTES}",
                bytes.len()
            ),
        ));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.strip_prefix('\u{feff}').unwrap_or(text),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let line = 1 + good.iter().filter(|b| **b == b'\n').count();
            let column = 1 + good.iter().rev().take_while(|b| **b != b'\n').count();
            let bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
            return fail(whole_file(
                Mark { line, column },
                format!("the file is not valid UTF-8 (byte 0x{bad:02x}); save it as UTF-8"),
            ));
        }
    };
    // YAML allows no C0 control character but tab and the line breaks; the parser would
    // take a NUL for the end of the text and quietly drop everything after it.
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r') && (c as u32) < 0x20)
    {
        let before = &text[..at];
        let line = 1 + before.matches('\n').count();
        let column = 1 + before.rsplit('\n').next().unwrap_or("").chars().count();
        return fail(whole_file(
            Mark { line, column },
            format!(
                "a control character (U+{:04X}) is not allowed in YAML; remove it",
                c as u32
            ),
        ));
    }
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => return fail(whole_file(e.mark, e.message)),
    };

    let mut reader = Reader {
        file,
        root: &root,
        diagnostics: Vec::new(),
        unparsed: Unparsed::default(),
        index_maps: Default::default(),
        dropped: HashSet::new(),
    };
    let spec = reader.spec();
    let mut diagnostics = reader.diagnostics;
    if let Some(spec) = &spec {
        for issue in validate_with(spec, &reader.unparsed) {
            let path = reader.index_maps.to_file(&issue.path);
            let about_dropped =
                (1..=path.0.len()).any(|n| reader.dropped.contains(&Path(path.0[..n].to_vec())));
            if !about_dropped {
                diagnostics.push(locate(file, &root, &Issue { path, ..issue }));
            }
        }
    }
    diagnostics.sort_by_key(|d| (d.line, d.column));
    let spec = spec.filter(|_| reader.index_maps.complete);
    let warnings = match &spec {
        Some(spec) if diagnostics.is_empty() => warnings(spec)
            .iter()
            .map(|issue| {
                let path = reader.index_maps.to_file(&issue.path);
                locate(
                    file,
                    &root,
                    &Issue {
                        path,
                        ..issue.clone()
                    },
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    Checked {
        spec,
        diagnostics,
        warnings,
    }
}

/// Reads a spec file: a regular file (a FIFO or device is refused before it is read) of
/// at most [`MAX_FILE_BYTES`] by its size, with what identifies the version read.
pub fn read_file(
    path: impl AsRef<std::path::Path>,
) -> Result<(Vec<u8>, crate::fsutil::Seen), std::io::Error> {
    crate::fsutil::read_regular(path.as_ref(), MAX_FILE_BYTES as u64)
}

/// Reads and validates a file from disk.
pub fn check_file(path: &std::path::Path) -> Result<Checked, std::io::Error> {
    let (bytes, _) = read_file(path)?;
    Ok(check(&path.display().to_string(), &bytes))
}

/// A message about the part of a valid spec at `path`, placed in its file (`bytes`):
/// what a command that finds a problem past validation prints. None when the text does
/// not parse (it did when it was validated).
pub fn place(file: &str, bytes: &[u8], path: super::Path, message: &str) -> Option<Diagnostic> {
    let text = std::str::from_utf8(bytes).ok()?;
    let root = super::yaml::parse(text).ok()?;
    Some(locate(file, &root, &Issue::new(path, message)))
}

/// An issue found on a spec, placed in the file it came from.
pub fn locate(file: &str, root: &Node, issue: &Issue) -> Diagnostic {
    let mark = root.locate(&issue.path.0);
    Diagnostic {
        file: file.to_string(),
        line: mark.line,
        column: mark.column,
        path: issue.path.to_string(),
        message: sentence(&issue.path, &issue.message, root),
    }
}

/// Where each deserialized item stood in the file, for items after a skipped one.
#[derive(Default)]
struct IndexMaps {
    components: Vec<usize>,
    dependencies: Vec<usize>,
    classes: Vec<usize>,
    /// No item was skipped and every section deserialized.
    complete: bool,
}

impl IndexMaps {
    fn to_file(&self, path: &Path) -> Path {
        let mut segs = path.0.clone();
        let (map, at) = match segs.as_slice() {
            [Seg::Key(k), Seg::Index(_), ..] if k == "components" => (&self.components, 1),
            [Seg::Key(k), Seg::Index(_), ..] if k == "dependencies" => (&self.dependencies, 1),
            [Seg::Key(w), Seg::Key(c), Seg::Index(_), ..] if w == "workload" && c == "classes" => {
                (&self.classes, 2)
            }
            _ => return path.clone(),
        };
        if let Seg::Index(i) = segs[at] {
            if let Some(&file_index) = map.get(i) {
                segs[at] = Seg::Index(file_index);
            }
        }
        Path(segs)
    }
}

struct Reader<'a> {
    file: &'a str,
    root: &'a Node,
    diagnostics: Vec<Diagnostic>,
    unparsed: Unparsed,
    index_maps: IndexMaps,
    /// Fields reported unreadable and left out of their item (paths as in the file).
    dropped: HashSet<Path>,
}

impl Reader<'_> {
    fn error(&mut self, base: &Path, node: &Node, e: DeError) {
        let path = base.clone().join(&e.path);
        let mark = e.mark.unwrap_or(node.mark);
        // A count too large or negative for its type is held to the field's own range,
        // so that fixing the number once is enough.
        let message = match (&e.out_of_range, path.0.last()) {
            (Some(number), Some(Seg::Key(field))) => match count_bounds(field) {
                Some((min, max)) => format!("must be in [{min}, {max}], got {number}"),
                None => e.message,
            },
            _ => e.message,
        };
        self.diagnostics.push(Diagnostic {
            file: self.file.to_string(),
            line: mark.line,
            column: mark.column,
            path: path.to_string(),
            message: sentence(&path, &message, self.root),
        });
    }

    /// Reads one item (a component, a class, an edge, a section). A field that does not
    /// read is reported, left out, and the item read again, so every field's problem is
    /// reported in one pass; the fields left out are remembered, so that no follow-on
    /// problem ("is required") is reported for them.
    fn item<T: serde::de::DeserializeOwned>(&mut self, base: &Path, node: &Node) -> Option<T> {
        let mut pruned: Option<Node> = None;
        loop {
            let attempt = pruned.as_ref().unwrap_or(node);
            let e = match yaml::from_node(attempt) {
                Ok(v) => return Some(v),
                Err(e) => e,
            };
            let field = match e.path.0.first() {
                Some(Seg::Key(k)) => Some(k.clone()),
                _ => None,
            };
            if let Some(f) = &field {
                if self.dropped.contains(&base.clone().key(f)) {
                    // "kind is required" after `kind` was left out: already reported.
                    return None;
                }
            }
            self.error(base, attempt, e);
            // Each round removes one entry, so this ends.
            let next = field.as_deref().and_then(|f| attempt.without_key(f))?;
            self.dropped
                .insert(base.clone().key(field.as_deref().unwrap_or_default()));
            pruned = Some(next);
        }
    }

    fn value<T: serde::de::DeserializeOwned>(&mut self, base: &Path, node: &Node) -> Option<T> {
        match yaml::from_node(node) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(base, node, e);
                None
            }
        }
    }

    fn unknown_field(
        &mut self,
        base: &Path,
        key: &str,
        mark: Mark,
        expected: &'static [&'static str],
    ) {
        let e = DeError::unknown_field(key, expected);
        self.error(
            base,
            self.root,
            DeError {
                mark: Some(mark),
                ..e
            },
        );
    }

    /// Each item of a list, on its own; returns the items that deserialized and their
    /// positions in the file.
    fn items<T: serde::de::DeserializeOwned>(
        &mut self,
        base: &Path,
        node: &Node,
        failed_name: &mut dyn FnMut(&Node),
    ) -> (Vec<T>, Vec<usize>) {
        let mut out = Vec::new();
        let mut at = Vec::new();
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    match self.item(&base.clone().index(i), item) {
                        Some(v) => {
                            out.push(v);
                            at.push(i);
                        }
                        None => failed_name(item),
                    }
                }
            }
            _ if node.is_null() => {}
            _ => {
                let e = DeError::new(node.mark, "must be a list");
                self.error(base, node, e);
            }
        }
        (out, at)
    }

    fn spec(&mut self) -> Option<Spec> {
        let root = self.root;
        let Value::Map(entries) = &root.value else {
            let e = DeError::new(
                root.mark,
                "a spec is a mapping of fields (version, name, components, ...)",
            );
            self.error(&Path::root(), root, e);
            return None;
        };
        let errors_before = self.diagnostics.len();
        let (mut version, mut name, mut description) = (None, None, None);
        let (mut targets, mut practices, mut planning, mut network, mut workload) = (
            Targets::default(),
            Practices::default(),
            Planning::default(),
            Network::default(),
            Workload::default(),
        );
        let (mut components, mut dependencies): (Vec<Component>, Vec<Dependency>) =
            (Vec::new(), Vec::new());
        let name_of = |n: &Node| n.get("name").and_then(Node::as_text).map(str::to_string);

        for entry in entries {
            let path = Path::root().key(&entry.key);
            let node = &*entry.value;
            match entry.key.as_str() {
                "version" => version = self.value(&path, node),
                "name" => name = self.value(&path, node),
                "description" => description = self.value::<Option<String>>(&path, node).flatten(),
                "targets" => targets = self.item(&path, node).unwrap_or_default(),
                "practices" => practices = self.item(&path, node).unwrap_or_default(),
                "planning" => planning = self.item(&path, node).unwrap_or_default(),
                "network" => network = self.item(&path, node).unwrap_or_default(),
                "workload" => workload = self.workload(&path, node, &name_of),
                "components" => {
                    let mut failed = Vec::new();
                    let (items, at) = self.items(&path, node, &mut |n| failed.extend(name_of(n)));
                    self.unparsed.components.extend(failed);
                    (components, self.index_maps.components) = (items, at);
                }
                "dependencies" => {
                    let (items, at) = self.items(&path, node, &mut |_| {});
                    (dependencies, self.index_maps.dependencies) = (items, at);
                }
                other => self.unknown_field(&Path::root(), other, entry.key_mark, TOP_LEVEL_FIELDS),
            }
        }
        for (field, missing) in [("version", version.is_none()), ("name", name.is_none())] {
            if missing && root.get(field).is_none() {
                let e = DeError::missing_field(field);
                self.error(
                    &Path::root(),
                    root,
                    DeError {
                        mark: Some(Mark { line: 1, column: 1 }),
                        ..e
                    },
                );
            }
        }
        self.index_maps.complete = self.diagnostics.len() == errors_before;
        Some(Spec {
            version: version?,
            name: name?,
            description,
            targets,
            practices,
            planning,
            network,
            workload,
            components,
            dependencies,
        })
    }

    fn workload(
        &mut self,
        path: &Path,
        node: &Node,
        name_of: &dyn Fn(&Node) -> Option<String>,
    ) -> Workload {
        let mut workload = Workload::default();
        match &node.value {
            Value::Map(entries) => {
                for entry in entries {
                    let p = path.clone().key(&entry.key);
                    match entry.key.as_str() {
                        "daily_profile" => {
                            workload.daily_profile =
                                self.value::<Option<Vec<f64>>>(&p, &entry.value).flatten()
                        }
                        "classes" => {
                            let mut failed = Vec::new();
                            let (items, at) =
                                self.items::<RequestClass>(&p, &entry.value, &mut |n| {
                                    failed.extend(name_of(n))
                                });
                            self.unparsed.classes.extend(failed);
                            (workload.classes, self.index_maps.classes) = (items, at);
                        }
                        other => self.unknown_field(path, other, entry.key_mark, WORKLOAD_FIELDS),
                    }
                }
            }
            _ => {
                let e = DeError::new(
                    node.mark,
                    "must be a mapping with `classes` and `daily_profile`",
                );
                self.error(path, node, e);
            }
        }
        workload
    }
}

impl ItemLabels for Node {
    fn label(&self, section: Section, index: usize) -> Option<String> {
        let list = match section {
            Section::Components => self.get("components"),
            Section::Dependencies => self.get("dependencies"),
            Section::Classes => self.get("workload").and_then(|w| w.get("classes")),
        }?;
        let Value::Seq(items) = &list.value else {
            return None;
        };
        let item = items.get(index)?;
        match section {
            Section::Dependencies => {
                let end = |k| item.get(k).and_then(Node::as_text).unwrap_or("?");
                Some(format!(
                    "{} -> {}",
                    printable(end("from")),
                    printable(end("to"))
                ))
            }
            _ => item
                .get("name")
                .and_then(Node::as_text)
                .map(|n| format!("{n:?}")),
        }
    }
}

impl ItemLabels for Spec {
    fn label(&self, section: Section, index: usize) -> Option<String> {
        match section {
            Section::Components => self.components.get(index).map(|c| format!("{:?}", c.name)),
            Section::Classes => self
                .workload
                .classes
                .get(index)
                .map(|c| format!("{:?}", c.name)),
            Section::Dependencies => self
                .dependencies
                .get(index)
                .map(|d| format!("{} -> {}", printable(&d.from), printable(&d.to))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO_BAD: &str = "\
version: 1
name: t
workload:
  classes:
    - { name: web, rate_rps: 10, entry: lb }
components:
  - name: lb
    kind: load_balancer
    service_time_ms: oops
  - name: api
    kind: service
    service_time_ms: 5
    replicas: 0
dependencies:
  - { from: lb, to: api }
  - { from: api, to: nowhere }
";

    #[test]
    fn a_bad_item_does_not_hide_the_next_one_or_shift_its_index() {
        let checked = check("t.yaml", TWO_BAD.as_bytes());
        let lines: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "t.yaml:9:5: components[0] \"lb\": service_time_ms must be a number, got oops",
                "t.yaml:13:5: components[1] \"api\": replicas must be in [1, 100000], got 0",
                "t.yaml:16:18: dependencies[1] api -> nowhere: to must name a component, got \"nowhere\"",
            ]
        );
        // `lb` failed to deserialize, but it exists: the edge and the entry naming it are fine.
        assert!(
            checked.spec.is_none(),
            "a partly read spec is never handed out"
        );
    }

    #[test]
    fn missing_required_fields_and_wrong_shapes_are_named() {
        let checked = check("t.yaml", b"components: {}\nextra: 1\n");
        let lines: Vec<String> = checked.diagnostics.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            lines,
            [
                "t.yaml:1:1: version is required",
                "t.yaml:1:1: name is required",
                "t.yaml:1:13: components must be a list",
                "t.yaml:2:1: extra is not a known field",
            ]
        );
    }
}
