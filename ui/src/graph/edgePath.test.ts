import { describe, expect, it } from 'vitest';

import { LANE_GAP, dependencyPath, laneOffset, polylineMidpoint, routedPath } from './edgePath';

describe('dependencyPath', () => {
  it('runs from source to target with the label in the middle', () => {
    const g = dependencyPath(0, 0, 200, 100);
    expect(g.path.startsWith('M0,0 C')).toBe(true);
    expect(g.path.endsWith(' 200,100')).toBe(true);
    expect(g.labelX).toBeCloseTo(100);
    expect(g.labelY).toBeCloseTo(50);
  });

  it('bows parallel edges apart, symmetrically', () => {
    expect(laneOffset(0, 1)).toBe(0);
    expect(laneOffset(0, 2)).toBe(-LANE_GAP / 2);
    expect(laneOffset(1, 2)).toBe(LANE_GAP / 2);
    const a = dependencyPath(0, 0, 200, 0, 0, 2);
    const b = dependencyPath(0, 0, 200, 0, 1, 2);
    expect(a.labelY).toBeCloseTo(-LANE_GAP / 2);
    expect(b.labelY).toBeCloseTo(LANE_GAP / 2);
    expect(a.path).not.toBe(b.path);
  });

  it('gives only finite numbers, even for a backwards edge', () => {
    const g = dependencyPath(300, 40, 10, 10, 2, 3);
    expect(g.path).not.toMatch(/NaN|Infinity/);
    expect(Number.isFinite(g.labelX) && Number.isFinite(g.labelY)).toBe(true);
  });
});

describe('routedPath', () => {
  it('draws a straight route as one line, labelled at its middle', () => {
    const g = routedPath([
      { x: 0, y: 10 },
      { x: 100, y: 10 },
    ]);
    expect(g.path).toBe('M0,10 L100,10');
    expect([g.labelX, g.labelY]).toEqual([50, 10]);
  });

  it('rounds corners, never by more than half a segment', () => {
    const g = routedPath(
      [
        { x: 0, y: 0 },
        { x: 50, y: 0 },
        { x: 50, y: 6 },
        { x: 100, y: 6 },
      ],
      null,
      8,
    );
    // The 6px vertical segment allows 3px corners.
    expect(g.path).toBe('M0,0 L47,0 Q50,0 50,3 L50,3 Q50,6 53,6 L100,6');
  });

  it('uses the label position the layout chose', () => {
    const g = routedPath(
      [
        { x: 0, y: 0 },
        { x: 10, y: 0 },
      ],
      { x: 4, y: -9 },
    );
    expect([g.labelX, g.labelY]).toEqual([4, -9]);
  });

  it('ignores repeated points', () => {
    const g = routedPath([
      { x: 0, y: 0 },
      { x: 0, y: 0 },
      { x: 20, y: 0 },
      { x: 20, y: 0 },
    ]);
    expect(g.path).toBe('M0,0 L20,0');
  });
});

describe('polylineMidpoint', () => {
  it('is halfway by length', () => {
    expect(
      polylineMidpoint([
        { x: 0, y: 0 },
        { x: 10, y: 0 },
        { x: 10, y: 30 },
      ]),
    ).toEqual({ x: 10, y: 10 });
    expect(polylineMidpoint([{ x: 3, y: 4 }])).toEqual({ x: 3, y: 4 });
  });
});
