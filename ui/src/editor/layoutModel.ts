// Auto-layout of a whole model: node positions by component name, and the routes ELK
// drew for the edges (used while both ends stay where the layout put them).

import type { Spec } from '../bindings/Spec';
import { layoutFlow } from '../graph/layout';
import { quickLayout } from '../graph/quickLayout';
import { NODE_HEIGHT, NODE_WIDTH, specToFlow, type EdgeRoute, type XY } from '../graph/toFlow';
import type { Positions } from './history';

/** As wide as the widest rate label ("1.2k req/s"). */
const RATE_ROOM = '9999 req/s';

export interface ModelLayout {
  positions: Positions;
  routes: ReadonlyMap<string, EdgeRoute>;
}

export async function layoutModel(spec: Spec): Promise<ModelLayout> {
  const flow = specToFlow(spec);
  // Leave room on every edge for the request rate the live analysis adds to its label.
  const edges = flow.edges.map((e) =>
    e.data ? { ...e, data: { ...e.data, label: [e.data.label, RATE_ROOM].filter(Boolean).join(' · ') } } : e,
  );
  const laid = await layoutFlow(flow.nodes, edges);
  const positions: Record<string, XY> = {};
  for (const n of laid.nodes) positions[n.data.name] ??= n.position;
  const routes = new Map<string, EdgeRoute>();
  for (const e of laid.edges) if (e.data?.route) routes.set(e.id, e.data.route);
  return { positions, routes };
}

/**
 * Above this many components a model opens with the quick layered layout: ELK takes
 * seconds on a few hundred in the webview (`npx vitest bench --run src/graph/layout.bench.ts`:
 * about 5,000x the quick layout's time on 300), and opening should take under one.
 */
export const QUICK_LAYOUT_ABOVE = 80;

/** The layout a model opens with: ELK's for a small model, the quick one (no routes) for a big one. */
export async function openingLayout(spec: Spec): Promise<ModelLayout> {
  if (spec.components.length <= QUICK_LAYOUT_ABOVE) return layoutModel(spec);
  const flow = specToFlow(spec);
  const byId = quickLayout(
    flow.nodes.map((n) => n.id),
    flow.edges,
  );
  const positions: Record<string, XY> = {};
  for (const n of flow.nodes) positions[n.data.name] ??= byId.get(n.id) ?? { x: 0, y: 0 };
  return { positions, routes: new Map() };
}

/**
 * Positions after an edit: a renamed component keeps its place (matched by its index in
 * the spec), a removed one loses it; new ones are placed by the caller.
 */
export function carryPositions(before: Spec, after: Spec, positions: Positions): Positions {
  if (before.components === after.components) return positions;
  const next: Record<string, XY> = {};
  after.components.forEach((c, i) => {
    const own = positions[c.name];
    const old = before.components[i];
    const inherited = old && old.name !== c.name && !after.components.some((o) => o.name === old.name)
      ? positions[old.name]
      : undefined;
    const p = own ?? inherited;
    if (p) next[c.name] = p;
  });
  return next;
}

/**
 * A free spot for a new component: at `near` (the drop point, or the middle of the view)
 * unless a node is there, then the first free place below it; without `near`, right of
 * everything.
 */
export function placeNew(positions: Positions, near: XY | null, count: number): XY {
  const all = Object.values(positions);
  if (!near) {
    if (all.length === 0) return { x: 40, y: 40 };
    const maxX = Math.max(...all.map((p) => p.x));
    const minY = Math.min(...all.map((p) => p.y));
    return { x: maxX + 260, y: minY + count * 90 };
  }
  const taken = (p: XY) =>
    all.some((q) => Math.abs(q.x - p.x) < NODE_WIDTH && Math.abs(q.y - p.y) < NODE_HEIGHT + 10);
  let spot = { x: near.x - NODE_WIDTH / 2, y: near.y - NODE_HEIGHT / 2 };
  for (let i = 0; i < 200 && taken(spot); i++) spot = { x: spot.x, y: spot.y + NODE_HEIGHT + 30 };
  return spot;
}
