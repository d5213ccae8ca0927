import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  useStore,
  type Connection,
  type EdgeChange,
  type EdgeTypes,
  type NodeChange,
  type NodeTypes,
  type OnSelectionChangeParams,
} from '@xyflow/react';
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';

import type { ComponentKind } from '../bindings/ComponentKind';
import type { LiveAnalysis } from '../bindings/LiveAnalysis';
import type { Spec } from '../bindings/Spec';
import type { Positions } from '../editor/history';
import { useDrawnModel } from '../editor/useEditor';
import { heatOf } from '../graph/heat';
import { placeEdges, placeNodes } from '../graph/placed';
import {
  NODE_HEIGHT,
  NODE_WIDTH,
  specToFlow,
  type ComponentNode,
  type DependencyEdge,
  type EdgeRoute,
  type XY,
} from '../graph/toFlow';
import { kindStyle } from '../kinds';
import { ComponentNodeComponent, DETAIL_MIN_ZOOM } from './ComponentNode';
import { DependencyEdgeComponent } from './DependencyEdge';
import { Legend } from './Legend';
import { OverviewEdges } from './OverviewEdges';
import { KIND_DRAG_TYPE } from './Palette';

const nodeTypes: NodeTypes = { component: ComponentNodeComponent };
const edgeTypes: EdgeTypes = { dependency: DependencyEdgeComponent };

const EDGE_COLOR = '#64748b';
const NO_EDGES: DependencyEdge[] = [];
const MARKER = { type: MarkerType.ArrowClosed, width: 16, height: 16, color: EDGE_COLOR };
const EDGE_EXTRA = { markerEnd: MARKER };
export const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1.25 };

export interface CanvasSelection {
  components: string[];
  /** Indices into spec.dependencies. */
  dependencies: number[];
}

/**
 * How long after an edit the canvas may keep drawing the model before it while the
 * engine analyses the new one (useDrawnModel); the engine answers a 300-component model
 * in ~20 ms.
 */
export const WAIT_FOR_NUMBERS_MS = 120;

export interface EditorCanvasProps {
  spec: Spec;
  /** The model `analysis` (or the newest answer without one) is about. */
  analysedSpec: Spec | null;
  positions: Positions;
  /** Edge routes from the last auto-layout, by edge id. */
  routes: ReadonlyMap<string, EdgeRoute>;
  analysis: LiveAnalysis | null;
  stale: boolean;
  /** Bumped by the app to fit the view (after opening, after auto-layout). */
  fitSignal: number;
  onSelectionChange: (selection: CanvasSelection) => void;
  onConnect: (from: string, to: string) => void;
  onMove: (moved: Record<string, XY>) => void;
  onDelete: (selection: CanvasSelection) => void;
  onDropKind: (kind: ComponentKind, at: XY) => void;
  /** Where the centre of the visible canvas is, in model coordinates (for click-to-add). */
  centerRef: React.RefObject<(() => XY) | null>;
}

/** The viewport that shows every node at `positions` inside a `width` x `height` pane. */
export function fitViewport(positions: readonly XY[], width: number, height: number) {
  const pad = FIT_VIEW_OPTIONS.padding;
  const minX = Math.min(...positions.map((p) => p.x));
  const minY = Math.min(...positions.map((p) => p.y));
  const w = Math.max(...positions.map((p) => p.x)) + NODE_WIDTH - minX;
  const h = Math.max(...positions.map((p) => p.y)) + NODE_HEIGHT - minY;
  const zoom = Math.max(
    0.1,
    Math.min(FIT_VIEW_OPTIONS.maxZoom, (width * (1 - 2 * pad)) / w, (height * (1 - 2 * pad)) / h),
  );
  return { x: (width - w * zoom) / 2 - minX * zoom, y: (height - h * zoom) / 2 - minY * zoom, zoom };
}

const NODE_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT };

function edgeIndex(id: string): number {
  return Number(/^e(\d+)-/.exec(id)?.[1] ?? -1);
}

/**
 * Where `dependency` (an object of another revision of the model) is in `spec`: the
 * models are immutable, so a dependency an edit left alone is the same object; -1 when
 * the edit removed or changed it.
 */
export function dependencyIndexIn(spec: Spec, dependency: Spec['dependencies'][number] | undefined): number {
  return dependency === undefined ? -1 : spec.dependencies.indexOf(dependency);
}

/** The model as an editable graph. The spec and positions are the truth; React Flow's own
 *  node state only carries what is in flight (a drag, the selection, measured sizes). */
