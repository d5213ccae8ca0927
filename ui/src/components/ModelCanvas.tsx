import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  Panel,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  type EdgeTypes,
  type NodeTypes,
} from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';

import type { ComponentKind } from '../bindings/ComponentKind';
import type { Spec } from '../bindings/Spec';
import { layoutFlow } from '../graph/layout';
import { specToFlow, type ComponentNode, type DependencyEdge, type Flow } from '../graph/toFlow';
import { kindStyle } from '../kinds';
import { ComponentNodeComponent } from './ComponentNode';
import { DependencyEdgeComponent } from './DependencyEdge';
import { Legend } from './Legend';

const nodeTypes: NodeTypes = { component: ComponentNodeComponent };
const edgeTypes: EdgeTypes = { dependency: DependencyEdgeComponent };

const EDGE_COLOR = '#64748b';
const FIT_VIEW_OPTIONS = { padding: 0.12, maxZoom: 1.25 };

type Laid =
  | { flow: Flow; nodes: ComponentNode[]; edges: DependencyEdge[]; error?: undefined }
  | { flow: Flow; error: string };

/**
 * Tells the app once React Flow has measured the nodes. The `fitView` prop fits the
 * viewport in the same update that marks the nodes measured.
 */
function ReadySignal({ count, onReady }: { count: number; onReady: () => void }) {
  const initialized = useNodesInitialized();
  useEffect(() => {
    if (!initialized && count > 0) return;
    // After the fitted viewport has been committed. A timer, not an animation frame:
    // a hidden or occluded webview may never run animation frames.
    const timer = setTimeout(onReady, 0);
    return () => clearTimeout(timer);
  }, [initialized, count, onReady]);
  return null;
}

/**
 * The model as a graph: one node per component, one edge per dependency, laid out
 * left to right by ELK. Calls `onReady` once drawn, `onError` if the layout fails.
 */
export function ModelCanvas({
  spec,
  onReady,
  onError,
}: {
  spec: Spec;
  onReady: () => void;
  onError: (message: string) => void;
}) {
  const flow = useMemo(() => specToFlow(spec), [spec]);
  const [layout, setLayout] = useState<Laid | null>(null);

  useEffect(() => {
    let live = true;
    layoutFlow(flow.nodes, flow.edges).then(
      (laid) => {
        if (!live) return;
        const edges = laid.edges.map((e) => ({
          ...e,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: EDGE_COLOR },
        }));
        setLayout({ flow, nodes: laid.nodes, edges });
      },
      (reason: unknown) => {
        if (!live) return;
        const message = reason instanceof Error ? reason.message : String(reason);
        setLayout({ flow, error: message });
        onError(`The graph could not be laid out: ${message}`);
      },
    );
    return () => {
      live = false;
    };
  }, [flow, onError]);

  const current = layout?.flow === flow ? layout : null;

  const kinds = useMemo(
    () => new Set<ComponentKind>(spec.components.map((c) => c.kind)),
    [spec],
  );

  let body;
  if (!current) {
    body = (
      <div className="hr-canvas__note" role="status">
        Laying out the graph…
      </div>
    );
  } else if (current.error !== undefined) {
    body = (
      <div className="hr-canvas__note hr-canvas__note--error" role="alert">
        The graph could not be laid out: {current.error}
      </div>
    );
  } else {
    body = (
      <ReactFlowProvider>
        <ReactFlow<ComponentNode, DependencyEdge>
          defaultNodes={current.nodes}
          defaultEdges={current.edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          fitView
          fitViewOptions={FIT_VIEW_OPTIONS}
          minZoom={0.2}
          maxZoom={2.5}
          nodesConnectable={false}
          edgesFocusable={false}
          elementsSelectable
          attributionPosition="top-right"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd5e1" />
          <Controls showInteractive={false} position="bottom-left" />
          <MiniMap
            position="bottom-right"
            pannable
            zoomable
            nodeColor={(n) => kindStyle((n as ComponentNode).data.kind).color}
            nodeStrokeWidth={0}
            maskColor="rgba(241, 245, 249, 0.7)"
            style={{ width: 168, height: 112 }}
          />
          {current.nodes.length === 0 ? (
            <Panel position="top-center">
              <div className="hr-canvas__note">This model has no components yet.</div>
            </Panel>
          ) : null}
          <ReadySignal count={current.nodes.length} onReady={onReady} />
        </ReactFlow>
      </ReactFlowProvider>
    );
  }

  return (
    <section className="hr-canvas" data-testid="canvas" aria-label="Architecture graph">
      <div className="hr-canvas__flow">{body}</div>
      <Legend kinds={kinds} />
    </section>
  );
}
