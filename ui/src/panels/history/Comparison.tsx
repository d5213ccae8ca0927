// Two sides compared: what changed, item by item and field by field, then both
// scorecards side by side, each target green or red on either side.

import { useLayoutEffect, useRef, type JSX } from 'react';

import type { FieldChange } from '../../bindings/FieldChange';
import type { ItemChange } from '../../bindings/ItemChange';
import type { RevisionComparison } from '../../bindings/RevisionComparison';
import type { SideView } from '../../bindings/SideView';
import { scoreCells, type ScoreCell } from '../../components/ScorecardBar';
import { formatTime } from './format';

const CHANGE_WORDS = { added: 'added', removed: 'removed', changed: 'changed' } as const;

function sideTitle(side: SideView): string {
  return side.revision ? `#${side.revision.id}` : 'Edited';
}

function sideDetail(side: SideView): string {
  return side.revision ? formatTime(side.revision.created_ms) : 'the model being edited';
}

export function Comparison({ result, outdated }: { result: RevisionComparison; outdated: boolean }): JSX.Element {
  const { diff, before, after } = result;
  const sections: { title: string; items: ItemChange[] }[] = [
    { title: 'Components', items: diff.components },
    { title: 'Request classes', items: diff.classes },
    { title: 'Dependencies', items: diff.edges },
  ];
  // The comparison opens below the list of revisions, which may fill the dock: bring it
  // into view, before it is painted (jsdom has no scrolling, hence the optional call).
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => box.current?.scrollIntoView?.({ block: 'nearest' }), [result]);
  const same =
    diff.general.length + diff.targets.length + diff.components.length + diff.classes.length + diff.edges.length === 0;
  return (
    <div className="hrh-compare" data-testid="comparison" ref={box}>
      <h4 className="hrh-subtitle">
        {before.label} → {after.label}
      </h4>
      {outdated ? (
        <p className="hrh-note" data-testid="compare-outdated">
          The model has changed since this comparison; compare again to see it as it is.
        </p>
      ) : null}
      <div className="hrh-diff" data-testid="compare-diff">
        {same ? (
          <p className="hrh-empty" data-testid="compare-same">
            The two mean the same model (they differ at most in formatting or comments).
          </p>
        ) : null}
        {diff.general.length > 0 ? <FieldList title="General" fields={diff.general} /> : null}
        {diff.targets.length > 0 ? <FieldList title="Targets" fields={diff.targets} /> : null}
        {sections
          .filter((s) => s.items.length > 0)
          .map((s) => (
            <div key={s.title} className="hrh-diff__section">
              <h5>{s.title}</h5>
              <ul>
                {s.items.map((item) => (
                  <li key={`${item.change}:${item.key}`} data-testid="diff-item" data-key={item.key} data-change={item.change}>
                    <span className={`hrh-change hrh-change--${item.change}`}>{CHANGE_WORDS[item.change]}</span>{' '}
                    <code>{item.key}</code>
                    {item.change === 'changed' ? (
                      <ul className="hrh-fields">
                        {item.fields.map((f) => (
                          <FieldLine key={f.field} field={f} />
                        ))}
                      </ul>
                    ) : (
                      <span className="hrh-muted"> ({item.fields.length} fields)</span>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ))}
      </div>
      <Scorecards before={before} after={after} />
    </div>
  );
}

function FieldList({ title, fields }: { title: string; fields: FieldChange[] }) {
  return (
    <div className="hrh-diff__section">
      <h5>{title}</h5>
      <ul className="hrh-fields">
        {fields.map((f) => (
          <FieldLine key={f.field} field={f} />
        ))}
      </ul>
    </div>
  );
}

function FieldLine({ field: f }: { field: FieldChange }) {
  return (
    <li data-testid="diff-field" data-field={f.field}>
      <code>{f.field}</code>: <span className="hrh-before">{f.before ?? 'unset'}</span> →{' '}
      <span className="hrh-after">{f.after ?? 'unset'}</span>
    </li>
  );
}

/** Both scorecards, aligned by target: a row per target either side holds. */
function Scorecards({ before, after }: { before: SideView; after: SideView }) {
  const cells = (side: SideView) => (side.live.analysis ? scoreCells(side.live.analysis) : null);
  const b = cells(before);
  const a = cells(after);
  const ids: string[] = [];
  for (const c of [...(b ?? []), ...(a ?? [])]) if (!ids.includes(c.id)) ids.push(c.id);
  const find = (list: ScoreCell[] | null, id: string) => list?.find((c) => c.id === id);
  const count = (list: ScoreCell[] | null) =>
    list ? `${list.filter((c) => c.pass === true).length} of ${list.filter((c) => c.pass !== null).length} met` : '';
  return (
    <div className="hrh-cards">
      <h5>Scorecards</h5>
      <table className="hrh-table" data-testid="compare-scorecards">
        <thead>
          <tr>
            <th scope="col">Target</th>
            <th scope="col" title={sideDetail(before)}>
              {sideTitle(before)}
              <span className="hrh-th-note">{count(b)}</span>
            </th>
            <th scope="col" title={sideDetail(after)}>
              {sideTitle(after)}
              <span className="hrh-th-note">{count(a)}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {ids.map((id) => {
            const x = find(b, id);
            const y = find(a, id);
            const label = (y ?? x)?.label ?? id;
            return (
              <tr
                key={id}
                data-testid={`compare-row-${id}`}
                data-before-pass={x ? String(x.pass) : 'absent'}
                data-after-pass={y ? String(y.pass) : 'absent'}
              >
                <th scope="row">{label}</th>
                <Cell cell={x} />
                <Cell cell={y} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {!b ? <NoNumbers side={before} /> : null}
      {!a ? <NoNumbers side={after} /> : null}
    </div>
  );
}

function Cell({ cell }: { cell: ScoreCell | undefined }) {
  if (!cell) return <td className="hrh-cell hrh-cell--none">—</td>;
  const tone = cell.pass === null ? 'none' : cell.pass ? 'pass' : 'fail';
  return (
    <td className={`hrh-cell hrh-cell--${tone}`} title={cell.summary}>
      {cell.value}
    </td>
  );
}

function NoNumbers({ side }: { side: SideView }) {
  const n = side.live.diagnostics.length;
  return (
    <p className="hrh-note" data-testid="compare-no-numbers">
      {sideTitle(side)} has no numbers:{' '}
      {n > 0 ? `${n} ${n === 1 ? 'problem' : 'problems'} in the model` : (side.live.analysis_error ?? 'it cannot be analysed')}.
    </p>
  );
}
