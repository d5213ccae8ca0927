//! The search: the lowest-cost set of changes that meets every target but the budget.
//!
//! The budget is a bound on the answer, not a goal: the search minimises the monthly
//! cost of what meets the other targets, and the plan then says whether that fits the
//! budget. So a bigger budget never gives a dearer plan.
//!
//! A plan is a list of design changes; sizing (see `sizing`) then gives every pool the
//! fewest replicas (and zones, standbys and partitions) the ceiling, N-1 and zone loss
//! allow, so the search only chooses among designs. It runs in two phases:
//! - *reach*: a beam search by cost-effectiveness. Each round, every plan in the beam
//!   is extended by each candidate aimed at what it still misses, each extension is
//!   re-analysed, and the best `beam_width` by gap closed per dollar a month go on. A
//!   plan that meets the targets bounds the rest: nothing that costs as much is
//!   extended further.
//! - *cheapen*: from the best plan, a descent to a local minimum of the cost: every
//!   change dropped, every explicit scale-out lowered by one, every cut, autoscaling
//!   and cheaper alternative to what sizing bought (`candidates::cheaper`) is tried,
//!   the first that keeps the targets and costs less is taken, until none does; a move
//!   that costs less but misses a target is tried with each candidate aimed at what it
//!   misses (a swap: a scale-up for a replica, say). A plan the descent finishes is a
//!   fixed point: planning it again finds nothing cheaper within the same moves.
//!
//! Every analysis counts against `max_evaluations`, and `polish_evaluations` more for
//! the descent; a search that runs out of either with moves untried says so
//! (`stopped_at_bound`).

use std::collections::HashSet;

use super::candidates::{candidates, cheaper};
use super::change::Change;
use super::eval::{evaluate, Budget, Evaluated};
use super::{PlanError, PlanOptions};
use crate::spec::Spec;

#[derive(Clone)]
pub struct Node {
    pub changes: Vec<Change>,
    /// Per change: the target it was aimed at.
    pub whys: Vec<String>,
    pub ev: Evaluated,
}

/// Adds `change` to a plan: a change to something already changed is merged into the
/// earlier change (one step per thing set).
fn extended(
    changes: &[Change],
    whys: &[String],
    change: &Change,
    why: &str,
) -> (Vec<Change>, Vec<String>) {
    let mut c = changes.to_vec();
    let mut w = whys.to_vec();
    if let Some(i) = c.iter().position(|x| x.key() == change.key()) {
        if let Some(m) = c[i].merge(change) {
            c[i] = m;
            if !w[i].contains(why) {
                w[i] = format!("{}; {why}", w[i]);
            }
            if c[i].is_noop() {
                c.remove(i);
                w.remove(i);
            }
            return (c, w);
        }
    }
    c.push(change.clone());
    w.push(why.to_string());
    (c, w)
}

fn key(changes: &[Change]) -> String {
    let mut parts: Vec<String> = changes.iter().map(|c| format!("{c:?}")).collect();
    parts.sort();
    parts.join("|")
}

/// How much better `child` is than `parent`, per dollar; `None` when it is no better.
fn score(parent: &Evaluated, child: &Evaluated) -> Option<f64> {
    let closed = parent.gap - child.gap;
    let extra = child.cost - parent.cost;
    if closed > 1e-9 {
        Some(closed / extra.max(1.0) + (-extra).max(0.0) * 1e-9)
    } else if closed > -1e-9 && extra < -0.005 {
        Some((-extra) * 1e-12)
    } else {
        None
    }
}

pub struct Searched {
    pub best: Node,
    pub evaluations: usize,
    pub evaluation_bound: usize,
    /// The search ran out of analyses with candidates left.
    pub stopped_at_bound: bool,
}

/// The analyses the search may run on `spec`: `max_evaluations`, fewer when the model
/// is so large that they would pass `max_component_analyses`.
pub fn evaluation_bound(spec: &Spec, opts: &PlanOptions) -> usize {
    let by_size = opts.max_component_analyses / spec.components.len().max(1);
    opts.max_evaluations.min(by_size.max(20)).max(1)
}

