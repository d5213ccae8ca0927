// The app: one document at a time, from the start screen to the editor. What it does is
// in the hooks under editor/; this file wires them to the toolbar and the screens.

import { useCallback, useState } from 'react';

import { ConfirmDialog } from './components/ConfirmDialog';
import { DiagnosticsPanel } from './components/DiagnosticsPanel';
import { HelpOverlay } from './components/HelpOverlay';
import { StartScreen } from './components/StartScreen';
import { StatusScreen } from './components/StatusScreen';
import { Toolbar } from './components/Toolbar';
import { EditorScreen, ValidityBadge } from './editor/EditorScreen';
import { useCanvasCommands } from './editor/useCanvasCommands';
import { useDocument, type DocumentState } from './editor/useDocument';
import { useNotices } from './editor/useNotices';
import { usePageState } from './editor/usePageState';
import { useSelection } from './editor/useSelection';
import { useShortcuts } from './editor/useShortcuts';
import { useToolbarActions } from './editor/useToolbarActions';
import type { Backend } from './ipc';
import type { DockTab } from './panels/Dock';

export function App({ backend }: { backend: Backend }) {
  const notices = useNotices();
  const selection = useSelection();
  const doc = useDocument(backend, notices, selection.clear);
  const canvas = useCanvasCommands(doc, selection, notices.tell);
  // (Here rather than in the editor screen: the tab outlives a file that could not be read.)
  const [dockTab, setDockTab] = useState<DockTab>('inspect');
  const [help, setHelp] = useState(false);
  const showHelp = useCallback(() => setHelp(true), []);
  useShortcuts({ doc, canvas, help, setHelp, asking: notices.question !== null });
  usePageState(doc);
  const actions = useToolbarActions(doc, canvas.autoLayout, showHelp);

  const { phase, session, spec } = doc;
  const { toast, question } = notices;
  return (
    <div className="hr-app">
      <Toolbar
        actions={phase.phase === 'unavailable' ? [] : actions}
        title={spec?.name ?? (phase.phase === 'unreadable' ? phase.document.view.file : null)}
        file={session?.doc.file ?? (phase.phase === 'unreadable' ? phase.document.file : null)}
        dirty={doc.dirty}
        status={phase.phase === 'editing' ? <ValidityBadge problems={doc.diagnostics.length} /> : null}
      />
      <main className="hr-main">
        {phase.phase === 'editing' ? (
          session ? (
            <EditorScreen
              backend={backend}
              session={session}
              doc={doc}
              selection={selection}
              canvas={canvas}
              dockTab={dockTab}
              onDockTab={setDockTab}
              report={notices.report}
              ask={notices.ask}
            />
          ) : null
        ) : (
          <ScreenWithoutModel doc={doc} />
        )}
      </main>
      {toast ? (
        <div className="hr-toast" role="alert" data-testid="toast" data-kind={toast.kind}>
          <span>{toast.message}</span>
          <button type="button" aria-label="Dismiss" onClick={notices.dismiss}>
            ×
          </button>
        </div>
      ) : null}
      {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
      {question ? <ConfirmDialog request={question} onAnswer={notices.answer} /> : null}
    </div>
  );
}

/** What stands in for the editor before a model is open, or when none can be. */
function ScreenWithoutModel({ doc }: { doc: DocumentState }) {
  const { phase } = doc;
  switch (phase.phase) {
    case 'loading':
      return <StatusScreen testId="loading" tone="info" title="Loading model…" />;
    case 'unavailable':
      return (
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
    case 'start':
      return (
        <StartScreen
          recent={doc.recent}
          onNew={() => void doc.newModel()}
          onOpen={() => void doc.openModel()}
          onOpenProject={(id) => void doc.openProject(id)}
        />
      );
    case 'unreadable':
      return (
        <div className="hr-workspace">
          <DiagnosticsPanel diagnostics={phase.document.view.diagnostics} hasModel={false} />
        </div>
      );
    case 'editing':
      return null;
  }
}
