import { useId, useState } from 'react';

import type { Spec } from '../bindings/Spec';
import { connect } from '../editor/specEdits';
import { Section } from './controls';
import type { InspectorSelection } from './selection';

/**
 * The calls a component makes, each a link to its dependency, and a way to add one
 * without dragging on the canvas (from the keyboard, or for a far-away callee).
 */
export function CallsSection({
  spec,
  name,
  onEdit,
  onSelect,
}: {
  spec: Spec;
  name: string;
  onEdit: (next: Spec, label: string) => void;
  onSelect?: ((selection: InspectorSelection) => void) | undefined;
}) {
  const id = useId();
  const [target, setTarget] = useState('');
  const calls = spec.dependencies.map((d, index) => ({ d, index })).filter(({ d }) => d.from === name);
  const others = spec.components.map((c) => c.name).filter((n) => n !== name);
  const add = () => {
    const next = connect(spec, name, target);
    if (next) onEdit(next, `Connect ${name} to ${target}`);
    setTarget('');
  };
  return (
    <Section title="Calls" testId="calls">
      {calls.length === 0 ? <p className="hri-calls__none">No calls yet.</p> : null}
      <ul className="hri-calls">
        {calls.map(({ d, index }) => (
          <li key={index}>
            <button type="button" className="hri-link" data-testid="call" onClick={() => onSelect?.({ kind: 'dependency', index })}>
              → {d.to}
              {d.mode === 'async' ? ' (async)' : ''}
            </button>
          </li>
        ))}
      </ul>
      <div className="hri-calls__add">
        <label htmlFor={id}>Add a call to</label>
        <select id={id} data-testid="add-call-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">choose…</option>
          {others.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        <button type="button" data-testid="add-call" disabled={!target} onClick={add}>
          Add
        </button>
      </div>
    </Section>
  );
}
