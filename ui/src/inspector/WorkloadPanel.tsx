// The workload: the request classes (open with a rate, or closed with users and their
// think time; entry, latency target, consistency) and the daily profile.

import { useEffect, useId, useRef } from 'react';

import type { Diagnostic } from '../bindings/Diagnostic';
import { CLASS_DEFAULTS } from '../bindings/kindFields';
import type { RequestClass } from '../bindings/RequestClass';
import type { Spec } from '../bindings/Spec';
import {
  STARTER_RATE_RPS,
  STARTER_USERS,
  addClass,
  freshClassName,
  operationNames,
  removeClass,
  renameClass,
  setClassEntry,
  setClassField,
  setClassKind,
} from '../editor/specEdits';
import { classKind, formatLoad, formatUsers, peakLoad, type ClassKind, type PeakLoad } from '../workload';
import { applier, type Apply } from './apply';
import { ItemProblems, NumberField, RemoveButton, SelectField, TextField } from './controls';
import { CONSISTENCY_OPTIONS, emptyOption, fieldHelp, integerRange, placeholderFor, type Option } from './fields';
import { ItemDiagnostics } from './itemDiagnostics';
import { setLabel } from './labels';
import { ProfileChart } from './ProfileChart';
import type { InspectorSelection } from './selection';

/** The choice between an open and a closed class. */
const CLASS_KIND_OPTIONS: readonly Option[] = [
  { value: 'open', label: 'Open (a rate)' },
  { value: 'closed', label: 'Closed (users)' },
];

const CLASS_KIND_HELP =
  'Open: requests arrive at a rate, whatever the system does. Closed: a number of users, each sending a request, waiting for its answer, pausing its think time, and again (a k6 VU loop, a Locust user); its rate is what the system lets them reach.';

/** The fields a class row shows whatever its kind. */
const COMMON_FIELDS = ['name', 'entry', 'p99_ms', 'consistency'];

/**
 * The rate or population fields a class row shows: those of its kind, and any of the
 * other kind the class still sets (so the engine's message about it has a place, and
 * the field can be cleared).
 */
function loadFields(cls: RequestClass): ('rate_rps' | 'users' | 'think_time_ms')[] {
  if (classKind(cls) === 'closed') {
    return cls.rate_rps !== undefined ? ['rate_rps', 'users', 'think_time_ms'] : ['users', 'think_time_ms'];
  }
  return cls.think_time_ms !== undefined ? ['rate_rps', 'think_time_ms'] : ['rate_rps'];
}

export function WorkloadPanel({
  spec,
  diagnostics,
  onEdit,
  onSelect,
  highlight,
}: {
  spec: Spec;
  diagnostics: readonly Diagnostic[];
  onEdit: (next: Spec, label: string) => void;
  onSelect?: ((selection: InspectorSelection) => void) | undefined;
  /** A class to bring into view and mark (selected from elsewhere, e.g. a finding). */
  highlight?: string | undefined;
}) {
  const id = useId();
  const apply = applier(spec, onEdit);
  const classes = spec.workload.classes;
  const load = peakLoad(classes);
  const workload = new ItemDiagnostics('workload', diagnostics);
  const own = workload.rest((rel) => rel.startsWith('classes[') || rel.startsWith('daily_profile'));
  const components: Option[] = spec.components.map((c) => ({ value: c.name, label: c.name }));

  return (
    <div className="hri-panel" data-testid="workload-panel">
      <ItemProblems problems={own} />
      <section className="hri-section" aria-labelledby={`${id}-classes`}>
        <div className="hri-section__bar">
          <h3 className="hri-section__title" id={`${id}-classes`}>
            Request classes
          </h3>
          <span className="hri-muted hri-num" data-testid="classes-total">
            {classes.length === 0 ? '' : describePeak(load)}
          </span>
        </div>
        {classes.length === 0 && <p className="hri-hint">No request classes: nothing arrives, so nothing is analysed.</p>}
        {classes.map((cls, i) => (
          <ClassRow
            key={i}
            spec={spec}
            index={i}
            cls={cls}
            components={components}
            diag={new ItemDiagnostics(`workload.classes[${i}]`, diagnostics)}
            apply={apply}
            onSelect={onSelect}
            highlighted={highlight !== undefined && cls.name === highlight}
          />
        ))}
        <button
          type="button"
          className="hri-button hri-button--add"
          data-testid="add-class"
          onClick={() => {
            const name = freshClassName(spec);
            apply(() => addClass(spec, name), `Add class ${name}`);
          }}
        >
          + Add class
        </button>
      </section>
      <section className="hri-section" aria-label="Daily profile">
        <ProfileChart spec={spec} diagnostics={diagnostics} onEdit={onEdit} />
      </section>
    </div>
  );
}

/**
 * `3,000 req/s at peak`; with closed classes, their users on top (`3,000 req/s + 50 users
 * at peak`, `50 users at peak`): their rate is the analysis's to solve, not the spec's.
 */
function describePeak(load: PeakLoad): string {
  const parts: string[] = [];
  if (load.open > 0) parts.push(`${formatLoad(load.rps)} req/s`);
  if (load.closed > 0) parts.push(formatUsers(load.users));
  return `${parts.join(' + ')} at peak`;
}

