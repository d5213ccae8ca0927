// The editing session of one document: its undo history, the live analysis that follows
// every edit, and the autosave that keeps unsaved edits in the workspace.

import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';

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
  /** The model the newest answer is about. */
  analysedSpec: Spec | null;
}

const NO_LIVE: Live = { model: null, analysis: null, seq: 0, error: null, analysedSpec: null };

/**
 * The open session, changed only through `update`. An update is computed from the newest
 * session at once, not in React's next render, and `onChange` hears of it at once: edits
 * in quick succession each see the one before, and the live analysis of an edit starts
 * while React is still drawing it (on a 300-component model that drawing takes ~20 ms).
 */
export function useSession(onChange: (session: Session | null) => void) {
  const [session, setSession] = useState<Session | null>(null);
  const latest = useRef<Session | null>(null);
  const listener = useRef(onChange);
  useEffect(() => {
    listener.current = onChange;
  });
  const update = useCallback((next: Session | null | ((current: Session | null) => Session | null)) => {
    const value = typeof next === 'function' ? next(latest.current) : next;
    if (value === latest.current) return;
    latest.current = value;
    setSession(value);
    listener.current(value);
  }, []);
  return [session, update] as const;
}

/**
 * Runs the engine on each model it is given. Never more than one request in flight:
 * models given meanwhile coalesce into one request for the newest, so a burst of edits
 * costs one extra analysis, and a single edit is analysed at once. The same model given
 * twice in a row is analysed once.
 */
export function useLiveAnalysis(backend: Backend) {
  const [live, setLive] = useState<Live>(NO_LIVE);
  const inFlight = useRef(false);
  const pending = useRef<Request | null>(null);

  const run = useCallback(
    async (first: Request) => {
      inFlight.current = true;
      let next: Request | null = first;
      while (next) {
        try {
          const started = performance.now();
          const analysedSpec = next.model;
          const answer = await backend.analyzeModel(analysedSpec, next.file, next.header);
          // The backend's share of an edit's round trip, for the perf harness.
          performance.measure('headroom:analyze', { start: started });
          // Rendered at once, effects included (React Flow hands its nodes to its store in
          // an effect): the answer reaches the canvas in this task, not over two renders
          // with a frame between them.
          flushSync(() => setLive((l) => ({
            model: answer,
            analysis: answer.analysis ?? (answer.diagnostics.length > 0 ? l.analysis : null),
            seq: l.seq + 1,
            error: answer.analysis_error,
            analysedSpec,
          })));
        } catch (reason) {
          const analysedSpec = next.model;
          setLive((l) => ({ ...l, seq: l.seq + 1, error: toCommandError(reason).message, analysedSpec }));
        }
        next = pending.current;
        pending.current = null;
      }
      inFlight.current = false;
    },
    [backend],
  );

  /** The last model sent (or queued). */
  const requested = useRef<Spec | null>(null);
  /** Analyses `model`, which is the document `file` with its `header` comments. */
  const analyze = useCallback(
    (model: Spec, file: string, header: string[]) => {
      if (model === requested.current) return;
      requested.current = model;
      const request = { model, file, header };
      if (inFlight.current) pending.current = request;
      else void run(request);
    },
    [run],
  );

  return { live, analyze };
}

/**
 * What a view of the live analysis should draw: the `present` model once the engine has
 * answered for it (`analysed`), and meanwhile the one it drew before, for at most
 * `holdMs` after it fell behind. An edit and its numbers are then drawn together, in one
 * render, and never the edit with the numbers of the model before it; on a 300-component
 * model that halves the canvas's work per edit. A burst of edits waits at most `holdMs`
 * in all (the wait starts when the drawing falls behind, not at each edit), and an
 * analysis that never answers only delays the drawing by `holdMs`.
 */
export function useDrawnModel<T>(present: T, analysed: T | null, holdMs: number): T {
  const [drawn, setDrawn] = useState(present);
  const latest = useRef(present);
  useEffect(() => {
    latest.current = present;
  });
  const shown = present === analysed ? present : drawn;
  if (shown !== drawn) setDrawn(shown);
  const behind = shown !== present;
  useEffect(() => {
    if (!behind) return;
    const timer = setTimeout(() => setDrawn(latest.current), holdMs);
    return () => clearTimeout(timer);
  }, [behind, shown, holdMs]);
  return shown;
}

interface Request {
  model: Spec;
  file: string;
  header: string[];
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
