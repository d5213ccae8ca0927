import { describe, expect, it } from 'vitest';

import { dependencyPath, routedPath } from './edgePath';
import { overviewPaths } from './overviewEdges';
import { NODE_HEIGHT, NODE_WIDTH, type DependencyEdge, type XY } from './toFlow';

const edge = (id: string, source: string, target: string, data: Partial<DependencyEdge['data']> = {}): DependencyEdge => ({
  id,
  source,
  target,
  type: 'dependency',
  data: { mode: 'sync', op: null, calls: 1, lane: 0, lanes: 1, label: '', ...data },
});

describe('overviewPaths', () => {
  const at: Record<string, XY> = { a: { x: 0, y: 0 }, b: { x: 400, y: 100 }, c: { x: 400, y: 300 } };
  const of = (id: string) => at[id];

  it("draws each edge as its own component would, from the source's right handle to the target's left", () => {
    const paths = overviewPaths([edge('e0', 'a', 'b'), edge('e1', 'a', 'c', { mode: 'async' })], of);
    expect(paths.sync).toBe(dependencyPath(NODE_WIDTH, NODE_HEIGHT / 2, 400, 100 + NODE_HEIGHT / 2).path);
    expect(paths.async).toBe(dependencyPath(NODE_WIDTH, NODE_HEIGHT / 2, 400, 300 + NODE_HEIGHT / 2).path);
  });

  it('joins the edges of a kind into one path, bows parallel ones apart, and leaves out edges to unknown nodes', () => {
    const paths = overviewPaths(
      [edge('e0', 'a', 'b', { lane: 0, lanes: 2 }), edge('e1', 'a', 'b', { lane: 1, lanes: 2 }), edge('e2', 'a', 'gone')],
      of,
    );
    const lane = (i: number) => dependencyPath(NODE_WIDTH, NODE_HEIGHT / 2, 400, 100 + NODE_HEIGHT / 2, i, 2).path;
    expect(paths.sync).toBe(`${lane(0)} ${lane(1)}`);
    expect(paths.async).toBe('');
  });

  it("follows the layout's route while both nodes stay where the layout put them", () => {
    const route = { points: [{ x: 196, y: 30 }, { x: 300, y: 30 }, { x: 300, y: 130 }, { x: 400, y: 130 }], label: null, sourceAt: at.a!, targetAt: at.b! };
    expect(overviewPaths([edge('e0', 'a', 'b', { route })], of).sync).toBe(routedPath(route.points).path);
    // b moved: a plain curve again.
    const moved = overviewPaths([edge('e0', 'a', 'b', { route })], (id) => (id === 'b' ? { x: 500, y: 100 } : of(id)));
    expect(moved.sync).toBe(dependencyPath(NODE_WIDTH, NODE_HEIGHT / 2, 500, 100 + NODE_HEIGHT / 2).path);
  });
});
