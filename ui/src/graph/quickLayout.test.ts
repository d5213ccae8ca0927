import { describe, expect, it } from 'vitest';

import { generatedSpec } from '../fixtures/generated';
import { NODE_HEIGHT, NODE_WIDTH } from './toFlow';
import { NODE_GAP, RANK_GAP, quickLayout } from './quickLayout';

const edgesOf = (pairs: string) =>
  pairs.split(' ').map((p) => {
    const [source, target] = p.split('>') as [string, string];
    return { source, target };
  });

const overlaps = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;

describe('quickLayout', () => {
  it('puts each node one rank right of its longest chain of callers', () => {
    // a -> b -> c and a -> c: c is two ranks right of a, not one.
    const p = quickLayout(['a', 'b', 'c'], edgesOf('a>b b>c a>c'));
    const step = NODE_WIDTH + RANK_GAP;
    expect([p.get('a')!.x, p.get('b')!.x, p.get('c')!.x]).toEqual([0, step, 2 * step]);
  });

  it('stacks a rank top to bottom and centres it on the tallest', () => {
    const p = quickLayout(['root', 'x', 'y', 'z', 'leaf'], edgesOf('root>x root>y root>z x>leaf'));
    const ys = ['x', 'y', 'z'].map((id) => p.get(id)!.y).sort((a, b) => a - b);
    expect(ys).toEqual([0, NODE_HEIGHT + NODE_GAP, 2 * (NODE_HEIGHT + NODE_GAP)]);
    // A rank of one sits level with the middle of the rank of three.
    expect(p.get('root')!.y).toBe(NODE_HEIGHT + NODE_GAP);
  });

  it('orders a rank by its callers, so parallel chains do not cross', () => {
    // Two chains given in crossed model order: a1 -> b2 -> ..., a2 -> b1.
    const p = quickLayout(['a1', 'a2', 'b1', 'b2'], edgesOf('a1>b2 a2>b1'));
    expect(p.get('b2')!.y < p.get('b1')!.y).toBe(p.get('a1')!.y < p.get('a2')!.y);
  });

  it('lays out cycles, self-loops and unknown ends without failing', () => {
    const p = quickLayout(['a', 'b', 'c'], edgesOf('a>b b>c c>a a>a a>ghost'));
    expect([...p.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(new Set([...p.values()].map((q) => q.x)).size).toBe(3);
  });

  it('places every component of the 300-component model apart, calls pointing right', () => {
    const spec = generatedSpec(300);
    const ids = spec.components.map((c) => c.name);
    const p = quickLayout(ids, spec.dependencies.map((d) => ({ source: d.from, target: d.to })));
    expect(p.size).toBe(300);
    expect(spec.dependencies.filter((d) => p.get(d.to)!.x <= p.get(d.from)!.x)).toEqual([]);
    const all = [...p.values()];
    let overlapping = 0;
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) if (overlaps(all[i]!, all[j]!)) overlapping++;
    }
    expect(overlapping).toBe(0);
  });

  it('handles nothing', () => {
    expect(quickLayout([], []).size).toBe(0);
  });
});
