// What the planner section holds: the last plan of each project, kept while the panel
// is hidden (the dock unmounts it), and whether it is still of the model as it stands.

import type { CommandError } from '../../bindings/CommandError';
import type { PlanProposal } from '../../bindings/PlanProposal';
import type { Spec } from '../../bindings/Spec';

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

const remembered = new Map<number, PlanState>();
const runs = new Map<number, number>();
const listeners = new Set<() => void>();

const IDLE: PlanState = { status: 'idle' };

/** The project's plan: the same object until it changes (a store snapshot). */
export function rememberedPlan(project: number): PlanState {
  return remembered.get(project) ?? IDLE;
}

/** Keeps `state` as `project`'s plan and tells every panel showing it. */
export function rememberPlan(project: number, state: PlanState): void {
  remembered.set(project, state);
  for (const l of listeners) l();
}

/** Calls `listener` whenever a plan is remembered; returns the unsubscribe. */
export function onPlan(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** A new run for `project`; `isLatest(run)` stays true until the next one starts. */
export function startRun(project: number): number {
  const run = (runs.get(project) ?? 0) + 1;
  runs.set(project, run);
  return run;
}

export function isLatest(project: number, run: number): boolean {
  return runs.get(project) === run;
}

/** Forgets every remembered plan (for tests). */
export function forgetPlans(): void {
  remembered.clear();
  runs.clear();
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
