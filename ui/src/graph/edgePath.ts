// The path of a dependency edge: a cubic Bézier from the source's right side to the
// target's left side. Parallel edges between the same two nodes bow apart by lane.

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
