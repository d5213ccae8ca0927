//! The search: the lowest-cost set of changes that meets every target.
//!
//! A plan is a list of design changes; sizing (see `sizing`) then gives every pool the
//! fewest replicas the ceiling, N-1 and zone loss allow, so the search only chooses
//! among designs. It is a beam search by cost-effectiveness: each round, every plan in
//! the beam is extended by each candidate aimed at what it still misses, each extension
//! is re-analysed, and the best `beam_width` by gap closed per dollar a month go on
//! (changes that close gap at no cost first; a change that closes none is kept only
//! when it saves money). A plan that meets every target bounds the rest: nothing that
//! costs as much is extended further. Then a pruning pass drops every change the best
//! plan does not need, and a tightening pass lowers explicit replica counts while the
//! targets hold. Every analysis counts against `max_evaluations`.

use std::collections::HashSet;

use super::candidates::candidates;
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

fn better(a: &Evaluated, b: &Evaluated) -> bool {
    (a.gap, a.cost) < (b.gap - 1e-9, b.cost)
        || (a.gap - b.gap).abs() <= 1e-9 && a.cost < b.cost - 0.005
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
    if root.ev.meets_all() {
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
            if child.ev.meets_all() {
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
    prune(original, opts, &mut budget, &mut best)?;
    tighten(original, opts, &mut budget, &mut best)?;
    Ok(Searched {
        best,
        evaluations: budget.used,
        evaluation_bound: budget.max,
        stopped_at_bound,
    })
}

/// Drops each change the plan does not need (latest first): the plan without it misses
/// no more and costs no more. A cut (capacity taken away to meet the budget) is dropped
/// whenever the plan meets as much without it: capacity the user chose is taken only
/// as far as the budget needs.
fn prune(
    original: &Spec,
    opts: &PlanOptions,
    budget: &mut Budget,
    best: &mut Node,
) -> Result<(), PlanError> {
    let mut i = best.changes.len();
    while i > 0 {
        i -= 1;
        if budget.used >= budget.max + opts.polish_evaluations {
            break;
        }
        let mut changes = best.changes.clone();
        changes.remove(i);
        let Ok(ev) = evaluate(original, &changes, opts, budget) else {
            continue;
        };
        if ev.gap <= best.ev.gap + 1e-9
            && (ev.cost <= best.ev.cost + 0.005 || best.changes[i].is_cut())
        {
            best.changes = changes;
            best.whys.remove(i);
            best.ev = ev;
        }
    }
    Ok(())
}

/// Lowers each explicit scale-out by one replica at a time while the plan misses no
/// more and costs less (sizing puts back what the ceiling needs).
fn tighten(
    original: &Spec,
    opts: &PlanOptions,
    budget: &mut Budget,
    best: &mut Node,
) -> Result<(), PlanError> {
    for i in 0..best.changes.len() {
        for _ in 0..4 {
            if budget.used >= budget.max + opts.polish_evaluations {
                return Ok(());
            }
            let lower = match &best.changes[i] {
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
                _ => break,
            };
            let mut changes = best.changes.clone();
            changes[i] = lower;
            let Ok(ev) = evaluate(original, &changes, opts, budget) else {
                break;
            };
            if better(&ev, &best.ev)
                || (ev.gap <= best.ev.gap + 1e-9 && ev.cost < best.ev.cost - 0.005)
            {
                best.changes = changes;
                best.ev = ev;
            } else {
                break;
            }
        }
    }
    Ok(())
}
