// The open document's life: opening one (the one the app was started with, New, Open, a
// recent project), laying it out, editing it through the undo history, saving it,
// offering back edits a crash kept, and asking before unsaved edits are left behind
// (also when the window closes).

import { getCurrentWindow } from '@tauri-apps/api/window';
import { useCallback, useEffect, useRef, useState } from 'react';

import type { Document } from '../bindings/Document';
import type { ProjectSummary } from '../bindings/ProjectSummary';
import type { Spec } from '../bindings/Spec';
import type { EdgeRoute } from '../graph/toFlow';
import { insideTauri, type Backend } from '../ipc';
import * as H from './history';
import { carryPositions, openingLayout, type ModelLayout } from './layoutModel';
import { sessionOf, useAutosave, useLiveAnalysis, useSession, type Session } from './useEditor';
import type { Notices } from './useNotices';

export type Phase =
  | { phase: 'loading' }
  | { phase: 'unavailable' }
  | { phase: 'start' }
  /** The file could not be read as a spec at all: its problems, and no editor. */
  | { phase: 'unreadable'; document: Document }
  | { phase: 'editing' };

/** An edit computed from the present snapshot; `null` makes no edit. */
export type SnapshotEdit = (present: H.Snapshot) => { spec: Spec; label: string; positions?: H.Positions } | null;

/** What the user is told when the graph cannot be laid out. */
export const layoutFailed = (e: unknown) => `The graph could not be laid out: ${String(e)}`;

/**
 * `onLoad` hears of every document loaded (or of none, for the start screen), before it
 * is shown: what was selected in the one before means nothing in it.
 */
