//! The semantic diff of two specs: which components, edges, request classes and targets
//! were added, removed or changed, field by field. A pure function of the two models, so
//! formatting, comments and the order of items make no difference.
//!
//! Items are matched by name (components, classes) and by endpoints (edges; the n-th
//! edge between the same two components matches the n-th). A renamed component is a
//! removal and an addition. Field names are the spec's, nested ones dotted
//! (`replication.read_replicas`); values are shown as the spec writes them.

use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

use crate::spec::{Spec, Targets};

/// What changed between two specs; every list is empty when they mean the same.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct SpecDiff {
    /// The spec's own fields: `name`, `description`, `practices.*`, `workload.daily_profile`.
    pub general: Vec<FieldChange>,
    pub targets: Vec<FieldChange>,
    pub components: Vec<ItemChange>,
    pub classes: Vec<ItemChange>,
    pub edges: Vec<ItemChange>,
}

impl SpecDiff {
    pub fn is_empty(&self) -> bool {
        *self == SpecDiff::default()
    }
}

/// One component, class or edge that differs. An added item lists every field it sets
/// (`before` empty), a removed one every field it had (`after` empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ItemChange {
    /// The component or class name, or `from -> to` for an edge (`from -> to #2` for the
    /// second edge between the same pair).
    pub key: String,
    pub change: Change,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// A field whose value differs; `None` where it is not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl FieldChange {
    pub fn new(field: &str, before: Option<&str>, after: Option<&str>) -> Self {
        FieldChange {
            field: field.to_string(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        }
    }
}

/// What changed from `before` to `after`.
pub fn diff(before: &Spec, after: &Spec) -> SpecDiff {
    let components = |s: &Spec| keyed(&s.components, |c| c.name.clone());
    let classes = |s: &Spec| keyed(&s.workload.classes, |c| c.name.clone());
    let edges = |s: &Spec| {
        let mut seen: Vec<(String, String)> = Vec::new();
        keyed(&s.dependencies, |d| {
            let pair = (d.from.clone(), d.to.clone());
            let nth = seen.iter().filter(|p| **p == pair).count();
            seen.push(pair);
            match nth {
                0 => format!("{} -> {}", d.from, d.to),
                n => format!("{} -> {} #{}", d.from, d.to, n + 1),
            }
        })
    };
    SpecDiff {
        general: field_changes(&general(before), &general(after)),
        targets: field_changes(&targets(&before.targets), &targets(&after.targets)),
        components: item_changes(&components(before), &components(after)),
        classes: item_changes(&classes(before), &classes(after)),
        edges: item_changes(&edges(before), &edges(after)),
    }
}

/// A flattened item: its fields as (dotted name, value), in the model's field order.
type Fields = Vec<(String, Value)>;

fn keyed<T: Serialize>(items: &[T], mut key: impl FnMut(&T) -> String) -> Vec<(String, Fields)> {
    items.iter().map(|i| (key(i), flatten_item(i))).collect()
}

fn flatten_item<T: Serialize>(item: &T) -> Fields {
    let mut out = Vec::new();
    // The model is plain data with string keys: serializing it to a JSON value cannot fail.
    if let Ok(value) = serde_json::to_value(item) {
        flatten("", &value, &mut out);
    }
    out
}

/// The spec's fields outside the four sections that have their own lists.
fn general(spec: &Spec) -> Fields {
    let mut value = serde_json::to_value(spec).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for section in ["targets", "components", "dependencies"] {
            map.shift_remove(section);
        }
        if let Some(Value::Object(workload)) = map.get_mut("workload") {
            workload.shift_remove("classes");
        }
    }
    let mut out = Vec::new();
    flatten("", &value, &mut out);
    out
}

fn targets(t: &Targets) -> Fields {
    flatten_item(t)
}

fn flatten(prefix: &str, value: &Value, out: &mut Fields) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let name = match prefix {
                    "" => k.clone(),
                    p => format!("{p}.{k}"),
                };
                flatten(&name, v, out);
            }
        }
        Value::Null => {}
        leaf => out.push((prefix.to_string(), leaf.clone())),
    }
}

/// Present items in `after`'s order (changed or added), then removed ones in `before`'s.
fn item_changes(before: &[(String, Fields)], after: &[(String, Fields)]) -> Vec<ItemChange> {
    let find = |items: &'_ [(String, Fields)], key: &str| {
        items.iter().find(|(k, _)| k == key).map(|(_, f)| f.clone())
    };
    let mut out = Vec::new();
    for (key, fields) in after {
        let (change, old) = match find(before, key) {
            Some(old) => (Change::Changed, old),
            None => (Change::Added, Vec::new()),
        };
        let fields = field_changes(&old, fields);
        if change == Change::Added || !fields.is_empty() {
            out.push(ItemChange {
                key: key.clone(),
                change,
                fields,
            });
        }
    }
    for (key, fields) in before {
        if find(after, key).is_none() {
            out.push(ItemChange {
                key: key.clone(),
                change: Change::Removed,
                fields: field_changes(fields, &[]),
            });
        }
    }
    out
}

/// Both lists follow the model's field order (each is that order less the unset
/// fields), so a merge walk of the two gives every field once, in that order.
fn field_changes(before: &[(String, Value)], after: &[(String, Value)]) -> Vec<FieldChange> {
    let get = |fields: &'_ [(String, Value)], key: &str| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut order: Vec<&str> = Vec::with_capacity(before.len().max(after.len()));
    let (mut i, mut j) = (0, 0);
    loop {
        let kb = before.get(i).map(|(k, _)| k.as_str());
        let ka = after.get(j).map(|(k, _)| k.as_str());
        let next = match (kb, ka) {
            (None, None) => break,
            (Some(b), Some(a)) if a == b => {
                i += 1;
                j += 1;
                b
            }
            // A field only `after` sets goes before `before`'s next one.
            (_, Some(a)) if get(before, a).is_none() => {
                j += 1;
                a
            }
            (Some(b), _) => {
                i += 1;
                b
            }
            (None, Some(a)) => {
                j += 1;
                a
            }
        };
        if !order.contains(&next) {
            order.push(next);
        }
    }
    order
        .into_iter()
        .filter_map(|field| {
            let (b, a) = (get(before, field), get(after, field));
            (b != a).then(|| FieldChange {
                field: field.to_string(),
                before: b.as_ref().map(show),
                after: a.as_ref().map(show),
            })
        })
        .collect()
}

/// A value as a spec writes it: `postgres`, `3`, `0.5`, `true`, `[browse, checkout]`.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => f.to_string(),
            _ => n.to_string(),
        },
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}
