// How the findings and the plan read: numbers with their units, labels for a person.
// Effects follow the CLI's plan text (src/plan/text.rs) so the app and `headroom plan`
// say the same thing.

import type { Effect } from '../../bindings/Effect';
import type { Finding } from '../../bindings/Finding';
import type { FindingKind } from '../../bindings/FindingKind';
import type { Metric } from '../../bindings/Metric';

/** "$1,486/mo". */
export function usd(v: number): string {
  return `$${Math.round(v).toLocaleString('en-US')}/mo`;
}

/** "+$51/mo", "−$10,512/mo", "±$0/mo". */
export function usdDelta(v: number): string {
  const r = Math.round(v);
  if (r === 0) return '±$0/mo';
  return `${r > 0 ? '+' : '−'}$${Math.abs(r).toLocaleString('en-US')}/mo`;
}

/** A utilisation (a fraction) as a percentage: "57 %", "4.6 %". */
export function utilisation(v: number): string {
  const p = v * 100;
  return `${p < 10 ? p.toFixed(1) : Math.round(p).toLocaleString('en-US')} %`;
}

const rate = (v: number) => `${Math.round(v).toLocaleString('en-US')} req/s`;

/** A plan metric's value, as `headroom plan` prints it; null is unbounded. */
export function metricValue(metric: Metric, v: number | null): string {
  if (metric === 'consistency') return v === null ? 'consistent' : `${v} ms stale`;
  if (v === null) return 'unbounded';
  switch (metric) {
    case 'availability':
      return `${v.toFixed(4)} %`;
    case 'p99_ms':
      return `${v.toFixed(1)} ms`;
    case 'n_minus_1':
      return `${Math.round(v)} failing`;
    case 'monthly_budget_usd':
      return usd(v);
    case 'throughput_rps':
      return rate(v);
    case 'utilization':
    case 'utilization_ceiling':
    case 'zone_loss':
      return utilisation(v);
  }
}

/** What an effect is about: "p99 of checkout", "utilisation of api". */
export function metricLabel(metric: Metric, subject: string | null): string {
  const s = subject ?? '';
  switch (metric) {
    case 'throughput_rps':
      return 'throughput within the ceiling';
    case 'p99_ms':
      return `p99 of ${s}`;
    case 'availability':
      return `availability of ${s}`;
    case 'consistency':
      return `consistency of ${s}`;
    case 'utilization_ceiling':
      return subject ? `hottest component (${s})` : 'hottest component';
    case 'monthly_budget_usd':
      return 'cost a month';
    case 'n_minus_1':
      return 'N-1';
    case 'zone_loss':
      return 'zone loss, hottest survivor';
    case 'utilization':
      return `utilisation of ${s}`;
  }
}

/** Whether an effect met, missed or kept missing its target: null when it has none. */
export function verdict(e: Effect): 'now met' | 'now missed' | 'still missed' | null {
  if (e.pass_before === false && e.pass_after === true) return 'now met';
  if (e.pass_before === true && e.pass_after === false) return 'now missed';
  if (e.pass_after === false) return 'still missed';
  return null;
}

const KIND_LABELS: Record<FindingKind, string> = {
  saturated: 'Saturated',
  above_ceiling: 'Above the ceiling',
  p99_missed: 'p99 missed',
  availability_missed: 'Availability missed',
  throughput_short: 'Throughput short',
  over_budget: 'Over budget',
  pool_exhausted: 'Pool exhausted',
  partition_bound: 'Partitions bound consumers',
  lock_contention: 'Lock contention',
  timeouts: 'Timeouts',
  retry_storm: 'Retry storm',
  consistency_conflict: 'Consistency conflict',
  n_minus_1: 'N-1',
  zone_loss: 'Zone loss',
  degraded: 'Served degraded',
  inverted_timeout: 'Timeout shorter than its callee',
};

export function findingLabel(kind: FindingKind): string {
  return KIND_LABELS[kind];
}

/**
 * A finding's numbers: what was found and what it is held to, in the finding's unit
 * ("utilisation 200 % · ceiling 70 %"); null when it has none.
 */
export function findingNumbers(f: Finding): string | null {
  const { value, limit } = f;
  if (value === null && limit === null) return null;
  const v = (fmt: (x: number) => string, unbounded = 'unbounded') => (value === null ? unbounded : fmt(value));
  const l = (fmt: (x: number) => string) => (limit === null ? '' : fmt(limit));
  switch (f.kind) {
    case 'saturated':
      return `utilisation ${v(utilisation)} · saturates at ${l(utilisation)}`;
    case 'above_ceiling':
    case 'pool_exhausted':
    case 'n_minus_1':
    case 'zone_loss':
      return `utilisation ${v(utilisation, 'down')} · ceiling ${l(utilisation)}`;
    case 'partition_bound':
      return `${v((x) => `${x}`)} partitions · ${l((x) => `${x}`)} servers`;
    case 'lock_contention':
      return `each key held ${v(utilisation)} of the time · ceiling ${l(utilisation)}`;
    case 'p99_missed':
      return `p99 ${v((x) => `${x.toFixed(1)} ms`)} · target ${l((x) => `${x} ms`)}`;
    case 'availability_missed':
      return `${v((x) => `${x.toFixed(4)} %`)} · target ${l((x) => `${x} %`)}`;
    case 'throughput_short':
      return `${v(rate)} · target ${l(rate)}`;
    case 'over_budget':
      return `${v(usd)} · budget ${l(usd)}`;
    case 'consistency_conflict':
      return `up to ${v((x) => `${x} ms`)} stale`;
    case 'inverted_timeout':
      return `times out at ${v((x) => `${x} ms`)} · its callee may take ${l((x) => `${x} ms`)}`;
    case 'timeouts':
      return `${v((x) => `${(x * 100).toFixed(2)} %`)} of calls fail · limit ${l((x) => `${x * 100} %`)}`;
    case 'retry_storm':
      return `each call tried ${v((x) => x.toFixed(2))} times`;
    case 'degraded':
      return `${v((x) => `${x.toFixed(4)} %`)} of requests degraded`;
  }
}
