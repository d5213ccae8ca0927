// The findings of the live analysis, and the planner: its steps with their numbers, each
// to apply, or all of them, as one undoable edit.

import type { JSX } from 'react';

import type { Finding } from '../../bindings/Finding';
import type { PanelProps } from '../types';
import { findingLabel, findingNumbers } from './format';
import { PlanSection } from './PlanSection';
import './findings.css';

export function FindingsPanel(props: PanelProps): JSX.Element {
  const { analysis, stale, onSelect } = props;
  return (
    <div className="hrf-panel" data-testid="findings-panel">
      <section className="hrf-section" aria-labelledby="hrf-findings-title">
        <h3 className="hrf-title" id="hrf-findings-title">
          Findings
          {analysis ? <span className="hrf-count">{countText(analysis.findings)}</span> : null}
        </h3>
        {!analysis ? (
          <p className="hrf-empty" data-testid="findings-empty">
            No analysis yet: the model needs components, a request class and no problems.
          </p>
        ) : (
          <>
            {stale ? (
              <p className="hrf-note" data-testid="findings-stale">
                From the last valid model: fix the model's problems to update them.
              </p>
            ) : null}
            {analysis.findings.length === 0 ? (
              <p className="hrf-empty hrf-empty--ok" data-testid="findings-empty">
                Nothing found: every component runs within its limits.
              </p>
            ) : (
              <ul className="hrf-findings" data-testid="findings">
                {ordered(analysis.findings).map((f, i) => (
                  <FindingRow key={`${f.kind}-${f.component ?? ''}-${f.class ?? ''}-${i}`} finding={f} onSelect={onSelect} />
                ))}
              </ul>
            )}
          </>
        )}
      </section>
      <PlanSection {...props} />
    </div>
  );
}

function countText(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const parts = [];
  if (errors > 0) parts.push(`${errors} ${errors === 1 ? 'error' : 'errors'}`);
  if (warnings > 0) parts.push(`${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`);
  return parts.join(', ');
}

/** Errors first, then warnings; the engine's order within each. */
function ordered(findings: readonly Finding[]): Finding[] {
  return [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity !== 'error')];
}

function FindingRow({ finding: f, onSelect }: { finding: Finding; onSelect: PanelProps['onSelect'] }) {
  const numbers = findingNumbers(f);
  const cls = f.class;
  // The component when there is one (a conflict names both: its store and its class).
  const target = f.component !== null ? { kind: 'component' as const, name: f.component } : f.class !== null ? { kind: 'class' as const, name: f.class } : null;
  const body = (
    <>
      <span className="hrf-finding__head">
        <span className={`hrf-severity hrf-severity--${f.severity}`}>{f.severity}</span>
        <span className="hrf-finding__kind">{findingLabel(f.kind)}</span>
        {target ? <span className="hrf-finding__subject">{target.name}</span> : null}
      </span>
      <span className="hrf-finding__message">{f.message}</span>
      {numbers ? (
        <span className="hrf-finding__numbers" data-testid="finding-numbers">
          {numbers}
        </span>
      ) : null}
    </>
  );
  return (
    <li
      className="hrf-finding"
      data-testid="finding"
      data-kind={f.kind}
      data-severity={f.severity}
      data-component={f.component ?? undefined}
      data-class={f.class ?? undefined}
    >
      {target ? (
        <button
          type="button"
          className="hrf-finding__main"
          data-testid="finding-select"
          title={target.kind === 'component' ? `Select ${target.name} in the inspector` : `Show class ${target.name} in the workload`}
          onClick={() => onSelect(target)}
        >
          {body}
        </button>
      ) : (
        <div className="hrf-finding__main hrf-finding__main--static">{body}</div>
      )}
      {f.component !== null && cls !== null ? (
        <button type="button" className="hrf-link" data-testid="finding-class" onClick={() => onSelect({ kind: 'class', name: cls })}>
          Show class {cls}
        </button>
      ) : null}
    </li>
  );
}
