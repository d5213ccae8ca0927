import { describe, expect, it } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { generatedSpec } from '../fixtures/generated';
import { QUICK_LAYOUT_ABOVE, carryPositions, openingLayout, placeNew } from './layoutModel';

const spec = (...names: string[]): Spec => ({
  version: 1,
  name: 'm',
  workload: { classes: [] },
  components: names.map((name) => ({ name, kind: 'service', service_time_ms: 1 })),
  dependencies: [],
});

describe('positions across edits', () => {
  it('keep a renamed component in place and drop a removed one', () => {
    const before = spec('a', 'b', 'c');
    const positions = { a: { x: 1, y: 1 }, b: { x: 2, y: 2 }, c: { x: 3, y: 3 } };
    expect(carryPositions(before, spec('a', 'bee', 'c'), positions)).toEqual({
      a: { x: 1, y: 1 },
      bee: { x: 2, y: 2 },
      c: { x: 3, y: 3 },
    });
    expect(carryPositions(before, spec('a', 'c'), positions)).toEqual({
      a: { x: 1, y: 1 },
      c: { x: 3, y: 3 },
    });
    expect(carryPositions(before, before, positions)).toBe(positions);
  });

  it('place a new component at the drop point, or right of the rest', () => {
    expect(placeNew({}, null, 0)).toEqual({ x: 40, y: 40 });
    expect(placeNew({ a: { x: 100, y: 50 } }, null, 1)).toEqual({ x: 360, y: 140 });
    // Centred on the drop point, or below whatever already sits there.
    expect(placeNew({}, { x: 200, y: 100 }, 0)).toEqual({ x: 102, y: 70 });
    expect(placeNew({ a: { x: 102, y: 70 } }, { x: 200, y: 100 }, 0)).toEqual({ x: 102, y: 160 });
  });
});

describe('the layout a model opens with', () => {
  it('is the quick layered one above the threshold: every component placed, no routes', async () => {
    const big = generatedSpec(QUICK_LAYOUT_ABOVE + 20);
    const laid = await openingLayout(big);
    expect(laid.routes.size).toBe(0);
    expect(Object.keys(laid.positions).sort()).toEqual(big.components.map((c) => c.name).sort());
    // lb calls svc-0: one rank to its right.
    expect(laid.positions['svc-0']!.x).toBeGreaterThan(laid.positions['lb']!.x);
  });

  it("is ELK's for a small model, with its routes", async () => {
    const small = generatedSpec(12);
    const laid = await openingLayout(small);
    expect(laid.routes.size).toBe(small.dependencies.length);
    expect(Object.keys(laid.positions)).toHaveLength(12);
  });
});
