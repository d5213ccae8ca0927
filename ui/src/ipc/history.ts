// A project's revisions, behind the backend interface (see ../ipc.ts).

import { invoke } from '@tauri-apps/api/core';

import type { HistoryEntry } from '../bindings/HistoryEntry';
import type { RevisionComparison } from '../bindings/RevisionComparison';
import type { Side } from '../bindings/Side';
import type { Spec } from '../bindings/Spec';

export interface HistoryBackend {
  /** The project's revisions, newest first, each with what it changed. */
  revisionHistory(project: number): Promise<HistoryEntry[]>;
  /** A revision's model, for the editor to take as one undoable edit. */
  revisionModel(id: number): Promise<Spec>;
  /** Two revisions (or one and the edited model): the semantic diff and both analyses. */
  compareRevisions(before: Side, after: Side): Promise<RevisionComparison>;
}

export const tauriHistory: HistoryBackend = {
  revisionHistory: (project) => invoke<HistoryEntry[]>('revision_history', { project }),
  revisionModel: (id) => invoke<Spec>('revision_model', { id }),
  compareRevisions: (before, after) => invoke<RevisionComparison>('compare_revisions', { before, after }),
};
