import '@xyflow/react/dist/style.css';
import './styles.css';

// When the app's script began to run (after the page and the bundle loaded): the perf harness's reference.
performance.mark('headroom:script-start');

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './App';
import { setBodyState } from './bodyState';
import { ErrorBoundary } from './components/ErrorBoundary';
import { tauriBackend, type Backend } from './ipc';

/**
 * The desktop shell, except on the dev server with `?fixture=NAME`, which previews the
 * UI in a plain browser. `import.meta.env.DEV` is false in a build, so the fixtures are
 * not bundled.
 */
async function chooseBackend(): Promise<Backend> {
  if (import.meta.env.DEV) {
    const fixture = new URLSearchParams(window.location.search).get('fixture');
    if (fixture) {
      const { fixtureBackend } = await import('./fixtures/backend');
      return fixtureBackend(fixture);
    }
  }
  return tauriBackend;
}

function start(backend: Backend) {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <ErrorBoundary>
        <App backend={backend} />
      </ErrorBoundary>
    </StrictMode>,
  );
}

chooseBackend().then(start, (reason: unknown) => {
  setBodyState('error');
  const root = document.getElementById('root');
  if (root) root.textContent = `Headroom could not start: ${String(reason)}`;
});
