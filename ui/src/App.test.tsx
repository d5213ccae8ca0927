import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { App } from './App';
import type { Document } from './bindings/Document';
import { ErrorBoundary } from './components/ErrorBoundary';
import { documentOf, memoryBackend } from './fixtures/backend';
import { brokenView, shopView, shopWithProblemsView } from './fixtures/shop';
import type { Backend } from './ipc';

const bodyState = () => document.body.dataset.state;

/** The first layout also starts ELK, which can take seconds on a busy machine. */
const LAYOUT_WAIT = { timeout: 15_000 };
const SLOW = 30_000;

const SHOP_NAMES = [
  'cdn',
  'gateway',
  'api',
  'session-cache',
  'orders-db',
  'order-events',
  'fulfilment',
  'notify',
  'payments',
];

async function ready() {
  await waitFor(() => expect(bodyState()).toBe('ready'), LAYOUT_WAIT);
}

const press = (key: string, init: KeyboardEventInit = {}) =>
  act(() => {
    window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, ...init }));
  });

describe('App', () => {
  it('draws the shop: a node per component, named, with its kind; then ready', async () => {
    render(<App backend={memoryBackend(documentOf(shopView()))} />);
    await ready();
    const canvas = screen.getByTestId('canvas');
    for (const name of SHOP_NAMES) {
      const node = within(canvas).getByTestId(`node-${name}`);
      expect(within(node).getByTestId('node-label')).toHaveTextContent(new RegExp(`^${name}$`));
    }
    expect(within(canvas).getByTestId('node-orders-db')).toHaveAttribute('data-kind', 'database');
    expect(screen.getByTestId('model-name')).toHaveTextContent('shop');
    expect(screen.getByTestId('model-file')).toHaveTextContent('models/shop.yaml');
    expect(screen.queryByTestId('diagnostics')).toBeNull();
  }, SLOW);

  it("colours nodes by the engine's answer and marks its bottleneck", async () => {
    render(<App backend={memoryBackend(documentOf(shopView()))} />);
    await ready();
    // The toy engine: utilisation 0.9 / replicas; the api has 4 replicas, the cdn none.
    await waitFor(() =>
      expect(screen.getByTestId('node-api')).toHaveAttribute('data-utilization', '0.2250'),
    );
    expect(screen.getByTestId('node-api')).toHaveAttribute('data-heat', 'cool');
    expect(screen.getByTestId('node-cdn')).toHaveAttribute('data-heat', 'hot');
    expect(screen.getByTestId('node-cdn')).toHaveAttribute('data-bottleneck', 'true');
    expect(screen.getByTestId('score-throughput_rps')).toBeInTheDocument();
  }, SLOW);

  it('adds components from the palette, and undoes and redoes each edit', async () => {
    const backend = memoryBackend(null);
    render(<App backend={backend} />);
    fireEvent.click(await screen.findByTestId('start-new'));
    await ready();
    fireEvent.click(screen.getByTestId('palette-service'));
    fireEvent.click(screen.getByTestId('palette-database'));
    await waitFor(() => expect(screen.getByTestId('node-db')).toBeInTheDocument());
    expect(screen.getByTestId('node-service')).toBeInTheDocument();
    expect(screen.getByTestId('dirty')).toBeInTheDocument();

    press('z', { ctrlKey: true });
    await waitFor(() => expect(screen.queryByTestId('node-db')).toBeNull());
    press('z', { ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('node-db')).toBeInTheDocument());
    fireEvent.click(screen.getByTestId('action-undo'));
    fireEvent.click(screen.getByTestId('action-undo'));
    await waitFor(() => expect(screen.queryByTestId('node-service')).toBeNull());
    expect(screen.queryByTestId('dirty')).toBeNull();
    expect(screen.getByTestId('action-undo')).toBeDisabled();
  }, SLOW);

  it('saves a new model through the save dialog, then Save writes the same file', async () => {
    const backend = memoryBackend(null);
    render(<App backend={backend} />);
    fireEvent.click(await screen.findByTestId('start-new'));
    await ready();
    fireEvent.click(screen.getByTestId('palette-service'));
    backend.nextPath = '/tmp/new.yaml';
    fireEvent.click(screen.getByTestId('action-save'));
    await waitFor(() => expect(backend.saves).toHaveLength(1));
    expect(backend.saves[0]).toMatchObject({ path: '/tmp/new.yaml', expectedHash: null });
    expect(backend.saves[0]?.spec.components.map((c) => c.name)).toEqual(['service']);
    await waitFor(() => expect(screen.queryByTestId('dirty')).toBeNull());
    expect(screen.getByTestId('model-file')).toHaveTextContent('/tmp/new.yaml');

    fireEvent.click(screen.getByTestId('palette-cache'));
    backend.nextPath = null; // a second dialog would be cancelled: Save must not open one
    fireEvent.click(screen.getByTestId('action-save'));
    await waitFor(() => expect(backend.saves).toHaveLength(2));
    expect(backend.saves[1]).toMatchObject({ path: '/tmp/new.yaml', expectedHash: 'hash-1' });
  }, SLOW);

  it('asks before dropping unsaved changes, and keeps them when cancelled', async () => {
    const backend = memoryBackend(null);
    render(<App backend={backend} />);
    fireEvent.click(await screen.findByTestId('start-new'));
    await ready();
    fireEvent.click(screen.getByTestId('palette-queue'));
    fireEvent.click(screen.getByTestId('action-new'));
    expect(await screen.findByTestId('confirm')).toHaveTextContent('Save your changes?');
    fireEvent.click(screen.getByTestId('confirm-cancel'));
    await waitFor(() => expect(screen.queryByTestId('confirm')).toBeNull());
    expect(screen.getByTestId('node-queue')).toBeInTheDocument();

    fireEvent.click(screen.getByTestId('action-new'));
    fireEvent.click(await screen.findByTestId('confirm-discard'));
    await waitFor(() => expect(screen.queryByTestId('node-queue')).toBeNull());
  }, SLOW);

  it('shows the problems of an edit and greys the last good numbers', async () => {
    render(<App backend={memoryBackend(documentOf(shopView()))} />);
    await ready();
    await waitFor(() => expect(screen.getByTestId('scorecard')).toHaveAttribute('data-stale', 'false'));
    fireEvent.click(screen.getByTestId('node-api'));
    const form = await screen.findByTestId('component-form');
    const replicas = form.querySelector<HTMLInputElement>('input[data-field="replicas"]')!;
    fireEvent.change(replicas, { target: { value: '0' } });
    fireEvent.keyDown(replicas, { key: 'Enter' });
    await waitFor(() => expect(screen.getByTestId('scorecard')).toHaveAttribute('data-stale', 'true'));
    expect(screen.getAllByTestId('diagnostic')[0]).toHaveTextContent('replicas must be in [1, 100000], got 0');
    // The numbers on the canvas are the last good ones.
    expect(screen.getByTestId('node-api')).toHaveAttribute('data-utilization', '0.2250');
  }, SLOW);

  it('draws the graph beside the diagnostics when the model has problems', async () => {
    render(<App backend={memoryBackend(documentOf(shopWithProblemsView()))} />);
    await ready();
    expect(screen.getByTestId('canvas')).toBeInTheDocument();
    expect(screen.getAllByTestId('diagnostic').map((li) => li.textContent)).toEqual(
      shopWithProblemsView().diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`),
    );
  }, SLOW);

  it('shows the diagnostics alone when the file has no model', async () => {
    render(<App backend={memoryBackend(documentOf(brokenView()))} />);
    const item = await screen.findByTestId('diagnostic');
    expect(item).toHaveTextContent(
      'models/broken.yaml:3:1: unknown field `replicaz`, expected one of `version`, `name`, `components`',
    );
    expect(screen.queryByTestId('canvas')).toBeNull();
    await waitFor(() => expect(bodyState()).toBe('error'));
  });

  it('starts on the start screen, with the recent projects, when no spec was given', async () => {
    const backend: Backend = {
      ...memoryBackend(null),
      recentProjects: () => Promise.resolve([documentOf(shopView()).project]),
    };
    render(<App backend={backend} />);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent('New model');
    expect(await screen.findByTestId('recent-project')).toHaveTextContent('models/shop.yaml');
    expect(bodyState()).toBe('empty');
  });

  it("shows a failed command's message", async () => {
    const backend: Backend = {
      ...memoryBackend(null),
      // The shell rejects with a plain CommandError object, not an Error.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      initialDocument: () => Promise.reject({ kind: 'io', message: 'cannot read nope.yaml: No such file' }),
    };
    render(<App backend={backend} />);
    expect(await screen.findByTestId('toast')).toHaveTextContent('cannot read nope.yaml: No such file');
  });

  it('offers back autosaved edits left by a crash', async () => {
    const doc: Document = {
      ...documentOf(shopView()),
      recovered: { saved_ms: 0, view: { ...shopView(), spec: { ...shopView().spec!, name: 'shop-edited' } } },
    };
    render(<App backend={memoryBackend(doc)} />);
    await ready();
    fireEvent.click(await screen.findByTestId('recovery-restore'));
    await waitFor(() => expect(screen.getByTestId('model-name')).toHaveTextContent('shop-edited'));
    expect(screen.getByTestId('dirty')).toBeInTheDocument();
    expect(screen.queryByTestId('recovery')).toBeNull();
  }, SLOW);

  it('says so when it is not running inside Tauri, without calling it', () => {
    let called = false;
    const b: Backend = {
      ...memoryBackend(null),
      available: false,
      initialDocument: () => {
        called = true;
        return Promise.resolve(null);
      },
    };
    render(<App backend={b} />);
    expect(screen.getByTestId('not-tauri')).toHaveTextContent('Not running inside the Headroom desktop app');
    expect(bodyState()).toBe('error');
    expect(called).toBe(false);
  });

  it('lists the keyboard shortcuts on ?', async () => {
    render(<App backend={memoryBackend(documentOf(shopView()))} />);
    await ready();
    press('?');
    expect(await screen.findByTestId('help')).toHaveTextContent('Ctrl+Shift+Z');
    press('Escape');
    await waitFor(() => expect(screen.queryByTestId('help')).toBeNull());
  }, SLOW);
});

describe('ErrorBoundary', () => {
  it('shows a message instead of a blank window when rendering throws', () => {
    const Boom = () => {
      throw new Error('kaboom');
    };
    const original = console.error;
    console.error = () => {};
    try {
      render(
        <ErrorBoundary>
          <Boom />
        </ErrorBoundary>,
      );
    } finally {
      console.error = original;
    }
    expect(screen.getByTestId('crash')).toHaveTextContent('kaboom');
    expect(bodyState()).toBe('error');
  });
});