export const EditorCanvas = memo(function EditorCanvas(props: EditorCanvasProps) {
  const { positions, routes, analysis, stale, fitSignal } = props;
  // The model drawn with its numbers: an edit shows once the engine has answered for it.
  const spec = useDrawnModel(props.spec, props.analysedSpec, WAIT_FOR_NUMBERS_MS);
  const flow = useReactFlow<ComponentNode, DependencyEdge>();

  const loads = useMemo(() => {
    const byName = new Map<string, NonNullable<ComponentNode['data']['load']>>();
    if (!analysis) return byName;
    for (const c of analysis.components) {
      byName.set(c.name, {
        arrivalRps: c.arrival_rps,
        // JSON has no infinity: an unbounded utilisation arrives as null beside `unbounded`.
        utilization: c.unbounded ? Infinity : c.utilization,
        p99Ms: c.p99_response_ms,
        servers: c.servers,
        heat: heatOf(c.unbounded ? Infinity : c.utilization, c.stable, analysis.utilization_ceiling),
        bottleneck: analysis.bottleneck === c.name,
        stale,
      });
    }
    return byName;
  }, [analysis, stale]);

  const base = useMemo(() => specToFlow(spec), [spec]);

  // Nodes and edges are put together while rendering (not in an effect, which would paint
  // the old ones once more and render again), from their parts and what React Flow set on
  // them in flight (selection, measurement); what did not change keeps its object, so
  // React Flow repaints only what changed (graph/placed.ts).
  const [nodes, setNodes] = useState<ComponentNode[]>([]);
  const [nodesOf, setNodesOf] = useState<readonly unknown[]>([]);
  if (nodesOf[0] !== base || nodesOf[1] !== positions || nodesOf[2] !== loads) {
    setNodesOf([base, positions, loads]);
    setNodes((prev) => placeNodes(prev, base.nodes, positions, loads, NODE_SIZE));
  }

  const [edges, setEdges] = useState<DependencyEdge[]>([]);
  const [edgesOf, setEdgesOf] = useState<readonly unknown[]>([]);
  if (edgesOf[0] !== base || edgesOf[1] !== analysis || edgesOf[2] !== routes || edgesOf[3] !== stale) {
    setEdgesOf([base, analysis, routes, stale]);
    const rateOf = (e: DependencyEdge) => {
      const rate = analysis?.dependencies[edgeIndex(e.id)];
      return rate && rate.from === e.source && rate.to === e.target ? rate.rate_rps : undefined;
    };
    setEdges((prev) => placeEdges(prev, base.edges, rateOf, routes, stale, EDGE_EXTRA));
  }

  const onEdgesChange = useCallback((changes: EdgeChange<DependencyEdge>[]) => {
    setEdges((es) => applyEdgeChanges(changes, es));
  }, []);

  const onNodesChange = useCallback((changes: NodeChange<ComponentNode>[]) => {
    setNodes((ns) => applyNodeChanges(changes, ns));
  }, []);

  const { onMove, onConnect, onDelete, onSelectionChange, onDropKind, centerRef } = props;
  const onNodeDragStop = useCallback(
    (_: unknown, _node: ComponentNode, dragged: ComponentNode[]) => {
      const moved: Record<string, XY> = {};
      for (const n of dragged) moved[n.data.name] = { x: n.position.x, y: n.position.y };
      onMove(moved);
    },
    [onMove],
  );

  const connect = useCallback(
    (c: Connection) => {
      if (c.source && c.target) onConnect(c.source, c.target);
    },
    [onConnect],
  );

  // Zoomed out past reading, the edges are drawn as two paths (OverviewEdges), not handed
  // to React Flow; the edges keep their selection here meanwhile.
  const overview = useStore((s) => s.transform[2] < DETAIL_MIN_ZOOM);
  // Read through a ref: a callback that changed with every answer's edges would be handed
  // to React Flow's store each time, re-running all of its subscriptions.
  const edgesRef = useRef(edges);
  // The model drawn and the present one, which differ while an edit waits for its numbers.
  const specsRef = useRef({ drawn: spec, present: props.spec });
  useEffect(() => {
    edgesRef.current = edges;
    specsRef.current = { drawn: spec, present: props.spec };
  });
  /** The present model's indices of edges drawn (from the model drawn). */
  const presentIndices = useCallback((es: readonly DependencyEdge[]) => {
    const { drawn, present } = specsRef.current;
    return es
      .map((e) => edgeIndex(e.id))
      .map((i) => (drawn === present ? i : dependencyIndexIn(present, drawn.dependencies[i])))
      .filter((i) => i >= 0);
  }, []);
  const selectionChanged = useCallback(
    ({ nodes: ns, edges: es }: OnSelectionChangeParams<ComponentNode, DependencyEdge>) => {
      onSelectionChange({
        components: ns.map((n) => n.data.name),
        dependencies: presentIndices(overview ? edgesRef.current.filter((e) => e.selected) : es),
      });
    },
    [onSelectionChange, overview, presentIndices],
  );
  const onPaneClick = useCallback(() => {
    // A click on the empty canvas deselects everything, the edges React Flow has not got too.
    if (overview) setEdges((es) => (es.some((e) => e.selected) ? es.map((e) => ({ ...e, selected: false })) : es));
  }, [overview]);

  const onBeforeDelete = useCallback(
    ({ nodes: ns, edges: es }: { nodes: ComponentNode[]; edges: DependencyEdge[] }) => {
      onDelete({
        components: ns.map((n) => n.data.name),
        dependencies: presentIndices(es),
      });
      // The app makes the deletion (one undoable edit); React Flow must not.
      return Promise.resolve(false);
    },
    [onDelete, presentIndices],
  );

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(KIND_DRAG_TYPE)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(KIND_DRAG_TYPE) as ComponentKind;
      if (!kind) return;
      e.preventDefault();
      onDropKind(kind, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [flow, onDropKind],
  );

  useEffect(() => {
    centerRef.current = () => {
      const el = document.querySelector('.hr-canvas__flow');
      const r = el?.getBoundingClientRect();
      if (!r) return { x: 0, y: 0 };
      return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    };
  }, [flow, centerRef]);

  // Fit the view on request (open, auto-layout, Ctrl+0) to the positions the app holds,
  // computed here rather than from React Flow's copy, which may not have caught up yet.
  const positionsRef = useRef(positions);
  useEffect(() => {
    positionsRef.current = positions;
  });
  useEffect(() => {
    if (fitSignal === 0) return;
    const el = document.querySelector('.hr-canvas__flow');
    const all = Object.values(positionsRef.current);
    if (!el || all.length === 0) return;
    const { width, height } = el.getBoundingClientRect();
    // A pane of no size (not laid out yet, or in a test's DOM) has nothing to fit into.
    if (width === 0 || height === 0) return;
    void flow.setViewport(fitViewport(all, width, height));
  }, [fitSignal, flow]);

  const kinds = useMemo(() => new Set<ComponentKind>(spec.components.map((c) => c.kind)), [spec]);

  return (
    <section
      className={stale ? 'hr-canvas hr-canvas--stale' : 'hr-canvas'}
      data-testid="canvas"
      aria-label="Architecture graph"
    >
      <div className="hr-canvas__flow" onDragOver={onDragOver} onDrop={onDrop}>
        <ReactFlow<ComponentNode, DependencyEdge>
          nodes={nodes}
          edges={overview ? NO_EDGES : edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStop={onNodeDragStop}
          onConnect={connect}
          onSelectionChange={selectionChanged}
          onPaneClick={onPaneClick}
          onBeforeDelete={onBeforeDelete}
          deleteKeyCode={['Delete', 'Backspace']}
          multiSelectionKeyCode={['Shift', 'Control', 'Meta']}
          selectionKeyCode="Shift"
          minZoom={0.1}
          maxZoom={2.5}
          attributionPosition="top-right"
          onlyRenderVisibleElements={nodes.length > 150}
        >
          {overview ? <OverviewEdges edges={edges} /> : null}
          {/* Zoomed out, the dots would be under 4 px apart: a grey haze of tens of thousands
              of dots, repainted with every change of the canvas. */}
          {overview ? null : <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />}
          <Controls showInteractive={false} position="bottom-left" />
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeColor={(n) => kindStyle((n as ComponentNode).data.kind).color}
            nodeStrokeWidth={0}
            nodeBorderRadius={0}
            maskColor="rgba(241, 245, 249, 0.7)"
            style={{ width: 168, height: 112 }}
          />
          {nodes.length === 0 ? (
            <Panel position="top-center">
              <div className="hr-canvas__note" data-testid="canvas-empty">
                Drag a component from the palette, or click one to add it.
              </div>
            </Panel>
          ) : null}
        </ReactFlow>
      </div>
      <Legend kinds={kinds} />
    </section>
  );
});
