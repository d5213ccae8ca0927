import { describe, expect, it } from 'vitest';

import { fitViewport } from './EditorCanvas';

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
