import { useCallback, useEffect, useState } from 'react';

import type { CommandError } from './bindings/CommandError';
import type { ModelView } from './bindings/ModelView';
import { setBodyState, type BodyState } from './bodyState';
import { DiagnosticsPanel } from './components/DiagnosticsPanel';
import { Header } from './components/Header';
import { ModelCanvas } from './components/ModelCanvas';
import { StatusScreen } from './components/StatusScreen';
import { toCommandError, type Backend } from './ipc';

type Canvas = 'pending' | 'ready' | 'failed';

type AppState =
  | { phase: 'loading' }
  | { phase: 'unavailable' }
  | { phase: 'empty' }
  | { phase: 'failed'; error: CommandError }
  | { phase: 'loaded'; view: ModelView; canvas: Canvas };

function bodyStateOf(state: AppState): BodyState {
  switch (state.phase) {
    case 'loading':
      return 'loading';
    case 'empty':
      return 'empty';
    case 'unavailable':
    case 'failed':
      return 'error';
    case 'loaded':
      if (!state.view.spec) return 'error';
      return state.canvas === 'ready' ? 'ready' : state.canvas === 'failed' ? 'error' : 'loading';
  }
}

export function App({ backend }: { backend: Backend }) {
  const [state, setState] = useState<AppState>(() =>
    backend.available ? { phase: 'loading' } : { phase: 'unavailable' },
  );

  useEffect(() => {
    if (!backend.available) return;
    let live = true;
    backend.initialModel().then(
      (view) => {
        if (!live) return;
        setState(view ? { phase: 'loaded', view, canvas: 'pending' } : { phase: 'empty' });
      },
      (reason: unknown) => {
        if (live) setState({ phase: 'failed', error: toCommandError(reason) });
      },
    );
    return () => {
      live = false;
    };
  }, [backend]);

  const bodyState = bodyStateOf(state);
  useEffect(() => {
    setBodyState(bodyState);
  }, [bodyState]);

  const setCanvas = useCallback((canvas: Canvas) => {
    setState((s) => (s.phase === 'loaded' && s.canvas !== canvas ? { ...s, canvas } : s));
  }, []);
  const onReady = useCallback(() => setCanvas('ready'), [setCanvas]);
  const onLayoutError = useCallback(() => setCanvas('failed'), [setCanvas]);

  let main;
  switch (state.phase) {
    case 'loading':
      main = <StatusScreen testId="loading" tone="info" title="Loading model…" />;
      break;
    case 'unavailable':
      main = (
        <StatusScreen
          testId="not-tauri"
          tone="error"
          title="Not running inside the Headroom desktop app"
        >
          <p>
            This is Headroom's desktop front end. It reads architecture specs through the
            desktop shell, which this browser does not provide.
          </p>
          <p>
            Start the app instead: <code>headroom-desktop path/to/spec.yaml</code>
          </p>
        </StatusScreen>
      );
      break;
    case 'empty':
      main = (
        <StatusScreen
          testId="empty-state"
          tone="info"
          title="No model open — run headroom-desktop path/to/spec.yaml"
        >
          <p>
            Start Headroom with the path of an architecture spec, for example{' '}
            <code>headroom-desktop models/shop.yaml</code>.
          </p>
        </StatusScreen>
      );
      break;
    case 'failed':
      main = (
        <StatusScreen testId="command-error" tone="error" title="The model could not be opened">
          <p className="hr-status__message" data-kind={state.error.kind}>
            {state.error.message}
          </p>
        </StatusScreen>
      );
      break;
    case 'loaded': {
      const { view } = state;
      main = (
        <div className="hr-workspace">
          {view.spec ? (
            <ModelCanvas spec={view.spec} onReady={onReady} onError={onLayoutError} />
          ) : null}
          {view.diagnostics.length > 0 ? (
            <DiagnosticsPanel diagnostics={view.diagnostics} hasModel={view.spec !== null} />
          ) : null}
          {!view.spec && view.diagnostics.length === 0 ? (
            <StatusScreen testId="command-error" tone="error" title="The model could not be opened">
              <p>The file holds no model, and the engine reported no problem with it.</p>
            </StatusScreen>
          ) : null}
        </div>
      );
      break;
    }
  }

  return (
    <div className="hr-app">
      <Header view={state.phase === 'loaded' ? state.view : null} />
      <main className="hr-main">{main}</main>
    </div>
  );
}
