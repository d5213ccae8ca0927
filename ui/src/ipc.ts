// The desktop shell's commands and native dialogs, behind one interface so the UI can be
// tested (and previewed) without Tauri.

import { invoke } from '@tauri-apps/api/core';
import { open, save } from '@tauri-apps/plugin-dialog';

import type { CommandError } from './bindings/CommandError';
import type { ErrorKind } from './bindings/ErrorKind';
import type { Document } from './bindings/Document';
import type { LiveAnswer } from './bindings/LiveAnswer';
import type { LiveModel } from './bindings/LiveModel';
import type { ProjectSummary } from './bindings/ProjectSummary';
import type { Saved } from './bindings/Saved';
import type { Spec } from './bindings/Spec';
import { tauriExport, type ExportBackend } from './ipc/export';
import { tauriHistory, type HistoryBackend } from './ipc/history';
import { liveAnalysisClient } from './ipc/live';
import { tauriPlan, type PlanBackend } from './ipc/plan';
import { tauriSimulation, type SimulationBackend } from './ipc/simulation';

declare global {
  interface Window {
    /** Set by Tauri in its webview; absent in a plain browser. */
    __TAURI_INTERNALS__?: unknown;
  }
}

export interface SaveRequest {
  project: number;
  path: string;
  spec: Spec;
  header: string[];
  /** The file's hash when last seen; null for Save As (the dialog asked about replacing). */
  expectedHash: string | null;
}

export interface Backend extends PlanBackend, HistoryBackend, ExportBackend, SimulationBackend {
  /** False when the page runs outside the desktop shell (e.g. in a plain browser). */
  readonly available: boolean;
  /** The spec named on the command line, opened as a document, or null when none was. */
  initialDocument(): Promise<Document | null>;
  /** Something about the workspace the user should hear once (a damaged file moved aside). */
  workspaceNotice(): Promise<string | null>;
  openFile(path: string): Promise<Document>;
  openProject(id: number): Promise<Document>;
  newDocument(): Promise<Document>;
  recentProjects(): Promise<ProjectSummary[]>;
  analyzeModel(spec: Spec, file: string, header: string[]): Promise<LiveModel>;
  saveDocument(request: SaveRequest): Promise<Saved>;
  autosave(project: number, spec: Spec, header: string[]): Promise<void>;
  discardRecovered(project: number): Promise<void>;
  /** The native Open dialog: a YAML file's path, or null when cancelled. */
  pickOpenPath(): Promise<string | null>;
  /** The native Save dialog (it asks before replacing a file): a path, or null. */
  pickSavePath(suggestedName: string): Promise<string | null>;
}

/** Whether this page runs inside Tauri's webview. */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && window.__TAURI_INTERNALS__ !== undefined;
}

const YAML_FILTER = [{ name: 'Architecture spec (YAML)', extensions: ['yaml', 'yml'] }];

/** The backend of the desktop app: Tauri commands and the dialog plugin. */
export const tauriBackend: Backend = {
  get available() {
    return insideTauri();
  },
  initialDocument: () => invoke<Document | null>('initial_document'),
  workspaceNotice: () => invoke<string | null>('workspace_notice'),
  openFile: (path) => invoke<Document>('open_file', { path }),
  openProject: (id) => invoke<Document>('open_project', { id }),
  newDocument: () => invoke<Document>('new_document'),
  recentProjects: () => invoke<ProjectSummary[]>('recent_projects'),
  analyzeModel: liveAnalysisClient((edit) => invoke<LiveAnswer>('live_edit', { edit })),
  saveDocument: (r) =>
    invoke<Saved>('save_document', {
      project: r.project,
      path: r.path,
      spec: r.spec,
      header: r.header,
      expectedHash: r.expectedHash,
    }),
  autosave: (project, spec, header) => invoke<void>('autosave', { project, spec, header }),
  discardRecovered: (project) => invoke<void>('discard_recovered', { project }),
  pickOpenPath: async () => {
    const picked = await open({ multiple: false, directory: false, filters: YAML_FILTER });
    return typeof picked === 'string' ? picked : null;
  },
  pickSavePath: (suggestedName) => save({ defaultPath: suggestedName, filters: YAML_FILTER }),
  ...tauriPlan,
  ...tauriHistory,
  ...tauriExport,
  ...tauriSimulation,
};

/** Every kind the engine sends; the compiler holds this to the generated union. */
const ERROR_KINDS: Record<ErrorKind, true> = {
  io: true,
  changed_on_disk: true,
  is_a_directory: true,
  not_a_directory: true,
  is_the_model: true,
  not_empty: true,
  unsafe_path: true,
  invalid_spec: true,
  unbounded: true,
  unknown_component: true,
  analysis: true,
  plan: true,
  render: true,
  bad_settings: true,
  no_load: true,
  too_much_work: true,
  saturated: true,
  over_budget: true,
  cancelled: true,
  busy: true,
  not_a_simulation: true,
  unreadable: true,
  locked: true,
  corrupt: true,
  foreign: true,
  too_new: true,
  not_found: true,
  invalid_name: true,
  exists: true,
  database: true,
  out_of_step: true,
  bad_patch: true,
  internal: true,
};

export function isErrorKind(kind: unknown): kind is ErrorKind {
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(ERROR_KINDS, kind);
}

/**
 * Whatever a failed command rejected with, as `{kind, message}`: the shell sends a
 * CommandError; anything else (Tauri rejecting a call with a string, a thrown Error, a
 * kind this front end does not know) is a bug, `internal`.
 */
export function toCommandError(reason: unknown): CommandError {
  if (typeof reason === 'string') return { kind: 'internal', message: reason };
  if (reason instanceof Error) return { kind: 'internal', message: reason.message };
  if (typeof reason === 'object' && reason !== null) {
    const r = reason as { kind?: unknown; message?: unknown };
    if (typeof r.message === 'string') {
      return { kind: isErrorKind(r.kind) ? r.kind : 'internal', message: r.message };
    }
  }
  let text: string;
  try {
    text = JSON.stringify(reason) ?? String(reason);
  } catch {
    text = String(reason);
  }
  return { kind: 'internal', message: `unexpected error: ${text}` };
}
