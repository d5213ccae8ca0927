// The form of one dependency (an edge): its endpoints, how it calls, the classes it
// applies to, its timeout, retries, lock and what a failure does to the request, and its
// own figures on the wire (round trip, payload) in place of the spec's network.

import { useId } from 'react';

import type { Dependency } from '../bindings/Dependency';
import type { Diagnostic } from '../bindings/Diagnostic';
import { DEPENDENCY_DEFAULTS, NETWORK_DEFAULTS } from '../bindings/kindFields';
import type { Network } from '../bindings/Network';
import type { Spec } from '../bindings/Spec';
import { operationNames, setDependencyField, setLockField, toggleDependencyClass } from '../editor/specEdits';
import { applier } from './apply';
import { FieldMessages, ItemProblems, NumberField, Section, SelectField, SubGroup, TextField } from './controls';
import {
  CALL_MODE_OPTIONS,
  ON_FAILURE_OPTIONS,
  OP_OPTIONS,
  emptyOption,
  fieldHelp,
  formatDefault,
  integerRange,
  placeholderFor,
  type Option,
} from './fields';
import { ItemDiagnostics } from './itemDiagnostics';
import { dependencyName, setLabel } from './labels';
import type { InspectorSelection } from './selection';

const SHOWN = new Set([
  'from',
  'to',
  'calls',
  'op',
  'mode',
  'parallel',
  'timeout_ms',
  'retries',
  'on_failure',
  'lock',
  'network_ms',
  'payload_kb',
]);

