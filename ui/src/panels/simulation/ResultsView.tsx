// A simulation's results: per class the latency histogram and the percentiles, analytic
// against simulated; the busiest components; and for ramp, failure and daily runs the
// time series per window.

import type { JSX } from 'react';

import type { AnalyticClass } from '../../bindings/AnalyticClass';
import type { SimClass } from '../../bindings/SimClass';
import { PERCENTILE_RESOLUTION } from '../../bindings/simDefaults';
import type { StoredSimulation } from '../../bindings/StoredSimulation';
import { LatencyHistogram, Legend, SERIES_COLORS, TimeSeriesChart, type Marker, type Series } from './charts';
import { formatCount, formatDifference, formatDuration, formatLatency, formatMs, formatTime } from './format';
import { describeScenario, targetFlag } from './settings';

interface Row {
  key: string;
  label: string;
  analytic: number | null;
  simulated: number | null;
  ci: [number, number] | null;
  percentile: boolean;
}

function rows(c: SimClass, a: AnalyticClass | undefined): Row[] {
  const r = (
    key: string,
    label: string,
    analytic: number | null | undefined,
    simulated: number | null,
    ci: [number, number] | null,
    percentile = true,
  ): Row => ({ key, label, analytic: analytic ?? null, simulated, ci, percentile });
  return [
    r('mean', 'mean', a?.mean_latency_ms, c.mean_latency_ms, c.mean_latency_ms_ci95, false),
    r('p50', 'p50', a?.p50_latency_ms, c.p50_latency_ms, c.p50_latency_ms_ci95),
    r('p90', 'p90', null, c.p90_latency_ms, c.p90_latency_ms_ci95),
    r('p95', 'p95', a?.p95_latency_ms, c.p95_latency_ms, c.p95_latency_ms_ci95),
    r('p99', 'p99', a?.p99_latency_ms, c.p99_latency_ms, c.p99_latency_ms_ci95),
    r('p999', 'p99.9', null, c.p999_latency_ms, c.p999_latency_ms_ci95),
  ];
}

/** Whether the analytic value lies in the simulation's 95 % interval (as `analyze --compare-sim` says). */
function agrees(row: Row): boolean | null {
  if (row.analytic === null || row.simulated === null) return null;
  const [lo, hi] = row.ci ?? [row.simulated, row.simulated];
  const slack = (row.percentile ? PERCENTILE_RESOLUTION : 1e-9) * Math.max(Math.abs(row.analytic), 1e-9);
  return row.analytic >= lo - slack && row.analytic <= hi + slack;
}

