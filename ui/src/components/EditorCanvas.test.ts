import { describe, expect, it } from 'vitest';

import { shopSpec } from '../fixtures/shop';
import { dependencyIndexIn, fitViewport } from './EditorCanvas';

describe('fitViewport', () => {
  it('centres the nodes and zooms no further than 1.25', () => {
    // One 196 x 60 node in a 1000 x 600 pane: capped zoom, centred.
    const v = fitViewport([{ x: 0, y: 0 }], 1000, 600);
    expect(v.zoom).toBe(1.25);
    expect(v.x).toBeCloseTo((1000 - 196 * 1.25) / 2);
    expect(v.y).toBeCloseTo((600 - 60 * 1.25) / 2);
  });

  it('zooms out to fit a wide model with the padding', () => {
    const v = fitViewport([{ x: 0, y: 0 }, { x: 1804, y: 0 }], 1000, 600);
    // 2000 wide into 1000 x (1 - 0.24).
    expect(v.zoom).toBeCloseTo(0.38);
    expect(v.x).toBeCloseTo((1000 - 2000 * 0.38) / 2);
  });
});

describe('dependencyIndexIn', () => {
  it('finds a call of the model drawn in the present model, which an edit may have renumbered', () => {
    const drawn = shopSpec();
    // The present model lost its first call: every later one moved up by one.
    const present = { ...drawn, dependencies: drawn.dependencies.slice(1) };
    expect(dependencyIndexIn(present, drawn.dependencies[3])).toBe(2);
    // The call removed, or one past the end, is in the present model nowhere.
    expect(dependencyIndexIn(present, drawn.dependencies[0])).toBe(-1);
    expect(dependencyIndexIn(present, drawn.dependencies[99])).toBe(-1);
    // A call changed by the edit is a new object: not the one selected.
    const changed = { ...drawn, dependencies: drawn.dependencies.map((d, i) => (i === 1 ? { ...d, calls: 3 } : d)) };
    expect(dependencyIndexIn(changed, drawn.dependencies[1])).toBe(-1);
  });
});
