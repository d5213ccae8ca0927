//! What changed between two JSON values, as the few places that differ: the live analysis
//! sends an edit to the backend as a patch of the model it sent before, and the answer back
//! as a patch of the answer before (ui/src/ipc/patch.ts is the other end). On a
//! 300-component model an edit of one field is a patch of one step instead of 48 KB, and
//! its answer a few steps instead of 120 KB.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// One step down into a JSON value: an object's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(untagged)]
pub enum PathStep {
    Index(usize),
    Key(String),
}

/// One change, at `path` from the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PatchOp {
    /// The value at `path` becomes `value`; an index one past an array's end appends.
    Set {
        path: Vec<PathStep>,
        #[ts(type = "unknown")]
        value: Value,
    },
    /// The object at `path` loses `key`.
    Remove { path: Vec<PathStep>, key: String },
    /// The array at `path` is cut to its first `len` items.
    Truncate { path: Vec<PathStep>, len: usize },
}

/// A patch that does not fit the value it is applied to.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the patch does not fit the value at {}", show(.path))]
pub struct PatchError {
    pub path: Vec<PathStep>,
}

fn show(path: &[PathStep]) -> String {
    if path.is_empty() {
        return "the root".into();
    }
    path.iter()
        .map(|s| match s {
            PathStep::Index(i) => format!("[{i}]"),
            PathStep::Key(k) => format!(".{k}"),
        })
        .collect()
}

/// The patch that turns `before` into `after`: nothing where they are equal, and each
/// differing scalar, new key or new item set where it differs.
pub fn diff(before: &Value, after: &Value) -> Vec<PatchOp> {
    let mut ops = Vec::new();
    diff_into(before, after, &mut Vec::new(), &mut ops);
    ops
}

fn diff_into(before: &Value, after: &Value, path: &mut Vec<PathStep>, ops: &mut Vec<PatchOp>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            for (key, value) in a {
                path.push(PathStep::Key(key.clone()));
                match b.get(key) {
                    Some(old) => diff_into(old, value, path, ops),
                    None => ops.push(PatchOp::Set {
                        path: path.clone(),
                        value: value.clone(),
                    }),
                }
                path.pop();
            }
            for key in b.keys().filter(|k| !a.contains_key(*k)) {
                ops.push(PatchOp::Remove {
                    path: path.clone(),
                    key: key.clone(),
                });
            }
        }
        (Value::Array(b), Value::Array(a)) => {
            for (i, value) in a.iter().enumerate() {
                path.push(PathStep::Index(i));
                match b.get(i) {
                    Some(old) => diff_into(old, value, path, ops),
                    None => ops.push(PatchOp::Set {
                        path: path.clone(),
                        value: value.clone(),
                    }),
                }
                path.pop();
            }
            if a.len() < b.len() {
                ops.push(PatchOp::Truncate {
                    path: path.clone(),
                    len: a.len(),
                });
            }
        }
        _ if same(before, after) => {}
        _ => ops.push(PatchOp::Set {
            path: path.clone(),
            value: after.clone(),
        }),
    }
}

/// Equal as the front end reads them: `==` takes -0 and 0 for one number, but they print
/// apart ("-0"), so a change between them is a change.
fn same(a: &Value, b: &Value) -> bool {
    let sign = |n: &serde_json::Number| n.as_f64().map(f64::is_sign_negative);
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y && sign(x) == sign(y),
        _ => a == b,
    }
}

/// Applies `ops` to `value` in order. On an error `value` may be partly patched: the
/// caller starts again from a whole value.
pub fn apply(value: &mut Value, ops: Vec<PatchOp>) -> Result<(), PatchError> {
    for op in ops {
        match op {
            PatchOp::Set { path, value: new } => match path.split_last() {
                None => *value = new,
                Some((last, parent)) => {
                    let misfit = || PatchError { path: path.clone() };
                    match (walk(value, parent).ok_or_else(misfit)?, last) {
                        (Value::Object(map), PathStep::Key(k)) => {
                            map.insert(k.clone(), new);
                        }
                        (Value::Array(items), PathStep::Index(i)) if *i < items.len() => {
                            items[*i] = new
                        }
                        (Value::Array(items), PathStep::Index(i)) if *i == items.len() => {
                            items.push(new)
                        }
                        _ => return Err(misfit()),
                    }
                }
            },
            PatchOp::Remove { path, key } => match walk(value, &path) {
                // (shift_remove keeps the other keys in order: the maps preserve it.)
                Some(Value::Object(map)) => {
                    map.shift_remove(&key);
                }
                _ => return Err(PatchError { path }),
            },
            PatchOp::Truncate { path, len } => match walk(value, &path) {
                Some(Value::Array(items)) if len <= items.len() => items.truncate(len),
                _ => return Err(PatchError { path }),
            },
        }
    }
    Ok(())
}

