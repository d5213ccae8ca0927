import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { Spec } from '../../bindings/Spec';
import { memoryBackend } from '../../fixtures/backend';
import { toyScaffold } from '../../fixtures/export';
import { shopSpec } from '../../fixtures/shop';
import { panelProps } from '../testProps';
import { replaceQuestion, ScaffoldPanel } from './ScaffoldPanel';
import { buildTree } from './tree';

/** Renders are debounced (400 ms); give a busy machine time. */
const SETTLE = { timeout: 5_000 };

const state = () => screen.getByTestId('scaffold-panel').getAttribute('data-state');

async function ready() {
  await waitFor(() => expect(state()).toBe('current'), SETTLE);
}

async function chooseFolder(backend: ReturnType<typeof memoryBackend>, path: string) {
  backend.exportState.nextFolder = path;
  fireEvent.click(screen.getByTestId('scaffold-choose'));
  await waitFor(() => expect(screen.getByTestId('scaffold-folder')).toHaveTextContent(path), SETTLE);
  await screen.findByTestId('scaffold-folder-status', {}, SETTLE);
}

describe('buildTree', () => {
  it('nests files in folders, folders first, with file counts and sizes', () => {
    const files = toyScaffold(shopSpec()).files;
    const root = buildTree(files);
    expect(root.files).toBe(files.length);
    expect(root.bytes).toBe(files.reduce((s, f) => s + f.bytes, 0));
    expect(root.children.map((c) => `${c.type}:${c.name}`)).toEqual([
      'folder:k8s',
      'folder:scripts',
      'folder:services',
      'file:docker-compose.yml',
      'file:README.md',
    ]);
    const k8s = root.children[0];
    if (k8s?.type !== 'folder') throw new Error('k8s is a folder');
    expect(k8s.files).toBe(3);
    const base = k8s.children[0];
    expect(base?.type === 'folder' && base.children.map((c) => c.path)).toEqual([
      'k8s/base/api.yaml',
      'k8s/base/fulfilment.yaml',
      'k8s/base/kustomization.yaml',
    ]);
  });
});

describe('replaceQuestion', () => {
  it('says how many entries, names a few, and that everything in the folder goes', () => {
    const q = replaceQuestion(
      { path: '/tmp/x', exists: true, is_dir: true, entries: 7, sample: ['.git', 'a', 'b', 'c', 'd'] },
      45,
    );
    expect(q.title).toBe('Replace 7 entries?');
    expect(q.message).toBe(
      'The folder /tmp/x has 7 entries (.git, a, b, c, d, …). Generating replaces the whole folder: ' +
        'everything in it now is deleted, including files the scaffold does not write, and it will hold ' +
        'only the 45 generated files. Nothing is deleted until the new files are complete.',
    );
    const one = replaceQuestion({ path: '/y', exists: true, is_dir: true, entries: 1, sample: ['z'] }, null);
    expect(one.title).toBe('Replace 1 entry?');
    expect(one.message).toContain('has 1 entry (z).');
    expect(one.message).toContain('only the generated files.');
  });
});

