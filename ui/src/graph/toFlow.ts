// Spec -> React Flow nodes and edges. Pure: no layout, no DOM.

import { Position, type Edge, type Node } from '@xyflow/react';

import type { CallMode } from '../bindings/CallMode';
import type { ComponentKind } from '../bindings/ComponentKind';
import type { Component } from '../bindings/Component';
import type { Dependency } from '../bindings/Dependency';
import type { Op } from '../bindings/Op';
import type { Spec } from '../bindings/Spec';

/** Fixed node size: the layout and the node's CSS both use it. */
export const NODE_WIDTH = 196;
export const NODE_HEIGHT = 60;
/** The connection handles' size (styles.css: `.hr-node .react-flow__handle`). */
const HANDLE_SIZE = 10;

/**
 * Where each node's two handles are, given up front: React Flow then draws a node's edges
 * without waiting to measure it, and a node rebuilt after an edit never loses them
 * (measured handles are dropped whenever a node object is replaced before its
 * measurement came back, and an edge added then was not drawn).
 */
const NODE_HANDLES: NonNullable<ComponentNode['handles']> = [
  {
    type: 'target',
    position: Position.Left,
    x: -HANDLE_SIZE / 2,
    y: (NODE_HEIGHT - HANDLE_SIZE) / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  },
  {
    type: 'source',
    position: Position.Right,
    x: NODE_WIDTH - HANDLE_SIZE / 2,
    y: (NODE_HEIGHT - HANDLE_SIZE) / 2,
    width: HANDLE_SIZE,
    height: HANDLE_SIZE,
  },
];

export type ComponentNodeData = {
  name: string;
  kind: ComponentKind;
  /** A short second line: engine, replicas, partitions... (empty when nothing to say). */
  detail: string;
  /** The live analysis of this component, once there is one. */
  load?: NodeLoad;
};

/** How hot a component runs: below half the ceiling, below it, above it, saturated. */
export type Heat = 'cool' | 'warm' | 'hot' | 'saturated';

export type NodeLoad = {
  arrivalRps: number;
  utilization: number;
  p99Ms: number | null;
  servers: number;
  heat: Heat;
  bottleneck: boolean;
  /** The numbers are from the last valid model, not the present one. */
  stale: boolean;
};

export type XY = { x: number; y: number };

/** Where the layout routed an edge, and where its two nodes were when it did. */
export type EdgeRoute = {
  /** The polyline from the source's border to the target's border (orthogonal). */
  points: XY[];
  /** The centre of the edge's label, when it has one. */
  label: XY | null;
  /** Top-left corners of the source and target nodes the route was made for. */
  sourceAt: XY;
  targetAt: XY;
};

export type DependencyEdgeData = {
  mode: CallMode;
  op: Op | null;
  calls: number;
  /** Index of this edge among the edges joining the same two components (0-based)... */
  lane: number;
  /** ...and how many such edges there are, so parallel edges can be drawn apart. */
  lanes: number;
  label: string;
  /** Requests per second the live analysis puts on this dependency. */
  rateRps?: number;
  stale?: boolean;
  /** Set by the layout; the edge falls back to a plain curve once a node has moved. */
  route?: EdgeRoute;
};

export type ComponentNode = Node<ComponentNodeData, 'component'>;
export type DependencyEdge = Edge<DependencyEdgeData, 'dependency'>;

export interface Flow {
  nodes: ComponentNode[];
  edges: DependencyEdge[];
  /** Dependencies that name a component the spec does not have (left out of `edges`). */
  dangling: Dependency[];
}

/** React Flow id of a component's node: its name (unique in a valid spec). */
export function nodeId(name: string): string {
  return name;
}

/** React Flow id of the `index`-th dependency: stable for a given spec. */
export function edgeId(index: number, dep: Dependency): string {
  return `e${index}-${dep.from}-${dep.to}`;
}

/** The second line of a node: what most distinguishes this component. */
export function componentDetail(c: Component): string {
  const parts: string[] = [];
  if (c.engine) parts.push(c.engine);
  if (c.replicas !== undefined && c.replicas !== 1) parts.push(`×${c.replicas}`);
  if (c.partitions !== undefined) parts.push(`${c.partitions} partitions`);
  if (c.kind === 'function' && c.max_concurrency !== undefined) {
    parts.push(`≤${c.max_concurrency} concurrent`);
  }
  if (c.hit_ratio !== undefined) parts.push(`${Math.round(c.hit_ratio * 100)}% hits`);
  return parts.join(' · ');
}

/** The label of a dependency edge: its op, and its calls per request when not 1. */
export function dependencyLabel(dep: Dependency): string {
  const parts: string[] = [];
  if (dep.op) parts.push(dep.op);
  if (dep.calls !== undefined && dep.calls !== 1) parts.push(`×${dep.calls}`);
  return parts.join(' ');
}

// The node and edge made for each component and dependency object, which an immutable
// spec shares from one edit to the next: an edit remakes only what it touched, and the
// canvas (graph/placed.ts) sees at a glance what did not change.
const nodeOf = new WeakMap<Component, ComponentNode>();
const edgeOf = new WeakMap<Dependency, DependencyEdge>();

/**
 * One node per component and one edge per dependency, in spec order. A repeated
 * component name gets a suffixed id (`name#2`) so React Flow still sees unique ids;
 * edges attach to the first component of that name.
 */
export function specToFlow(spec: Spec): Flow {
  const nodes: ComponentNode[] = [];
  const seen = new Map<string, number>();
  for (const c of spec.components) {
    const count = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, count);
    const id = count === 1 ? nodeId(c.name) : `${nodeId(c.name)}#${count}`;
    let node = nodeOf.get(c);
    if (node?.id !== id) {
      node = {
        id,
        type: 'component',
        position: { x: 0, y: 0 },
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        handles: NODE_HANDLES,
        data: { name: c.name, kind: c.kind, detail: componentDetail(c) },
      };
      nodeOf.set(c, node);
    }
    nodes.push(node);
  }

  const pairCount = new Map<string, number>();
  const pairKey = (d: Dependency) => `${d.from}\u0000${d.to}`;
  const valid: [number, Dependency][] = [];
  const dangling: Dependency[] = [];
  spec.dependencies.forEach((dep, index) => {
    if (seen.has(dep.from) && seen.has(dep.to)) {
      valid.push([index, dep]);
      pairCount.set(pairKey(dep), (pairCount.get(pairKey(dep)) ?? 0) + 1);
    } else {
      dangling.push(dep);
    }
  });

  const pairSeen = new Map<string, number>();
  const edges: DependencyEdge[] = valid.map(([index, dep]) => {
    const key = pairKey(dep);
    const lane = pairSeen.get(key) ?? 0;
    pairSeen.set(key, lane + 1);
    const lanes = pairCount.get(key) ?? 1;
    const id = edgeId(index, dep);
    const made = edgeOf.get(dep);
    if (made && made.id === id && made.data?.lane === lane && made.data.lanes === lanes) return made;
    const mode: CallMode = dep.mode ?? 'sync';
    const edge: DependencyEdge = {
      id,
      type: 'dependency',
      source: nodeId(dep.from),
      target: nodeId(dep.to),
      className: mode === 'async' ? 'edge-async' : 'edge-sync',
      data: {
        mode,
        op: dep.op ?? null,
        calls: dep.calls ?? 1,
        lane,
        lanes,
        label: dependencyLabel(dep),
      },
    };
    edgeOf.set(dep, edge);
    return edge;
  });

  return { nodes, edges, dangling };
}
