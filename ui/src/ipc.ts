// The desktop shell's commands, behind a small interface so the UI can be tested (and
// previewed) without Tauri.

import { invoke } from '@tauri-apps/api/core';

import type { CommandError } from './bindings/CommandError';
import type { ModelView } from './bindings/ModelView';

declare global {
  interface Window {
    /** Set by Tauri in its webview; absent in a plain browser. */
    __TAURI_INTERNALS__?: unknown;
  }
}

export interface Backend {
  /** False when the page runs outside the desktop shell (e.g. in a plain browser). */
  readonly available: boolean;
  /** The spec named on the command line, or null when none was. */
  initialModel(): Promise<ModelView | null>;
  openModel(path: string): Promise<ModelView>;
}

/** Whether this page runs inside Tauri's webview. */
export function insideTauri(): boolean {
  return typeof window !== 'undefined' && window.__TAURI_INTERNALS__ !== undefined;
}

/** The backend of the desktop app: Tauri commands. */
export const tauriBackend: Backend = {
  get available() {
    return insideTauri();
  },
  initialModel: () => invoke<ModelView | null>('initial_model'),
  openModel: (path: string) => invoke<ModelView>('open_model', { path }),
};

/**
 * Whatever a failed command rejected with, as `{kind, message}`: the shell sends a
 * CommandError; Tauri itself may reject with a string; a bug may throw an Error.
 */
export function toCommandError(reason: unknown): CommandError {
  if (typeof reason === 'string') return { kind: 'error', message: reason };
  if (reason instanceof Error) return { kind: 'internal', message: reason.message };
  if (typeof reason === 'object' && reason !== null) {
    const r = reason as { kind?: unknown; message?: unknown };
    if (typeof r.message === 'string') {
      return { kind: typeof r.kind === 'string' ? r.kind : 'error', message: r.message };
    }
  }
  let text: string;
  try {
    text = JSON.stringify(reason) ?? String(reason);
  } catch {
    text = String(reason);
  }
  return { kind: 'error', message: `unexpected error: ${text}` };
}
