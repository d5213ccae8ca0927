// The simulation commands of the desktop shell: start a run (its progress streams back
// over a channel), cancel it by its token, list and load the runs kept in the workspace.

import { Channel, invoke } from '@tauri-apps/api/core';

import type { PastSimulation } from '../bindings/PastSimulation';
import type { SimProgress } from '../bindings/SimProgress';
import type { SimSettings } from '../bindings/SimSettings';
import type { Spec } from '../bindings/Spec';
import type { StoredSimulation } from '../bindings/StoredSimulation';

export interface StartSimulation {
  /** Names the run, so it can be cancelled while it runs. */
  token: string;
  project: number;
  spec: Spec;
  header: string[];
  /** Whether the model is kept in a file (its unsaved edits then stay the working copy). */
  hasFile: boolean;
  settings: SimSettings;
  /** Called a few times a second while the run goes on. */
  onProgress: (progress: SimProgress) => void;
}

export interface SimulationBackend {
  /** Runs a simulation and keeps it with the model's revision; rejects with kind `cancelled` when cancelled. */
  startSimulation(request: StartSimulation): Promise<StoredSimulation>;
  /** Asks a run to stop; false when no run has that token. */
  cancelSimulation(token: string): Promise<boolean>;
  /** The runs of the revision that holds the model, newest first. */
  pastSimulations(project: number, spec: Spec, header: string[]): Promise<PastSimulation[]>;
  loadSimulation(run: number): Promise<StoredSimulation>;
}

export const tauriSimulation: SimulationBackend = {
  startSimulation: (r) => {
    const onProgress = new Channel<SimProgress>();
    onProgress.onmessage = r.onProgress;
    return invoke<StoredSimulation>('start_simulation', {
      runToken: r.token,
      project: r.project,
      spec: r.spec,
      header: r.header,
      hasFile: r.hasFile,
      settings: r.settings,
      onProgress,
    });
  },
  cancelSimulation: (token) => invoke<boolean>('cancel_simulation', { runToken: token }),
  pastSimulations: (project, spec, header) =>
    invoke<PastSimulation[]>('past_simulations', { project, spec, header }),
  loadSimulation: (run) => invoke<StoredSimulation>('load_simulation', { run }),
};
