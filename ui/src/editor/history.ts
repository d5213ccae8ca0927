// Undo and redo: every edit replaces the present with a new snapshot and pushes the old
// one on the past. Snapshots are immutable, so a step costs one reference, not a copy.

import type { Spec } from '../bindings/Spec';
import type { XY } from '../graph/toFlow';

/** Where each component sits on the canvas, by name (not part of the spec file). */
export type Positions = Readonly<Record<string, XY>>;

export interface Snapshot {
  readonly spec: Spec;
  readonly positions: Positions;
}

export interface History {
  readonly past: readonly Entry[];
  readonly present: Snapshot;
  readonly future: readonly Entry[];
}

/** A snapshot with the label of the edit that left it ("Add service-1"). */
interface Entry {
  readonly snapshot: Snapshot;
  readonly label: string;
}

/** How many edits undo reaches back. */
export const UNDO_LIMIT = 500;

export function start(present: Snapshot): History {
  return { past: [], present, future: [] };
}

/** Applies an edit: the present goes on the past (labelled), the redo branch is dropped. */
export function commit(h: History, next: Snapshot, label: string): History {
  if (next.spec === h.present.spec && next.positions === h.present.positions) return h;
  const past = [...h.past, { snapshot: h.present, label }];
  return { past: past.slice(-UNDO_LIMIT), present: next, future: [] };
}

/** Replaces the present without an undo step (e.g. a layout computed on open). */
export function replace(h: History, next: Snapshot): History {
  return { ...h, present: next };
}

export function undo(h: History): History {
  const last = h.past[h.past.length - 1];
  if (!last) return h;
  return {
    past: h.past.slice(0, -1),
    present: last.snapshot,
    future: [{ snapshot: h.present, label: last.label }, ...h.future],
  };
}

export function redo(h: History): History {
  const [next, ...rest] = h.future;
  if (!next) return h;
  return {
    past: [...h.past, { snapshot: h.present, label: next.label }],
    present: next.snapshot,
    future: rest,
  };
}

/** What Undo would undo ("Undo Add service-1"), or null. */
export function undoLabel(h: History): string | null {
  return h.past[h.past.length - 1]?.label ?? null;
}

export function redoLabel(h: History): string | null {
  return h.future[0]?.label ?? null;
}