/** Whether the form shows a field for `rel`; `extra` are the fields shown only at times. */
function isShown(rel: string, extra: ReadonlySet<string>): boolean {
  const top = rel.split(/[.[]/)[0] ?? '';
  return SHOWN.has(rel) || extra.has(rel) || top === 'lock' || top === 'classes';
}

/** The round trip an edge without its own takes: the network's zone figures (`2 ms`, `2–5 ms`). */
function zoneRoundTrip(network: Network | undefined): string {
  const same = network?.same_zone_ms ?? NETWORK_DEFAULTS.same_zone_ms ?? 0;
  const cross = network?.cross_zone_ms ?? same;
  return cross === same ? `${formatDefault(same)} ms` : `${formatDefault(same)}–${formatDefault(cross)} ms`;
}

/** The payload an edge without its own carries: the network's, else the default. */
function networkPayload(network: Network | undefined): string {
  if (network?.payload_kb !== undefined) return `${formatDefault(network.payload_kb)} (the network's)`;
  return placeholderFor(NETWORK_DEFAULTS.payload_kb, false);
}

export function DependencyForm({
  spec,
  index,
  diagnostics,
  onEdit,
  onSelect,
}: {
  spec: Spec;
  index: number;
  diagnostics: readonly Diagnostic[];
  onEdit: (next: Spec, label: string) => void;
  onSelect?: ((selection: InspectorSelection) => void) | undefined;
}) {
  const dep = spec.dependencies[index]!;
  const title = dependencyName(dep.from, dep.to);
  const diag = new ItemDiagnostics(`dependencies[${index}]`, diagnostics);
  const apply = applier(spec, onEdit);
  const names: Option[] = spec.components.map((c) => ({ value: c.name, label: c.name }));
  const def = (f: keyof Dependency) => (DEPENDENCY_DEFAULTS as Record<string, unknown>)[f];
  // The operations of each end: the callee's the call asks for, the caller's that makes it.
  const calleeOps = operationNames(spec.components.find((c) => c.name === dep.to));
  const callerOps = operationNames(spec.components.find((c) => c.name === dep.from));
  const showOperation = calleeOps.length > 0 || dep.operation !== undefined;
  const showFromOperation = callerOps.length > 0 || dep.from_operation !== undefined;
  const extra = new Set<string>([
    ...(showOperation ? ['operation'] : []),
    ...(showFromOperation ? ['from_operation'] : []),
  ]);
  const opOptions = (ops: readonly string[]): Option[] => ops.map((o) => ({ value: o, label: o }));

  const set = <F extends Exclude<keyof Dependency, 'lock'>>(field: F, value: Dependency[F] | undefined) =>
    apply(() => setDependencyField(spec, index, field, value), setLabel(title, field, value));

  const endpoint = (field: 'from' | 'to') => (
    <SelectField
      field={field}
      label={field === 'from' ? 'From (caller)' : 'To (callee)'}
      required
      value={dep[field]}
      options={names}
      errors={diag.at(field)}
      onCommit={(v) => {
        if (v === undefined) return 'Required';
        const next = field === 'from' ? dependencyName(v, dep.to) : dependencyName(dep.from, v);
        return apply(() => setDependencyField(spec, index, field, v), `Change ${title} to ${next}`);
      }}
    />
  );

  return (
    <form
      className="hri-form"
      data-testid="dependency-form"
      data-index={index}
      aria-label={`Dependency ${title}`}
      onSubmit={(e) => e.preventDefault()}
    >
      <header className="hri-form__head">
        <span className="hri-form__icon hri-form__icon--edge" aria-hidden="true">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round">
            <path d={dep.mode === 'async' ? 'M3 12h3 M9 12h3 M15 12h5 M16 8l4 4-4 4' : 'M3 12h17 M16 8l4 4-4 4'} />
          </svg>
        </span>
        <div className="hri-form__titles">
          <h2 className="hri-form__title hri-form__title--edge">
            <EndpointLink name={dep.from} spec={spec} onSelect={onSelect} />
            <span className="hri-arrow" aria-label="calls">
              →
            </span>
            <EndpointLink name={dep.to} spec={spec} onSelect={onSelect} />
          </h2>
          <span className="hri-form__subtitle">Dependency {index + 1} of {spec.dependencies.length}</span>
        </div>
      </header>

      <ItemProblems problems={diag.rest((rel) => isShown(rel, extra))} />

      <Section title="Call">
        {endpoint('from')}
        {showFromOperation && (
          <SelectField
            field="from_operation"
            label="Made by"
            value={dep.from_operation}
            options={opOptions(callerOps)}
            emptyLabel="every operation"
            help={fieldHelp('Dependency', 'from_operation')}
            errors={diag.at('from_operation')}
            onCommit={(v) => set('from_operation', v)}
          />
        )}
        {endpoint('to')}
        {showOperation && (
          <SelectField
            field="operation"
            label="Operation"
            required={calleeOps.length > 0}
            value={dep.operation}
            options={opOptions(calleeOps)}
            // Only a callee without operations may be called with none: then the empty
            // choice clears a stray value.
            emptyLabel={calleeOps.length === 0 ? 'none' : undefined}
            unsetLabel="choose…"
            help={fieldHelp('Dependency', 'operation')}
            errors={diag.at('operation')}
            onCommit={(v) => set('operation', v)}
          />
        )}
        <NumberField
          field="calls"
          label="Calls"
          unit="per request"
          value={dep.calls}
          placeholder={placeholderFor(def('calls'), false)}
          help={fieldHelp('Dependency', 'calls')}
          errors={diag.at('calls')}
          onCommit={(v) => set('calls', v)}
        />
        <SelectField
          field="op"
          label="Read or write"
          value={dep.op}
          options={OP_OPTIONS}
          emptyLabel={emptyOption(def('op'), OP_OPTIONS)}
          help="Whether the call reads or writes: writes go to a store's primary."
          errors={diag.at('op')}
          onCommit={(v) => set('op', v as Dependency['op'])}
        />
        <SelectField
          field="mode"
          label="Mode"
          value={dep.mode}
          options={CALL_MODE_OPTIONS}
          emptyLabel={emptyOption(def('mode'), CALL_MODE_OPTIONS)}
          help="sync: the caller waits, and the call counts in the request's latency and availability. async: the call is handed to a queue."
          errors={diag.at('mode')}
          onCommit={(v) => set('mode', v as Dependency['mode'])}
        />
        <TextField
          field="parallel"
          label="Parallel group"
          mono
          value={dep.parallel}
          placeholder="none"
          help={fieldHelp('Dependency', 'parallel')}
          errors={diag.at('parallel')}
          onCommit={(v) => set('parallel', v)}
        />
      </Section>

      <Section title="Request classes">
        <ClassChecks spec={spec} index={index} dep={dep} errors={diag.within('classes')} onEdit={onEdit} title={title} />
      </Section>

      <Section title="Resilience">
        <NumberField
          field="timeout_ms"
          label="Timeout"
          unit="ms"
          value={dep.timeout_ms}
          placeholder="none"
          help="How long the caller waits before it gives up on an attempt."
          errors={diag.at('timeout_ms')}
          onCommit={(v) => set('timeout_ms', v)}
        />
        <NumberField
          field="retries"
          label="Retries"
          unit="count"
          value={dep.retries}
          placeholder={placeholderFor(def('retries'), false)}
          integer={integerRange('Dependency', 'retries')}
          help={fieldHelp('Dependency', 'retries')}
          errors={diag.at('retries')}
          onCommit={(v) => set('retries', v)}
        />
        <SelectField
          field="on_failure"
          label="On failure"
          value={dep.on_failure}
          options={ON_FAILURE_OPTIONS}
          emptyLabel={emptyOption(def('on_failure'), ON_FAILURE_OPTIONS)}
          help={fieldHelp('Dependency', 'on_failure')}
          errors={diag.at('on_failure')}
          onCommit={(v) => set('on_failure', v as Dependency['on_failure'])}
        />
        <SubGroup
          field="lock"
          legend="Lock"
          help={fieldHelp('Lock', 'keys', 'A distributed lock taken for the call, on one of `keys` keys, held `hold_ms`; leave both empty for none.')}
          errors={diag.at('lock')}
        >
          <div className="hri-pair">
            <NumberField
              field="lock.keys"
              label="Keys"
              unit="count"
              value={dep.lock?.keys}
              placeholder="none"
              integer={integerRange('Lock', 'keys')}
              errors={diag.at('lock.keys')}
              onCommit={(v) =>
                apply(
                  () => setLockField(spec, index, 'keys', v),
                  v === undefined ? `Remove ${title} lock` : setLabel(title, 'lock.keys', v),
                )
              }
            />
            <NumberField
              field="lock.hold_ms"
              label="Hold"
              unit="ms"
              value={dep.lock?.hold_ms}
              placeholder="none"
              errors={diag.at('lock.hold_ms')}
              onCommit={(v) =>
                apply(
                  () => setLockField(spec, index, 'hold_ms', v),
                  v === undefined ? `Remove ${title} lock` : setLabel(title, 'lock.hold_ms', v),
                )
              }
            />
          </div>
        </SubGroup>
      </Section>

      <Section title="Network">
        <NumberField
          field="network_ms"
          label="Round trip"
          unit="ms"
          value={dep.network_ms}
          placeholder={`from the network (${zoneRoundTrip(spec.network)})`}
          help={fieldHelp('Dependency', 'network_ms')}
          errors={diag.at('network_ms')}
          onCommit={(v) => set('network_ms', v)}
        />
        <NumberField
          field="payload_kb"
          label="Payload"
          unit="KB"
          value={dep.payload_kb}
          placeholder={networkPayload(spec.network)}
          help={fieldHelp('Dependency', 'payload_kb')}
          errors={diag.at('payload_kb')}
          onCommit={(v) => set('payload_kb', v)}
        />
      </Section>
    </form>
  );
}

/** A component name that selects the component when clicked (when it exists). */
function EndpointLink({
  name,
  spec,
  onSelect,
}: {
  name: string;
  spec: Spec;
  onSelect?: ((selection: InspectorSelection) => void) | undefined;
}) {
  const exists = spec.components.some((c) => c.name === name);
  if (!onSelect || !exists) return <span className={exists ? undefined : 'hri-missing'}>{name}</span>;
  return (
    <button
      type="button"
      className="hri-link hri-link--strong"
      title={`Select ${name}`}
      onClick={() => onSelect({ kind: 'component', name })}
    >
      {name}
    </button>
  );
}

/** One checkbox per class of the spec; all checked is "every class" (the key absent). */
function ClassChecks({
  spec,
  index,
  dep,
  errors,
  onEdit,
  title,
}: {
  spec: Spec;
  index: number;
  dep: Dependency;
  errors: readonly string[];
  onEdit: (next: Spec, label: string) => void;
  title: string;
}) {
  const id = useId();
  const apply = applier(spec, onEdit);
  const all = spec.workload.classes.map((c) => c.name);
  const listed = dep.classes ?? all;
  // Names the list has that no class has: shown, so they can be unticked.
  const missing = listed.filter((c) => !all.includes(c));
  const entries = [...all.map((name) => ({ name, missing: false })), ...missing.map((name) => ({ name, missing: true }))];
  const checkedCount = entries.filter((e) => listed.includes(e.name)).length;
  if (entries.length === 0) return <p className="hri-hint">The workload has no request classes yet.</p>;
  return (
    <div className="hri-checks" role="group" aria-describedby={`${id}-note`}>
      <p className="hri-hint" id={`${id}-note`}>
        {dep.classes === undefined ? 'Applies to every class.' : `Applies to ${listed.length} of ${all.length}.`}
      </p>
      {entries.map((e) => {
        const checked = listed.includes(e.name);
        const boxId = `${id}-${e.name}`;
        return (
          <div className="hri-check" key={e.name}>
            <input
              id={boxId}
              type="checkbox"
              data-field="classes"
              data-class={e.name}
              checked={checked}
              // A dependency applies to at least one class.
              disabled={checked && checkedCount === 1}
              aria-invalid={errors.length > 0 || undefined}
              onChange={(ev) => {
                const on = ev.target.checked;
                apply(
                  () => toggleDependencyClass(spec, index, e.name, on),
                  on ? `Apply ${title} to class ${e.name}` : `Exclude class ${e.name} from ${title}`,
                );
              }}
            />
            <label htmlFor={boxId} className={e.missing ? 'hri-missing' : undefined}>
              {e.name}
              {e.missing && ' (no such class)'}
            </label>
          </div>
        );
      })}
      <FieldMessages id={`${id}-msg`} errors={errors} />
    </div>
  );
}