pub fn search(original: &Spec, opts: &PlanOptions) -> Result<Searched, PlanError> {
    let mut budget = Budget {
        used: 0,
        max: evaluation_bound(original, opts),
    };
    let mut stopped_at_bound = false;
    let root = Node {
        changes: Vec::new(),
        whys: Vec::new(),
        ev: evaluate(original, &[], opts, &mut budget)?,
    };
    let mut seen: HashSet<String> = HashSet::from([key(&[])]);
    let mut best_goal: Option<Node> = None;
    let mut best_any_changes = (Vec::new(), Vec::new());
    let mut best_any_score = (root.ev.gap, root.ev.cost);
    if root.ev.feasible() {
        best_goal = Some(root.clone());
    }
    let mut beam = vec![root];
    'rounds: for _ in 0..opts.max_changes {
        let mut children: Vec<(f64, Node)> = Vec::new();
        for node in &beam {
            for cand in candidates(&node.ev, &node.changes, opts) {
                let (changes, whys) = extended(&node.changes, &node.whys, &cand.change, &cand.why);
                if !seen.insert(key(&changes)) {
                    continue;
                }
                if budget.spent() {
                    stopped_at_bound = true;
                    break 'rounds;
                }
                // A change that leaves the model unanalysable is no candidate.
                let Ok(ev) = evaluate(original, &changes, opts, &mut budget) else {
                    continue;
                };
                let Some(s) = score(&node.ev, &ev) else {
                    continue;
                };
                if best_goal
                    .as_ref()
                    .is_some_and(|g| ev.cost >= g.ev.cost - 0.005)
                {
                    continue;
                }
                let child = Node { changes, whys, ev };
                if (child.ev.gap, child.ev.cost) < best_any_score {
                    best_any_score = (child.ev.gap, child.ev.cost);
                    best_any_changes = (child.changes.clone(), child.whys.clone());
                }
                children.push((s, child));
            }
        }
        if children.is_empty() {
            break;
        }
        children.sort_by(|a, b| b.0.total_cmp(&a.0));
        beam.clear();
        for (_, child) in children {
            if child.ev.feasible() {
                if best_goal.as_ref().is_none_or(|g| child.ev.cost < g.ev.cost) {
                    best_goal = Some(child);
                }
                continue;
            }
            if beam.len() < opts.beam_width {
                beam.push(child);
            }
        }
        // Goals are extended too, by what makes them cheaper.
        if let Some(g) = best_goal.as_ref() {
            if beam.len() < opts.beam_width {
                beam.push(g.clone());
            }
        }
        if beam.is_empty() {
            break;
        }
    }
    let mut best = match best_goal {
        Some(g) => g,
        None => {
            let (changes, whys) = best_any_changes;
            let ev = evaluate(original, &changes, opts, &mut budget)?;
            Node { changes, whys, ev }
        }
    };
    stopped_at_bound |= cheapen(original, opts, &mut budget, &mut best)?;
    Ok(Searched {
        best,
        evaluations: budget.used,
        evaluation_bound: budget.max,
        stopped_at_bound,
    })
}

/// The descent: takes the first move that keeps what `best` meets and costs less,
/// until no move does or the descent's analyses run out (then true).
fn cheapen(
    original: &Spec,
    opts: &PlanOptions,
    budget: &mut Budget,
    best: &mut Node,
) -> Result<bool, PlanError> {
    let limit = budget.max + opts.polish_evaluations;
    let mut tried: HashSet<String> = HashSet::new();
    'descent: loop {
        for (changes, whys) in moves(best, opts) {
            if !tried.insert(key(&changes)) {
                continue;
            }
            if budget.used >= limit {
                return Ok(true);
            }
            let Ok(ev) = evaluate(original, &changes, opts, budget) else {
                continue;
            };
            if ev.cost >= best.ev.cost - 0.005 {
                continue;
            }
            if ev.gap <= best.ev.gap + 1e-9 {
                *best = Node { changes, whys, ev };
                continue 'descent;
            }
            // Cheaper but missing something: one change aimed at what it misses may
            // bring it back for less (a scale-up swapped for a replica, say).
            for cand in candidates(&ev, &changes, opts) {
                let (changes, whys) = extended(&changes, &whys, &cand.change, &cand.why);
                if !tried.insert(key(&changes)) {
                    continue;
                }
                if budget.used >= limit {
                    return Ok(true);
                }
                let Ok(repaired) = evaluate(original, &changes, opts, budget) else {
                    continue;
                };
                if repaired.gap <= best.ev.gap + 1e-9 && repaired.cost < best.ev.cost - 0.005 {
                    *best = Node {
                        changes,
                        whys,
                        ev: repaired,
                    };
                    continue 'descent;
                }
            }
        }
        return Ok(false);
    }
}

/// The plans one move from `best` that may cost less: one change dropped (latest
/// first), one explicit scale-out lowered by one replica, or one cheaper change added.
fn moves(best: &Node, opts: &PlanOptions) -> Vec<(Vec<Change>, Vec<String>)> {
    let mut out = Vec::new();
    for i in (0..best.changes.len()).rev() {
        let mut changes = best.changes.clone();
        let mut whys = best.whys.clone();
        changes.remove(i);
        whys.remove(i);
        out.push((changes, whys));
    }
    for (i, change) in best.changes.iter().enumerate() {
        let lower = match change {
            Change::Replicas {
                component,
                from,
                to,
            } if to > from && *to > 1 => Change::Replicas {
                component: component.clone(),
                from: *from,
                to: to - 1,
            },
            Change::ReadReplicas {
                component,
                from,
                to,
            } if to > from && *to > 1 => Change::ReadReplicas {
                component: component.clone(),
                from: *from,
                to: to - 1,
            },
            _ => continue,
        };
        let mut changes = best.changes.clone();
        changes[i] = lower;
        out.push((changes, best.whys.clone()));
    }
    for cand in cheaper(&best.ev, &best.changes, opts) {
        out.push(extended(&best.changes, &best.whys, &cand.change, &cand.why));
    }
    out
}
