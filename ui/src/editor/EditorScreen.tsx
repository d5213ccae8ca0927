// The editor, once a model is open: the palette, the canvas with the scorecard above it
// and the model's problems below, and the dock of the inspector and the panels.

import { ReactFlowProvider } from '@xyflow/react';

import type { ConfirmRequest } from '../components/ConfirmDialog';
import { DiagnosticsPanel } from '../components/DiagnosticsPanel';
import { EditorCanvas } from '../components/EditorCanvas';
import { Palette } from '../components/Palette';
import { ScorecardBar } from '../components/ScorecardBar';
import { StatusScreen } from '../components/StatusScreen';
import { Inspector } from '../inspector/Inspector';
import type { Backend } from '../ipc';
import { Dock, type DockTab } from '../panels/Dock';
import { FindingsPanel } from '../panels/findings/FindingsPanel';
import { HistoryPanel } from '../panels/history/HistoryPanel';
import { ReportPanel } from '../panels/report/ReportPanel';
import { ScaffoldPanel } from '../panels/scaffold/ScaffoldPanel';
import { SimulationPanel } from '../panels/simulation/SimulationPanel';
import type { PanelProps } from '../panels/types';
import type { CanvasCommands } from './useCanvasCommands';
import type { DocumentState } from './useDocument';
import type { Session } from './useEditor';
import type { SelectionState } from './useSelection';

export interface EditorScreenProps {
  backend: Backend;
  session: Session;
  doc: DocumentState;
  selection: SelectionState;
  canvas: CanvasCommands;
  /** The dock's tab (kept by the app: it outlives the editor screen). */
  dockTab: DockTab;
  onDockTab: (tab: DockTab) => void;
  report: (error: unknown) => void;
  ask: (request: ConfirmRequest) => Promise<string>;
}

export function EditorScreen(props: EditorScreenProps) {
  const { backend, session, doc, selection, canvas, dockTab, onDockTab, report, ask } = props;
  const { live, analysis, stale, diagnostics, opened } = doc;
  const present = session.history.present;
  const spec = present.spec;

  /** What the dock's panels get: the model as it stands and the ways they may act on it. */
  const panel: PanelProps = {
    backend,
    project: session.doc.project,
    file: session.doc.file,
    spec,
    header: session.doc.header,
    analysis,
    stale,
    dirty: doc.dirty,
    onApply: doc.edit,
    onSelect: (target) => {
      selection.bringForward(target);
      onDockTab('inspect');
    },
    onError: report,
    ask,
  };

  return (
    <div className="hr-editor">
      <Palette onAdd={canvas.addFromPalette} />
      <div className="hr-editor__center">
        {doc.recoveryPending && opened?.recovered ? (
          <div className="hr-banner" role="alert" data-testid="recovery">
            <span>
              Unsaved edits to this model from{' '}
              {new Date(opened.recovered.saved_ms).toLocaleString()} were kept when Headroom
              closed.
            </span>
            <button type="button" className="hr-button hr-button--primary" data-testid="recovery-restore" onClick={() => void doc.restoreRecovered()}>
              Restore them
            </button>
            <button type="button" className="hr-button" data-testid="recovery-discard" onClick={doc.discardRecovered}>
              Discard
            </button>
          </div>
        ) : null}
        <ScorecardBar analysis={analysis} stale={stale} />
        <div className="hr-workspace" data-analysis-seq={live.seq}>
          {doc.laidOut ? (
            <ReactFlowProvider>
              <EditorCanvas
                spec={spec}
                analysedSpec={live.analysedSpec}
                positions={present.positions}
                routes={doc.routes}
                analysis={analysis}
                stale={stale}
                fitSignal={doc.fitSignal}
                onSelectionChange={selection.canvasChanged}
                onConnect={canvas.connect}
                onMove={canvas.move}
                onDelete={canvas.remove}
                onDropKind={canvas.addComponent}
                centerRef={canvas.centerRef}
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
      <Dock tab={dockTab} onTab={onDockTab} badges={{ findings: analysis?.findings.length ?? 0 }}>
        {dockTab === 'inspect' ? (
          <Inspector
            spec={spec}
            selection={selection.inspected}
            diagnostics={diagnostics}
            onEdit={doc.edit}
            onSelect={selection.bringForward}
          />
        ) : null}
        {dockTab === 'findings' ? <FindingsPanel {...panel} /> : null}
        {dockTab === 'simulate' ? <SimulationPanel {...panel} /> : null}
        {dockTab === 'history' ? <HistoryPanel {...panel} /> : null}
        {dockTab === 'report' ? <ReportPanel {...panel} /> : null}
        {dockTab === 'scaffold' ? <ScaffoldPanel {...panel} /> : null}
      </Dock>
    </div>
  );
}

/** The toolbar's word on the model: how many problems it has, or that it is valid. */
export function ValidityBadge({ problems }: { problems: number }) {
  return problems > 0 ? (
    <span className="hr-badge hr-badge--error">
      {problems} {problems === 1 ? 'problem' : 'problems'}
    </span>
  ) : (
    <span className="hr-badge hr-badge--ok">valid</span>
  );
}
