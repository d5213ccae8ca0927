import { ReactFlowProvider } from '@xyflow/react';
import { getCurrentWindow } from '@tauri-apps/api/window';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';

import type { CommandError } from './bindings/CommandError';
import type { ComponentKind } from './bindings/ComponentKind';
import type { Document } from './bindings/Document';
import type { ProjectSummary } from './bindings/ProjectSummary';
import type { Spec } from './bindings/Spec';
import { setBodyState, type BodyState } from './bodyState';
import { ConfirmDialog, type ConfirmRequest } from './components/ConfirmDialog';
import { DiagnosticsPanel } from './components/DiagnosticsPanel';
import { EditorCanvas, type CanvasSelection } from './components/EditorCanvas';
import { HelpOverlay } from './components/HelpOverlay';
import { Palette } from './components/Palette';
import { ScorecardBar } from './components/ScorecardBar';
import { StartScreen } from './components/StartScreen';
import { StatusScreen } from './components/StatusScreen';
import { Toolbar, type ToolbarAction } from './components/Toolbar';
import * as G from './editor/graphEdits';
import * as H from './editor/history';
import { carryPositions, layoutModel, openingLayout, placeNew } from './editor/layoutModel';
import { sessionOf, useAutosave, useLiveAnalysis, useSession, type Session } from './editor/useEditor';
import type { EdgeRoute, XY } from './graph/toFlow';
import { Inspector, type InspectorSelection } from './inspector/Inspector';
import { insideTauri, toCommandError, type Backend } from './ipc';
import { Dock, type DockTab } from './panels/Dock';
import { FindingsPanel } from './panels/findings/FindingsPanel';
import { HistoryPanel } from './panels/history/HistoryPanel';
import { ReportPanel } from './panels/report/ReportPanel';
import { ScaffoldPanel } from './panels/scaffold/ScaffoldPanel';
import { SimulationPanel } from './panels/simulation/SimulationPanel';
import type { PanelProps } from './panels/types';

type Phase =
  | { phase: 'loading' }
  | { phase: 'unavailable' }
  | { phase: 'start' }
  /** The file could not be read as a spec at all: its problems, and no editor. */
  | { phase: 'unreadable'; document: Document }
  | { phase: 'editing' };

const NO_SELECTION: CanvasSelection = { components: [], dependencies: [] };

