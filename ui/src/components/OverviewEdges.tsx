import { ViewportPortal, useStore } from '@xyflow/react';
import { useMemo } from 'react';

import { overviewPaths } from '../graph/overviewEdges';
import type { DependencyEdge } from '../graph/toFlow';

/**
 * The edges of a zoomed-out canvas, in two paths (graph/overviewEdges.ts). Drawn inside
 * the viewport, under the nodes, from React Flow's node positions, so they follow a drag.
 */
export function OverviewEdges({ edges }: { edges: readonly DependencyEdge[] }) {
  const nodes = useStore((s) => s.nodes);
  // A pixel wide on screen at any zoom (set here: SVG's non-scaling stroke does not see
  // the zoom when WebKit composites the viewport in a layer of its own).
  const pixel = 1 / useStore((s) => s.transform[2]);
  const paths = useMemo(() => {
    const at = new Map(nodes.map((n) => [n.id, n.position]));
    return overviewPaths(edges, (id) => at.get(id));
  }, [nodes, edges]);
  return (
    <ViewportPortal>
      <svg className="hr-overview-edges" data-testid="overview-edges" aria-hidden="true" strokeWidth={pixel}>
        <path className="hr-overview-edges__sync" d={paths.sync} />
        <path className="hr-overview-edges__async" d={paths.async} strokeDasharray={`${3 * pixel} ${3 * pixel}`} />
      </svg>
    </ViewportPortal>
  );
}