export function useDocument(
  backend: Backend,
  { report, tell, ask }: Pick<Notices, 'report' | 'tell' | 'ask'>,
  onLoad: () => void,
) {
  const [phase, setPhase] = useState<Phase>(() =>
    backend.available ? { phase: 'loading' } : { phase: 'unavailable' },
  );
  const { live, analyze } = useLiveAnalysis(backend);
  const [session, updateSession] = useSession(
    useCallback(
      (s: Session | null) => {
        if (s) analyze(s.history.present.spec, s.doc.file ?? 'untitled', s.doc.header);
      },
      [analyze],
    ),
  );
  /** The document as opened, before any edit. */
  const [opened, setOpened] = useState<Document | null>(null);
  const [recent, setRecent] = useState<ProjectSummary[]>([]);
  /** A recovered copy waits for the user to restore or discard it; autosave waits too. */
  const [recoveryPending, setRecoveryPending] = useState(false);
  const [routes, setRoutes] = useState<ReadonlyMap<string, EdgeRoute>>(new Map());
  const [laidOut, setLaidOut] = useState(false);
  /** Bumped to fit the canvas's view to the graph. */
  const [fitSignal, setFitSignal] = useState(0);
  /** The latest `save`, for what must call it before it is declared (the leave check). */
  const saveRef = useRef<(as: boolean) => Promise<boolean>>(() => Promise.resolve(false));
  /** Whether the page is still up: a layout that outlasts it changes nothing. */
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const dirty = session !== null && session.history.present.spec !== session.savedSpec;
  const fit = useCallback(() => setFitSignal((n) => n + 1), []);

  const autosaveFailed = useCallback((message: string) => tell('autosave', message), [tell]);
  useAutosave(backend, recoveryPending ? null : session, autosaveFailed);

  // ---- opening documents ----

  const refreshRecent = useCallback(() => {
    backend.recentProjects().then(setRecent, () => setRecent([]));
  }, [backend]);

  const load = useCallback(
    async (document: Document | null) => {
      onLoad();
      setRoutes(new Map());
      if (!document) {
        updateSession(null);
        setOpened(null);
        setPhase({ phase: 'start' });
        refreshRecent();
        return;
      }
      const model = document.view.spec;
      if (!model) {
        updateSession(null);
        setOpened(document);
        setPhase({ phase: 'unreadable', document });
        return;
      }
      setLaidOut(false);
      setOpened(document);
      setRecoveryPending(document.recovered?.view.spec != null);
      // (The backend starts analysing the model now, while the graph is laid out and drawn.)
      updateSession(sessionOf(document, model));
      setPhase({ phase: 'editing' });
      try {
        const started = performance.now();
        const laid = await openingLayout(model);
        if (!mounted.current) return;
        performance.measure('headroom:layout', { start: started });
        updateSession((cur) =>
          cur && cur.history.present.spec === model
            ? { ...cur, history: H.replace(cur.history, { spec: model, positions: laid.positions }) }
            : cur,
        );
        setRoutes(laid.routes);
      } catch (e) {
        if (!mounted.current) return;
        tell('layout', layoutFailed(e));
      }
      setLaidOut(true);
      fit();
    },
    [onLoad, refreshRecent, tell, updateSession, fit],
  );

  useEffect(() => {
    if (!backend.available) return;
    let live = true;
    const started = performance.now();
    backend.workspaceNotice().then((n) => live && n && tell('workspace', n), () => {});
    backend.initialDocument().then(
      (doc) => {
        performance.measure('headroom:open-document', { start: started });
        if (live) void load(doc);
      },
      (reason: unknown) => {
        if (!live) return;
        report(reason);
        void load(null);
      },
    );
    return () => {
      live = false;
    };
  }, [backend, load, report, tell]);

  // ---- edits ----

  /**
   * Applies an edit computed from the present snapshot (of the newest session, so
   * edits in quick succession each see the one before).
   */
  const apply = useCallback(
    (change: SnapshotEdit) => {
      updateSession((s) => {
        if (!s) return s;
        const before = s.history.present;
        const next = change(before);
        if (!next) return s;
        const positions = next.positions ?? carryPositions(before.spec, next.spec, before.positions);
        return { ...s, history: H.commit(s.history, { spec: next.spec, positions }, next.label) };
      });
    },
    [updateSession],
  );

  const edit = useCallback(
    (next: Spec, label: string, positions?: H.Positions) => apply(() => ({ spec: next, label, positions })),
    [apply],
  );

  const undo = useCallback(() => updateSession((s) => (s ? { ...s, history: H.undo(s.history) } : s)), [updateSession]);
  const redo = useCallback(() => updateSession((s) => (s ? { ...s, history: H.redo(s.history) } : s)), [updateSession]);

  /** Makes `model`, laid out as `laid`, the present (one edit) and fits the view to it. */
  const showLaidOut = useCallback(
    (model: Spec, label: string, laid: ModelLayout) => {
      edit(model, label, laid.positions);
      setRoutes(laid.routes);
      fit();
    },
    [edit, fit],
  );

  // ---- files ----

  /** Resolves true when it is fine to leave the present model (saved, or the user agreed). */
  const leaveOk = useCallback(async (): Promise<boolean> => {
    if (!session || !dirty) return true;
    const answer = await ask({
      title: 'Save your changes?',
      message: `${session.history.present.spec.name} has changes that are not saved to ${
        session.doc.file ?? 'a file'
      }.`,
      choices: [
        { id: 'save', label: 'Save', tone: 'primary' },
        { id: 'discard', label: "Don't save", tone: 'danger' },
        { id: 'cancel', label: 'Cancel' },
      ],
    });
    if (answer === 'cancel') return false;
    if (answer === 'save') return saveRef.current(false);
    await backend.discardRecovered(session.doc.project).catch(() => {});
    return true;
  }, [session, dirty, ask, backend]);

  /** Saves to the document's file, or (`as`, or never saved) to one the user picks. */
  const save = useCallback(
    async (as: boolean): Promise<boolean> => {
      if (!session) return false;
      const model = session.history.present.spec;
      let path = as ? null : session.doc.file;
      const expected = path ? session.doc.fileHash : null;
      if (!path) {
        path = await backend.pickSavePath(`${model.name}.yaml`).catch((e: unknown) => {
          report(e);
          return null;
        });
        if (!path) return false;
      }
      try {
        const saved = await backend.saveDocument({
          project: session.doc.project,
          path,
          spec: model,
          header: session.doc.header,
          expectedHash: expected,
        });
        updateSession((s) =>
          s && s.doc.project === session.doc.project
            ? {
                ...s,
                savedSpec: model,
                doc: { ...s.doc, file: saved.file, fileHash: saved.file_hash },
              }
            : s,
        );
        if (saved.warning) tell('workspace', saved.warning);
        return true;
      } catch (e) {
        report(e);
        return false;
      }
    },
    [session, backend, report, tell, updateSession],
  );
  useEffect(() => {
    saveRef.current = save;
  });

  const newModel = useCallback(async () => {
    if (!(await leaveOk())) return;
    try {
      await load(await backend.newDocument());
    } catch (e) {
      report(e);
    }
  }, [leaveOk, backend, load, report]);

  const openModel = useCallback(async () => {
    if (!(await leaveOk())) return;
    try {
      const path = await backend.pickOpenPath();
      if (path) await load(await backend.openFile(path));
    } catch (e) {
      report(e);
    }
  }, [leaveOk, backend, load, report]);

  const openProject = useCallback(
    async (id: number) => {
      if (!(await leaveOk())) return;
      try {
        await load(await backend.openProject(id));
      } catch (e) {
        report(e);
      }
    },
    [leaveOk, backend, load, report],
  );

  const restoreRecovered = useCallback(async () => {
    const recovered = opened?.recovered?.view.spec;
    setRecoveryPending(false);
    if (!recovered) return;
    try {
      showLaidOut(recovered, 'Restore unsaved edits', await openingLayout(recovered));
    } catch (e) {
      report(e);
    }
  }, [opened, showLaidOut, report]);

  const discardRecovered = useCallback(() => {
    setRecoveryPending(false);
    if (session) backend.discardRecovered(session.doc.project).catch(report);
  }, [session, backend, report]);

  useLeaveCheckOnClose(leaveOk);

  // ---- what the editor shows of it ----

  const edited = session !== null && opened !== null && session.history.present.spec !== opened.view.spec;
  const diagnostics = edited ? (live.model?.diagnostics ?? []) : (opened?.view.diagnostics ?? []);
  const stale = live.model !== null && live.model.analysis === null && live.analysis !== null;

  return {
    phase,
    session,
    spec: session?.history.present.spec ?? null,
    opened,
    recent,
    dirty,
    live,
    analysis: live.analysis,
    stale,
    diagnostics,
    recoveryPending,
    routes,
    laidOut,
    fitSignal,
    fit,
    apply,
    edit,
    undo,
    redo,
    showLaidOut,
    save,
    newModel,
    openModel,
    openProject,
    restoreRecovered,
    discardRecovered,
  };
}

export type DocumentState = ReturnType<typeof useDocument>;

/** Closing the window with unsaved changes asks first. */
function useLeaveCheckOnClose(leaveOk: () => Promise<boolean>) {
  const leaveRef = useRef(leaveOk);
  useEffect(() => {
    leaveRef.current = leaveOk;
  });
  useEffect(() => {
    if (!insideTauri()) return;
    const win = getCurrentWindow();
    const unlisten = win.onCloseRequested(async (event) => {
      event.preventDefault();
      if (await leaveRef.current()) await win.destroy();
    });
    return () => {
      void unlisten.then((f) => f());
    };
  }, []);
}
