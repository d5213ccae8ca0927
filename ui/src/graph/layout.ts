// Automatic layout with ELK (layered, left to right). elk.bundled.js runs in the page
// (no web worker), which the app's CSP allows.

import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';

import type { ComponentNode, DependencyEdge } from './toFlow';
import { NODE_HEIGHT, NODE_WIDTH } from './toFlow';

export const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.componentComponent': '60',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=20,left=20,bottom=20,right=20]',
};

let elk: InstanceType<typeof ELK> | null = null;

function engine(): InstanceType<typeof ELK> {
  elk ??= new ELK();
  return elk;
}

/**
 * The nodes with positions from ELK. Edges only shape the layering; edges whose ends
 * are not among `nodes` are ignored. The input is not modified.
 */
export async function layoutFlow(
  nodes: readonly ComponentNode[],
  edges: readonly DependencyEdge[],
): Promise<ComponentNode[]> {
  if (nodes.length === 0) return [];
  const ids = new Set(nodes.map((n) => n.id));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: nodes.map((n) => ({
      id: n.id,
      width: n.width ?? NODE_WIDTH,
      height: n.height ?? NODE_HEIGHT,
    })),
    edges: edges
      .filter((e) => ids.has(e.source) && ids.has(e.target) && e.source !== e.target)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const result = await engine().layout(graph);
  const placed = new Map((result.children ?? []).map((c) => [c.id, c]));
  return nodes.map((n) => {
    const p = placed.get(n.id);
    const x = p?.x;
    const y = p?.y;
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) {
      throw new Error(`layout gave no position for "${n.id}"`);
    }
    return { ...n, position: { x, y } };
  });
}
