// Numbers as the simulation panel shows them.

const grouped = (v: number, digits: number) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Milliseconds without the unit: two decimals below 1, one up to 10 s, none above. */
export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  return grouped(v, a < 1 ? 2 : a < 10_000 ? 1 : 0);
}

/** A latency with its unit, for axes and markers: "850 µs", "42.5 ms", "3.5 s". */
export function formatLatency(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v < 1) return `${Math.round(v * 1000)} µs`;
  if (v < 1000) return `${Number(v.toPrecision(3))} ms`;
  return `${Number((v / 1000).toPrecision(3))} s`;
}

/** A count or rate: "200,000", "2,596.8". */
export function formatCount(v: number, digits = 0): string {
  return Number.isFinite(v) ? grouped(v, digits) : '–';
}

/** A duration in seconds for people: "0.4 s", "67 s", "3 min 20 s". */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 100) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - 60 * m);
  if (m < 60) return rest ? `${m} min ${rest} s` : `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - 60 * h} min`;
}

/** A signed difference with its share: "+1.2 (+0.9 %)". */
export function formatDifference(simulated: number | null, analytic: number | null): string {
  if (simulated === null || analytic === null || !Number.isFinite(simulated) || !Number.isFinite(analytic)) return '–';
  const d = simulated - analytic;
  const sign = d > 0 ? '+' : d < 0 ? '−' : '±';
  const pct = analytic !== 0 ? ` (${sign}${grouped(Math.abs((100 * d) / analytic), 1)} %)` : '';
  return `${sign}${formatMs(Math.abs(d))}${pct}`;
}

export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
