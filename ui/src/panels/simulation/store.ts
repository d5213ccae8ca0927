// The simulation state of each open project, kept outside the panel: a run goes on (and
// its result stays) while the user looks at another tab of the dock.

import type { CommandError } from '../../bindings/CommandError';
import type { SimProgress } from '../../bindings/SimProgress';
import type { SimSettings } from '../../bindings/SimSettings';
import type { StoredSimulation } from '../../bindings/StoredSimulation';
import { toCommandError } from '../../ipc';
import type { SimulationBackend, StartSimulation } from '../../ipc/simulation';
import { projectStore, useProjectValue } from '../projectStore';
import { DEFAULT_FORM, type SimForm } from './settings';

export type RunState =
  | { phase: 'idle' }
  | {
      phase: 'running';
      token: string;
      settings: SimSettings;
      progress: SimProgress | null;
      /** Cancel was pressed; the run is stopping. */
      cancelling: boolean;
    }
  | { phase: 'cancelled'; settings: SimSettings }
  | { phase: 'failed'; settings: SimSettings; error: CommandError };

export interface ProjectSimulation {
  run: RunState;
  /** The result on display: the newest run, or a past one the user opened. */
  shown: StoredSimulation | null;
  form: SimForm;
  /** The newest past run was opened for the user once already. */
  openedLatest: boolean;
}

const FRESH: ProjectSimulation = { run: { phase: 'idle' }, shown: null, form: DEFAULT_FORM, openedLatest: false };

const simulations = projectStore<ProjectSimulation>(FRESH);
let tokens = 0;

/** The project's simulation state; re-renders when it changes. */
export function useProjectSimulation(project: number): ProjectSimulation {
  return useProjectValue(simulations, project);
}

export function setForm(project: number, form: SimForm) {
  simulations.update(project, (s) => ({ ...s, form }));
}

/** Shows a stored run (a past one the user opened, or the newest on opening the panel). */
export function show(project: number, shown: StoredSimulation, opened = true) {
  simulations.update(project, (s) => ({ ...s, shown, openedLatest: s.openedLatest || opened }));
}

export function markOpenedLatest(project: number) {
  simulations.update(project, (s) => ({ ...s, openedLatest: true }));
}

/** Starts a run unless one is under way; resolves when it has ended, however it ended. */
export async function startRun(
  backend: SimulationBackend,
  request: Omit<StartSimulation, 'token' | 'onProgress'>,
): Promise<void> {
  const { project, settings } = request;
  if (simulations.get(project).run.phase === 'running') return;
  tokens += 1;
  const token = `sim-${project}-${Date.now()}-${tokens}`;
  simulations.update(project, (s) => ({
    ...s,
    run: { phase: 'running', token, settings, progress: null, cancelling: false },
  }));
  const mine = (s: ProjectSimulation) => s.run.phase === 'running' && s.run.token === token;
  try {
    const stored = await backend.startSimulation({
      ...request,
      token,
      onProgress: (progress) =>
        simulations.update(project, (s) =>
          mine(s) && s.run.phase === 'running' ? { ...s, run: { ...s.run, progress } } : s,
        ),
    });
    simulations.update(project, (s) =>
      mine(s) ? { ...s, run: { phase: 'idle' }, shown: stored, openedLatest: true } : s,
    );
  } catch (reason) {
    const error = toCommandError(reason);
    simulations.update(project, (s) =>
      mine(s)
        ? { ...s, run: error.kind === 'cancelled' ? { phase: 'cancelled', settings } : { phase: 'failed', settings, error } }
        : s,
    );
  }
}

/** Asks the project's run to stop. */
export async function cancelRun(backend: SimulationBackend, project: number): Promise<void> {
  const run = simulations.get(project).run;
  if (run.phase !== 'running' || run.cancelling) return;
  simulations.update(project, (s) =>
    s.run.phase === 'running' ? { ...s, run: { ...s.run, cancelling: true } } : s,
  );
  try {
    await backend.cancelSimulation(run.token);
  } catch {
    // The run ends on its own; its outcome is what the user sees.
  }
}

/** Clears a cancelled or failed run's message. */
export function dismiss(project: number) {
  simulations.update(project, (s) => (s.run.phase === 'running' ? s : { ...s, run: { phase: 'idle' } }));
}

/** Forgets everything (tests). */
export function resetSimulations() {
  simulations.reset();
}
