// The simulation's charts, drawn as plain SVG: a latency histogram on a log scale with
// percentile markers, and time series over the windows of a run.

import type { JSX } from 'react';

import type { Bucket } from '../../bindings/Bucket';
import { formatCount, formatLatency } from './format';

export const SERIES_COLORS = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];

const W = 300;

export interface Marker {
  label: string;
  value: number;
  kind: 'simulated' | 'analytic' | 'target';
}

/** 1-2-5 steps of ten within [lo, hi] (only the powers of ten when that makes too many). */
export function logTicks(lo: number, hi: number): number[] {
  const all: { v: number; m: number }[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v >= lo && v <= hi) all.push({ v, m });
    }
  }
  return (all.length > 6 ? all.filter((t) => t.m === 1) : all).map((t) => t.v);
}

/** About `n` round ticks from 0 to at least `max`. */
export function niceTicks(max: number, n = 3): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out = [];
  for (let v = 0; v < max + step * 0.999; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

/**
 * The latency distribution of a class: a bar per bucket on a log axis, its height the
 * square root of the requests per unit of log-latency (so a tail of a few percent stays
 * visible beside a peak of ninety), with the simulated, analytic and target percentiles
 * as vertical lines.
 */
export function LatencyHistogram(props: { name: string; buckets: Bucket[]; markers: Marker[] }): JSX.Element {
  const { name, buckets, markers } = props;
  const bars = buckets.filter((b) => b.lo_ms > 0 && b.hi_ms > b.lo_ms);
  const total = buckets.reduce((a, b) => a + b.count, 0);
  if (bars.length === 0 || total === 0) {
    return (
      <p className="hrs-empty" data-testid={`sim-histogram-${name}`}>
        No request of {name} finished.
      </p>
    );
  }
  const shown = markers.filter((m) => Number.isFinite(m.value) && m.value > 0);
  const lo = Math.min(bars[0]!.lo_ms, ...shown.map((m) => m.value)) / 1.15;
  const hi = Math.max(bars[bars.length - 1]!.hi_ms, ...shown.map((m) => m.value)) * 1.15;
  const H = 150;
  const top = 30;
  const bottom = H - 18;
  const left = 6;
  const right = W - 6;
  const x = (v: number) => left + ((Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * (right - left);
  const density = (b: Bucket) => b.count / Math.log2(b.hi_ms / b.lo_ms);
  const peak = Math.max(...bars.map(density));
  const y = (d: number) => bottom - Math.sqrt(d / peak) * (bottom - top);
  const rows: Record<Marker['kind'], number> = { simulated: 10, analytic: 21, target: 10 };
  const summary = shown.map((m) => `${m.label} ${formatLatency(m.value)}`).join(', ');
  return (
    <svg
      className="hrs-chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Latency histogram of ${name}: ${summary}`}
      data-testid={`sim-histogram-${name}`}
    >
      {bars.map((b, i) => (
        <rect
          key={i}
          className="hrs-bar"
          data-testid="sim-bar"
          x={x(b.lo_ms)}
          width={Math.max(0.5, x(b.hi_ms) - x(b.lo_ms) - 0.4)}
          y={y(density(b))}
          height={bottom - y(density(b))}
        >
          <title>{`${formatLatency(b.lo_ms)} – ${formatLatency(b.hi_ms)}: ${formatCount(b.count)} requests (${((100 * b.count) / total).toFixed(2)} %)`}</title>
        </rect>
      ))}
      <line className="hrs-axis" x1={left} x2={right} y1={bottom} y2={bottom} />
      {logTicks(lo, hi).map((t) => (
        <g key={t}>
          <line className="hrs-axis" x1={x(t)} x2={x(t)} y1={bottom} y2={bottom + 3} />
          <text className="hrs-tick" x={x(t)} y={H - 4} textAnchor="middle">
            {formatLatency(t)}
          </text>
        </g>
      ))}
      {shown.map((m) => {
        const at = x(m.value);
        const anchor = at > right - 30 ? 'end' : at < left + 30 ? 'start' : 'middle';
        return (
          <g key={`${m.kind}-${m.label}`} className={`hrs-marker hrs-marker--${m.kind}`} data-testid={`sim-marker-${m.kind}-${m.label}`}>
            <line x1={at} x2={at} y1={rows[m.kind] + 3} y2={bottom} />
            <text x={at} y={rows[m.kind]} textAnchor={anchor}>
              {m.label}
            </text>
            <title>{`${m.kind} ${m.label}: ${formatLatency(m.value)}`}</title>
          </g>
        );
      })}
    </svg>
  );
}

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

/**
 * Values per window of a run against time (seconds from its start), one line per
 * series; `band` shades a span (an outage), `yMax` keeps the scale up to a value.
 */
export function TimeSeriesChart(props: {
  testId: string;
  label: string;
  /** Window midpoints, seconds from the start. */
  x: number[];
  xEnd: number;
  series: Series[];
  format: (v: number) => string;
  band?: { from: number; to: number; label: string } | null;
  yMax?: number;
}): JSX.Element {
  const { testId, label, x: xs, xEnd, series, format, band, yMax } = props;
  const H = 120;
  const top = 8;
  const bottom = H - 18;
  const left = 40;
  const right = W - 6;
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const max = Math.max(yMax ?? 0, ...values, 0);
  const ticks = niceTicks(max);
  const yTop = ticks[ticks.length - 1]!;
  const x = (t: number) => left + (t / (xEnd || 1)) * (right - left);
  const y = (v: number) => bottom - (v / (yTop || 1)) * (bottom - top);
  const paths = (s: Series) => {
    const parts: string[] = [];
    let open = false;
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) {
        open = false;
        return;
      }
      parts.push(`${open ? 'L' : 'M'}${x(xs[i]!).toFixed(1)},${y(v).toFixed(1)}`);
      open = true;
    });
    return parts.join(' ');
  };
  return (
    <svg className="hrs-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} data-testid={testId}>
      {band ? (
        <g className="hrs-band" data-testid={`${testId}-band`}>
          <rect x={x(band.from)} width={Math.max(1, x(band.to) - x(band.from))} y={top} height={bottom - top} />
          <text x={x(band.from) + 3} y={top + 10}>
            {band.label}
          </text>
        </g>
      ) : null}
      {ticks.map((t) => (
        <g key={t}>
          <line className="hrs-grid" x1={left} x2={right} y1={y(t)} y2={y(t)} />
          <text className="hrs-tick" x={left - 4} y={y(t) + 3} textAnchor="end">
            {format(t)}
          </text>
        </g>
      ))}
      <line className="hrs-axis" x1={left} x2={right} y1={bottom} y2={bottom} />
      {niceTicks(xEnd, 4)
        .filter((t) => t <= xEnd)
        .map((t) => (
          <text key={t} className="hrs-tick" x={x(t)} y={H - 4} textAnchor="middle">
            {`${formatCount(t)} s`}
          </text>
        ))}
      {series.map((s) => (
        <path
          key={s.name}
          className="hrs-line"
          d={paths(s)}
          stroke={s.color}
          strokeDasharray={s.dashed ? '4 3' : undefined}
          data-testid={`${testId}-line`}
        >
          <title>{s.name}</title>
        </path>
      ))}
    </svg>
  );
}

export function Legend(props: { items: { name: string; color: string; dashed?: boolean }[] }): JSX.Element {
  return (
    <ul className="hrs-legend">
      {props.items.map((i) => (
        <li key={i.name}>
          <svg width="16" height="8" aria-hidden="true">
            <line x1="0" x2="16" y1="4" y2="4" stroke={i.color} strokeWidth="2" strokeDasharray={i.dashed ? '4 3' : undefined} />
          </svg>
          {i.name}
        </li>
      ))}
    </ul>
  );
}
