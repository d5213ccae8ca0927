import { describe, expect, it } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { shopSpec } from '../fixtures/shop';
import { NODE_HEIGHT, NODE_WIDTH, dependencyLabel, specToFlow } from './toFlow';

const SHOP_COMPONENTS = [
  ['cdn', 'cdn'],
  ['gateway', 'load_balancer'],
  ['api', 'service'],
  ['session-cache', 'cache'],
  ['orders-db', 'database'],
  ['order-events', 'queue'],
  ['fulfilment', 'worker'],
  ['notify', 'function'],
  ['payments', 'external'],
];

function tiny(components: [string, string][], deps: [string, string][]): Spec {
  return {
    version: 1,
    name: 'tiny',
    targets: {},
    practices: {},
    workload: { classes: [] },
    components: components.map(([name, kind]) => ({ name, kind: kind as 'service' })),
    dependencies: deps.map(([from, to]) => ({ from, to })),
  };
}

describe('specToFlow on the shop', () => {
  const flow = specToFlow(shopSpec());

  it('makes one node per component, id and label its name, with its kind', () => {
    expect(flow.nodes.map((n) => [n.id, n.data.kind])).toEqual(SHOP_COMPONENTS);
    for (const n of flow.nodes) {
      expect(n.data.name).toBe(n.id);
      expect(n.type).toBe('component');
      expect(n.width).toBe(NODE_WIDTH);
      expect(n.height).toBe(NODE_HEIGHT);
    }
  });

  it('gives every node its handles up front: calls leave the right edge, arrive at the left, at mid-height', () => {
    for (const n of flow.nodes) {
      const centre = (type: 'source' | 'target') => {
        const h = n.handles?.find((x) => x.type === type);
        expect(h).toBeDefined();
        return { x: h!.x + (h!.width ?? 0) / 2, y: h!.y + (h!.height ?? 0) / 2 };
      };
      expect(centre('source')).toEqual({ x: NODE_WIDTH, y: NODE_HEIGHT / 2 });
      expect(centre('target')).toEqual({ x: 0, y: NODE_HEIGHT / 2 });
    }
  });

  it('makes one edge per dependency, with unique stable ids', () => {
    expect(flow.edges).toHaveLength(10);
    expect(flow.dangling).toEqual([]);
    expect(new Set(flow.edges.map((e) => e.id)).size).toBe(10);
    expect(flow.edges.map((e) => [e.source, e.target])).toEqual(
      shopSpec().dependencies.map((d) => [d.from, d.to]),
    );
    expect(specToFlow(shopSpec()).edges.map((e) => e.id)).toEqual(flow.edges.map((e) => e.id));
    expect(flow.edges[0]?.id).toBe('e0-cdn-gateway');
  });

  it('marks the async dependencies, and only them', () => {
    const async = flow.edges.filter((e) => e.data?.mode === 'async');
    expect(async.map((e) => [e.source, e.target])).toEqual([
      ['api', 'order-events'],
      ['order-events', 'fulfilment'],
    ]);
    for (const e of flow.edges) {
      expect(e.className).toBe(e.data?.mode === 'async' ? 'edge-async' : 'edge-sync');
    }
  });

  it('puts the two api -> orders-db calls in separate lanes', () => {
    const both = flow.edges.filter((e) => e.source === 'api' && e.target === 'orders-db');
    expect(both.map((e) => [e.data?.lane, e.data?.lanes])).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(both.map((e) => e.data?.label)).toEqual(['read ×2', 'write']);
    expect(both.map((e) => e.data?.calls)).toEqual([2, 1]);
  });

  it('describes components on their second line', () => {
    const detail = Object.fromEntries(flow.nodes.map((n) => [n.id, n.data.detail]));
    expect(detail['orders-db']).toBe('postgres');
    expect(detail['api']).toBe('×4');
    expect(detail['order-events']).toBe('kafka · 6 partitions');
    expect(detail['cdn']).toBe('80% hits');
  });
});

describe('specToFlow edge cases', () => {
  it('leaves out dependencies on components that do not exist', () => {
    const flow = specToFlow(
      tiny(
        [
          ['a', 'service'],
          ['b', 'database'],
        ],
        [
          ['a', 'b'],
          ['a', 'ghost'],
        ],
      ),
    );
    expect(flow.edges.map((e) => e.id)).toEqual(['e0-a-b']);
    expect(flow.dangling).toEqual([{ from: 'a', to: 'ghost' }]);
  });

  it('keeps node ids unique when a name repeats', () => {
    const flow = specToFlow(
      tiny(
        [
          ['a', 'service'],
          ['a', 'worker'],
        ],
        [],
      ),
    );
    expect(flow.nodes.map((n) => n.id)).toEqual(['a', 'a#2']);
    expect(flow.nodes.map((n) => n.data.name)).toEqual(['a', 'a']);
  });

  it('handles an empty spec', () => {
    expect(specToFlow(tiny([], []))).toEqual({ nodes: [], edges: [], dangling: [] });
  });
});

describe('dependencyLabel', () => {
  it('shows the op and calls other than 1', () => {
    expect(dependencyLabel({ from: 'a', to: 'b' })).toBe('');
    expect(dependencyLabel({ from: 'a', to: 'b', calls: 1 })).toBe('');
    expect(dependencyLabel({ from: 'a', to: 'b', calls: 0.3 })).toBe('×0.3');
    expect(dependencyLabel({ from: 'a', to: 'b', op: 'read', calls: 3 })).toBe('read ×3');
  });
});
