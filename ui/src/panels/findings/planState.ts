// What the planner section holds: the last plan of each project, kept while the panel
// is hidden (the dock unmounts it), and whether it is still of the model as it stands.

import type { CommandError } from '../../bindings/CommandError';
import type { PlanProposal } from '../../bindings/PlanProposal';
import type { Spec } from '../../bindings/Spec';
import { projectStore } from '../projectStore';

export type PlanState =
  | { status: 'idle' }
  | { status: 'running'; from: Spec }
  | { status: 'failed'; from: Spec; error: CommandError }
  | {
      status: 'done';
      /** The model the plan was made of: applying it to any other would be wrong. */
      from: Spec;
      proposal: PlanProposal;
      /** The last edit applied from this plan, to say so while the model is that edit. */
      applied: { label: string; spec: Spec } | null;
    };

const IDLE: PlanState = { status: 'idle' };

/** Each project's plan. */
export const plans = projectStore<PlanState>(IDLE);
/** Each project's newest run: only its answer is taken. */
const latestRun = projectStore<number>(0);

/** A new run for `project`; `isLatest(run)` stays true until the next one starts. */
export function startRun(project: number): number {
  latestRun.update(project, (run) => run + 1);
  return latestRun.get(project);
}

export function isLatest(project: number, run: number): boolean {
  return latestRun.get(project) === run;
}

/** Forgets every plan and run (for tests). */
export function forgetPlans(): void {
  plans.reset();
  latestRun.reset();
}

/**
 * Whether two models are the same: the same object (an undo brings the very object
 * back), or equal as data (a field absent and one set to undefined are the same).
 */
export function sameModel(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameModel(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) if (!sameModel(x[k], y[k])) return false;
  return true;
}
