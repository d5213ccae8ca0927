// The canvas's nodes and edges, put together from their parts: the spec's drawing
// (toFlow), the positions, the live analysis, and what React Flow set in flight
// (selection, measured size). React Flow redraws each node or edge whose object changed;
// these hand back the object drawn before wherever its parts are the same, so an edit
// redraws what it touched, and an unchanged graph is the same array. Parts are compared
// by reference (the spec, positions and routes are immutable) and loads by value (each
// answer is new objects).

import type { Positions } from '../editor/history';
import type { ComponentNode, DependencyEdge, EdgeRoute, NodeLoad, XY } from './toFlow';

const ORIGIN: XY = { x: 0, y: 0 };

/** What each node made here was made of. */
const nodeParts = new WeakMap<ComponentNode, { base: ComponentNode; position: XY; load: NodeLoad | undefined }>();

export function sameLoad(a: NodeLoad | undefined, b: NodeLoad | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return (
    a.arrivalRps === b.arrivalRps &&
    a.utilization === b.utilization &&
    a.p99Ms === b.p99Ms &&
    a.servers === b.servers &&
    a.heat === b.heat &&
    a.bottleneck === b.bottleneck &&
    a.stale === b.stale
  );
}

/**
 * The nodes of `base` (specToFlow's) at `positions` with `loads`, keeping what React Flow
 * set on the nodes of `prev` (selection, measured size: a node not measured yet gets
 * `size`, the CSS's, so a big model is drawn without measuring each node first).
 */
export function placeNodes(
  prev: readonly ComponentNode[],
  base: readonly ComponentNode[],
  positions: Positions,
  loads: ReadonlyMap<string, NodeLoad>,
  size: { width: number; height: number },
): ComponentNode[] {
  const before = new Map(prev.map((n) => [n.id, n]));
  let changed = prev.length !== base.length;
  const next = base.map((b, i) => {
    const old = before.get(b.id);
    const position = positions[b.data.name] ?? ORIGIN;
    const load = loads.get(b.data.name);
    const parts = old && nodeParts.get(old);
    if (old && parts && parts.base === b && parts.position === position && sameLoad(parts.load, load)) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    const node: ComponentNode = {
      ...b,
      measured: old?.measured ?? size,
      position,
      selected: old?.selected ?? false,
      data: { ...b.data, load },
    };
    nodeParts.set(node, { base: b, position, load });
    return node;
  });
  return changed ? next : (prev as ComponentNode[]);
}

/** What each edge made here was made of. */
const edgeParts = new WeakMap<
  DependencyEdge,
  { base: DependencyEdge; rateRps: number | undefined; stale: boolean; route: EdgeRoute | undefined }
>();

/**
 * The edges of `base` (specToFlow's) labelled with their rates (`rateOf`, from the live
 * analysis) and drawn along their `routes`, keeping the selection of the edges of `prev`.
 */
export function placeEdges(
  prev: readonly DependencyEdge[],
  base: readonly DependencyEdge[],
  rateOf: (edge: DependencyEdge) => number | undefined,
  routes: ReadonlyMap<string, EdgeRoute>,
  stale: boolean,
  extra: Partial<DependencyEdge>,
): DependencyEdge[] {
  const before = new Map(prev.map((e) => [e.id, e]));
  let changed = prev.length !== base.length;
  const next = base.map((b, i) => {
    const old = before.get(b.id);
    const rateRps = rateOf(b);
    const route = routes.get(b.id);
    const parts = old && edgeParts.get(old);
    if (old && parts && parts.base === b && parts.rateRps === rateRps && parts.stale === stale && parts.route === route) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    const edge: DependencyEdge = {
      ...b,
      ...extra,
      selected: old?.selected ?? false,
      data: b.data ? { ...b.data, rateRps, stale, route } : b.data,
    };
    edgeParts.set(edge, { base: b, rateRps, stale, route });
    return edge;
  });
  return changed ? next : (prev as DependencyEdge[]);
}