fn walk<'v>(mut value: &'v mut Value, path: &[PathStep]) -> Option<&'v mut Value> {
    for step in path {
        value = match (value, step) {
            (Value::Object(map), PathStep::Key(k)) => map.get_mut(k)?,
            (Value::Array(items), PathStep::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equal_values_need_no_patch() {
        let v = json!({"a": [1, {"b": null}], "c": "x"});
        assert!(diff(&v, &v.clone()).is_empty());
    }

    #[test]
    fn a_negative_zero_becoming_zero_is_a_change() {
        // `==` holds them equal; the front end would keep printing "-0".
        let (before, after) = (json!({"cost": -0.0}), json!({"cost": 0.0}));
        let ops = diff(&before, &after);
        assert_eq!(ops.len(), 1, "{ops:?}");
        let mut patched = before;
        apply(&mut patched, ops).unwrap();
        assert!(!patched["cost"].as_f64().unwrap().is_sign_negative());
        assert!(diff(&after, &json!({"cost": 0.0})).is_empty());
    }

    #[test]
    fn one_changed_field_is_one_step() {
        let before = json!({"components": [{"name": "a", "replicas": 2}, {"name": "b"}]});
        let after = json!({"components": [{"name": "a", "replicas": 3}, {"name": "b"}]});
        let ops = diff(&before, &after);
        assert_eq!(
            ops,
            vec![PatchOp::Set {
                path: vec![
                    PathStep::Key("components".into()),
                    PathStep::Index(0),
                    PathStep::Key("replicas".into())
                ],
                value: json!(3)
            }]
        );
        let mut patched = before;
        apply(&mut patched, ops).unwrap();
        assert_eq!(patched, after);
    }

    #[test]
    fn keys_and_items_come_and_go() {
        let before = json!({"a": 1, "b": [1, 2, 3], "c": {"d": true}});
        let after = json!({"a": 1, "b": [1], "c": {"e": false}, "f": []});
        let mut patched = before.clone();
        apply(&mut patched, diff(&before, &after)).unwrap();
        assert_eq!(patched, after);
        let mut back = after.clone();
        apply(&mut back, diff(&after, &before)).unwrap();
        assert_eq!(back, before);
    }

    #[test]
    fn a_patch_from_null_is_the_whole_value() {
        let after = json!({"a": [1, 2]});
        assert_eq!(
            diff(&Value::Null, &after),
            vec![PatchOp::Set {
                path: vec![],
                value: after.clone()
            }]
        );
    }

    #[test]
    fn a_patch_that_does_not_fit_is_an_error_naming_where() {
        let mut v = json!({"a": [1]});
        let err = apply(
            &mut v,
            vec![PatchOp::Set {
                path: vec![PathStep::Key("a".into()), PathStep::Index(5)],
                value: json!(0),
            }],
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "the patch does not fit the value at .a[5]");
        let err = apply(
            &mut v,
            vec![PatchOp::Truncate {
                path: vec![PathStep::Key("b".into())],
                len: 0,
            }],
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "the patch does not fit the value at .b");
    }

    #[test]
    fn the_wire_format() {
        let op = PatchOp::Set {
            path: vec![PathStep::Key("components".into()), PathStep::Index(2)],
            value: json!({"name": "x"}),
        };
        assert_eq!(
            serde_json::to_value(&op).unwrap(),
            json!({"op": "set", "path": ["components", 2], "value": {"name": "x"}})
        );
        let back: PatchOp =
            serde_json::from_value(json!({"op": "truncate", "path": ["b"], "len": 1})).unwrap();
        assert_eq!(
            back,
            PatchOp::Truncate {
                path: vec![PathStep::Key("b".into())],
                len: 1
            }
        );
    }
}
