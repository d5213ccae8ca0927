// Simulation runs of the model: settings, a progress bar with the time left and Cancel
// while a run goes on (in the background: the rest of the app stays usable), its results
// as charts and tables, and the past runs of this version of the model.

import { useEffect, useState, type JSX } from 'react';

import type { PastSimulation } from '../../bindings/PastSimulation';
import type { SimProgress } from '../../bindings/SimProgress';
import { toCommandError } from '../../ipc';
import type { PanelProps } from '../types';
import { formatCount, formatDuration, formatTime } from './format';
import { ResultsView } from './ResultsView';
import { checkForm, describeScenario, formOf } from './settings';
import { SettingsForm } from './SettingsForm';
import { cancelRun, dismiss, markOpenedLatest, setForm, show, startRun, useProjectSimulation } from './store';
import './simulation.css';

/** How long the model must stay unchanged before its past runs are looked up again. */
const PAST_RUNS_AFTER_MS = 400;

function Progress(props: { progress: SimProgress | null; cancelling: boolean; onCancel: () => void }): JSX.Element {
  const { progress, cancelling, onCancel } = props;
  const pct = progress ? Math.floor(100 * progress.fraction) : 0;
  let left = 'estimating the time left…';
  if (progress?.remaining_s !== null && progress?.remaining_s !== undefined) {
    left = progress.remaining_s < 1 ? 'less than a second left' : `about ${formatDuration(progress.remaining_s)} left`;
  }
  return (
    <section className="hrs-section hrs-running" aria-live="polite">
      <h3 className="hrs-heading">Simulating…</h3>
      <div
        className="hrs-progress"
        role="progressbar"
        aria-label="Simulation progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct} %, ${left}`}
        data-testid="sim-progress"
      >
        <div className="hrs-progress__fill" style={{ width: `${pct}%` }} />
      </div>
      <p className="hrs-progress__text" data-testid="sim-progress-text">
        <strong>{pct} %</strong> · {cancelling ? 'stopping…' : left}
        {progress ? (
          <>
            <br />
            {formatCount(progress.requests_done)} of {formatCount(progress.requests_total)} requests ·{' '}
            {progress.replications_done} of {progress.replications} replications done · {formatDuration(progress.elapsed_s)}{' '}
            elapsed
          </>
        ) : null}
      </p>
      <button type="button" className="hr-button" data-testid="sim-cancel" onClick={onCancel} disabled={cancelling}>
        {cancelling ? 'Cancelling…' : 'Cancel'}
      </button>
    </section>
  );
}

function PastRuns(props: {
  past: PastSimulation[] | null;
  error: string | null;
  shownId: number | null;
  onOpen: (id: number) => void;
}): JSX.Element {
  const { past, error, shownId, onOpen } = props;
  return (
    <section className="hrs-section" data-testid="sim-past">
      <h3 className="hrs-heading">Past runs of this version</h3>
      {error ? (
        <p className="hrs-error" role="alert">
          {error}
        </p>
      ) : past === null ? (
        <p className="hrs-muted">Looking them up…</p>
      ) : past.length === 0 ? (
        <p className="hrs-muted" data-testid="sim-past-empty">
          None yet: runs are kept with the revision of the model they simulated.
        </p>
      ) : (
        <ul className="hrs-past">
          {past.map((p) => (
            <li key={p.run.id}>
              <button
                type="button"
                className="hrs-past__item"
                aria-current={p.run.id === shownId ? 'true' : undefined}
                data-testid={`sim-past-${p.run.id}`}
                onClick={() => onOpen(p.run.id)}
              >
                <span className="hrs-past__when">{formatTime(p.run.created_ms)}</span>
                <span>
                  {describeScenario(p.settings.scenario)} · {p.settings.replications} × {formatCount(p.settings.requests)} · seed{' '}
                  {p.settings.seed}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SimulationPanel(props: PanelProps): JSX.Element {
  const { backend, project, file, spec, header, stale, onError } = props;
  const sim = useProjectSimulation(project);
  const [past, setPast] = useState<PastSimulation[] | null>(null);
  const [pastError, setPastError] = useState<string | null>(null);
  const running = sim.run.phase === 'running';
  const shownId = sim.shown?.run.id ?? null;

  // The past runs of the model as it stands, looked up again after edits and new runs.
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      backend
        .pastSimulations(project, spec, header)
        .then((list) => {
          if (!live) return;
          setPast(list);
          setPastError(null);
        })
        .catch((reason: unknown) => {
          if (live) setPastError(`Past runs could not be listed: ${toCommandError(reason).message}`);
        });
    }, PAST_RUNS_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [backend, project, spec, header, shownId]);

  // On first opening the panel for a project, show its newest run.
  const newest = past?.[0]?.run.id ?? null;
  useEffect(() => {
    if (newest === null || sim.openedLatest || sim.shown || running) return;
    markOpenedLatest(project);
    backend
      .loadSimulation(newest)
      .then((stored) => show(project, stored, true))
      .catch(onError);
  }, [backend, project, newest, sim.openedLatest, sim.shown, running, onError]);

  const run = () => {
    const checked = checkForm(sim.form, spec);
    if (!checked.settings) return;
    void startRun(backend, { project, spec, header, hasFile: file !== null, settings: checked.settings });
  };

  const open = (id: number) => {
    backend
      .loadSimulation(id)
      .then((stored) => show(project, stored))
      .catch(onError);
  };

  const blocked = stale
    ? 'The model has problems: fix them to simulate it.'
    : spec.workload.classes.length === 0
      ? 'The model has no request classes: add one under Workload to simulate it.'
      : null;
  const current = sim.shown === null || past === null || past.some((p) => p.run.id === sim.shown?.run.id);

  return (
    <div className="hrs-panel" data-testid="simulation-panel" data-phase={sim.run.phase}>
      <section className="hrs-section">
        <h3 className="hrs-heading">Simulate</h3>
        <p className="hrs-muted hrs-small">
          A discrete-event simulation of the model, the same as <code>headroom simulate</code>: latency distributions
          and 95 % intervals from independent replications.
        </p>
        <SettingsForm
          spec={spec}
          form={sim.form}
          onChange={(form) => setForm(project, form)}
          locked={running}
          blocked={blocked}
          onRun={run}
        />
      </section>
      {sim.run.phase === 'running' ? (
        <Progress progress={sim.run.progress} cancelling={sim.run.cancelling} onCancel={() => void cancelRun(backend, project)} />
      ) : null}
      {sim.run.phase === 'cancelled' ? (
        <p className="hrs-note" role="status" data-testid="sim-cancelled">
          Simulation cancelled: nothing was kept.{' '}
          <button type="button" className="hrs-link" onClick={() => dismiss(project)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {sim.run.phase === 'failed' ? (
        <p className="hrs-error" role="alert" data-testid="sim-error" data-kind={sim.run.error.kind}>
          The simulation could not run: {sim.run.error.message}{' '}
          <button type="button" className="hrs-link" onClick={() => dismiss(project)}>
            Dismiss
          </button>
        </p>
      ) : null}
      {sim.shown && !running ? (
        <ResultsView stored={sim.shown} current={current} onReuse={() => setForm(project, formOf(sim.shown!.result.settings))} />
      ) : null}
      <PastRuns past={past} error={pastError} shownId={shownId} onOpen={open} />
    </div>
  );
}
