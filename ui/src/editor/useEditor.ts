// The editing session of one document: its undo history, the live analysis that follows
// every edit, and the autosave that keeps unsaved edits in the workspace.

import { useCallback, useEffect, useRef, useState } from 'react';

import type { Document } from '../bindings/Document';
import type { LiveAnalysis } from '../bindings/LiveAnalysis';
import type { LiveModel } from '../bindings/LiveModel';
import type { Spec } from '../bindings/Spec';
import { toCommandError, type Backend } from '../ipc';
import * as H from './history';

/** How long edits must pause before they are autosaved to the workspace. */
export const AUTOSAVE_AFTER_MS = 1200;

/** The open document: where it lives, apart from its (edited) model. */
export interface DocInfo {
  project: number;
  file: string | null;
  fileHash: string | null;
  header: string[];
  /** Comments inside the file that canonical form drops; 0 once the user agreed. */
  droppedComments: number;
}

export interface Session {
  doc: DocInfo;
  history: H.History;
  /** The model as last saved (or opened): the present differs from it => unsaved edits. */
  savedSpec: Spec;
}

export function sessionOf(document: Document, spec: Spec): Session {
  return {
    doc: {
      project: document.project.id,
      file: document.file,
      fileHash: document.file_hash,
      header: document.header,
      droppedComments: document.dropped_comments,
    },
    history: H.start({ spec, positions: {} }),
    savedSpec: document.view.spec ?? spec,
  };
}

export interface Live {
  /** The newest answer of the engine (diagnostics of the present model, or nearly). */
  model: LiveModel | null;
  /** The newest analysis of a valid model; kept (greyed out) while the model is invalid. */
  analysis: LiveAnalysis | null;
  /** Bumped each time an answer is applied; tests and the perf harness wait on it. */
  seq: number;
  /** A failed analysis command (not a model problem: those are diagnostics). */
  error: string | null;
}

const NO_LIVE: Live = { model: null, analysis: null, seq: 0, error: null };

/**
 * Runs the engine on every new present model. Never more than one request in flight:
 * edits made meanwhile coalesce into one request for the newest model, so a burst of
 * edits costs one extra analysis, and a single edit is analysed at once.
 */
export function useLiveAnalysis(backend: Backend, spec: Spec | null, file: string, header: string[]) {
  const [live, setLive] = useState<Live>(NO_LIVE);
  const inFlight = useRef(false);
  const pending = useRef<Spec | null>(null);
  const latest = useRef({ file, header });
  useEffect(() => {
    latest.current = { file, header };
  });

  const run = useCallback(
    async (first: Spec) => {
      inFlight.current = true;
      let model: Spec | null = first;
      while (model) {
        try {
          const started = performance.now();
          const answer = await backend.analyzeModel(model, latest.current.file, latest.current.header);
          // The backend's share of an edit's round trip, for the perf harness.
          performance.measure('headroom:analyze', { start: started });
          setLive((l) => ({
            model: answer,
            analysis: answer.analysis ?? (answer.diagnostics.length > 0 ? l.analysis : null),
            seq: l.seq + 1,
            error: answer.analysis_error,
          }));
        } catch (reason) {
          setLive((l) => ({ ...l, seq: l.seq + 1, error: toCommandError(reason).message }));
        }
        model = pending.current;
        pending.current = null;
      }
      inFlight.current = false;
    },
    [backend],
  );

  /** The last model sent (or queued), so a model is analysed once however it arrives. */
  const requested = useRef<Spec | null>(null);
  const request = useCallback(
    (model: Spec) => {
      if (model === requested.current) return;
      requested.current = model;
      if (inFlight.current) pending.current = model;
      else void run(model);
    },
    [run],
  );

  useEffect(() => {
    if (spec) request(spec);
  }, [spec, request]);

  /**
   * Starts analysing a model just opened, before React has drawn it (a big model takes a
   * while to draw; the backend works meanwhile). `file` and `header` are the new document's.
   */
  const analyzeNow = useCallback(
    (model: Spec, modelFile: string, modelHeader: string[]) => {
      latest.current = { file: modelFile, header: modelHeader };
      request(model);
    },
    [request],
  );

  const reset = useCallback(() => setLive((l) => ({ ...NO_LIVE, seq: l.seq })), []);
  return { live, reset, analyzeNow };
}

/** Keeps edits in the workspace a moment after they stop, so a crash loses nothing. */
export function useAutosave(backend: Backend, session: Session | null, onError: (m: string) => void) {
  const spec = session?.history.present.spec;
  const edited = session ? session.history.past.length + session.history.future.length > 0 : false;
  const project = session?.doc.project;
  const header = session?.doc.header;
  useEffect(() => {
    if (!spec || project === undefined || !header) return;
    // Nothing to keep before the first edit (and a recovered copy is not overwritten
    // while the user decides about it: the app passes no session meanwhile). An undo
    // back to the saved model is autosaved too: the workspace then drops its copy.
    if (!edited) return;
    const timer = setTimeout(() => {
      backend.autosave(project, spec, header).catch((reason: unknown) => {
        onError(`Autosave failed: ${toCommandError(reason).message}`);
      });
    }, AUTOSAVE_AFTER_MS);
    return () => clearTimeout(timer);
  }, [backend, spec, edited, project, header, onError]);
}
