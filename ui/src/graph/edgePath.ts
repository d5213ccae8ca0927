// The path of a dependency edge: a cubic Bézier from the source's right side to the
// target's left side. Parallel edges between the same two nodes bow apart by lane.

import type { EdgeRoute, XY } from './toFlow';

/** Vertical distance between neighbouring parallel edges at their middle, in px. */
export const LANE_GAP = 22;

export interface EdgeGeometry {
  /** SVG path data. */
  path: string;
  /** Where the label goes: the middle of the curve. */
  labelX: number;
  labelY: number;
}

/** Offset of lane `lane` of `lanes` from the straight middle, in px. */
export function laneOffset(lane: number, lanes: number): number {
  return (lane - (lanes - 1) / 2) * LANE_GAP;
}

export function dependencyPath(
  sx: number,
  sy: number,
  tx: number,
  ty: number,
  lane = 0,
  lanes = 1,
): EdgeGeometry {
  const reach = Math.max(40, Math.abs(tx - sx) / 2);
  // The curve's middle is 3/4 of the control points' shift: shift them by 4/3 of the
  // wanted offset so the middle lands exactly on it.
  const bow = (laneOffset(lane, lanes) * 4) / 3;
  const c1x = sx + reach;
  const c1y = sy + bow;
  const c2x = tx - reach;
  const c2y = ty + bow;
  const labelX = (sx + 3 * c1x + 3 * c2x + tx) / 8;
  const labelY = (sy + 3 * c1y + 3 * c2y + ty) / 8;
  const r = (n: number) => Math.round(n * 100) / 100;
  return {
    path: `M${r(sx)},${r(sy)} C${r(c1x)},${r(c1y)} ${r(c2x)},${r(c2y)} ${r(tx)},${r(ty)}`,
    labelX,
    labelY,
  };
}

export interface Point {
  x: number;
  y: number;
}

/** Corner radius of routed (orthogonal) edges, in px. */
export const CORNER_RADIUS = 8;

/** The point halfway along a polyline, by length. */
export function polylineMidpoint(points: readonly Point[]): Point {
  const first = points[0];
  if (!first) return { x: 0, y: 0 };
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    total += Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y);
  }
  let left = total / 2;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    if (len > 0 && left <= len) {
      const t = left / len;
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    left -= len;
  }
  return { ...points[points.length - 1]! };
}

/**
 * A routed edge: the polyline through `points` with its corners rounded (by at most
 * `radius`, and never more than half of either segment), and its label at `label`, or
 * halfway along the line when the layout placed none.
 */
export function routedPath(
  points: readonly Point[],
  label: Point | null = null,
  radius = CORNER_RADIUS,
): EdgeGeometry {
  const r2 = (n: number) => Math.round(n * 100) / 100;
  const at = (p: Point) => `${r2(p.x)},${r2(p.y)}`;
  // Drop repeated points: they would make zero-length segments with no direction.
  const pts = points.filter(
    (p, i) => i === 0 || p.x !== points[i - 1]!.x || p.y !== points[i - 1]!.y,
  );
  const first = pts[0];
  if (!first) return { path: '', labelX: 0, labelY: 0 };
  let path = `M${at(first)}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const prev = pts[i - 1]!;
    const p = pts[i]!;
    const next = pts[i + 1]!;
    const inLen = Math.hypot(p.x - prev.x, p.y - prev.y);
    const outLen = Math.hypot(next.x - p.x, next.y - p.y);
    const r = Math.min(radius, inLen / 2, outLen / 2);
    if (r <= 0.5) {
      path += ` L${at(p)}`;
      continue;
    }
    const before = { x: p.x - ((p.x - prev.x) / inLen) * r, y: p.y - ((p.y - prev.y) / inLen) * r };
    const after = { x: p.x + ((next.x - p.x) / outLen) * r, y: p.y + ((next.y - p.y) / outLen) * r };
    path += ` L${at(before)} Q${at(p)} ${at(after)}`;
  }
  if (pts.length > 1) path += ` L${at(pts[pts.length - 1]!)}`;
  const mid = label ?? polylineMidpoint(pts);
  return { path, labelX: mid.x, labelY: mid.y };
}

const sameSpot = (a: XY | undefined, b: XY) =>
  a !== undefined && Math.abs(a.x - b.x) < 0.5 && Math.abs(a.y - b.y) < 0.5;

/**
 * A dependency's geometry: the route the layout drew for it while both its nodes (top-left
 * corners `from` and `to`) stay where the layout put them, a plain curve between its
 * handles (`sx,sy` to `tx,ty`) once one is dragged away.
 */
export function edgeGeometry(
  from: XY | undefined,
  to: XY | undefined,
  [sx, sy, tx, ty]: readonly [number, number, number, number],
  data: { lane?: number; lanes?: number; route?: EdgeRoute } | undefined,
): EdgeGeometry {
  const route = data?.route;
  return route && sameSpot(from, route.sourceAt) && sameSpot(to, route.targetAt)
    ? routedPath(route.points, route.label)
    : dependencyPath(sx, sy, tx, ty, data?.lane, data?.lanes);
}
