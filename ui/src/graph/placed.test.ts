import { describe, expect, it } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { shopSpec } from '../fixtures/shop';
import { placeEdges, placeNodes } from './placed';
import { specToFlow, type DependencyEdge, type NodeLoad } from './toFlow';

const SIZE = { width: 196, height: 60 };
const load = (utilization: number): NodeLoad => ({
  arrivalRps: 100,
  utilization,
  p99Ms: 12,
  servers: 2,
  heat: 'cool',
  bottleneck: false,
  stale: false,
});

function setup() {
  const spec = shopSpec();
  const flow = specToFlow(spec);
  const positions = Object.fromEntries(spec.components.map((c, i) => [c.name, { x: i * 300, y: 0 }]));
  const loads = new Map(spec.components.map((c) => [c.name, load(0.5)]));
  const nodes = placeNodes([], flow.nodes, positions, loads, SIZE);
  return { spec, flow, positions, loads, nodes };
}

describe('placeNodes', () => {
  it('puts each node at its position with its load, measured at the given size', () => {
    const { spec, nodes } = setup();
    expect(nodes.map((n) => n.id)).toEqual(spec.components.map((c) => c.name));
    expect(nodes[1]).toMatchObject({ position: { x: 300, y: 0 }, measured: SIZE, selected: false });
    expect(nodes[1]?.data.load?.utilization).toBe(0.5);
  });

  it('hands back the same array when nothing changed, loads equal in value included', () => {
    const { flow, positions, spec, nodes } = setup();
    const sameValues = new Map(spec.components.map((c) => [c.name, load(0.5)]));
    expect(placeNodes(nodes, specToFlow(spec).nodes, positions, sameValues, SIZE)).toBe(nodes);
    expect(placeNodes(nodes, flow.nodes, { ...positions }, sameValues, SIZE)).toBe(nodes);
  });

  it('remakes only the node whose load, position or component changed', () => {
    const { spec, flow, positions, loads, nodes } = setup();
    const [first, second] = spec.components;
    const hotter = new Map(loads).set(second!.name, load(0.9));
    const moved = { ...positions, [first!.name]: { x: -50, y: 10 } };
    const next = placeNodes(nodes, flow.nodes, moved, hotter, SIZE);
    expect(next[0]).not.toBe(nodes[0]);
    expect(next[0]?.position).toEqual({ x: -50, y: 10 });
    expect(next[1]).not.toBe(nodes[1]);
    expect(next[1]?.data.load?.utilization).toBe(0.9);
    expect(next.slice(2)).toEqual(nodes.slice(2));
    next.slice(2).forEach((n, i) => expect(n).toBe(nodes[i + 2]));

    // An edit of one component remakes its node only.
    const edited: Spec = { ...spec, components: spec.components.map((c, i) => (i === 2 ? { ...c, replicas: 9 } : c)) };
    const after = placeNodes(next, specToFlow(edited).nodes, moved, hotter, SIZE);
    expect(after[2]).not.toBe(next[2]);
    expect(after[2]?.data.detail).toContain('×9');
    after.forEach((n, i) => i !== 2 && expect(n).toBe(next[i]));
  });

  it("keeps what React Flow set on a node: its selection and measured size", () => {
    const { flow, positions, loads, nodes } = setup();
    const selected = nodes.map((n, i) => (i === 3 ? { ...n, selected: true, measured: { width: 200, height: 64 } } : n));
    const hotter = new Map(loads).set(nodes[3]!.data.name, load(0.7));
    const next = placeNodes(selected, flow.nodes, positions, hotter, SIZE);
    expect(next[3]).toMatchObject({ selected: true, measured: { width: 200, height: 64 } });
    expect(next[3]?.data.load?.utilization).toBe(0.7);
  });
});

describe('placeEdges', () => {
  const extra = { markerEnd: 'arrow' };
  it('labels edges with their rates and remakes only those whose rate or route changed', () => {
    const { flow } = setup();
    const rates = new Map(flow.edges.map((e) => [e.id, 10]));
    const rateOf = (e: DependencyEdge) => rates.get(e.id);
    const routes = new Map();
    const edges = placeEdges([], flow.edges, rateOf, routes, false, extra);
    expect(edges[0]).toMatchObject({ markerEnd: 'arrow', selected: false, data: { rateRps: 10, stale: false } });
    expect(placeEdges(edges, flow.edges, rateOf, routes, false, extra)).toBe(edges);

    rates.set(flow.edges[1]!.id, 25);
    const route = { points: [], label: null, sourceAt: { x: 0, y: 0 }, targetAt: { x: 1, y: 0 } };
    const next = placeEdges(edges, flow.edges, rateOf, new Map([[flow.edges[2]!.id, route]]), false, extra);
    expect(next[1]?.data?.rateRps).toBe(25);
    expect(next[2]?.data?.route).toBe(route);
    next.forEach((e, i) => i > 2 && expect(e).toBe(edges[i]));
    expect(next[0]).toBe(edges[0]);

    // Greyed out (a model with problems): every label is.
    const stale = placeEdges(next, flow.edges, rateOf, new Map(), true, extra);
    expect(stale.every((e, i) => e !== next[i] && e.data?.stale)).toBe(true);
  });
});
