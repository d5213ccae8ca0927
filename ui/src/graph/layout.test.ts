import { describe, expect, it, vi } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { shopSpec } from '../fixtures/shop';
import { layoutFlow } from './layout';
import { NODE_HEIGHT, NODE_WIDTH, specToFlow } from './toFlow';

function chain(names: string[], extra: [string, string, 'sync' | 'async'][] = []): Spec {
  return {
    version: 1,
    name: 'chain',
    targets: {},
    practices: {},
    workload: { classes: [] },
    components: names.map((name) => ({ name, kind: 'service' })),
    dependencies: [
      ...names.slice(1).map((to, i) => ({ from: names[i] ?? '', to })),
      ...extra.map(([from, to, mode]) => ({ from, to, mode })),
    ],
  };
}

async function positions(spec: Spec) {
  const flow = specToFlow(spec);
  const { nodes } = await layoutFlow(flow.nodes, flow.edges);
  return new Map(nodes.map((n) => [n.id, n.position]));
}

function overlap(a: { x: number; y: number }, b: { x: number; y: number }): boolean {
  return Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;
}

// ELK's first run in a process is slow on a busy machine.
vi.setConfig({ testTimeout: 30_000 });

describe('layoutFlow', () => {
  it('places every shop component at a finite, distinct, non-overlapping position', async () => {
    const pos = await positions(shopSpec());
    expect(pos.size).toBe(9);
    const all = [...pos.values()];
    for (const p of all) {
      expect(Number.isFinite(p.x)).toBe(true);
      expect(Number.isFinite(p.y)).toBe(true);
    }
    expect(new Set(all.map((p) => `${p.x},${p.y}`)).size).toBe(9);
    for (let i = 0; i < all.length; i++) {
      for (let j = i + 1; j < all.length; j++) {
        expect(overlap(all[i]!, all[j]!)).toBe(false);
      }
    }
  });

  it('flows left to right: a -> b -> c', async () => {
    const pos = await positions(chain(['a', 'b', 'c']));
    const [a, b, c] = ['a', 'b', 'c'].map((id) => pos.get(id)!);
    expect(a!.x).toBeLessThan(b!.x);
    expect(b!.x).toBeLessThan(c!.x);
  });

  it('keeps the shop flowing from the CDN to the stores', async () => {
    const pos = await positions(shopSpec());
    const x = (id: string) => pos.get(id)!.x;
    expect(x('cdn')).toBeLessThan(x('gateway'));
    expect(x('gateway')).toBeLessThan(x('api'));
    expect(x('api')).toBeLessThan(x('session-cache'));
    expect(x('session-cache')).toBeLessThan(x('orders-db'));
    expect(x('order-events')).toBeLessThan(x('fulfilment'));
    expect(x('fulfilment')).toBeLessThan(x('notify'));
  });

  it('is deterministic', async () => {
    const first = await positions(shopSpec());
    const second = await positions(shopSpec());
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  it('survives a cycle through an async edge', async () => {
    const pos = await positions(chain(['a', 'b', 'c'], [['c', 'a', 'async']]));
    expect(pos.size).toBe(3);
    for (const p of pos.values()) expect(Number.isFinite(p.x + p.y)).toBe(true);
  });

  it('lays out nothing as nothing, and does not modify its input', async () => {
    expect(await layoutFlow([], [])).toEqual({ nodes: [], edges: [] });
    const flow = specToFlow(chain(['a', 'b']));
    const before = JSON.stringify(flow);
    await layoutFlow(flow.nodes, flow.edges);
    expect(JSON.stringify(flow)).toBe(before);
  });
});

describe('layoutFlow edge routes', () => {
  it('routes every shop dependency from its source to its target, orthogonally', async () => {
    const flow = specToFlow(shopSpec());
    const { nodes, edges } = await layoutFlow(flow.nodes, flow.edges);
    const at = new Map(nodes.map((n) => [n.id, n.position]));
    expect(edges.map((e) => e.id)).toEqual(flow.edges.map((e) => e.id));
    for (const e of edges) {
      const route = e.data?.route;
      expect(route, e.id).toBeDefined();
      const points = route!.points;
      const first = points[0]!;
      const last = points[points.length - 1]!;
      const s = at.get(e.source)!;
      const t = at.get(e.target)!;
      // Leaves the source on its right side, enters the target on its left side.
      expect(first.x).toBeCloseTo(s.x + NODE_WIDTH);
      expect(first.y).toBeGreaterThanOrEqual(s.y);
      expect(first.y).toBeLessThanOrEqual(s.y + NODE_HEIGHT);
      expect(last.x).toBeCloseTo(t.x);
      expect(last.y).toBeGreaterThanOrEqual(t.y);
      expect(last.y).toBeLessThanOrEqual(t.y + NODE_HEIGHT);
      for (let i = 1; i < points.length; i++) {
        const a = points[i - 1]!;
        const b = points[i]!;
        expect(Math.abs(a.x - b.x) < 0.01 || Math.abs(a.y - b.y) < 0.01).toBe(true);
      }
      expect(route!.sourceAt).toEqual(s);
      expect(route!.targetAt).toEqual(t);
    }
  });

  it('keeps the two api -> orders-db calls apart, each with its label placed', async () => {
    const flow = specToFlow(shopSpec());
    const { edges } = await layoutFlow(flow.nodes, flow.edges);
    const both = edges.filter((e) => e.source === 'api' && e.target === 'orders-db');
    expect(both).toHaveLength(2);
    const [a, b] = both.map((e) => e.data!.route!);
    expect(a!.points[0]!.y).not.toBe(b!.points[0]!.y);
    expect(a!.label).not.toBeNull();
    expect(b!.label).not.toBeNull();
    expect(a!.label).not.toEqual(b!.label);
    // An edge without a label gets no label position.
    expect(edges[0]!.data!.route!.label).toBeNull();
  });

  it('leaves edges to unknown nodes and self-loops unrouted', async () => {
    const flow = specToFlow(chain(['a', 'b']));
    const loop = { ...flow.edges[0]!, id: 'loop', source: 'a', target: 'a' };
    const ghost = { ...flow.edges[0]!, id: 'ghost', source: 'a', target: 'ghost' };
    const { edges } = await layoutFlow(flow.nodes, [...flow.edges, loop, ghost]);
    expect(edges.map((e) => [e.id, e.data?.route !== undefined])).toEqual([
      ['e0-a-b', true],
      ['loop', false],
      ['ghost', false],
    ]);
  });
});
