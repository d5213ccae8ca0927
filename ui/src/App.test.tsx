import { render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { App } from './App';
import type { ModelView } from './bindings/ModelView';
import { ErrorBoundary } from './components/ErrorBoundary';
import { brokenView, shopView, shopWithProblemsView } from './fixtures/shop';
import type { Backend } from './ipc';

function backend(initial: () => Promise<ModelView | null>, available = true): Backend {
  return {
    available,
    initialModel: initial,
    openModel: () => Promise.reject(new Error('not used')),
  };
}

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

describe('App', () => {
  it('draws the shop: a node per component, named, with its kind; then ready', async () => {
    render(<App backend={backend(() => Promise.resolve(shopView()))} />);
    const canvas = await screen.findByTestId('canvas');
    await waitFor(() => expect(bodyState()).toBe('ready'), LAYOUT_WAIT);
    for (const name of SHOP_NAMES) {
      const node = within(canvas).getByTestId(`node-${name}`);
      expect(within(node).getByTestId('node-label')).toHaveTextContent(new RegExp(`^${name}$`));
    }
    expect(within(canvas).getByTestId('node-orders-db')).toHaveAttribute('data-kind', 'database');
    expect(within(canvas).getByTestId('node-gateway')).toHaveAttribute(
      'data-kind',
      'load_balancer',
    );
    expect(screen.getByTestId('model-name')).toHaveTextContent('shop');
    expect(screen.getByTestId('model-file')).toHaveTextContent('models/shop.yaml');
    expect(screen.queryByTestId('diagnostics')).toBeNull();
    expect(screen.getByTestId('legend')).toHaveTextContent('Load balancer');
  }, SLOW);

  it('draws the graph beside the diagnostics when the model has problems', async () => {
    render(<App backend={backend(() => Promise.resolve(shopWithProblemsView()))} />);
    await waitFor(() => expect(bodyState()).toBe('ready'), LAYOUT_WAIT);
    expect(screen.getByTestId('canvas')).toBeInTheDocument();
    expect(screen.getAllByTestId('diagnostic').map((li) => li.textContent)).toEqual(
      shopWithProblemsView().diagnostics.map(
        (d) => `${d.file}:${d.line}:${d.column}: ${d.message}`,
      ),
    );
  }, SLOW);

  it('shows the diagnostics alone when the file has no model', async () => {
    render(<App backend={backend(() => Promise.resolve(brokenView()))} />);
    const item = await screen.findByTestId('diagnostic');
    expect(item).toHaveTextContent(
      'models/broken.yaml:3:1: unknown field `replicaz`, expected one of `version`, `name`, `components`',
    );
    expect(screen.queryByTestId('canvas')).toBeNull();
    expect(screen.queryByTestId('model-name')).toBeNull();
    await waitFor(() => expect(bodyState()).toBe('error'));
  });

  it('shows the empty state when no spec was given', async () => {
    render(<App backend={backend(() => Promise.resolve(null))} />);
    expect(await screen.findByTestId('empty-state')).toHaveTextContent(
      'No model open — run headroom-desktop path/to/spec.yaml',
    );
    expect(bodyState()).toBe('empty');
  });

  it("shows a failed command's message", async () => {
    // The shell rejects with a plain CommandError object, not an Error.
    const reject = () =>
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      Promise.reject({ kind: 'io', message: 'cannot read nope.yaml: No such file or directory' });
    render(<App backend={backend(reject)} />);
    expect(await screen.findByTestId('command-error')).toHaveTextContent(
      'cannot read nope.yaml: No such file or directory',
    );
    expect(bodyState()).toBe('error');
  });

  it('says so when it is not running inside Tauri, without calling it', () => {
    let called = false;
    const b = backend(() => {
      called = true;
      return Promise.resolve(null);
    }, false);
    render(<App backend={b} />);
    expect(screen.getByTestId('not-tauri')).toHaveTextContent(
      'Not running inside the Headroom desktop app',
    );
    expect(bodyState()).toBe('error');
    expect(called).toBe(false);
  });

  it('is loading until the model arrives', () => {
    render(<App backend={backend(() => new Promise<ModelView | null>(() => {}))} />);
    expect(screen.getByTestId('loading')).toBeInTheDocument();
    expect(bodyState()).toBe('loading');
  });
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
