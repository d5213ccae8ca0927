import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { LiveModel } from '../../bindings/LiveModel';
import type { Side } from '../../bindings/Side';
import type { Spec } from '../../bindings/Spec';
import { documentOf, memoryBackend, toyLive } from '../../fixtures/backend';
import { memoryHistory, type MemoryHistory } from '../../fixtures/history';
import { shopSpec, shopView } from '../../fixtures/shop';
import type { Backend } from '../../ipc';
import { panelProps } from '../testProps';
import type { PanelProps } from '../types';
import { formatTime } from './format';
import { HistoryPanel } from './HistoryPanel';

/** The toy engine, with one target: N-1, met when no pool has a single replica. */
function live(spec: Spec, file: string): LiveModel {
  const model = toyLive(spec, file);
  const single = spec.components.filter((c) => c.replicas === 1).length;
  return {
    ...model,
    analysis: model.analysis && {
      ...model.analysis,
      scorecard: [
        { target: 'n_minus_1', subject: null, required: 0, predicted: single, pass: single === 0, summary: `${single} single` },
      ],
    },
  };
}

function withReplicas(spec: Spec, name: string, replicas: number): Spec {
  return { ...spec, components: spec.components.map((c) => (c.name === name ? { ...c, replicas } : c)) };
}

/** A backend with three revisions: the shop, orders-db at 2 replicas, session-cache at 2 too. */
function backendWithHistory(): { backend: Backend & MemoryHistory; specs: Spec[] } {
  const history = memoryHistory(null, live);
  const first = shopSpec();
  const second = withReplicas(first, 'orders-db', 2);
  const third = withReplicas(second, 'session-cache', 2);
  history.addRevision(first, 'Read from /tmp/shop.yaml', Date.UTC(2025, 4, 1, 9, 0, 0));
  history.addRevision(second, 'Saved to /tmp/shop.yaml', Date.UTC(2025, 4, 1, 9, 5, 0));
  history.addRevision(third, 'Saved to /tmp/shop.yaml', Date.UTC(2025, 4, 1, 9, 6, 30));
  const backend = { ...memoryBackend(documentOf(shopView())), ...history };
  return { backend, specs: [first, second, third] };
}

function props(overrides: Partial<PanelProps> = {}): PanelProps {
  return panelProps(memoryBackend(documentOf(shopView())), shopSpec(), overrides);
}

const revisions = () => screen.getAllByTestId('revision');
const revision = (id: number) => revisions().find((r) => r.getAttribute('data-id') === String(id))!;
const pick = (id: number | 'model') =>
  fireEvent.click(within(id === 'model' ? screen.getByTestId('history-model') : revision(id)).getByTestId('history-pick'));

