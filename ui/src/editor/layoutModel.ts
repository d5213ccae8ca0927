// Auto-layout of a whole model: node positions by component name, and the routes ELK
// drew for the edges (used while both ends stay where the layout put them).

import type { Spec } from '../bindings/Spec';
import { layoutFlow } from '../graph/layout';
import { specToFlow, type EdgeRoute, type XY } from '../graph/toFlow';
import type { Positions } from './history';

export interface ModelLayout {
  positions: Positions;
  routes: ReadonlyMap<string, EdgeRoute>;
}

export async function layoutModel(spec: Spec): Promise<ModelLayout> {
  const flow = specToFlow(spec);
  const laid = await layoutFlow(flow.nodes, flow.edges);
  const positions: Record<string, XY> = {};
  for (const n of laid.nodes) positions[n.data.name] ??= n.position;
  const routes = new Map<string, EdgeRoute>();
  for (const e of laid.edges) if (e.data?.route) routes.set(e.id, e.data.route);
  return { positions, routes };
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

/** A free spot for a component added without a drop point: right of everything, or `near`. */
export function placeNew(positions: Positions, near: XY | null, count: number): XY {
  if (near) return { x: near.x + count * 24, y: near.y + count * 24 };
  const all = Object.values(positions);
  if (all.length === 0) return { x: 40, y: 40 };
  const maxX = Math.max(...all.map((p) => p.x));
  const minY = Math.min(...all.map((p) => p.y));
  return { x: maxX + 260, y: minY + count * 90 };
}