describe('ScaffoldPanel', () => {
  it("shows the plan's deployments and the file tree; folders fold; a file shows its text", async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    render(<ScaffoldPanel {...panelProps(backend, spec)} />);
    await ready();
    const s = toyScaffold(spec);
    expect(screen.getByTestId('scaffold-summary')).toHaveTextContent(
      `8 files, ${s.total_bytes} B, from a plan of 2 steps costing 1,234 USD a month. It meets every target (3 of 3).`,
    );
    const api = within(screen.getByTestId('deployment-api'));
    expect(api.getAllByRole('cell').map((c) => c.textContent)).toEqual(['4', '2–24', '500m', '64Mi']);
    expect(within(screen.getByTestId('deployment-fulfilment')).getAllByRole('cell')[1]).toHaveTextContent('none');

    const compose = screen.getByTestId('tree-file-docker-compose.yml');
    expect(compose).toHaveAttribute('data-bytes', String(s.files[1]?.bytes));
    expect(screen.getByTestId('tree-file-k8s/base/api.yaml')).toHaveTextContent('api.yaml12 B');
    fireEvent.click(screen.getByTestId('tree-folder-k8s'));
    expect(screen.queryByTestId('tree-file-k8s/base/api.yaml')).toBeNull();
    fireEvent.click(screen.getByTestId('tree-folder-k8s'));
    fireEvent.click(screen.getByTestId('tree-file-k8s/base/api.yaml'));
    expect(screen.getByTestId('scaffold-file-contents').textContent).toBe('replicas: 4\n');
    expect(screen.getByTestId('scaffold-file-view')).toHaveTextContent('k8s/base/api.yaml');
  });

  it('follows the model: an edit re-renders the tree and its numbers', async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    const { rerender } = render(<ScaffoldPanel {...panelProps(backend, spec)} />);
    await ready();
    const edited: Spec = { ...spec, components: spec.components.map((c) => (c.name === 'api' ? { ...c, replicas: 9 } : c)) };
    rerender(<ScaffoldPanel {...panelProps(backend, edited)} />);
    expect(state()).toBe('updating');
    await ready();
    expect(within(screen.getByTestId('deployment-api')).getAllByRole('cell')[0]).toHaveTextContent('9');
  });

  it('generates into a chosen new folder and says how many files went where', async () => {
    const backend = memoryBackend(null);
    render(<ScaffoldPanel {...panelProps(backend, shopSpec())} />);
    await ready();
    expect(screen.getByTestId('scaffold-generate')).toBeDisabled();
    expect(screen.getByTestId('scaffold-folder')).toHaveTextContent('none chosen');
    await chooseFolder(backend, '/tmp/new');
    expect(screen.getByTestId('scaffold-folder-status')).toHaveTextContent('does not exist yet');
    fireEvent.click(screen.getByTestId('scaffold-generate'));
    const done = await screen.findByTestId('scaffold-result', {}, SETTLE);
    expect(done).toHaveTextContent(/^Wrote 8 files \(\d+ B\) to \/tmp\/new\.$/);
    expect(backend.exportState.calls.filter((c) => c.startsWith('generateScaffold'))).toEqual(['generateScaffold /tmp/new']);
    await waitFor(() => expect(screen.getByTestId('scaffold-folder-status')).toHaveTextContent('has 5 entries'), SETTLE);
  });

  it('asks before replacing a folder with entries: Cancel writes nothing, Replace forces', async () => {
    const backend = memoryBackend(null);
    const props = panelProps(backend, shopSpec());
    render(<ScaffoldPanel {...props} />);
    await ready();
    backend.exportState.folders.set('/tmp/full', ['notes.txt', '.git']);
    await chooseFolder(backend, '/tmp/full');
    expect(screen.getByTestId('scaffold-folder-status')).toHaveTextContent('has 2 entries: you will be asked');

    props.ask.mockResolvedValueOnce('cancel');
    fireEvent.click(screen.getByTestId('scaffold-generate'));
    expect(await screen.findByTestId('scaffold-note', {}, SETTLE)).toHaveTextContent('Nothing was written; /tmp/full is as it was.');
    expect(props.ask).toHaveBeenCalledTimes(1);
    const asked = props.ask.mock.calls[0]![0];
    expect(asked.title).toBe('Replace 2 entries?');
    expect(asked.message).toContain('The folder /tmp/full has 2 entries (.git, notes.txt).');
    expect(asked.message).toContain('only the 8 generated files');
    expect(asked.choices.map((c) => c.id)).toEqual(['replace', 'cancel']);
    expect(backend.exportState.calls.filter((c) => c.startsWith('generateScaffold'))).toEqual(['generateScaffold /tmp/full']);
    expect(backend.exportState.folders.get('/tmp/full')).toEqual(['notes.txt', '.git']);

    props.ask.mockResolvedValueOnce('replace');
    fireEvent.click(screen.getByTestId('scaffold-generate'));
    expect(await screen.findByTestId('scaffold-result', {}, SETTLE)).toHaveTextContent(/to \/tmp\/full, replacing what was there\.$/);
    expect(backend.exportState.calls.filter((c) => c.startsWith('generateScaffold'))).toEqual([
      'generateScaffold /tmp/full',
      'generateScaffold /tmp/full',
      'generateScaffold /tmp/full force',
    ]);
  });

  it('shows a failure as text, and a cancelled folder dialog changes nothing', async () => {
    const backend = memoryBackend(null);
    render(<ScaffoldPanel {...panelProps(backend, shopSpec())} />);
    await ready();
    await chooseFolder(backend, '/tmp/a');
    backend.exportState.nextFolder = null;
    fireEvent.click(screen.getByTestId('scaffold-choose'));
    await waitFor(() => expect(screen.getByTestId('scaffold-choose')).toBeEnabled(), SETTLE);
    expect(screen.getByTestId('scaffold-folder')).toHaveTextContent('/tmp/a');
    // The chooser opens in the model's folder, then beside the folder last chosen.
    expect(backend.exportState.calls.filter((c) => c.startsWith('pickFolder'))).toEqual([
      'pickFolder /models',
      'pickFolder /tmp',
    ]);

    backend.exportState.failNext = { kind: 'io', message: '/tmp/a: No space left on device (os error 28)' };
    fireEvent.click(screen.getByTestId('scaffold-generate'));
    expect(await screen.findByTestId('scaffold-error', {}, SETTLE)).toHaveTextContent(
      'Not generated: /tmp/a: No space left on device (os error 28)',
    );
    expect(screen.queryByTestId('scaffold-result')).toBeNull();
  });

  it('will not generate a model with problems, and says why', async () => {
    const backend = memoryBackend(null);
    const spec = shopSpec();
    const bad: Spec = { ...spec, components: spec.components.map((c) => (c.name === 'api' ? { ...c, replicas: 0 } : c)) };
    render(<ScaffoldPanel {...panelProps(backend, bad)} />);
    await waitFor(() => expect(state()).toBe('failed'), SETTLE);
    expect(screen.getByTestId('scaffold-preview-error')).toHaveTextContent('the model has 1 problem');
    await chooseFolder(backend, '/tmp/a');
    expect(screen.getByTestId('scaffold-generate')).toBeDisabled();
  });
});
