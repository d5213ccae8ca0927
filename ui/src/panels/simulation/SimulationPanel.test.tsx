import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { Spec } from '../../bindings/Spec';
import { documentOf, memoryBackend } from '../../fixtures/backend';
import { shopSpec, shopView } from '../../fixtures/shop';
import { simulationFixture, type SimulationFixture } from '../../fixtures/simulation';
import type { Backend } from '../../ipc';
import type { PanelProps } from '../types';
import { formatMs } from './format';
import { SimulationPanel } from './SimulationPanel';
import { resetSimulations } from './store';

function setup(options: { spec?: Spec; stale?: boolean; fixture?: SimulationFixture; file?: string | null } = {}) {
  const fixture = options.fixture ?? simulationFixture({ manual: true });
  const backend: Backend = { ...memoryBackend(documentOf(shopView())), ...fixture };
  const props: PanelProps = {
    backend,
    project: 7,
    file: options.file === undefined ? '/models/shop.yaml' : options.file,
    spec: options.spec ?? shopSpec(),
    header: ['# the shop'],
    analysis: null,
    stale: options.stale ?? false,
    dirty: false,
    onApply: vi.fn(),
    onSelect: vi.fn(),
    onError: vi.fn(),
    ask: vi.fn(),
  };
  const view = render(<SimulationPanel {...props} />);
  return { fixture, props, ...view };
}

const field = (name: string) => screen.getByTestId(`sim-field-${name}`);
const type = (name: string, value: string) => fireEvent.change(field(name), { target: { value } });
const runButton = () => screen.getByTestId('sim-run');

beforeEach(() => {
  resetSimulations();
});