function ClassRow({
  spec,
  index,
  cls,
  components,
  diag,
  apply,
  onSelect,
  highlighted,
}: {
  spec: Spec;
  index: number;
  cls: RequestClass;
  components: readonly Option[];
  diag: ItemDiagnostics;
  apply: Apply;
  onSelect?: ((selection: InspectorSelection) => void) | undefined;
  highlighted: boolean;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // jsdom has no scrollIntoView.
    if (highlighted) ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, [highlighted]);
  const subject = `class ${cls.name}`;
  const set = <F extends Exclude<keyof RequestClass, 'name'>>(field: F, value: RequestClass[F] | undefined) =>
    apply(() => setClassField(spec, index, field, value), setLabel(subject, field, value));
  /** One edit, labelled with what the class starts with: "Make class browse closed (10 users)". */
  const setKind = (to: ClassKind) =>
    apply(
      () => setClassKind(spec, index, to),
      to === 'closed'
        ? `Make ${subject} closed (${formatUsers(cls.users ?? STARTER_USERS)})`
        : `Make ${subject} open (${formatLoad(cls.rate_rps ?? STARTER_RATE_RPS)} req/s)`,
    );
  const kind = classKind(cls);
  const load = loadFields(cls);
  const entryOps = operationNames(spec.components.find((c) => c.name === cls.entry));
  // The entry's operation: asked for when it lists some, and shown when set anyway.
  const showOperation = entryOps.length > 0 || cls.operation !== undefined;
  const shown = new Set<string>([...COMMON_FIELDS, ...load, ...(showOperation ? ['operation'] : [])]);
  const entryExists = spec.components.some((c) => c.name === cls.entry);
  const target = spec.targets?.p99_ms;
  return (
    <div
      ref={ref}
      className={highlighted ? 'hri-card hri-card--highlight' : 'hri-card'}
      data-testid="class-row"
      data-index={index}
      data-name={cls.name}
      data-highlighted={highlighted ? 'true' : undefined}
    >
      <div className="hri-card__head">
        <span className="hri-card__title">{cls.name || `Class ${index + 1}`}</span>
        {onSelect && entryExists && (
          <button
            type="button"
            className="hri-link"
            data-testid="select-entry"
            title={`Select ${cls.entry}, where ${cls.name} enters`}
            onClick={() => onSelect({ kind: 'component', name: cls.entry })}
          >
            Show entry
          </button>
        )}
        <RemoveButton testId="remove-class" what={`class ${cls.name}`} onClick={() => apply(() => removeClass(spec, index), `Remove class ${cls.name}`)} />
      </div>
      <ItemProblems problems={diag.rest((rel) => shown.has(rel))} />
      <TextField
        field="name"
        label="Name"
        mono
        required
        value={cls.name}
        errors={diag.at('name')}
        onCommit={(to) => {
          if (to === undefined) return 'Required';
          return apply(() => renameClass(spec, index, to), `Rename class ${cls.name} to ${to}`);
        }}
      />
      <SelectField
        field="kind"
        label="Load"
        required
        value={kind}
        options={CLASS_KIND_OPTIONS}
        help={CLASS_KIND_HELP}
        onCommit={(v) => (v === 'open' || v === 'closed' ? setKind(v) : 'Required')}
      />
      {load.includes('rate_rps') && (
        <NumberField
          field="rate_rps"
          label="Rate"
          unit="req/s"
          required={kind === 'open'}
          value={cls.rate_rps}
          help={fieldHelp('RequestClass', 'rate_rps')}
          errors={diag.at('rate_rps')}
          onCommit={(v) => (v === undefined && kind === 'open' ? 'Required' : set('rate_rps', v))}
        />
      )}
      {load.includes('users') && (
        <NumberField
          field="users"
          label="Users"
          unit="count"
          required
          value={cls.users}
          integer={integerRange('RequestClass', 'users')}
          help={fieldHelp('RequestClass', 'users')}
          errors={diag.at('users')}
          onCommit={(v) => (v === undefined ? 'Required' : set('users', v))}
        />
      )}
      {load.includes('think_time_ms') && (
        <NumberField
          field="think_time_ms"
          label="Think time"
          unit="ms"
          value={cls.think_time_ms}
          placeholder={placeholderFor(CLASS_DEFAULTS.think_time_ms, false)}
          help={fieldHelp('RequestClass', 'think_time_ms')}
          errors={diag.at('think_time_ms')}
          onCommit={(v) => set('think_time_ms', v)}
        />
      )}
      <SelectField
        field="entry"
        label="Entry"
        required
        value={cls.entry}
        options={components}
        help={fieldHelp('RequestClass', 'entry')}
        errors={diag.at('entry')}
        onCommit={(v) =>
          v === undefined ? 'Required' : apply(() => setClassEntry(spec, index, v), setLabel(subject, 'entry', v))
        }
      />
      {showOperation && (
        <SelectField
          field="operation"
          label="Operation"
          required={entryOps.length > 0}
          value={cls.operation}
          options={entryOps.map((o) => ({ value: o, label: o }))}
          // Only an entry without operations may be entered with none: then the empty
          // choice clears a stray value.
          emptyLabel={entryOps.length === 0 ? 'none' : undefined}
          unsetLabel="choose…"
          help={fieldHelp('RequestClass', 'operation')}
          errors={diag.at('operation')}
          onCommit={(v) => set('operation', v)}
        />
      )}
      <NumberField
        field="p99_ms"
        label="p99 target"
        unit="ms"
        value={cls.p99_ms}
        placeholder={target !== undefined ? `${target} (targets)` : 'none'}
        help={fieldHelp('RequestClass', 'p99_ms')}
        errors={diag.at('p99_ms')}
        onCommit={(v) => set('p99_ms', v)}
      />
      <SelectField
        field="consistency"
        label="Consistency"
        value={cls.consistency}
        options={CONSISTENCY_OPTIONS}
        emptyLabel={emptyOption((CLASS_DEFAULTS as Record<string, unknown>).consistency, CONSISTENCY_OPTIONS)}
        help="The consistency this class needs from the stores it reads."
        errors={diag.at('consistency')}
        onCommit={(v) => set('consistency', v as RequestClass['consistency'])}
      />
    </div>
  );
}
