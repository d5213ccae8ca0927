// A zoomed-out canvas draws a model's edges as two SVG paths (calls solid, async dashed)
// instead of one React Flow edge each. Below DETAIL_MIN_ZOOM an edge is a line a pixel
// wide that nobody clicks, and as components the 587 edges of a 300-component model were
// 2,300 store subscriptions re-run on every change of the canvas (an edit, a pan, a
// zoom) and 587 SVG elements to paint.

import { edgeGeometry } from './edgePath';
import { NODE_HEIGHT, NODE_WIDTH, type DependencyEdge, type XY } from './toFlow';

export interface OverviewPaths {
  /** SVG path data of every synchronous call. */
  sync: string;
  /** ...and of every asynchronous one. */
  async: string;
}

/**
 * Every edge's path, as its own edge component draws it, from the source's right handle
 * to the target's left one; `at(id)` is a node's top-left corner. Edges whose nodes are
 * unknown are left out.
 */
export function overviewPaths(edges: readonly DependencyEdge[], at: (nodeId: string) => XY | undefined): OverviewPaths {
  const sync: string[] = [];
  const async: string[] = [];
  for (const e of edges) {
    const from = at(e.source);
    const to = at(e.target);
    if (!from || !to) continue;
    const ends = [from.x + NODE_WIDTH, from.y + NODE_HEIGHT / 2, to.x, to.y + NODE_HEIGHT / 2] as const;
    const { path } = edgeGeometry(from, to, ends, e.data);
    (e.data?.mode === 'async' ? async : sync).push(path);
  }
  return { sync: sync.join(' '), async: async.join(' ') };
}
