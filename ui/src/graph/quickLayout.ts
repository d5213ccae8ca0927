// A layered layout in linear time, for opening big models. ELK (graph/layout.ts) draws
// better pictures but takes seconds on a few hundred components in the webview, which
// is too long to wait for a model to open; Auto-layout still uses ELK, on demand.
//
// The classic steps (Sugiyama): break cycles, rank each node by its longest path from
// the entries, order each rank by the barycentre of its neighbours in a few sweeps,
// then place ranks left to right and nodes top to bottom.

import { NODE_HEIGHT, NODE_WIDTH, type XY } from './toFlow';

/** Room between ranks for the edges and their rate labels. */
export const RANK_GAP = 140;
export const NODE_GAP = 36;
const SWEEPS = 4;

export interface QuickEdge {
  source: string;
  target: string;
}

/** Top-left positions by node id; edges naming unknown nodes, and self-loops, are ignored. */
export function quickLayout(nodeIds: readonly string[], edges: readonly QuickEdge[]): Map<string, XY> {
  const index = new Map(nodeIds.map((id, i) => [id, i]));
  const n = nodeIds.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s !== undefined && t !== undefined && s !== t) out[s]!.push(t);
  }
  const forward = acyclic(out);
  const rank = longestPathRanks(forward);
  const ranks = orderRanks(rank, forward);

  const tallest = Math.max(0, ...ranks.map((r) => r.length));
  const height = (count: number) => count * NODE_HEIGHT + Math.max(0, count - 1) * NODE_GAP;
  const positions = new Map<string, XY>();
  ranks.forEach((members, r) => {
    const top = (height(tallest) - height(members.length)) / 2;
    members.forEach((node, i) => {
      positions.set(nodeIds[node]!, { x: r * (NODE_WIDTH + RANK_GAP), y: top + i * (NODE_HEIGHT + NODE_GAP) });
    });
  });
  return positions;
}

/** The edges with those that close a cycle (back edges of a depth-first search) reversed. */
function acyclic(out: readonly number[][]): number[][] {
  const n = out.length;
  const state = new Uint8Array(n); // 0 unseen, 1 on the stack, 2 done
  const forward: number[][] = Array.from({ length: n }, () => []);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    // Iterative DFS: [node, next edge index].
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      if (i === out[v]!.length) {
        state[v] = 2;
        stack.pop();
        continue;
      }
      top[1]++;
      const w = out[v]![i]!;
      if (state[w] === 1) {
        forward[w]!.push(v); // a back edge: drawn right to left
      } else {
        forward[v]!.push(w);
        if (state[w] === 0) {
          state[w] = 1;
          stack.push([w, 0]);
        }
      }
    }
  }
  return forward;
}

/** Each node's rank: the length of the longest path to it from a node without callers. */
function longestPathRanks(forward: readonly number[][]): number[] {
  const n = forward.length;
  const indegree = new Array<number>(n).fill(0);
  for (const targets of forward) for (const t of targets) indegree[t]!++;
  const rank = new Array<number>(n).fill(0);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indegree[v] === 0) queue.push(v);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const t of forward[v]!) {
      rank[t] = Math.max(rank[t]!, rank[v]! + 1);
      if (--indegree[t]! === 0) queue.push(t);
    }
  }
  return rank;
}

/** The nodes of each rank, ordered to keep edges short and crossings few. */
function orderRanks(rank: readonly number[], forward: readonly number[][]): number[][] {
  const n = rank.length;
  const ranks: number[][] = [];
  for (let v = 0; v < n; v++) (ranks[rank[v]!] ??= []).push(v);
  for (let r = 0; r < ranks.length; r++) ranks[r] ??= [];
  const callers: number[][] = Array.from({ length: n }, () => []);
  for (let v = 0; v < n; v++) for (const t of forward[v]!) callers[t]!.push(v);

  const place = new Float64Array(n);
  const renumber = (members: number[]) => members.forEach((v, i) => (place[v] = i));
  ranks.forEach(renumber);
  const sortBy = (members: number[], neighbours: readonly number[][]) => {
    const key = new Map<number, number>();
    for (const v of members) {
      const ns = neighbours[v]!;
      // No neighbours: keep its place, so model order decides.
      key.set(v, ns.length === 0 ? place[v]! : ns.reduce((sum, w) => sum + place[w]!, 0) / ns.length);
    }
    members.sort((a, b) => key.get(a)! - key.get(b)! || place[a]! - place[b]!);
    renumber(members);
  };
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    if (sweep % 2 === 0) for (let r = 1; r < ranks.length; r++) sortBy(ranks[r]!, callers);
    else for (let r = ranks.length - 2; r >= 0; r--) sortBy(ranks[r]!, forward);
  }
  return ranks;
}
