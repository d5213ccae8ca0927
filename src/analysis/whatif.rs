//! What-ifs: the model with one component changed (a replica lost, another replication
//! mode), re-evaluated at the same load. Only the component and its sync callers can
//! change, so only they are recomputed, into a scratch copy of the base evaluation that
//! is put back afterwards.
//!
//! A deep sync graph makes every component's callers many (a chain of n gives n²/2
//! recomputations over all its components), and a hub's recomputation walks all its
//! calls (a star of n gives n² over its leaves' what-ifs), so the what-ifs of one
//! analysis share a budget of work: each recomputed component costs one plus its sync
//! calls. Past the budget a what-if is not run and says so, rather than the analysis
//! slowing down without bound. A what-if's own bookkeeping is proportional to its
//! work, not to the model's size.

use super::latency::{evaluate_into, CallTree, Evaluation, Load};
use crate::spec::{Component, Spec};

/// Work per analysis, in recomputed components plus their calls: some milliseconds of
/// what-ifs (every what-if of a model of a hundred components fits many times over).
pub const BUDGET: usize = 20_000;

pub struct WhatIf<'a> {
    spec: &'a Spec,
    tree: &'a CallTree,
    load: &'a Load<'a>,
    base: &'a Evaluation,
    scratch: Evaluation,
    /// Per component, whether the current what-if recomputes it (false between runs).
    marked: Vec<bool>,
    budget_left: usize,
}

impl<'a> WhatIf<'a> {
    pub fn new(
        spec: &'a Spec,
        tree: &'a CallTree,
        load: &'a Load<'a>,
        base: &'a Evaluation,
    ) -> Self {
        WhatIf {
            spec,
            tree,
            load,
            base,
            scratch: base.clone(),
            marked: vec![false; spec.components.len()],
            budget_left: BUDGET,
        }
    }

    /// The load every what-if is evaluated at.
    pub fn load(&self) -> &'a Load<'a> {
        self.load
    }

    /// The arrival rate at a component (unchanged by any what-if).
    pub fn rate(&self, c: usize) -> crate::analysis::load::Visits {
        self.load.rates[c]
    }

    /// Evaluates the model with component `target` replaced by `changed` and hands the
    /// result to `read` (with the components that were recomputed), or `None` when the
    /// budget is spent.
    pub fn run<R>(
        &mut self,
        target: usize,
        changed: Component,
        read: impl FnOnce(&Evaluation, &[bool]) -> R,
    ) -> Option<R> {
        if self.budget_left == 0 {
            return None;
        }
        let only = self.tree.target_and_callers(target, &mut self.marked);
        let work: usize = only.iter().map(|&c| 1 + self.tree.calls_of(c)).sum();
        let out = if work > self.budget_left {
            self.budget_left = 0;
            None
        } else {
            self.budget_left -= work;
            evaluate_into(
                self.spec,
                self.tree,
                self.load,
                &[(target, changed)],
                Some(&only),
                &mut self.scratch,
            );
            let out = read(&self.scratch, &self.marked);
            self.scratch.restore(self.base, &self.tree.entries, &only);
            Some(out)
        };
        for &c in &only {
            self.marked[c] = false;
        }
        out
    }
}
