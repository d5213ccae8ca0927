// How the canvas colours a component by its utilisation against the ceiling.

import type { Heat } from './toFlow';

export function heatOf(utilization: number, stable: boolean, ceiling: number): Heat {
  if (!stable || utilization >= 1) return 'saturated';
  if (utilization > ceiling) return 'hot';
  if (utilization > ceiling / 2) return 'warm';
  return 'cool';
}

/** "920 req/s", "1.2k req/s", "0.35 req/s". */
export function formatRate(rps: number): string {
  if (rps >= 10_000) return `${(rps / 1000).toFixed(0)}k req/s`;
  if (rps >= 1000) return `${(rps / 1000).toFixed(1)}k req/s`;
  if (rps >= 10) return `${rps.toFixed(0)} req/s`;
  if (rps >= 1) return `${rps.toFixed(1)} req/s`;
  return `${rps.toPrecision(2)} req/s`;
}

/** "12.3 ms", "1.24 s", "—" when unbounded. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '∞';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '∞';
  return `${Math.round(fraction * 100)} %`;
}

/**
 * An availability in percent to the first digit that is not a nine, truncated (never
 * rounded up): "99.95 %", "99.9998 %" (not "100.000 %", which would claim no downtime).
 */
export function formatAvailability(percent: number): string {
  if (!Number.isFinite(percent)) return '—';
  if (percent >= 100) return '100 %';
  const digits = Math.min(8, Math.max(2, -Math.floor(Math.log10(100 - percent))));
  const scale = 10 ** digits;
  // The epsilon keeps 99.97 * 100 = 9996.999... from losing its last digit.
  return `${(Math.floor(percent * scale + 1e-6) / scale).toFixed(digits)} %`;
}
