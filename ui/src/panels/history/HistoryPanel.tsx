// The project's revisions, newest first: restore one into the editor, or compare two
// (or one and the model being edited): the semantic diff and both scorecards.
//
// Restoring puts the revision's model into the editor as one undoable edit and leaves
// the file alone (the user saves as usual), so it does not ask first even when the
// model has unsaved edits: Undo brings them straight back, and nothing is written.

import { useCallback, useEffect, useState, type JSX } from 'react';

import type { CommandError } from '../../bindings/CommandError';
import type { HistoryEntry } from '../../bindings/HistoryEntry';
import type { RevisionComparison } from '../../bindings/RevisionComparison';
import type { Side } from '../../bindings/Side';
import type { Spec } from '../../bindings/Spec';
import { toCommandError } from '../../ipc';
import type { PanelProps } from '../types';
import { Comparison } from './Comparison';
import { formatTime } from './format';
import './history.css';

/** What may be compared: a revision (by id) or the model being edited. */
export type Pick = number | 'model';

type Listing =
  | { status: 'loading' }
  | { status: 'failed'; error: CommandError }
  | { status: 'ready'; entries: HistoryEntry[] };

type Compared =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'failed'; error: CommandError }
  | { status: 'done'; result: RevisionComparison; model: Spec | null };

/** The older side first: revisions by id, the model being edited after every revision. */
function ordered(a: Pick, b: Pick): [Pick, Pick] {
  if (a === 'model') return [b, a];
  if (b === 'model') return [a, b];
  return a < b ? [a, b] : [b, a];
}

export function HistoryPanel({ backend, project, spec, dirty, onApply, onError }: PanelProps): JSX.Element {
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [picked, setPicked] = useState<Pick[]>([]);
  const [compared, setCompared] = useState<Compared>({ status: 'idle' });
  const [restoring, setRestoring] = useState<number | null>(null);

  const load = useCallback(() => {
    let live = true;
    backend.revisionHistory(project).then(
      (entries) => {
        if (!live) return;
        setListing({ status: 'ready', entries });
        // A pick of a revision that is gone (another project) is dropped.
        setPicked((p) => p.filter((x) => x === 'model' || entries.some((e) => e.revision.id === x)));
      },
      (e: unknown) => {
        if (live) setListing({ status: 'failed', error: toCommandError(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [backend, project]);

  // On showing, on another project, and after a save (dirty turns false).
  useEffect(() => load(), [load, dirty]);

  const toggle = (p: Pick) =>
    setPicked((cur) => (cur.includes(p) ? cur.filter((x) => x !== p) : [...cur, p].slice(-2)));

  const compare = () => {
    if (picked.length !== 2) return;
    const [before, after] = ordered(picked[0]!, picked[1]!);
    const side = (p: Pick): Side => (p === 'model' ? { kind: 'model', spec } : { kind: 'revision', id: p });
    const model = before === 'model' || after === 'model' ? spec : null;
    setCompared({ status: 'running' });
    backend.compareRevisions(side(before), side(after)).then(
      (result) => setCompared({ status: 'done', result, model }),
      (e: unknown) => setCompared({ status: 'failed', error: toCommandError(e) }),
    );
  };

  const restore = (id: number) => {
    setRestoring(id);
    backend
      .revisionModel(id)
      .then(
        (model) => onApply(model, `Restore revision ${id}`),
        (e: unknown) => onError(e),
      )
      .finally(() => setRestoring(null));
  };

  const entries = listing.status === 'ready' ? listing.entries : [];
  return (
    <div className="hrh-panel" data-testid="history-panel">
      <div className="hrh-bar">
        <h3 className="hrh-title">
          History
          {listing.status === 'ready' ? (
            <span className="hrh-count">
              {entries.length} {entries.length === 1 ? 'revision' : 'revisions'}
            </span>
          ) : null}
        </h3>
        <button type="button" className="hr-button" data-testid="history-refresh" onClick={() => load()}>
          Refresh
        </button>
      </div>
      <p className="hrh-hint">
        Each save is a revision. Restore puts a revision’s model in the editor (undo takes it back; save to keep it).
        Tick two to compare them.
      </p>
      {listing.status === 'loading' ? <p className="hrh-empty">Reading the history…</p> : null}
      {listing.status === 'failed' ? (
        <p className="hrh-error" role="alert" data-testid="history-error">
          The history could not be read: {listing.error.message}
        </p>
      ) : null}
      {listing.status === 'ready' ? (
        <ul className="hrh-list" data-testid="history-list">
          <li className="hrh-row hrh-row--model" data-testid="history-model">
            <label className="hrh-pick">
              <input
                type="checkbox"
                data-testid="history-pick"
                checked={picked.includes('model')}
                onChange={() => toggle('model')}
                aria-label="Compare the model being edited"
              />
            </label>
            <div className="hrh-row__body">
              <span className="hrh-row__title">The model being edited</span>
              <span className="hrh-row__summary">{dirty ? 'with edits not saved yet' : 'as last saved'}</span>
            </div>
          </li>
          {entries.length === 0 ? (
            <li className="hrh-empty" data-testid="history-empty">
              No revisions yet: saving the model makes the first.
            </li>
          ) : null}
          {entries.map((e) => {
            const id = e.revision.id;
            return (
              <li key={id} className="hrh-row" data-testid="revision" data-id={id} data-readable={e.readable ? 'true' : 'false'}>
                <label className="hrh-pick">
                  <input
                    type="checkbox"
                    data-testid="history-pick"
                    checked={picked.includes(id)}
                    disabled={!e.readable}
                    onChange={() => toggle(id)}
                    aria-label={`Compare revision ${id}`}
                  />
                </label>
                <div className="hrh-row__body">
                  <span className="hrh-row__title">
                    <span className="hrh-row__id">#{id}</span>
                    <span className="hrh-row__time">{formatTime(e.revision.created_ms)}</span>
                  </span>
                  <span className="hrh-row__message" title={e.revision.message}>
                    {e.revision.message}
                  </span>
                  <span className="hrh-row__summary" data-testid="revision-summary">
                    {e.summary}
                  </span>
                </div>
                <button
                  type="button"
                  className="hr-button hrh-row__restore"
                  data-testid="revision-restore"
                  disabled={!e.readable || restoring !== null}
                  title={e.readable ? `Put revision ${id}'s model in the editor (undoable)` : 'This revision does not read as a spec'}
                  onClick={() => restore(id)}
                >
                  {restoring === id ? 'Restoring…' : 'Restore'}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <div className="hrh-actions">
        <button
          type="button"
          className="hr-button hr-button--primary"
          data-testid="history-compare"
          disabled={picked.length !== 2 || compared.status === 'running'}
          onClick={compare}
        >
          {compared.status === 'running' ? 'Comparing…' : 'Compare'}
        </button>
        <span className="hrh-muted">{picked.length === 2 ? '' : `Tick ${2 - picked.length} more to compare.`}</span>
      </div>
      {compared.status === 'failed' ? (
        <p className="hrh-error" role="alert" data-testid="compare-error">
          The comparison failed: {compared.error.message}
        </p>
      ) : null}
      {compared.status === 'done' ? (
        <Comparison result={compared.result} outdated={compared.model !== null && compared.model !== spec} />
      ) : null}
    </div>
  );
}