function inspectorSelection(s: CanvasSelection): InspectorSelection {
  const [component, ...moreComponents] = s.components;
  const [dependency, ...moreDependencies] = s.dependencies;
  if (component !== undefined && moreComponents.length === 0) return { kind: 'component', name: component };
  if (component === undefined && dependency !== undefined && moreDependencies.length === 0) {
    return { kind: 'dependency', index: dependency };
  }
  return { kind: 'none' };
}

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export function App({ backend }: { backend: Backend }) {
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
  const [opened, setOpened] = useState<Document | null>(null);
  const [routes, setRoutes] = useState<ReadonlyMap<string, EdgeRoute>>(new Map());
  const [laidOut, setLaidOut] = useState(false);
  const [fitSignal, setFitSignal] = useState(0);
  const [selection, setSelection] = useState<CanvasSelection>(NO_SELECTION);
  const [inspectorFocus, setInspectorFocus] = useState<InspectorSelection | null>(null);
  const [dockTab, setDockTab] = useState<DockTab>('inspect');
  const [recent, setRecent] = useState<ProjectSummary[]>([]);
  const [toast, setToast] = useState<CommandError | null>(null);
  const [confirm, setConfirm] = useState<(ConfirmRequest & { resolve: (c: string) => void }) | null>(null);
  const [help, setHelp] = useState(false);
  const [recoveryPending, setRecoveryPending] = useState(false);
  const clipboard = useRef<G.Clipboard | null>(null);
  /** The latest `save`, for what must call it before it is declared (the leave check). */
  const saveRef = useRef<(as: boolean) => Promise<boolean>>(() => Promise.resolve(false));
  const centerRef = useRef<(() => XY) | null>(null);

  const present = session?.history.present ?? null;
  const spec = present?.spec ?? null;
  const dirty = session !== null && session.history.present.spec !== session.savedSpec;

  const report = useCallback((e: unknown) => setToast(toCommandError(e)), []);
  const reportMessage = useCallback((message: string) => setToast({ kind: 'autosave', message }), []);
  useAutosave(backend, recoveryPending ? null : session, reportMessage);

  const ask = useCallback(
    (request: ConfirmRequest) =>
      new Promise<string>((resolve) => setConfirm({ ...request, resolve })),
    [],
  );

  // ---- opening documents ----

  const refreshRecent = useCallback(() => {
    backend.recentProjects().then(setRecent, () => setRecent([]));
  }, [backend]);

  const load = useCallback(
    async (document: Document | null) => {
      setSelection(NO_SELECTION);
      setInspectorFocus(null);
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
        performance.measure('headroom:layout', { start: started });
        updateSession((cur) =>
          cur && cur.history.present.spec === model
            ? { ...cur, history: H.replace(cur.history, { spec: model, positions: laid.positions }) }
            : cur,
        );
        setRoutes(laid.routes);
      } catch (e) {
        report({ kind: 'layout', message: `The graph could not be laid out: ${String(e)}` });
      }
      setLaidOut(true);
      setFitSignal((n) => n + 1);
    },
    [refreshRecent, report, updateSession],
  );

  useEffect(() => {
    if (!backend.available) return;
    let live = true;
    const started = performance.now();
    backend.workspaceNotice().then((n) => live && n && setToast({ kind: 'workspace', message: n }), () => {});
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
  }, [backend, load, report]);

  // ---- edits ----

  /**
   * Applies an edit computed from the present snapshot (of the newest session, so
   * edits in quick succession each see the one before). `null` makes no edit.
   */
  const apply = useCallback(
    (change: (present: H.Snapshot) => { spec: Spec; label: string; positions?: H.Positions } | null) => {
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

  const addComponent = useCallback(
    (kind: ComponentKind, at: XY | null) => {
      const near = at ?? centerRef.current?.() ?? null;
      let added: string | null = null;
      apply((present) => {
        const { spec: next, name } = G.addComponent(present.spec, kind);
        added = name;
        const where = placeNew(present.positions, near, 0);
        return { spec: next, label: `Add ${name}`, positions: { ...present.positions, [name]: where } };
      });
      // The inspector shows the new component (the edit was made just now, by `apply`).
      if (added !== null) setInspectorFocus({ kind: 'component', name: added });
    },
    [apply],
  );

  const connect = useCallback(
    (from: string, to: string) =>
      apply((present) => {
        const next = G.connect(present.spec, from, to);
        return next ? { spec: next, label: `Connect ${from} to ${to}` } : null;
      }),
    [apply],
  );

  const move = useCallback(
    (moved: Record<string, XY>) => {
      const names = Object.keys(moved);
      const label = names.length === 1 ? `Move ${names[0]}` : `Move ${names.length} components`;
      apply((present) => ({ spec: present.spec, label, positions: { ...present.positions, ...moved } }));
    },
    [apply],
  );

  const remove = useCallback(
    (sel: CanvasSelection) => {
      if (sel.components.length === 0 && sel.dependencies.length === 0) return;
      const what =
        sel.components.length === 1 && sel.dependencies.length === 0
          ? sel.components[0]
          : `${sel.components.length + sel.dependencies.length} items`;
      apply((present) => ({
        spec: G.deleteItems(present.spec, sel.components, sel.dependencies),
        label: `Delete ${what}`,
      }));
      setSelection(NO_SELECTION);
      setInspectorFocus(null);
    },
    [apply],
  );

  const selectionChanged = useCallback((next: CanvasSelection) => {
    const same = (a: readonly (string | number)[], b: readonly (string | number)[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    setSelection((cur) => {
      if (same(cur.components, next.components) && same(cur.dependencies, next.dependencies)) return cur;
      setInspectorFocus(null);
      return next;
    });
  }, []);

  const undo = useCallback(() => updateSession((s) => (s ? { ...s, history: H.undo(s.history) } : s)), [updateSession]);
  const redo = useCallback(() => updateSession((s) => (s ? { ...s, history: H.redo(s.history) } : s)), [updateSession]);

  const autoLayout = useCallback(async () => {
    if (!session) return;
    const model = session.history.present.spec;
    try {
      const laid = await layoutModel(model);
      edit(model, 'Auto-layout', laid.positions);
      setRoutes(laid.routes);
      setFitSignal((n) => n + 1);
    } catch (e) {
      report({ kind: 'layout', message: `The graph could not be laid out: ${String(e)}` });
    }
  }, [session, edit, report]);

  const copySelection = useCallback(() => {
    if (spec) clipboard.current = G.copy(spec, selection.components) ?? clipboard.current;
  }, [spec, selection]);

  const pasteClipboard = useCallback(() => {
    const clip = clipboard.current;
    if (!clip) return;
    apply((present) => {
      const { spec: next, renamed } = G.paste(present.spec, clip);
      const positions: Record<string, XY> = { ...present.positions };
      let i = 0;
      for (const [from, to] of renamed) {
        const p = positions[from] ?? placeNew(positions, null, i);
        positions[to] = { x: p.x + 40, y: p.y + 40 };
        i++;
      }
      const label = `Paste ${renamed.size === 1 ? [...renamed.values()].join('') : `${renamed.size} components`}`;
      return { spec: next, label, positions };
    });
  }, [apply]);

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

  const save = useCallback(
    async (as: boolean): Promise<boolean> => {
      if (!session) return false;
      const model = session.history.present.spec;
      let path = as ? null : session.doc.file;
      if (!as && path && session.doc.droppedComments > 0) {
        const n = session.doc.droppedComments;
        const answer = await ask({
          title: 'Drop the comments inside the file?',
          message: `${path} has ${n} comment${n === 1 ? '' : 's'} below its header. Headroom saves the model as \`headroom fmt\` writes it, which keeps the header comments and drops the others.`,
          choices: [
            { id: 'save', label: 'Save anyway', tone: 'danger' },
            { id: 'save-as', label: 'Save as a new file…', tone: 'primary' },
            { id: 'cancel', label: 'Cancel' },
          ],
        });
        if (answer === 'cancel') return false;
        if (answer === 'save-as') path = null;
      }
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
                doc: { ...s.doc, file: saved.file, fileHash: saved.file_hash, droppedComments: 0 },
              }
            : s,
        );
        if (saved.warning) setToast({ kind: 'workspace', message: saved.warning });
        return true;
      } catch (e) {
        report(e);
        return false;
      }
    },
    [session, ask, backend, report, updateSession],
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
      const laid = await openingLayout(recovered);
      edit(recovered, 'Restore unsaved edits', laid.positions);
      setRoutes(laid.routes);
      setFitSignal((n) => n + 1);
    } catch (e) {
      report(e);
    }
  }, [opened, edit, report]);

  const discardRecovered = useCallback(() => {
    setRecoveryPending(false);
    if (session) backend.discardRecovered(session.doc.project).catch(report);
  }, [session, backend, report]);

  // Closing the window with unsaved changes asks first.
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

  // ---- keyboard ----

  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  const onKey = (e: KeyboardEvent) => {
    const ctrl = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (e.key === 'Escape' && help) {
      setHelp(false);
      return;
    }
    if (confirm) return;
    if (ctrl && k === 's') {
      e.preventDefault();
      // Let a field being typed in commit first (it commits on blur).
      (document.activeElement as HTMLElement | null)?.blur();
      setTimeout(() => void saveRef.current(e.shiftKey), 0);
      return;
    }
    if (ctrl && k === 'o') {
      e.preventDefault();
      void openModel();
      return;
    }
    if (ctrl && k === 'n') {
      e.preventDefault();
      void newModel();
      return;
    }
    if (isTyping(e.target)) return;
    if (ctrl && k === 'z') {
      e.preventDefault();
      if (e.shiftKey) redo();
      else undo();
    } else if (ctrl && k === 'y') {
      e.preventDefault();
      redo();
    } else if (ctrl && k === 'c') {
      copySelection();
    } else if (ctrl && k === 'v') {
      e.preventDefault();
      pasteClipboard();
    } else if (ctrl && k === 'l') {
      e.preventDefault();
      void autoLayout();
    } else if (ctrl && k === '0') {
      e.preventDefault();
      setFitSignal((n) => n + 1);
    } else if (e.key === '?' || e.key === 'F1') {
      e.preventDefault();
      setHelp((h) => !h);
    }
  };
  useEffect(() => {
    keys.current = onKey;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keys.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- what the page says about itself ----

  const bodyState: BodyState = (() => {
    switch (phase.phase) {
      case 'loading':
        return 'loading';
      case 'start':
        return 'empty';
      case 'unavailable':
      case 'unreadable':
        return 'error';
      case 'editing':
        return laidOut ? 'ready' : 'loading';
    }
  })();
  useEffect(() => setBodyState(bodyState), [bodyState]);

  useEffect(() => {
    if (!insideTauri() || !spec) return;
    const title = `${dirty ? '• ' : ''}${spec.name} — Headroom`;
    void getCurrentWindow().setTitle(title).catch(() => {});
  }, [spec, dirty]);

  // ---- layout ----

  const history = session?.history;
  const edited = session !== null && opened !== null && session.history.present.spec !== opened.view.spec;
  const diagnostics = edited ? (live.model?.diagnostics ?? []) : (opened?.view.diagnostics ?? []);
  const stale = live.model !== null && live.model.analysis === null && live.analysis !== null;
  const analysis = live.analysis;
  // (Kept while the selection is, so the memoised inspector skips an answer's render.)
  const selected = useMemo(() => inspectorFocus ?? inspectorSelection(selection), [inspectorFocus, selection]);
  const addFromPalette = useCallback((kind: ComponentKind) => addComponent(kind, null), [addComponent]);

  const actions: ToolbarAction[] = useMemo(
    () => [
      { id: 'new', label: 'New', shortcut: 'Ctrl+N', onClick: () => void newModel() },
      { id: 'open', label: 'Open…', shortcut: 'Ctrl+O', onClick: () => void openModel() },
      { id: 'save', label: 'Save', shortcut: 'Ctrl+S', disabled: !session, onClick: () => void save(false) },
      { id: 'save-as', label: 'Save as…', shortcut: 'Ctrl+Shift+S', disabled: !session, onClick: () => void save(true) },
      {
        id: 'undo',
        label: 'Undo',
        shortcut: `Ctrl+Z${history && H.undoLabel(history) ? `: ${H.undoLabel(history)}` : ''}`,
        disabled: !history || history.past.length === 0,
        onClick: undo,
      },
      {
        id: 'redo',
        label: 'Redo',
        shortcut: `Ctrl+Shift+Z${history && H.redoLabel(history) ? `: ${H.redoLabel(history)}` : ''}`,
        disabled: !history || history.future.length === 0,
        onClick: redo,
      },
      { id: 'layout', label: 'Auto-layout', shortcut: 'Ctrl+L', disabled: !session, onClick: () => void autoLayout() },
      { id: 'help', label: '?', shortcut: '?', onClick: () => setHelp(true) },
    ],
    [session, history, newModel, openModel, save, undo, redo, autoLayout],
  );

  /** What the dock's panels get: the model as it stands and the ways they may act on it. */
  const panelProps = (s: Session, model: Spec): PanelProps => ({
    backend,
    project: s.doc.project,
    file: s.doc.file,
    spec: model,
    header: s.doc.header,
    analysis,
    stale,
    dirty,
    onApply: edit,
    onSelect: (target) => {
      setInspectorFocus(target);
      setDockTab('inspect');
    },
    onError: report,
    ask,
  });

  let main;
  switch (phase.phase) {
    case 'loading':
      main = <StatusScreen testId="loading" tone="info" title="Loading model…" />;
      break;
    case 'unavailable':
      main = (
        <StatusScreen testId="not-tauri" tone="error" title="Not running inside the Headroom desktop app">
          <p>
            This is Headroom's desktop front end. It reads architecture specs through the desktop shell,
            which this browser does not provide.
          </p>
          <p>
            Start the app instead: <code>headroom-desktop path/to/spec.yaml</code>
          </p>
        </StatusScreen>
      );
      break;
    case 'start':
      main = (
        <StartScreen
          recent={recent}
          onNew={() => void newModel()}
          onOpen={() => void openModel()}
          onOpenProject={(id) => void openProject(id)}
        />
      );
      break;
    case 'unreadable':
      main = (
        <div className="hr-workspace">
          <DiagnosticsPanel diagnostics={phase.document.view.diagnostics} hasModel={false} />
        </div>
      );
      break;
    case 'editing':
      main =
        session && spec && present ? (
          <div className="hr-editor">
            <Palette onAdd={addFromPalette} />
            <div className="hr-editor__center">
              {recoveryPending && opened?.recovered ? (
                <div className="hr-banner" role="alert" data-testid="recovery">
                  <span>
                    Unsaved edits to this model from{' '}
                    {new Date(opened.recovered.saved_ms).toLocaleString()} were kept when Headroom
                    closed.
                  </span>
                  <button type="button" className="hr-button hr-button--primary" data-testid="recovery-restore" onClick={() => void restoreRecovered()}>
                    Restore them
                  </button>
                  <button type="button" className="hr-button" data-testid="recovery-discard" onClick={discardRecovered}>
                    Discard
                  </button>
                </div>
              ) : null}
              <ScorecardBar analysis={analysis} stale={stale} />
              <div className="hr-workspace" data-analysis-seq={live.seq}>
                {laidOut ? (
                <ReactFlowProvider>
                  <EditorCanvas
                    spec={spec}
                    analysedSpec={live.analysedSpec}
                    positions={present.positions}
                    routes={routes}
                    analysis={analysis}
                    stale={stale}
                    fitSignal={fitSignal}
                    onSelectionChange={selectionChanged}
                    onConnect={connect}
                    onMove={move}
                    onDelete={remove}
                    onDropKind={addComponent}
                    centerRef={centerRef}
                  />
                </ReactFlowProvider>
                ) : (
                  <StatusScreen testId="loading" tone="info" title="Laying out the model…" />
                )}
                {diagnostics.length > 0 ? (
                  <DiagnosticsPanel
                    diagnostics={diagnostics}
                    hasModel
                    note={
                      analysis
                        ? 'The numbers shown (greyed) are from the last valid model; fix these to update them.'
                        : undefined
                    }
                  />
                ) : null}
              </div>
              {live.error ? (
                <div className="hr-banner hr-banner--error" role="alert" data-testid="analysis-error">
                  {live.error}
                </div>
              ) : null}
            </div>
            <Dock tab={dockTab} onTab={setDockTab} badges={{ findings: analysis?.findings.length ?? 0 }}>
              {dockTab === 'inspect' ? (
                <Inspector
                  spec={spec}
                  selection={selected}
                  diagnostics={diagnostics}
                  onEdit={edit}
                  onSelect={setInspectorFocus}
                />
              ) : null}
              {dockTab === 'findings' ? <FindingsPanel {...panelProps(session, spec)} /> : null}
              {dockTab === 'simulate' ? <SimulationPanel {...panelProps(session, spec)} /> : null}
              {dockTab === 'history' ? <HistoryPanel {...panelProps(session, spec)} /> : null}
              {dockTab === 'report' ? <ReportPanel {...panelProps(session, spec)} /> : null}
              {dockTab === 'scaffold' ? <ScaffoldPanel {...panelProps(session, spec)} /> : null}
            </Dock>
          </div>
        ) : null;
      break;
  }

  return (
    <div className="hr-app">
      <Toolbar
        actions={phase.phase === 'unavailable' ? [] : actions}
        title={spec?.name ?? (phase.phase === 'unreadable' ? phase.document.view.file : null)}
        file={session?.doc.file ?? (phase.phase === 'unreadable' ? phase.document.file : null)}
        dirty={dirty}
        status={
          phase.phase === 'editing' ? (
            diagnostics.length > 0 ? (
              <span className="hr-badge hr-badge--error">
                {diagnostics.length} {diagnostics.length === 1 ? 'problem' : 'problems'}
              </span>
            ) : (
              <span className="hr-badge hr-badge--ok">valid</span>
            )
          ) : null
        }
      />
      <main className="hr-main">{main}</main>
      {toast ? (
        <div className="hr-toast" role="alert" data-testid="toast" data-kind={toast.kind}>
          <span>{toast.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => setToast(null)}>
            ×
          </button>
        </div>
      ) : null}
      {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
      {confirm ? (
        <ConfirmDialog
          request={confirm}
          onAnswer={(c) => {
            confirm.resolve(c);
            setConfirm(null);
          }}
        />
      ) : null}
    </div>
  );
}
