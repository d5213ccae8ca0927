// The inspector: a right-hand panel with three tabs. "Selection" edits the selected
// component or dependency, "Workload" the request classes and the daily profile,
// "Targets" the targets, the practices and the network. Every change goes out through
// `onEdit` as one undoable edit with a label.

import { memo, useId, useRef, useState, type JSX, type KeyboardEvent, type ReactNode } from 'react';

import type { Diagnostic } from '../bindings/Diagnostic';
import type { Spec } from '../bindings/Spec';
import { ComponentForm } from './ComponentForm';
import { DependencyForm } from './DependencyForm';
import { countUnder } from './itemDiagnostics';
import type { InspectorSelection } from './selection';
import { TargetsPanel } from './TargetsPanel';
import { WorkloadPanel } from './WorkloadPanel';
import './inspector.css';

export type { InspectorSelection } from './selection';
export { TargetsPanel } from './TargetsPanel';
export { WorkloadPanel } from './WorkloadPanel';

export type InspectorTab = 'selection' | 'workload' | 'targets';

const TABS: readonly { id: InspectorTab; label: string }[] = [
  { id: 'selection', label: 'Selection' },
  { id: 'workload', label: 'Workload' },
  { id: 'targets', label: 'Targets' },
];

function selectionKey(s: InspectorSelection): string {
  switch (s.kind) {
    case 'none':
      return 'none';
    case 'component':
      return `component:${s.name}`;
    case 'dependency':
      return `dependency:${s.index}`;
    case 'class':
      return `class:${s.name}`;
  }
}

/** Memoised: an answer of the live analysis changes none of its props. */
export const Inspector = memo(function Inspector(props: {
  spec: Spec;
  selection: InspectorSelection;
  diagnostics: Diagnostic[];
  onEdit: (next: Spec, label: string) => void;
  onSelect?: (selection: InspectorSelection) => void;
}): JSX.Element {
  const { spec, selection, diagnostics, onEdit, onSelect } = props;
  const id = useId();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const [tab, setTab] = useState<InspectorTab>(selection.kind === 'class' ? 'workload' : 'selection');

  // A new selection brings its tab forward: Selection, or Workload for a class
  // (adjusting state while rendering, as React recommends over an effect).
  const key = selectionKey(selection);
  const [shownKey, setShownKey] = useState(key);
  if (key !== shownKey) {
    setShownKey(key);
    if (selection.kind === 'class') setTab('workload');
    else if (selection.kind !== 'none') setTab('selection');
  }
  const highlight = selection.kind === 'class' ? selection.name : undefined;

  const counts: Record<InspectorTab, number> = {
    selection: countUnder(diagnostics, selectionPrefixes(spec, selection)),
    workload: countUnder(diagnostics, ['workload']),
    targets: countUnder(diagnostics, ['targets', 'practices', 'network']),
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = (i + step + TABS.length) % TABS.length;
    setTab(TABS[next]!.id);
    tabRefs.current[next]?.focus();
  };

  return (
    <aside className="hri-inspector" data-testid="inspector" aria-label="Inspector">
      <div className="hri-tabs" role="tablist" aria-label="Inspector sections">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${t.id}`}
            className="hri-tab"
            data-testid={`inspector-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${id}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => onTabKey(e, i)}
          >
            {t.label}
            {counts[t.id] > 0 && (
              <span className="hri-tab__count" aria-label={`${counts[t.id]} problems`}>
                {counts[t.id]}
              </span>
            )}
          </button>
        ))}
      </div>
      <div
        className="hri-inspector__body"
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-tab-${tab}`}
        data-testid={`inspector-panel-${tab}`}
      >
        {tab === 'selection' && (
          <SelectionPanel spec={spec} selection={selection} diagnostics={diagnostics} onEdit={onEdit} onSelect={onSelect} />
        )}
        {tab === 'workload' && (
          <WorkloadPanel spec={spec} diagnostics={diagnostics} onEdit={onEdit} onSelect={onSelect} highlight={highlight} />
        )}
        {tab === 'targets' && <TargetsPanel spec={spec} diagnostics={diagnostics} onEdit={onEdit} />}
      </div>
    </aside>
  );
});

/** The paths of the selected item, for the tab's problem count. */
function selectionPrefixes(spec: Spec, selection: InspectorSelection): string[] {
  if (selection.kind === 'component') {
    const i = spec.components.findIndex((c) => c.name === selection.name);
    return i < 0 ? [] : [`components[${i}]`];
  }
  if (selection.kind === 'dependency' && spec.dependencies[selection.index] !== undefined) {
    return [`dependencies[${selection.index}]`];
  }
  return [];
}

function SelectionPanel({
  spec,
  selection,
  diagnostics,
  onEdit,
  onSelect,
}: {
  spec: Spec;
  selection: InspectorSelection;
  diagnostics: readonly Diagnostic[];
  onEdit: (next: Spec, label: string) => void;
  onSelect?: ((selection: InspectorSelection) => void) | undefined;
}) {
  if (selection.kind === 'component') {
    const index = spec.components.findIndex((c) => c.name === selection.name);
    if (index < 0) return <Hint title="Nothing to edit">No component is named “{selection.name}” any more.</Hint>;
    return (
      <ComponentForm
        // A fresh form per component: drafts never carry over to another item.
        key={`component:${index}:${selection.name}`}
        spec={spec}
        index={index}
        diagnostics={diagnostics}
        onEdit={onEdit}
        onSelect={onSelect}
      />
    );
  }
  if (selection.kind === 'dependency') {
    if (spec.dependencies[selection.index] === undefined) {
      return <Hint title="Nothing to edit">That dependency no longer exists.</Hint>;
    }
    return (
      <DependencyForm
        key={`dependency:${selection.index}`}
        spec={spec}
        index={selection.index}
        diagnostics={diagnostics}
        onEdit={onEdit}
        onSelect={onSelect}
      />
    );
  }
  return (
    <Hint title="Nothing selected">
      Select a component or a dependency on the canvas to edit it. The workload and the targets have tabs of their own.
    </Hint>
  );
}

function Hint({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="hri-empty" data-testid="inspector-hint">
      <p className="hri-empty__title">{title}</p>
      <p>{children}</p>
    </div>
  );
}
