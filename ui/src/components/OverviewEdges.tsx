import { ViewportPortal, useStore } from '@xyflow/react';
import { useMemo } from 'react';

import { overviewPaths } from '../graph/overviewEdges';
import type { DependencyEdge, XY } from '../graph/toFlow';

/**
 * The edges of a zoomed-out canvas, in two paths (graph/overviewEdges.ts). Drawn inside
 * the viewport, under the nodes, from React Flow's node positions, so they follow a drag.
 */
/** The paths last drawn for an array of edges, and the node positions they were drawn for. */
const drawn = new WeakMap<readonly DependencyEdge[], { at: Map<string, XY>; paths: ReturnType<typeof overviewPaths> }>();

/**
 * The paths of `edges` between `nodes`: the ones drawn before when no node moved (an
 * answer of the live analysis changes nodes' numbers, not where they are).
 */
function pathsOf(edges: readonly DependencyEdge[], nodes: readonly { id: string; position: XY }[]) {
  const before = drawn.get(edges);
  if (before && before.at.size === nodes.length && nodes.every((n) => before.at.get(n.id) === n.position)) {
    return before.paths;
  }
  const at = new Map(nodes.map((n) => [n.id, n.position]));
  const paths = overviewPaths(edges, (id) => at.get(id));
  drawn.set(edges, { at, paths });
  return paths;
}

export function OverviewEdges({ edges }: { edges: readonly DependencyEdge[] }) {
  const nodes = useStore((s) => s.nodes);
  // A pixel wide on screen at any zoom (set here: SVG's non-scaling stroke does not see
  // the zoom when WebKit composites the viewport in a layer of its own).
  const pixel = 1 / useStore((s) => s.transform[2]);
  const paths = useMemo(() => pathsOf(edges, nodes), [nodes, edges]);
  return (
    <ViewportPortal>
      <svg className="hr-overview-edges" data-testid="overview-edges" aria-hidden="true" strokeWidth={pixel}>
        <path className="hr-overview-edges__sync" d={paths.sync} />
        <path className="hr-overview-edges__async" d={paths.async} strokeDasharray={`${3 * pixel} ${3 * pixel}`} />
      </svg>
    </ViewportPortal>
  );
}
