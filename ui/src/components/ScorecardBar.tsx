import { memo } from 'react';

import type { LiveAnalysis } from '../bindings/LiveAnalysis';
import type { Target } from '../bindings/Target';
import type { TargetCheck } from '../bindings/TargetCheck';
import { formatAvailability, formatMs, formatRate } from '../graph/heat';

/** One cell of the bar: a figure against its target. */
export interface ScoreCell {
  id: string;
  label: string;
  value: string;
  target: string | null;
  /** null: no target to hold it to. */
  pass: boolean | null;
  summary: string;
}

// Formatters made once: `toLocaleString` builds one per call, a measurable part of an edit.
const WHOLE_USD = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const CENTS_USD = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const usd = (v: number) => `$${(v >= 100 ? WHOLE_USD : CENTS_USD).format(v)}/mo`;

function formatted(check: TargetCheck, value: number | null): string {
  if (value === null) return check.target === 'consistency' ? (check.pass ? 'met' : 'conflict') : '∞';
  switch (check.target) {
    case 'consistency':
      return `${formatMs(value)} stale`;
    case 'n_minus_1':
      return value === 0 ? 'all survive' : `${value} short`;
    case 'throughput_rps':
      return formatRate(value);
    case 'p99_ms':
      return formatMs(value);
    case 'availability':
      return formatAvailability(value);
    case 'monthly_budget_usd':
      return usd(value);
    case 'utilization_ceiling':
    case 'zone_loss':
      return `${Math.round(value * 100)} %`;
  }
}

const LABELS: Record<Target, string> = {
  throughput_rps: 'Throughput capacity',
  p99_ms: 'p99',
  availability: 'Availability',
  monthly_budget_usd: 'Monthly cost',
  utilization_ceiling: 'Utilisation',
  consistency: 'Consistency',
  n_minus_1: 'N-1',
  zone_loss: 'Zone loss',
};

/**
 * The cells: throughput capacity, p99 and availability per class, and the monthly cost
 * always (against their targets when the spec sets them), then every other target.
 */
export function scoreCells(analysis: LiveAnalysis): ScoreCell[] {
  const cells: ScoreCell[] = [];
  const rows = analysis.scorecard;
  const take = (target: string, subject: string | null) => {
    const i = rows.findIndex((r) => r.target === target && r.subject === subject);
    return i >= 0 ? rows[i] : undefined;
  };
  const used = new Set<TargetCheck>();
  const fromCheck = (check: TargetCheck): ScoreCell => {
    used.add(check);
    const subject = check.subject ? ` ${check.subject}` : '';
    return {
      id: `${check.target}${check.subject ? `-${check.subject}` : ''}`,
      label: `${LABELS[check.target]}${subject}`,
      value: formatted(check, check.predicted),
      target:
        check.required === null || check.target === 'n_minus_1'
          ? null
          : formatted(check, check.required),
      pass: check.pass,
      summary: check.summary,
    };
  };

  const throughput = take('throughput_rps', null);
  cells.push(
    throughput
      ? fromCheck(throughput)
      : {
          id: 'throughput_rps',
          label: 'Throughput capacity',
          value: analysis.max_throughput_at_ceiling_rps === null ? '∞' : formatRate(analysis.max_throughput_at_ceiling_rps),
          target: null,
          pass: null,
          summary: 'The total rate the system carries with every component under the utilisation ceiling.',
        },
  );
  for (const c of analysis.classes) {
    const p99 = take('p99_ms', c.name);
    cells.push(
      p99
        ? fromCheck(p99)
        : {
            id: `p99_ms-${c.name}`,
            label: `p99 ${c.name}`,
            value: formatMs(c.p99_latency_ms),
            target: null,
            pass: null,
            summary: `${c.name}: p99 ${formatMs(c.p99_latency_ms)}, no target set`,
          },
    );
  }
  for (const c of analysis.classes) {
    const a = take('availability', c.name);
    if (a) cells.push(fromCheck(a));
  }
  const budget = take('monthly_budget_usd', null);
  cells.push(
    budget
      ? fromCheck(budget)
      : {
          id: 'monthly_budget_usd',
          label: 'Monthly cost',
          value: usd(analysis.monthly_cost_usd),
          target: null,
          pass: null,
          summary: `${usd(analysis.monthly_cost_usd)}; no budget set`,
        },
  );
  for (const r of rows) if (!used.has(r)) cells.push(fromCheck(r));
  return cells;
}

/**
 * The bar above the canvas: every target, green or red; grey when the numbers are stale.
 * Memoised: an edit changes none of its props (its answer does).
 */
export const ScorecardBar = memo(function ScorecardBar({
  analysis,
  stale,
}: {
  analysis: LiveAnalysis | null;
  stale: boolean;
}) {
  if (!analysis) {
    return (
      <div className="hr-scorecard hr-scorecard--empty" data-testid="scorecard">
        No numbers yet: the model needs components, a request class and no problems.
      </div>
    );
  }
  const cells = scoreCells(analysis);
  const failing = cells.filter((c) => c.pass === false).length;
  return (
    <div
      className={stale ? 'hr-scorecard hr-scorecard--stale' : 'hr-scorecard'}
      data-testid="scorecard"
      data-stale={stale ? 'true' : 'false'}
      data-failing={failing}
      title={stale ? 'From the last valid model: fix the problems to update' : undefined}
    >
      {cells.map((c) => (
        <div
          key={c.id}
          className={`hr-score hr-score--${c.pass === null ? 'none' : c.pass ? 'pass' : 'fail'}`}
          data-testid={`score-${c.id}`}
          data-pass={c.pass === null ? 'none' : String(c.pass)}
          title={c.summary}
        >
          <span className="hr-score__label">{c.label}</span>
          <span className="hr-score__value">
            {c.value}
            {c.target ? <span className="hr-score__target"> / {c.target}</span> : null}
          </span>
        </div>
      ))}
    </div>
  );
});
