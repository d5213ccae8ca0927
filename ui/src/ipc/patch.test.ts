import { describe, expect, it } from 'vitest';

import { applyPatch, diff, PatchMisfit } from './patch';

/** A small seeded generator (mulberry32), so a failure names a case that comes back. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function jsonValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth >= 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2:
      return Math.floor(next() * 10) - 5;
    case 3:
      return next() * 1000;
    case 4:
      return ['', 'a', 'b', 'ab'][Math.floor(next() * 4)];
    case 5:
      return Array.from({ length: Math.floor(next() * 5) }, () => jsonValue(next, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(next() * 5) }, () => [
          'abcde'[Math.floor(next() * 5)],
          next() < 0.1 ? undefined : jsonValue(next, depth + 1),
        ]),
      );
  }
}

/** What JSON makes of a value (undefined keys gone). */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

describe('diff and applyPatch', () => {
  it('makes one step of one changed field and shares what it did not touch', () => {
    const a = { name: 'a', replicas: 2 };
    const b = { name: 'b' };
    const before = { name: 'shop', components: [a, b] };
    const after = { ...before, components: [{ ...a, replicas: 3 }, b] };
    const ops = diff(before, after);
    expect(ops).toEqual([{ op: 'set', path: ['components', 0, 'replicas'], value: 3 }]);
    const patched = applyPatch<typeof after>(before, ops);
    expect(patched).toEqual(after);
    expect(patched.components[1]).toBe(b);
    // The value patched is left as it was.
    expect(before.components[0]).toEqual({ name: 'a', replicas: 2 });
  });

  it('treats a key set to undefined as no key, as JSON does', () => {
    const before = { a: 1, b: 2 };
    expect(diff(before, { a: 1, b: undefined })).toEqual([{ op: 'remove', path: [], key: 'b' }]);
    expect(diff({ a: 1, b: undefined }, { a: 1 })).toEqual([]);
    expect(diff({ a: 1, b: undefined }, before)).toEqual([{ op: 'set', path: ['b'], value: 2 }]);
  });

  it('grows and cuts arrays, and replaces a value of another type whole', () => {
    expect(diff([1, 2, 3], [1])).toEqual([{ op: 'truncate', path: [], len: 1 }]);
    expect(diff([1], [1, { x: 1 }])).toEqual([{ op: 'set', path: [1], value: { x: 1 } }]);
    expect(diff(null, { a: [1] })).toEqual([{ op: 'set', path: [], value: { a: [1] } }]);
    expect(applyPatch(null, diff(null, { a: [1] }))).toEqual({ a: [1] });
  });

  it('refuses a patch that does not fit, naming where', () => {
    expect(() => applyPatch({ a: [1] }, [{ op: 'set', path: ['a', 5], value: 0 }])).toThrow(
      new PatchMisfit('the patch does not fit the value at .a[5]'),
    );
    expect(() => applyPatch({ a: 1 }, [{ op: 'remove', path: ['a'], key: 'x' }])).toThrow(PatchMisfit);
    expect(() => applyPatch({ a: [1] }, [{ op: 'truncate', path: ['a'], len: 2 }])).toThrow(PatchMisfit);
  });

  it('turns any value into any other, as JSON sees them (500 random pairs)', () => {
    const next = random(8);
    for (let i = 0; i < 500; i++) {
      const before = jsonValue(next);
      const after = jsonValue(next);
      const ops = diff(before, after);
      const start = asJson(before);
      const untouched = JSON.stringify(start);
      const patched = applyPatch(start, asJson(ops) as typeof ops);
      expect(patched, `case ${i}`).toEqual(asJson(after));
      expect(JSON.stringify(start), `case ${i}: the patched value is left alone`).toBe(untouched);
      if (JSON.stringify(before) === JSON.stringify(after)) expect(ops).toEqual([]);
    }
  });
});