describe('SimulationPanel', () => {
  it("starts with the CLI's defaults and runs the present model with them", async () => {
    const { fixture } = setup();
    expect(field('requests')).toHaveValue('200000');
    expect(field('replications')).toHaveValue('5');
    expect(field('seed')).toHaveValue('1');
    expect(field('load')).toHaveValue('1');
    expect(screen.getByTestId('sim-scenario')).toHaveValue('steady');
    // 200,000 requests at 3,000 req/s: about 67 s, after a tenth of that of warm-up.
    expect(screen.getByTestId('sim-length')).toHaveTextContent('About 67 s of simulated time per replication, after at least 6.7 s of warm-up.');
    fireEvent.click(runButton());
    await waitFor(() => expect(fixture.requests).toHaveLength(1));
    const r = fixture.requests[0]!;
    expect(r.settings).toEqual({
      requests: 200000,
      seed: 1,
      replications: 5,
      warmup: 0.1,
      windows: null,
      max_events: 300_000_000,
      scenario: { kind: 'steady', load: 1 },
    });
    expect(r.project).toBe(7);
    expect(r.hasFile).toBe(true);
    expect(r.header).toEqual(['# the shop']);
    expect(r.spec.name).toBe('shop');
  });

  it('shows progress with the time left, locks the form, and shows results when done', async () => {
    const { fixture } = setup();
    fireEvent.click(runButton());
    const bar = await screen.findByTestId('sim-progress');
    expect(bar).toHaveAttribute('role', 'progressbar');
    expect(bar).toHaveAttribute('aria-valuenow', '0');
    expect(screen.getByTestId('sim-progress-text')).toHaveTextContent('estimating the time left');
    expect(runButton()).toBeDisabled();
    expect(field('requests')).toBeDisabled();

    act(() => fixture.step(0.25, 12));
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    expect(screen.getByTestId('sim-progress-text')).toHaveTextContent('25 % · about 12 s left');
    expect(screen.getByTestId('sim-progress-text')).toHaveTextContent('250,000 of 1,000,000 requests');
    act(() => fixture.step(0.5, 125));
    expect(bar).toHaveAttribute('aria-valuenow', '50');
    expect(screen.getByTestId('sim-progress-text')).toHaveTextContent('about 2 min 5 s left');

    act(() => fixture.finish());
    const results = await screen.findByTestId('sim-results');
    expect(screen.queryByTestId('sim-progress')).toBeNull();
    expect(runButton()).toBeEnabled();

    // Per class: a histogram with bars and the percentile markers, and a table whose
    // simulated column is the report's.
    const stored = await fixture.loadSimulation(Number(results.dataset.runId));
    for (const c of stored.result.report.classes) {
      const histogram = within(results).getByTestId(`sim-histogram-${c.name}`);
      expect(histogram.querySelectorAll('[data-testid="sim-bar"]').length).toBe(c.latency_histogram.length);
      expect(within(histogram).getByTestId('sim-marker-simulated-p99')).toBeInTheDocument();
      expect(within(histogram).getByTestId('sim-marker-analytic-p99')).toBeInTheDocument();
      expect(within(histogram).getByTestId('sim-marker-target-target')).toBeInTheDocument();
      const p99 = within(results).getByTestId(`sim-row-${c.name}-p99`);
      expect(p99).toHaveAttribute('data-simulated', String(c.p99_latency_ms));
      const cells = p99.querySelectorAll('td');
      expect(cells[0]).toHaveTextContent(formatMs(stored.result.analytic.find((a) => a.name === c.name)!.p99_latency_ms));
      expect(cells[1]).toHaveTextContent(formatMs(c.p99_latency_ms));
      // Analytic p99 is 5 % above the simulated one in the fixture.
      expect(cells[2]).toHaveTextContent(/^−[\d.,]+ \(−4\.8 %\)$/);
    }
    expect(within(results).queryByTestId('sim-timeseries')).toBeNull();
    expect(results).toHaveTextContent('Steady at 1× peak · 5 × 200,000 requests · seed 1');

    // The run is listed as a past run of this version, and is the one shown.
    const item = await screen.findByTestId(`sim-past-${stored.run.id}`);
    expect(item).toHaveAttribute('aria-current', 'true');
  });

  it('cancels a run: says so and keeps nothing', async () => {
    const { fixture } = setup();
    fireEvent.click(runButton());
    await screen.findByTestId('sim-progress');
    act(() => fixture.step(0.1, 30));
    fireEvent.click(screen.getByTestId('sim-cancel'));
    await screen.findByTestId('sim-cancelled');
    expect(screen.getByTestId('sim-cancelled')).toHaveTextContent('cancelled');
    expect(fixture.cancels).toEqual([fixture.requests[0]!.token]);
    expect(screen.queryByTestId('sim-progress')).toBeNull();
    expect(screen.queryByTestId('sim-results')).toBeNull();
    expect(await fixture.pastSimulations(7, shopSpec(), [])).toEqual([]);
    await screen.findByTestId('sim-past-empty');
    expect(runButton()).toBeEnabled();
  });

  it('checks the settings as they are typed', () => {
    setup();
    type('requests', 'abc');
    expect(screen.getByTestId('sim-error-requests')).toHaveTextContent('Not a number.');
    expect(runButton()).toBeDisabled();
    type('requests', '50,000');
    expect(screen.queryByTestId('sim-error-requests')).toBeNull();
    type('replications', '0');
    expect(screen.getByTestId('sim-error-replications')).toHaveTextContent('At least 1.');
    type('replications', '1001');
    expect(screen.getByTestId('sim-error-replications')).toHaveTextContent('At most 1,000.');
    type('replications', '3');
    type('seed', '1.5');
    expect(screen.getByTestId('sim-error-seed')).toHaveTextContent('A whole number.');
    type('seed', '42');
    type('load', '0');
    expect(screen.getByTestId('sim-error-load')).toHaveTextContent('Must be more than 0.');
    type('load', '1.5');
    expect(runButton()).toBeEnabled();
    expect(field('requests')).not.toHaveAttribute('aria-invalid');
  });

  it('runs a failure of a chosen component, replica or zone over a chosen window, and draws its time series', async () => {
    const { fixture } = setup();
    fireEvent.change(screen.getByTestId('sim-scenario'), { target: { value: 'failure' } });
    expect(screen.getByTestId('sim-error-failTarget')).toHaveTextContent('Choose what fails.');
    expect(runButton()).toBeDisabled();
    const target = screen.getByTestId('sim-fail-target');
    // Every component of the model, and the zones its components span.
    const options = [...target.querySelectorAll('option')].map((o) => o.getAttribute('value'));
    expect(options).toEqual(['', ...shopSpec().components.map((c) => c.name), 'zone:0', 'zone:1']);

    fireEvent.change(target, { target: { value: 'api' } });
    type('failReplica', '4');
    expect(screen.getByTestId('sim-error-failReplica')).toHaveTextContent('At most 3.');
    type('failReplica', '2');
    type('failFrom', '20');
    type('failTo', '10');
    expect(screen.getByTestId('sim-error-failTo')).toHaveTextContent('Must not be before the start.');
    type('failTo', '40');
    fireEvent.click(runButton());
    await waitFor(() => expect(fixture.requests).toHaveLength(1));
    expect(fixture.requests[0]!.settings.scenario).toEqual({
      kind: 'failure',
      load: 1,
      targets: [{ kind: 'replica', component: 'api', replica: 2 }],
      from_s: 20,
      to_s: 40,
    });
    act(() => fixture.finish());
    const series = await screen.findByTestId('sim-timeseries');
    for (const id of ['throughput', 'p99', 'utilization', 'errors']) {
      const chart = within(series).getByTestId(`sim-series-${id}`);
      expect(chart.querySelectorAll(`[data-testid="sim-series-${id}-line"]`).length).toBeGreaterThan(0);
      expect(within(chart).getByTestId(`sim-series-${id}-band`)).toHaveTextContent('api/2 down');
    }

    // A whole component with the default window; then a zone.
    fireEvent.change(screen.getByTestId('sim-fail-target'), { target: { value: 'payments' } });
    expect(screen.queryByTestId('sim-field-failReplica')).toBeNull();
    type('failFrom', '');
    type('failTo', '');
    fireEvent.click(runButton());
    await waitFor(() => expect(fixture.requests).toHaveLength(2));
    expect(fixture.requests[1]!.settings.scenario).toEqual({ kind: 'failure', load: 1, targets: [{ kind: 'component', component: 'payments' }], from_s: null, to_s: null });
    act(() => fixture.finish());
    await screen.findByTestId('sim-results');
    fireEvent.change(screen.getByTestId('sim-fail-target'), { target: { value: 'zone:1' } });
    fireEvent.click(runButton());
    await waitFor(() => expect(fixture.requests).toHaveLength(3));
    expect(fixture.requests[2]!.settings.scenario).toMatchObject({ targets: [{ kind: 'zone', zone: 1 }] });
  });

  it('runs a ramp with its bounds', async () => {
    const { fixture } = setup();
    fireEvent.change(screen.getByTestId('sim-scenario'), { target: { value: 'ramp' } });
    expect(field('rampFrom')).toHaveValue('0.5');
    expect(field('rampTo')).toHaveValue('2');
    type('rampTo', '3');
    fireEvent.click(runButton());
    await waitFor(() => expect(fixture.requests).toHaveLength(1));
    expect(fixture.requests[0]!.settings.scenario).toEqual({ kind: 'ramp', from: 0.5, to: 3 });
    act(() => fixture.finish());
    await screen.findByTestId('sim-timeseries');
    expect(screen.getByTestId('sim-breaking-point')).toHaveTextContent('none within the ramp');
  });

  it('shows why a model cannot be simulated, and a failed run as text', async () => {
    const stale = setup({ stale: true });
    expect(screen.getByTestId('sim-blocked')).toHaveTextContent('The model has problems');
    expect(runButton()).toBeDisabled();
    stale.unmount();

    const noClasses = { ...shopSpec(), workload: { classes: [] } };
    const empty = setup({ spec: noClasses });
    expect(screen.getByTestId('sim-blocked')).toHaveTextContent('no request classes');
    empty.unmount();

    const { fixture } = setup();
    fireEvent.click(runButton());
    await screen.findByTestId('sim-progress');
    act(() => fixture.fail({ kind: 'no_load', message: 'nothing to simulate: no request class has a positive rate' }));
    const error = await screen.findByTestId('sim-error');
    expect(error).toHaveAttribute('data-kind', 'no_load');
    expect(error).toHaveTextContent('The simulation could not run: nothing to simulate: no request class has a positive rate');
    fireEvent.click(within(error).getByText('Dismiss'));
    expect(screen.queryByTestId('sim-error')).toBeNull();
  });

  it('opens the newest past run, and any other on a click', async () => {
    const fixture = simulationFixture({ manual: true });
    const first = setup({ fixture });
    fireEvent.click(runButton());
    await screen.findByTestId('sim-progress');
    act(() => fixture.finish());
    await screen.findByTestId('sim-results');
    type('seed', '9');
    fireEvent.click(runButton());
    await screen.findByTestId('sim-progress');
    act(() => fixture.finish());
    await waitFor(() => expect(screen.getByTestId('sim-results')).toHaveAttribute('data-run-id', '2'));
    first.unmount();

    // Another window of the app (a fresh state): the newest run is opened.
    resetSimulations();
    setup({ fixture });
    await waitFor(() => expect(screen.queryByTestId('sim-results')).toHaveAttribute('data-run-id', '2'));
    expect(screen.getByTestId('sim-results')).toHaveTextContent('seed 9');
    fireEvent.click(await screen.findByTestId('sim-past-1'));
    await waitFor(() => expect(screen.getByTestId('sim-results')).toHaveAttribute('data-run-id', '1'));
    expect(screen.getByTestId('sim-results')).toHaveTextContent('seed 1');
    expect(screen.getByTestId('sim-past-1')).toHaveAttribute('aria-current', 'true');
    // Its settings can be taken back into the form.
    fireEvent.click(screen.getByTestId('sim-reuse'));
    expect(field('seed')).toHaveValue('1');
  });

  it('keeps a run going while the panel is closed', async () => {
    const { fixture, unmount } = setup();
    fireEvent.click(runButton());
    await screen.findByTestId('sim-progress');
    act(() => fixture.step(0.4, 3));
    unmount();
    setup({ fixture });
    expect(screen.getByTestId('sim-progress')).toHaveAttribute('aria-valuenow', '40');
    act(() => fixture.finish());
    await screen.findByTestId('sim-results');
  });
});
