//! Entries: the places a visit can arrive at, one per operation of a component that
//! lists `operations` and one for a component that does not (what a layered queueing
//! network calls entries). A component is one station, its servers and queue shared
//! by its entries; an entry is what a visit asks of it, its service time and its calls.
//!
//! The load, latency and simulator all walk the call graph entry by entry, and look a
//! station's figures up by the entry's component.

use std::collections::HashMap;
use std::ops::Range;

use super::Spec;

#[derive(Debug, Clone, PartialEq)]
pub struct Entries {
    /// Per component: its first entry; then one past the last entry.
    first: Vec<usize>,
    /// Per entry: its component.
    component: Vec<usize>,
    /// Per dependency: the callee's entry its calls arrive at (None when the callee is
    /// not a component, which the validator reports).
    callee: Vec<Option<usize>>,
    /// Per dependency: the caller's entry that alone makes it (`from_operation`), or
    /// None when every entry of the caller does.
    made_by: Vec<Option<usize>>,
    /// Per class: the entry its requests arrive at.
    class_entry: Vec<Option<usize>>,
}

impl Entries {
    /// A reference to an operation the component does not list (which the validator
    /// reports) is taken as its first entry.
    pub fn new(spec: &Spec) -> Self {
        let mut first = Vec::with_capacity(spec.components.len() + 1);
        let mut component = Vec::with_capacity(spec.components.len());
        for (i, c) in spec.components.iter().enumerate() {
            first.push(component.len());
            let n = c.operations().len().max(1);
            component.extend(std::iter::repeat_n(i, n));
        }
        first.push(component.len());
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(spec.components.len());
        for (i, c) in spec.components.iter().enumerate() {
            index.entry(c.name.as_str()).or_insert(i);
        }
        let entry_of = |name: &str, operation: Option<&str>| -> Option<usize> {
            let c = *index.get(name)?;
            let within = operation
                .and_then(|o| spec.components[c].operation_index(o))
                .unwrap_or(0);
            Some(first[c] + within)
        };
        let callee = spec
            .dependencies
            .iter()
            .map(|d| entry_of(&d.to, d.operation.as_deref()))
            .collect();
        let made_by = spec
            .dependencies
            .iter()
            .map(|d| {
                let o = d.from_operation.as_deref()?;
                entry_of(&d.from, Some(o))
            })
            .collect();
        let class_entry = spec
            .workload
            .classes
            .iter()
            .map(|k| entry_of(&k.entry, k.operation.as_deref()))
            .collect();
        Entries {
            first,
            component,
            callee,
            made_by,
            class_entry,
        }
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.component.len()
    }

    pub fn is_empty(&self) -> bool {
        self.component.is_empty()
    }

    /// Component `c`'s entries.
    pub fn of(&self, c: usize) -> Range<usize> {
        self.first[c]..self.first[c + 1]
    }

    /// Component `c`'s first entry (its only one without operations).
    pub fn first_of(&self, c: usize) -> usize {
        self.first[c]
    }

    /// The component entry `e` belongs to.
    pub fn component(&self, e: usize) -> usize {
        self.component[e]
    }

    /// Entry `e`'s place among its component's `operations`, None when it lists none.
    pub fn operation(&self, e: usize, spec: &Spec) -> Option<usize> {
        let c = self.component[e];
        (!spec.components[c].operations().is_empty()).then(|| e - self.first[c])
    }

    /// The entry dependency `dep`'s calls arrive at.
    pub fn callee(&self, dep: usize) -> Option<usize> {
        self.callee.get(dep).copied().flatten()
    }

    /// Whether a visit to entry `e` (of the dependency's caller) makes dependency `dep`.
    pub fn makes(&self, dep: usize, e: usize) -> bool {
        self.made_by
            .get(dep)
            .copied()
            .flatten()
            .is_none_or(|m| m == e)
    }

    /// The entry class `k`'s requests arrive at.
    pub fn class_entry(&self, k: usize) -> Option<usize> {
        self.class_entry.get(k).copied().flatten()
    }
}
