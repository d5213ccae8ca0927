import { describe, expect, it } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { commit, redo, redoLabel, replace, start, undo, undoLabel, UNDO_LIMIT } from './history';

const spec = (name: string): Spec => ({
  version: 1,
  name,
  workload: { classes: [] },
  components: [],
  dependencies: [],
});
const snap = (name: string) => ({ spec: spec(name), positions: {} });

describe('history', () => {
  it('undoes and redoes edits in order, with their labels', () => {
    const a = snap('a');
    const b = snap('b');
    const c = snap('c');
    let h = commit(commit(start(a), b, 'to b'), c, 'to c');
    expect(h.present).toBe(c);
    expect(undoLabel(h)).toBe('to c');
    h = undo(h);
    expect(h.present).toBe(b);
    expect(redoLabel(h)).toBe('to c');
    h = undo(h);
    expect(h.present).toBe(a);
    expect(undoLabel(h)).toBeNull();
    expect(undo(h)).toBe(h);
    h = redo(redo(h));
    expect(h.present).toBe(c);
    expect(redo(h)).toBe(h);
  });

  it('drops the redo branch on a new edit', () => {
    let h = commit(start(snap('a')), snap('b'), 'to b');
    h = undo(h);
    const d = snap('d');
    h = commit(h, d, 'to d');
    expect(h.future).toHaveLength(0);
    expect(undo(h).present.spec.name).toBe('a');
  });

  it('ignores an edit that changes nothing, and a replace is no undo step', () => {
    const a = snap('a');
    const h = start(a);
    expect(commit(h, { spec: a.spec, positions: a.positions }, 'nothing')).toBe(h);
    const r = replace(h, snap('laid out'));
    expect(r.past).toHaveLength(0);
    expect(r.present.spec.name).toBe('laid out');
  });

  it(`keeps the last ${UNDO_LIMIT} steps`, () => {
    let h = start(snap('0'));
    for (let i = 1; i <= UNDO_LIMIT + 20; i++) h = commit(h, snap(String(i)), `step ${i}`);
    expect(h.past).toHaveLength(UNDO_LIMIT);
    while (h.past.length > 0) h = undo(h);
    expect(h.present.spec.name).toBe('20');
  });
});
