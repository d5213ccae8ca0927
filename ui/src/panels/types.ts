// What every panel of the dock (findings, simulation, history, report, scaffold) gets
// from the editor: the model as it stands, and the few ways a panel may act on it.

import type { LiveAnalysis } from '../bindings/LiveAnalysis';
import type { Spec } from '../bindings/Spec';
import type { ConfirmRequest } from '../components/ConfirmDialog';
import type { InspectorSelection } from '../inspector/selection';
import type { Backend } from '../ipc';

export interface PanelProps {
  backend: Backend;
  /** The workspace project the open model belongs to. */
  project: number;
  /** The YAML file, absolute; null for a model never saved. */
  file: string | null;
  /** The model as edited (the present of the undo history). */
  spec: Spec;
  /** The file's leading comments, which a save keeps. */
  header: string[];
  /** The latest good analysis; null before the first one. */
  analysis: LiveAnalysis | null;
  /** True when `analysis` is of an earlier model (the present one does not validate). */
  stale: boolean;
  /** True when the model has edits not saved to its file. */
  dirty: boolean;
  /** Replaces the model, as one undoable edit named `label`. */
  onApply: (next: Spec, label: string) => void;
  /** Selects a component, dependency or class and brings the inspector forward. */
  onSelect: (selection: InspectorSelection) => void;
  /** Shows a failed command's `{kind, message}` (or any error) to the user. */
  onError: (error: unknown) => void;
  /** Asks the user a question in the app's dialog; resolves with the chosen id. */
  ask: (request: ConfirmRequest) => Promise<string>;
}
