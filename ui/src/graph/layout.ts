// Automatic layout with ELK (layered, left to right, orthogonal edges). elk.bundled.js
// runs in the page (no web worker), which the app's CSP allows. It is 1.4 MB of script,
// loaded on first use rather than with the app, so big models (which open with the
// quick layout) do not wait for it to be parsed.

import type ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, ElkPort, LayoutOptions } from 'elkjs/lib/elk-api';

import type { ComponentNode, DependencyEdge, EdgeRoute, XY } from './toFlow';
import { NODE_HEIGHT, NODE_WIDTH } from './toFlow';

export const LAYOUT_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.spacing.nodeNode': '36',
  'elk.layered.spacing.nodeNodeBetweenLayers': '64',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.componentComponent': '60',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=20,left=20,bottom=20,right=20]',
};

/** Label box the layout reserves: the edge label's CSS is 11px text with 5px padding. */
export function labelSize(text: string): { width: number; height: number } {
  return { width: Math.ceil(text.length * 6.6) + 12, height: 18 };
}

export interface Layout {
  /** The nodes with their positions. */
  nodes: ComponentNode[];
  /** The edges, each with the route ELK drew for it (when it drew one). */
  edges: DependencyEdge[];
}

let elk: InstanceType<typeof ELK> | null = null;

async function engine(): Promise<InstanceType<typeof ELK>> {
  if (!elk) {
    const { default: Elk } = await import('elkjs/lib/elk.bundled.js');
    elk = new Elk();
  }
  return elk;
}

function finite<T extends { x?: number; y?: number }>(p: T | undefined): p is T & XY {
  return p !== undefined && Number.isFinite(p.x) && Number.isFinite(p.y);
}

/**
 * Positions for the nodes and routes for the edges. Each edge leaves its source on the
 * right and enters its target on the left, through a port of its own, so parallel edges
 * stay apart. Edges whose ends are not among `nodes`, and self-loops, get no route.
 * The inputs are not modified.
 */
export async function layoutFlow(
  nodes: readonly ComponentNode[],
  edges: readonly DependencyEdge[],
): Promise<Layout> {
  if (nodes.length === 0) return { nodes: [], edges: [...edges] };
  const ports = new Map<string, ElkPort[]>(nodes.map((n) => [n.id, []]));
  const elkEdges: ElkExtendedEdge[] = [];
  for (const e of edges) {
    const out = ports.get(e.source);
    const inn = ports.get(e.target);
    if (!out || !inn || e.source === e.target) continue;
    out.push({ id: `${e.id}:out`, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'EAST' } });
    inn.push({ id: `${e.id}:in`, width: 0, height: 0, layoutOptions: { 'elk.port.side': 'WEST' } });
    const text = e.data?.label ?? '';
    elkEdges.push({
      id: e.id,
      sources: [`${e.id}:out`],
      targets: [`${e.id}:in`],
      labels: text ? [{ id: `${e.id}:label`, text, ...labelSize(text) }] : [],
    });
  }
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: LAYOUT_OPTIONS,
    children: nodes.map((n) => ({
      id: n.id,
      width: n.width ?? NODE_WIDTH,
      height: n.height ?? NODE_HEIGHT,
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
      ports: ports.get(n.id) ?? [],
    })),
    edges: elkEdges,
  };

  const result = await (await engine()).layout(graph);

  const placed = new Map<string, XY>();
  for (const c of result.children ?? []) {
    if (finite(c)) placed.set(c.id, { x: c.x, y: c.y });
  }
  const laidNodes = nodes.map((n) => {
    const position = placed.get(n.id);
    if (!position) throw new Error(`layout gave no position for "${n.id}"`);
    return { ...n, position };
  });

  const routed = new Map((result.edges ?? []).map((e) => [e.id, e]));
  const laidEdges = edges.map((e) => {
    const r = routed.get(e.id);
    const sourceAt = placed.get(e.source);
    const targetAt = placed.get(e.target);
    if (!r || !e.data || !sourceAt || !targetAt) return e;
    const points: XY[] = [];
    for (const s of r.sections ?? []) {
      for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) {
        if (!finite(p)) return e;
        points.push({ x: p.x, y: p.y });
      }
    }
    if (points.length < 2) return e;
    const l = r.labels?.[0];
    const label =
      l && finite(l) && l.width !== undefined && l.height !== undefined
        ? { x: l.x + l.width / 2, y: l.y + l.height / 2 }
        : null;
    const route: EdgeRoute = { points, label, sourceAt, targetAt };
    return { ...e, data: { ...e.data, route } };
  });

  return { nodes: laidNodes, edges: laidEdges };
}
