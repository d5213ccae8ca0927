import { describe, expect, it } from 'vitest';

import { keepUnchanged, sameRecord } from './keepUnchanged';

const node = (id: string, x: number, utilization?: number) => ({
  id,
  position: { x, y: 0 },
  data: { name: id, load: utilization === undefined ? undefined : { utilization, heat: 'cool' } },
});

describe('sameRecord', () => {
  it('compares records key by key, nested records too', () => {
    expect(sameRecord({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'x' } })).toBe(true);
    expect(sameRecord({ a: 1, b: { c: 'x' } }, { a: 1, b: { c: 'y' } })).toBe(false);
    expect(sameRecord({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameRecord({ a: NaN }, { a: NaN })).toBe(true);
  });

  it('does not look into arrays (routes are compared by reference)', () => {
    const points = [{ x: 1, y: 2 }];
    expect(sameRecord({ p: points }, { p: points })).toBe(true);
    expect(sameRecord({ p: points }, { p: [{ x: 1, y: 2 }] })).toBe(false);
  });

  it('stops at its depth', () => {
    expect(sameRecord({ a: { b: { c: 1 } } }, { a: { b: { c: 1 } } }, 2)).toBe(false);
    expect(sameRecord({ a: { b: { c: 1 } } }, { a: { b: { c: 1 } } }, 3)).toBe(true);
  });
});

describe('keepUnchanged', () => {
  it('returns the previous array when nothing changed', () => {
    const prev = [node('a', 0, 0.5), node('b', 10)];
    const next = [node('a', 0, 0.5), node('b', 10)];
    expect(keepUnchanged(prev, next)).toBe(prev);
  });

  it('keeps the unchanged objects and takes the changed ones', () => {
    const prev = [node('a', 0, 0.5), node('b', 10, 0.2), node('c', 20)];
    const next = [node('a', 0, 0.5), node('b', 10, 0.3), node('c', 25)];
    const out = keepUnchanged(prev, next);
    expect(out).not.toBe(prev);
    expect(out[0]).toBe(prev[0]);
    expect(out[1]).toBe(next[1]);
    expect(out[2]).toBe(next[2]);
  });

  it('follows additions, removals and reordering', () => {
    const prev = [node('a', 0), node('b', 10)];
    const added = keepUnchanged(prev, [node('a', 0), node('b', 10), node('c', 0)]);
    expect(added.map((n) => n.id)).toEqual(['a', 'b', 'c']);
    expect(added[1]).toBe(prev[1]);
    const removed = keepUnchanged(prev, [node('b', 10)]);
    expect(removed).toEqual([prev[1]]);
    const swapped = keepUnchanged(prev, [node('b', 10), node('a', 0)]);
    expect(swapped).toEqual([prev[1], prev[0]]);
    expect(swapped).not.toBe(prev);
  });
});