function ClassResult(props: { c: SimClass; analytic: AnalyticClass | undefined; analyticLoad: number; replications: number }): JSX.Element {
  const { c, analytic, analyticLoad, replications } = props;
  const markers: Marker[] = [];
  const mark = (label: string, value: number | null | undefined, kind: Marker['kind']) => {
    if (value !== null && value !== undefined) markers.push({ label, value, kind });
  };
  mark('p50', c.p50_latency_ms, 'simulated');
  mark('p99', c.p99_latency_ms, 'simulated');
  mark('p50', analytic?.p50_latency_ms, 'analytic');
  mark('p99', analytic?.p99_latency_ms, 'analytic');
  mark('target', c.p99_target_ms, 'target');
  const overTarget = c.p99_target_ms !== null && c.p99_latency_ms !== null && c.p99_latency_ms > c.p99_target_ms;
  return (
    <div className="hrs-class" data-testid={`sim-class-${c.name}`}>
      <h4 className="hrs-class__name">
        {c.name}
        <span className="hrs-muted">
          {' '}
          {formatCount(c.rate_rps, c.rate_rps < 10 ? 1 : 0)} req/s at peak
          {c.p99_target_ms !== null ? ` · p99 target ${formatLatency(c.p99_target_ms)}` : ''}
        </span>
      </h4>
      <LatencyHistogram name={c.name} buckets={c.latency_histogram} markers={markers} />
      <Legend
        items={[
          { name: 'simulated', color: 'var(--accent)' },
          { name: `analytic${analyticLoad !== 1 ? ` (${analyticLoad}× peak)` : ''}`, color: '#0f172a', dashed: true },
          { name: 'p99 target', color: 'var(--error)', dashed: true },
        ]}
      />
      <p className="hrs-muted hrs-tiny">Latency on a log axis; bar heights on a square-root scale.</p>
      <table className="hrs-table" data-testid={`sim-percentiles-${c.name}`}>
        <caption className="hrs-sr">Latency of {c.name} in milliseconds, analytic and simulated</caption>
        <thead>
          <tr>
            <th scope="col">ms</th>
            <th scope="col">analytic</th>
            <th scope="col">simulated</th>
            <th scope="col">difference</th>
          </tr>
        </thead>
        <tbody>
          {rows(c, analytic).map((row) => {
            const ok = agrees(row);
            return (
              <tr key={row.key} data-testid={`sim-row-${c.name}-${row.key}`} data-simulated={row.simulated ?? ''}>
                <th scope="row">{row.label}</th>
                <td>{formatMs(row.analytic)}</td>
                <td
                  className={row.key === 'p99' && overTarget ? 'hrs-over' : undefined}
                  title={row.ci ? `95 % interval over ${replications} replications: ${formatMs(row.ci[0])} – ${formatMs(row.ci[1])} ms` : undefined}
                >
                  {row.simulated === null && c.unfinished > 0 ? 'unbounded' : formatMs(row.simulated)}
                  {row.ci && row.simulated !== null ? (
                    <span className="hrs-ci"> ±{formatMs(Math.max(row.ci[1] - row.simulated, row.simulated - row.ci[0]))}</span>
                  ) : null}
                </td>
                <td className={ok === false ? 'hrs-off' : undefined} title={ok === false ? 'The analytic value lies outside the simulation’s 95 % interval' : undefined}>
                  {formatDifference(row.simulated, row.analytic)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="hrs-muted hrs-small">
        Per replication: {formatCount(c.completed)} answered, {formatCount(c.errors, c.errors % 1 ? 1 : 0)} errors,{' '}
        {formatCount(c.timeouts, c.timeouts % 1 ? 1 : 0)} timeouts
        {c.unfinished > 0 ? `, ${formatCount(c.unfinished)} unfinished` : ''}
        {c.availability_percent !== null ? ` · availability ${c.availability_percent.toFixed(3)} %` : ''}
      </p>
    </div>
  );
}

function TimeSeries(props: { stored: StoredSimulation }): JSX.Element | null {
  const { report, settings } = props.stored.result;
  const windows = report.windows;
  if (windows.length === 0) return null;
  const xs = windows.map((w) => (w.start_s + w.end_s) / 2);
  const xEnd = windows[windows.length - 1]!.end_s;
  const colors = (i: number) => SERIES_COLORS[i % SERIES_COLORS.length]!;
  const perClass = (f: (w: (typeof windows)[number]['classes'][number], secs: number) => number | null): Series[] =>
    report.classes.map((c, k) => ({
      name: c.name,
      color: colors(k),
      values: windows.map((w) => {
        const wc = w.classes[k];
        return wc ? f(wc, w.end_s - w.start_s) : null;
      }),
    }));
  const throughput = perClass((wc) => wc.throughput_rps);
  const p99 = perClass((wc) => wc.p99_latency_ms);
  const errors = perClass((wc, secs) => (secs > 0 ? wc.errors / secs : null));
  const anyErrors = errors.some((s) => s.values.some((v) => v !== null && v > 0));
  // The busiest components: the four whose utilisation peaks highest.
  const busiest = report.components
    .map((c, i) => ({ c, i, peak: Math.max(...windows.map((w) => w.utilization[i] ?? 0)) }))
    .filter((x) => x.c.servers > 0)
    .sort((a, b) => b.peak - a.peak)
    .slice(0, 4);
  const utilization: Series[] = busiest.map((b, j) => ({
    name: b.c.name,
    color: colors(j + 3),
    values: windows.map((w) => 100 * (w.utilization[b.i] ?? 0)),
  }));
  const s = settings.scenario;
  const band =
    s.kind === 'failure'
      ? {
          from: s.from_s ?? 0.4 * xEnd,
          to: s.to_s ?? 0.6 * xEnd,
          label: `${s.targets.map(targetFlag).join(', ')} down`,
        }
      : null;
  const legend = (series: Series[]) => <Legend items={series.map((x) => ({ name: x.name, color: x.color }))} />;
  return (
    <section className="hrs-section" data-testid="sim-timeseries">
      <h3 className="hrs-heading">Over time</h3>
      <p className="hrs-muted hrs-small">
        {windows.length} windows of {formatDuration(xEnd / windows.length)}, seconds from the start of the run
        {report.warmup_seconds > 0 ? ' (warm-up included)' : ''}
        {s.kind === 'ramp'
          ? `; the offered load grows from ${formatCount(windows[0]!.offered_rps)} to ${formatCount(windows[windows.length - 1]!.offered_rps)} req/s`
          : ''}
        .
      </p>
      <h4 className="hrs-chart-title">Throughput (req/s)</h4>
      <TimeSeriesChart testId="sim-series-throughput" label="Throughput per class over time" x={xs} xEnd={xEnd} series={throughput} format={(v) => formatCount(v)} band={band} />
      {legend(throughput)}
      <h4 className="hrs-chart-title">p99 latency (ms)</h4>
      <TimeSeriesChart testId="sim-series-p99" label="p99 latency per class over time" x={xs} xEnd={xEnd} series={p99} format={(v) => formatCount(v)} band={band} />
      {legend(p99)}
      {anyErrors ? (
        <>
          <h4 className="hrs-chart-title">Errors (per second)</h4>
          <TimeSeriesChart testId="sim-series-errors" label="Errors per class over time" x={xs} xEnd={xEnd} series={errors} format={(v) => formatCount(v)} band={band} />
          {legend(errors)}
        </>
      ) : null}
      <h4 className="hrs-chart-title">Utilisation of the busiest components (%)</h4>
      <TimeSeriesChart testId="sim-series-utilization" label="Utilisation of the busiest components over time" x={xs} xEnd={xEnd} series={utilization} format={(v) => `${formatCount(v)}`} band={band} yMax={100} />
      {legend(utilization)}
    </section>
  );
}

function BreakingPoint(props: { stored: StoredSimulation }): JSX.Element | null {
  const bp = props.stored.result.report.breaking_point;
  if (!bp) return null;
  const parts: string[] = [];
  if (bp.p99_exceeded_rps !== null) parts.push(`p99 of ${bp.p99_exceeded_class ?? '?'} over its target from ${formatCount(bp.p99_exceeded_rps)} req/s`);
  if (bp.saturated_rps !== null) parts.push(`${bp.saturated_component ?? '?'} saturated from ${formatCount(bp.saturated_rps)} req/s`);
  return (
    <p className="hrs-note" data-testid="sim-breaking-point">
      <strong>Breaking point:</strong> {parts.length ? parts.join('; ') : 'none within the ramp'}.
    </p>
  );
}

export function ResultsView(props: {
  stored: StoredSimulation;
  /** False when the run is of an earlier version of the model than the one edited. */
  current: boolean;
  onReuse: () => void;
}): JSX.Element {
  const { stored, current, onReuse } = props;
  const { report, settings, analytic, analytic_load } = stored.result;
  const busiest = [...report.components]
    .filter((c) => c.servers > 0)
    .sort((a, b) => b.utilization - a.utilization)
    .slice(0, 5);
  return (
    <section className="hrs-section" data-testid="sim-results" data-run-id={stored.run.id}>
      <div className="hrs-section__bar">
        <h3 className="hrs-heading">Results</h3>
        <button type="button" className="hr-button hrs-small-button" onClick={onReuse} data-testid="sim-reuse">
          Use these settings
        </button>
      </div>
      <p className="hrs-meta">
        {describeScenario(settings.scenario)} · {settings.replications} × {formatCount(report.requests)} requests · seed {report.seed}
        <br />
        {formatDuration(report.simulated_seconds)} simulated per replication
        {report.warmup_seconds > 0 ? ` after ${formatDuration(report.warmup_seconds)} of warm-up` : ''} · ran in{' '}
        {formatDuration(report.wall_seconds)} ({formatCount(report.events_per_second / 1e6, 1)} M events/s)
        <br />
        Run {stored.run.id}, {formatTime(stored.run.created_ms)}, kept with revision {stored.revision.id}
        {stored.revision_created ? ' (recorded for the unsaved edits)' : ''}
      </p>
      {!current ? (
        <p className="hrs-note" data-testid="sim-outdated">
          This run is of an earlier version of the model.
        </p>
      ) : null}
      <BreakingPoint stored={stored} />
      {report.classes.map((c) => (
        <ClassResult key={c.name} c={c} analytic={analytic.find((a) => a.name === c.name)} analyticLoad={analytic_load} replications={report.replications} />
      ))}
      {busiest.length > 0 ? (
        <>
          <h4 className="hrs-chart-title">Busiest components</h4>
          <table className="hrs-table" data-testid="sim-components">
            <thead>
              <tr>
                <th scope="col">component</th>
                <th scope="col">utilisation</th>
                <th scope="col">mean ms</th>
                <th scope="col">p99 ms</th>
              </tr>
            </thead>
            <tbody>
              {busiest.map((c) => (
                <tr key={c.name}>
                  <th scope="row">{c.name}</th>
                  <td className={c.stable ? undefined : 'hrs-over'}>
                    {(100 * c.utilization).toFixed(1)} %{c.stable ? '' : ' saturated'}
                  </td>
                  <td>{formatMs(c.mean_response_ms)}</td>
                  <td>{formatMs(c.p99_response_ms)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <TimeSeries stored={stored} />
    </section>
  );
}
