//! Timeout budgets: the longest a visit can be kept busy below it when each sync call
//! it makes runs to its timeout on every attempt, and the calls whose caller gives up
//! before its callee's own retries can end (an inverted budget: the caller times out
//! and retries while the callee is still trying, so neither the answer nor the retry
//! plan is of use).
//!
//! The budget of an entry (a component, or one of its operations) is the sum over its
//! slots of the longest call in each (a `parallel` group's calls run at once), a call
//! being `⌈calls⌉ × (1 + retries) × timeout_ms`, or, without a timeout of its own, the
//! budget of the entry it calls (its own service time aside: the budget is a floor of
//! the worst case, not the worst case). An entry none of whose calls has a timeout
//! below it has no budget. Every class's calls count: a call that only some classes
//! make still bounds the entry.

use super::latency::CallTree;
use crate::spec::Spec;

/// Per entry (see `spec::entries`), the timeout budget below it, ms; None where
/// nothing below it has a timeout.
pub fn budgets(spec: &Spec, tree: &CallTree) -> Vec<Option<f64>> {
    let entries = &tree.entries;
    let mut budget: Vec<Option<f64>> = vec![None; entries.len()];
    // Callees before callers: a single pass (sync calls form a DAG).
    for &c in &tree.bottom_up {
        for e in entries.of(c) {
            let mut total: Option<f64> = None;
            for slot in tree.slots_of(c) {
                let longest = slot
                    .iter()
                    .filter(|call| entries.makes(call.dep, e))
                    .filter_map(|call| {
                        let d = &spec.dependencies[call.dep];
                        let one = d.timeout_ms.or(budget[call.callee_entry])?;
                        let attempts = f64::from(d.retries_or_default()) + 1.0;
                        Some(d.calls_or_default().ceil() * attempts * one)
                    })
                    .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
                if let Some(l) = longest {
                    total = Some(total.unwrap_or(0.0) + l);
                }
            }
            budget[e] = total;
        }
    }
    budget
}

/// A sync call whose timeout is shorter than its callee's timeout budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Inverted {
    /// The dependency (spec index).
    pub dep: usize,
    pub timeout_ms: f64,
    /// The callee's budget (its operation's, where it has operations).
    pub budget_ms: f64,
}

/// Every sync call with a timeout shorter than what its callee's own calls may take.
pub fn inverted(spec: &Spec, tree: &CallTree) -> Vec<Inverted> {
    let budget = budgets(spec, tree);
    let mut out: Vec<Inverted> = (0..spec.components.len())
        .flat_map(|c| tree.slots_of(c).iter().flatten())
        .filter_map(|call| {
            let d = &spec.dependencies[call.dep];
            let timeout_ms = d.timeout_ms?;
            let budget_ms = budget[call.callee_entry]?;
            (timeout_ms < budget_ms).then_some(Inverted {
                dep: call.dep,
                timeout_ms,
                budget_ms,
            })
        })
        .collect();
    out.sort_by_key(|i| i.dep);
    out
}