describe('HistoryPanel', () => {
  it('lists the revisions newest first, with time, message and what changed', async () => {
    const { backend } = backendWithHistory();
    render(<HistoryPanel {...props({ backend })} />);
    await screen.findAllByTestId('revision');
    expect(revisions().map((r) => r.getAttribute('data-id'))).toEqual(['3', '2', '1']);
    expect(screen.getByText('3 revisions')).toBeInTheDocument();
    expect(revision(3)).toHaveTextContent(formatTime(Date.UTC(2025, 4, 1, 9, 6, 30)));
    expect(revision(3)).toHaveTextContent('Saved to /tmp/shop.yaml');
    expect(within(revision(3)).getByTestId('revision-summary')).toHaveTextContent('session-cache changed');
    expect(within(revision(1)).getByTestId('revision-summary')).toHaveTextContent(`${shopSpec().components.length} components`);
    expect(screen.getByTestId('history-model')).toHaveTextContent('as last saved');
  });

  it('restores a revision as one edit with the backend’s model, without asking', async () => {
    const { backend, specs } = backendWithHistory();
    const models: Spec[] = [];
    const revisionModel = backend.revisionModel.bind(backend);
    backend.revisionModel = async (id) => {
      const m = await revisionModel(id);
      models.push(m);
      return m;
    };
    const onApply = vi.fn();
    const ask = vi.fn();
    render(<HistoryPanel {...props({ backend, onApply, ask, dirty: true })} />);
    await screen.findAllByTestId('revision');
    fireEvent.click(within(revision(1)).getByTestId('revision-restore'));
    await waitFor(() => expect(onApply).toHaveBeenCalledTimes(1));
    expect(onApply.mock.lastCall![0]).toBe(models[0]);
    expect(models[0]).toEqual(specs[0]);
    expect(onApply.mock.lastCall![1]).toBe('Restore revision 1');
    expect(ask).not.toHaveBeenCalled();
  });

  it('compares two revisions, the older first: the diff and both scorecards, green and red', async () => {
    const { backend } = backendWithHistory();
    const compare = vi.spyOn(backend, 'compareRevisions');
    render(<HistoryPanel {...props({ backend })} />);
    await screen.findAllByTestId('revision');
    expect(screen.getByTestId('history-compare')).toBeDisabled();
    pick(3);
    pick(1);
    fireEvent.click(screen.getByTestId('history-compare'));
    await screen.findByTestId('comparison');
    expect(compare).toHaveBeenCalledWith({ kind: 'revision', id: 1 }, { kind: 'revision', id: 3 });

    const items = screen.getAllByTestId('diff-item');
    expect(items.map((i) => i.getAttribute('data-key'))).toEqual(['session-cache', 'orders-db']);
    const db = items[1]!;
    expect(db).toHaveAttribute('data-change', 'changed');
    expect(within(db).getByTestId('diff-field')).toHaveTextContent('replicas: 1 → 2');

    const row = screen.getByTestId('compare-row-n_minus_1');
    expect(row).toHaveAttribute('data-before-pass', 'false');
    expect(row).toHaveAttribute('data-after-pass', 'true');
    expect(row.querySelectorAll('td')[0]).toHaveClass('hrh-cell--fail');
    expect(row.querySelectorAll('td')[1]).toHaveClass('hrh-cell--pass');
    const heads = within(screen.getByTestId('compare-scorecards')).getAllByRole('columnheader');
    expect(heads.map((h) => h.textContent)).toEqual(['Target', '#10 of 1 met', '#31 of 1 met']);
  });

  it('brings a new comparison into view (it opens below the list), once per result', async () => {
    const { backend } = backendWithHistory();
    const scrolled: Element[] = [];
    // jsdom lays nothing out and has no scrollIntoView: record the calls instead.
    const scrollIntoView = vi.fn(function (this: Element) {
      scrolled.push(this);
    });
    Element.prototype.scrollIntoView = scrollIntoView;
    try {
      render(<HistoryPanel {...props({ backend })} />);
      await screen.findAllByTestId('revision');
      pick(3);
      pick(1);
      fireEvent.click(screen.getByTestId('history-compare'));
      const comparison = await screen.findByTestId('comparison');
      expect(scrolled).toEqual([comparison]);
      expect(scrollIntoView).toHaveBeenCalledWith({ block: 'nearest' });
      fireEvent.click(screen.getByTestId('history-compare'));
      await waitFor(() => expect(scrolled).toHaveLength(2));
    } finally {
      delete (Element.prototype as { scrollIntoView?: unknown }).scrollIntoView;
    }
  });

  it('compares a revision with the model being edited, and says when the model moved on', async () => {
    const { backend, specs } = backendWithHistory();
    const compare = vi.spyOn(backend, 'compareRevisions');
    const edited = withReplicas(specs[2]!, 'api', 9);
    const { rerender } = render(<HistoryPanel {...props({ backend, spec: edited, dirty: true })} />);
    await screen.findAllByTestId('revision');
    expect(screen.getByTestId('history-model')).toHaveTextContent('with edits not saved yet');
    pick('model');
    pick(3);
    fireEvent.click(screen.getByTestId('history-compare'));
    await screen.findByTestId('comparison');
    const sides: [Side, Side] = compare.mock.lastCall!;
    expect(sides[0]).toEqual({ kind: 'revision', id: 3 });
    expect(sides[1]).toEqual({ kind: 'model', spec: edited });
    expect(screen.getAllByTestId('diff-item').map((i) => i.getAttribute('data-key'))).toEqual(['api']);
    expect(screen.queryByTestId('compare-outdated')).toBeNull();
    rerender(<HistoryPanel {...props({ backend, spec: withReplicas(edited, 'api', 10), dirty: true })} />);
    expect(screen.getByTestId('compare-outdated')).toBeInTheDocument();
  });

  it('keeps two picks at most: a third replaces the first', async () => {
    const { backend } = backendWithHistory();
    render(<HistoryPanel {...props({ backend })} />);
    await screen.findAllByTestId('revision');
    pick(1);
    pick(2);
    pick(3);
    const checked = (id: number) => within(revision(id)).getByTestId<HTMLInputElement>('history-pick').checked;
    expect([checked(1), checked(2), checked(3)]).toEqual([false, true, true]);
  });

  it('reads the history again after a save (dirty turns false)', async () => {
    const { backend, specs } = backendWithHistory();
    const { rerender } = render(<HistoryPanel {...props({ backend, dirty: true })} />);
    await screen.findAllByTestId('revision');
    expect(revisions()).toHaveLength(3);
    backend.addRevision(withReplicas(specs[2]!, 'api', 5), 'Saved to /tmp/shop.yaml');
    rerender(<HistoryPanel {...props({ backend, dirty: false })} />);
    await waitFor(() => expect(revisions()).toHaveLength(4));
    expect(revisions()[0]).toHaveAttribute('data-id', '4');
  });

  it('shows a failure as text, and an empty history as such', async () => {
    const broken = memoryBackend(documentOf(shopView()));
    // The shell rejects with a plain {kind, message}, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    broken.revisionHistory = () => Promise.reject({ kind: 'locked', message: 'the workspace is busy' });
    const { unmount } = render(<HistoryPanel {...props({ backend: broken })} />);
    expect(await screen.findByTestId('history-error')).toHaveTextContent('The history could not be read: the workspace is busy');
    unmount();
    const empty = { ...memoryBackend(null), ...memoryHistory(null, live) };
    render(<HistoryPanel {...props({ backend: empty })} />);
    expect(await screen.findByTestId('history-empty')).toHaveTextContent('No revisions yet');
  });

  it('reports a revision that cannot be restored', async () => {
    const { backend } = backendWithHistory();
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    backend.revisionModel = () => Promise.reject({ kind: 'invalid_spec', message: 'revision 2 does not read as a spec' });
    const onError = vi.fn();
    const onApply = vi.fn();
    render(<HistoryPanel {...props({ backend, onError, onApply })} />);
    await screen.findAllByTestId('revision');
    fireEvent.click(within(revision(2)).getByTestId('revision-restore'));
    await waitFor(() => expect(onError).toHaveBeenCalledWith({ kind: 'invalid_spec', message: 'revision 2 does not read as a spec' }));
    expect(onApply).not.toHaveBeenCalled();
  });
});
