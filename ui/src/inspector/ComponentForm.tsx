// The form of one component: exactly the fields that apply to its kind (from the
// engine's generated kindFields), each with its unit, default and help.

import { useId } from 'react';

import type { Component } from '../bindings/Component';
import type { ComponentKind } from '../bindings/ComponentKind';
import type { Diagnostic } from '../bindings/Diagnostic';
import type { Operation } from '../bindings/Operation';
import { CallsSection } from './CallsSection';
import { REPLICATION_DEFAULTS, type ComponentField } from '../bindings/kindFields';
import type { Replication } from '../bindings/Replication';
import type { Spec } from '../bindings/Spec';
import type { Tier } from '../bindings/Tier';
import { KIND_STYLES, KINDS, kindStyle } from '../kinds';
import {
  STARTER_REPLICATION_MODE,
  addOperation,
  addTier,
  changeKind,
  freshOperationName,
  removeOperation,
  renameComponent,
  setAutoscaleField,
  setScaledUpFromField,
  setComponentField,
  setOperationField,
  setReplicationField,
  setTierField,
  removeTier,
  strayFields,
} from '../editor/specEdits';
import {
  CheckField,
  FieldMessages,
  ItemProblems,
  NumberField,
  Section,
  SelectField,
  SubGroup,
  TextField,
  type Problem,
  RemoveButton,
} from './controls';
import { applier, type Apply } from './apply';
import {
  COMPONENT_FIELDS,
  OPERATION_FIELDS,
  READS_FROM_OPTIONS,
  REPLICATION_MODE_OPTIONS,
  TIER_FIELDS,
  componentDefault,
  emptyOption,
  fieldHelp,
  placeholderFor,
  integerRange,
  isRequired,
  optionLabel,
  sectionsFor,
  tierFieldsFor,
  type Option,
  type TierFigure,
} from './fields';
import { ItemDiagnostics } from './itemDiagnostics';
import { formatNumber } from './parse';
import { setLabel } from './labels';
import type { InspectorSelection } from './selection';

const KIND_OPTIONS: readonly Option[] = KINDS.map((k) => ({ value: k, label: KIND_STYLES[k].label }));

/** "a service", "an external". */
function aKind(kind: ComponentKind): string {
  const label = kindStyle(kind).label.toLowerCase();
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

export function ComponentForm({
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
  const comp = spec.components[index]!;
  const { name, kind } = comp;
  const diag = new ItemDiagnostics(`components[${index}]`, diagnostics);
  const sections = sectionsFor(kind);
  const shown = new Set<string>(['name', 'kind']);
  for (const s of sections) for (const f of s.fields) shown.add(f);

  const apply = applier(spec, onEdit);

  const setField = <F extends ComponentField>(field: F, value: Component[F] | undefined) =>
    apply(() => setComponentField(spec, name, field, value), setLabel(name, field, value));

  const isShown = (rel: string) => {
    const top = rel.split(/[.[]/)[0] ?? '';
    if (top === 'tiers' && top !== rel) return shown.has(top) && isTierRowPath(comp, rel);
    if (top === 'operations' && top !== rel) return shown.has(top) && isOperationRowPath(comp, rel);
    return shown.has(rel) || (shown.has(top) && top !== rel && (top === 'replication' || top === 'autoscale' || top === 'scaled_up_from'));
  };
  const problems: Problem[] = diag.rest(isShown);
  const strays = strayFields(comp);
  for (const f of strays) {
    if (!problems.some((p) => p.field === f)) problems.push({ field: f, message: `does not apply to ${aKind(kind)}` });
  }

  const hasOperations = (comp.operations ?? []).length > 0;
  const renderField = (field: ComponentField) => {
    const meta = COMPONENT_FIELDS[field];
    // With operations, each may give its own service time: the component's is their fallback.
    const perOperation = field === 'service_time_ms' && hasOperations;
    const required = isRequired(kind, field) && !perOperation;
    const def = componentDefault(kind, field);
    const help = fieldHelp('Component', field, meta.help);
    const common = {
      field,
      label: meta.label,
      unit: meta.unit,
      help,
      required,
      errors: diag.at(field),
    };
    switch (meta.input.type) {
      case 'number':
        return (
          <NumberField
            key={field}
            {...common}
            value={comp[field] as number | undefined}
            placeholder={perOperation ? 'per operation' : placeholderFor(def, required)}
            integer={integerRange('Component', field)}
            onCommit={(v) => setField(field, v as Component[typeof field])}
          />
        );
      case 'text':
        return (
          <TextField
            key={field}
            {...common}
            value={comp[field] as string | undefined}
            placeholder={placeholderFor(def, required)}
            onCommit={(v) => setField(field, v as Component[typeof field])}
          />
        );
      case 'select': {
        const opts = meta.input.options;
        return (
          <SelectField
            key={field}
            {...common}
            value={comp[field] as string | undefined}
            options={opts}
            emptyLabel={required ? undefined : emptyOption(def, opts)}
            onCommit={(v) => setField(field, v as Component[typeof field])}
          />
        );
      }
      case 'check': {
        const on = comp[field] === true;
        return (
          <CheckField
            key={field}
            field={field}
            label={meta.label}
            help={help}
            errors={diag.at(field)}
            checked={on}
            onCommit={(checked) =>
              apply(
                () => setComponentField(spec, name, field, (checked ? true : undefined) as Component[typeof field]),
                checkLabel(name, field, checked),
              )
            }
          />
        );
      }
      case 'tier':
        return (
          <TierSelect
            key={field}
            comp={comp}
            help={help}
            errors={diag.at(field)}
            onCommit={(v) => setField('tier', v)}
          />
        );
      case 'group':
        if (field === 'operations') return <OperationsGroup key={field} spec={spec} comp={comp} diag={diag} apply={apply} />;
        if (field === 'tiers') return <TiersGroup key={field} spec={spec} comp={comp} diag={diag} apply={apply} />;
        if (field === 'replication') return <ReplicationGroup key={field} spec={spec} comp={comp} diag={diag} apply={apply} />;
        if (field === 'scaled_up_from') return <ScaledUpFromGroup key={field} spec={spec} comp={comp} diag={diag} apply={apply} />;
        return <AutoscaleGroup key={field} spec={spec} comp={comp} diag={diag} apply={apply} />;
    }
  };

  const style = kindStyle(kind);
  return (
    <form
      className="hri-form"
      data-testid="component-form"
      data-name={name}
      data-kind={kind}
      aria-label={`Component ${name}`}
      onSubmit={(e) => e.preventDefault()}
    >
      <header className="hri-form__head" style={{ ['--kind-color' as string]: style.color, ['--kind-tint' as string]: style.tint }}>
        <span className="hri-form__icon" aria-hidden="true">
          <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke={style.color} strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round">
            <path d={style.icon} />
          </svg>
        </span>
        <div className="hri-form__titles">
          <h2 className="hri-form__title">{name}</h2>
          <span className="hri-form__subtitle">{style.label}</span>
        </div>
      </header>

      <ItemProblems
        problems={problems}
        action={(p) =>
          strays.includes(p.field as ComponentField) ? (
            <button
              type="button"
              className="hri-link"
              data-testid="remove-stray"
              data-field={p.field}
              onClick={() => setField(p.field as ComponentField, undefined)}
            >
              Remove
            </button>
          ) : null
        }
      />

      <Section title="Component">
        <TextField
          field="name"
          label="Name"
          required
          mono
          value={name}
          help={fieldHelp('Component', 'name')}
          errors={diag.at('name')}
          onCommit={(to) => {
            if (to === undefined) return 'Required';
            const result = apply(() => renameComponent(spec, name, to), `Rename ${name} to ${to}`);
            if (!result && to !== name) onSelect?.({ kind: 'component', name: to });
            return result;
          }}
        />
        <SelectField
          field="kind"
          label="Kind"
          value={kind}
          options={KIND_OPTIONS}
          errors={diag.at('kind')}
          help="Changing the kind drops the fields the new kind does not have."
          onCommit={(k) => {
            if (k === undefined) return 'Required';
            return apply(
              () => changeKind(spec, name, k as ComponentKind),
              `Change ${name} to ${aKind(k as ComponentKind)}`,
            );
          }}
        />
      </Section>

      {sections.map((s) => (
        <Section key={s.title} title={s.title}>
          {s.fields.map(renderField)}
        </Section>
      ))}

      <CallsSection spec={spec} name={name} onEdit={onEdit} onSelect={onSelect} />
    </form>
  );
}

/** "Make db managed", "Make db not managed"; other checkboxes as any field. */
function checkLabel(name: string, field: ComponentField, checked: boolean): string {
  if (field === 'managed') return checked ? `Make ${name} managed` : `Make ${name} not managed`;
  return setLabel(name, field, checked ? true : undefined);
}

/**
 * Whether `rel` (`tiers[1]`, `tiers[1].cost_per_hour`) is a row of the tiers editor or a
 * field it shows: anything else about the tiers goes to the top of the form.
 */
function isTierRowPath(comp: Component, rel: string): boolean {
  const m = /^tiers\[(\d+)\](?:\.([a-z_]+))?$/.exec(rel);
  if (m === null) return false;
  const tier = comp.tiers?.[Number(m[1])];
  if (tier === undefined) return false;
  return m[2] === undefined || tierFieldsFor(comp.kind, tier).includes(m[2] as keyof Tier);
}

/**
 * Whether `rel` (`operations[1]`, `operations[1].service_time_ms`) is a row of the
 * operations editor or a field it shows: anything else about them goes to the top.
 */
function isOperationRowPath(comp: Component, rel: string): boolean {
  const m = /^operations\[(\d+)\](?:\.([a-z_]+))?$/.exec(rel);
  if (m === null) return false;
  if (comp.operations?.[Number(m[1])] === undefined) return false;
  return m[2] === undefined || Object.keys(OPERATION_FIELDS).includes(m[2]);
}

/** The tier a managed component runs at: one of its own tiers, by name. */
function TierSelect({
  comp,
  help,
  errors,
  onCommit,
}: {
  comp: Component;
  help: string | undefined;
  errors: readonly string[];
  onCommit: (value: string | undefined) => string | null;
}) {
  const names = [...new Set((comp.tiers ?? []).map((t) => t.name).filter((n) => n !== ''))];
  const options = names.map((n) => ({ value: n, label: n }));
  const none = names.length === 0;
  return (
    <>
      <SelectField
        field="tier"
        label={COMPONENT_FIELDS.tier.label}
        value={comp.tier}
        options={options}
        emptyLabel="none"
        disabled={none && comp.tier === undefined}
        help={help}
        errors={errors}
        onCommit={onCommit}
      />
      {none && (
        <p className="hri-hint" data-testid="tier-hint">
          {comp.managed === true
            ? 'Add a tier below, then pick the one it runs at.'
            : 'A managed component runs at one of its tiers: tick Managed, then add them.'}
        </p>
      )}
    </>
  );
}

interface GroupProps {
  spec: Spec;
  comp: Component;
  diag: ItemDiagnostics;
  apply: Apply;
}

function ReplicationGroup({ spec, comp, diag, apply }: GroupProps) {
  const rep = comp.replication;
  const name = comp.name;
  const set = <F extends keyof Replication>(field: F, value: Replication[F] | undefined) =>
    apply(
      () => setReplicationField(spec, name, field, value),
      field === 'mode' && value === undefined
        ? `Remove ${name} replication`
        : setLabel(name, `replication.${field}`, value),
    );
  const def = (f: keyof Replication) => (REPLICATION_DEFAULTS as Record<string, unknown>)[f];
  return (
    <SubGroup
      bare
      field="replication"
      legend="Replication"
      help={COMPONENT_FIELDS.replication.help}
      errors={diag.at('replication')}
    >
      <SelectField
        field="replication.mode"
        label="Mode"
        value={rep?.mode}
        options={REPLICATION_MODE_OPTIONS}
        emptyLabel="None"
        help="async: the primary acknowledges before replicas have the write; sync: every replica acknowledges first; quorum: a majority acknowledges."
        errors={diag.at('replication.mode')}
        onCommit={(v) => set('mode', v as Replication['mode'] | undefined)}
      />
      <NumberField
        field="replication.read_replicas"
        label="Read replicas"
        unit="count"
        value={rep?.read_replicas}
        placeholder={placeholderFor(def('read_replicas'), false)}
        integer={integerRange('Replication', 'read_replicas')}
        help={rep ? undefined : `Setting this adds ${optionLabel(REPLICATION_MODE_OPTIONS, STARTER_REPLICATION_MODE).toLowerCase()} replication.`}
        errors={diag.at('replication.read_replicas')}
        onCommit={(v) => set('read_replicas', v)}
      />
      <SelectField
        field="replication.reads_from"
        label="Reads from"
        value={rep?.reads_from}
        options={READS_FROM_OPTIONS}
        emptyLabel={emptyOption(def('reads_from'), READS_FROM_OPTIONS)}
        errors={diag.at('replication.reads_from')}
        onCommit={(v) => set('reads_from', v as Replication['reads_from'])}
      />
      <NumberField
        field="replication.lag_ms"
        label="Lag"
        unit="ms"
        value={rep?.lag_ms}
        placeholder={placeholderFor(def('lag_ms'), false)}
        help={fieldHelp('Replication', 'lag_ms')}
        errors={diag.at('replication.lag_ms')}
        onCommit={(v) => set('lag_ms', v)}
      />
    </SubGroup>
  );
}

function ScaledUpFromGroup({ spec, comp, diag, apply }: GroupProps) {
  const name = comp.name;
  const set = (field: 'service_time_ms' | 'cost_per_replica_hour', value: number | undefined) =>
    apply(
      () => setScaledUpFromField(spec, name, field, value),
      value === undefined ? `Forget ${name}'s earlier instance` : setLabel(name, `scaled_up_from.${field}`, value),
    );
  return (
    <SubGroup
      field="scaled_up_from"
      legend="Scaled up from"
      help={COMPONENT_FIELDS.scaled_up_from.help}
      errors={diag.at('scaled_up_from')}
    >
      <div className="hri-pair">
        <NumberField
          field="scaled_up_from.service_time_ms"
          label="Service time"
          unit="ms"
          value={comp.scaled_up_from?.service_time_ms}
          placeholder="none"
          errors={diag.at('scaled_up_from.service_time_ms')}
          onCommit={(v) => set('service_time_ms', v)}
        />
        <NumberField
          field="scaled_up_from.cost_per_replica_hour"
          label="Cost"
          unit="USD/h"
          value={comp.scaled_up_from?.cost_per_replica_hour}
          placeholder="none"
          errors={diag.at('scaled_up_from.cost_per_replica_hour')}
          onCommit={(v) => set('cost_per_replica_hour', v)}
        />
      </div>
    </SubGroup>
  );
}

function AutoscaleGroup({ spec, comp, diag, apply }: GroupProps) {
  const name = comp.name;
  const set = (field: 'min' | 'max', value: number | undefined) =>
    apply(
      () => setAutoscaleField(spec, name, field, value),
      value === undefined ? `Turn off ${name} autoscaling` : setLabel(name, `autoscale.${field}`, value),
    );
  return (
    <SubGroup
      field="autoscale"
      legend="Autoscale"
      help={COMPONENT_FIELDS.autoscale.help}
      errors={diag.at('autoscale')}
    >
      <div className="hri-pair">
        <NumberField
          field="autoscale.min"
          label="Min"
          unit="count"
          value={comp.autoscale?.min}
          placeholder="off"
          integer={integerRange('Autoscale', 'min')}
          errors={diag.at('autoscale.min')}
          onCommit={(v) => set('min', v)}
        />
        <NumberField
          field="autoscale.max"
          label="Max"
          unit="count"
          value={comp.autoscale?.max}
          placeholder="off"
          integer={integerRange('Autoscale', 'max')}
          errors={diag.at('autoscale.max')}
          onCommit={(v) => set('max', v)}
        />
      </div>
    </SubGroup>
  );
}

function TiersGroup({ spec, comp, diag, apply }: GroupProps) {
  const name = comp.name;
  const tiers = comp.tiers ?? [];
  return (
    <SubGroup field="tiers" legend="Tiers" help={fieldHelp('Component', 'tiers')} errors={diag.at('tiers')}>
      {tiers.map((tier, i) => (
        <TierRow key={i} spec={spec} comp={comp} index={i} tier={tier} diag={diag} apply={apply} />
      ))}
      <button
        type="button"
        className="hri-button hri-button--add"
        data-testid="add-tier"
        onClick={() => apply(() => addTier(spec, name), `Add tier to ${name}`)}
      >
        + Add tier
      </button>
    </SubGroup>
  );
}

/** One of the provider's sizes: its name, its price, and the figures it runs at. */
function TierRow({ spec, comp, index, tier, diag, apply }: GroupProps & { index: number; tier: Tier }) {
  const id = useId();
  const name = comp.name;
  const at = `tiers[${index}]`;
  const active = comp.tier !== undefined && comp.tier === tier.name;
  const set = <F extends keyof Tier>(field: F, value: Tier[F] | undefined) =>
    apply(
      () => setTierField(spec, name, index, field, value),
      field === 'name' ? `Rename ${name} tier ${tier.name} to ${String(value)}` : setLabel(name, `${at}.${field}`, value),
    );
  /** What an absent figure is: the component's own, else the kind's default. */
  const inherited = (field: TierFigure) => {
    const own = comp[field];
    if (own !== undefined) return `${formatNumber(own)} (the component's)`;
    return placeholderFor(componentDefault(comp.kind, field), false);
  };
  const renderField = (field: keyof Tier) => {
    const meta = TIER_FIELDS[field];
    const path = `${at}.${field}`;
    const common = {
      field: path,
      label: meta.label,
      unit: meta.unit,
      help: fieldHelp('Tier', field, meta.help),
      errors: diag.at(path),
    };
    switch (field) {
      case 'name':
        return (
          <TextField
            {...common}
            key={field}
            required
            mono
            value={tier.name}
            onCommit={(v) => (v === undefined ? 'Required' : set('name', v))}
          />
        );
      case 'cost_per_hour':
        return (
          <NumberField
            {...common}
            key={field}
            required
            value={tier.cost_per_hour}
            placeholder={placeholderFor(undefined, true)}
            onCommit={(v) => (v === undefined ? 'Required' : set('cost_per_hour', v))}
          />
        );
      default:
        return (
          <NumberField
            {...common}
            key={field}
            value={tier[field]}
            placeholder={inherited(field)}
            integer={integerRange('Tier', field)}
            onCommit={(v) => set(field, v)}
          />
        );
    }
  };
  return (
    <div
      className="hri-card"
      data-testid="tier-row"
      data-index={index}
      data-name={tier.name}
      data-active={active ? 'true' : undefined}
    >
      <div className="hri-card__head">
        <span className="hri-card__title">{tier.name || `Tier ${index + 1}`}</span>
        {active && (
          <span className="hri-muted" data-testid="tier-active" title={`${name} runs at this tier`}>
            runs at
          </span>
        )}
        <RemoveButton testId="remove-tier" what={`tier ${tier.name}`} onClick={() => apply(() => removeTier(spec, name, index), `Remove tier ${tier.name} from ${name}`)} />
      </div>
      <FieldMessages id={`${id}-msg`} errors={diag.at(at)} />
      <div className="hri-pair">{tierFieldsFor(comp.kind, tier).map(renderField)}</div>
    </div>
  );
}

function OperationsGroup({ spec, comp, diag, apply }: GroupProps) {
  const name = comp.name;
  const ops = comp.operations ?? [];
  return (
    <SubGroup
      field="operations"
      legend={COMPONENT_FIELDS.operations.label}
      help={fieldHelp('Component', 'operations')}
      errors={diag.at('operations')}
    >
      {ops.map((op, i) => (
        <OperationRow key={i} spec={spec} comp={comp} index={i} op={op} diag={diag} apply={apply} />
      ))}
      <button
        type="button"
        className="hri-button hri-button--add"
        data-testid="add-operation"
        onClick={() => {
          const fresh = freshOperationName(comp);
          apply(() => addOperation(spec, name, fresh), `Add operation ${fresh} to ${name}`);
        }}
      >
        + Add operation
      </button>
    </SubGroup>
  );
}

/** One kind of request the component serves: its name and its own service time and CV. */
function OperationRow({ spec, comp, index, op, diag, apply }: GroupProps & { index: number; op: Operation }) {
  const id = useId();
  const name = comp.name;
  const at = `operations[${index}]`;
  const set = <F extends keyof Operation>(field: F, value: Operation[F] | undefined) =>
    apply(
      () => setOperationField(spec, name, index, field, value),
      field === 'name'
        ? `Rename ${name} operation ${op.name} to ${String(value)}`
        : setLabel(name, `${at}.${field}`, value),
    );
  // What an absent service time falls back on: the component's own, else its tier's
  // (the engine requires one of them, or the operation's own).
  const tier = comp.tier === undefined ? undefined : comp.tiers?.find((t) => t.name === comp.tier);
  const timeRequired = comp.service_time_ms === undefined && comp.tier === undefined;
  const timeFallback =
    comp.service_time_ms !== undefined
      ? `${formatNumber(comp.service_time_ms)} (the component's)`
      : tier?.service_time_ms !== undefined
        ? `${formatNumber(tier.service_time_ms)} (tier ${tier.name})`
        : placeholderFor(undefined, timeRequired);
  const cvFallback =
    comp.service_time_cv !== undefined
      ? `${formatNumber(comp.service_time_cv)} (the component's)`
      : placeholderFor(componentDefault(comp.kind, 'service_time_cv'), false);
  const common = (field: keyof Operation) => {
    const meta = OPERATION_FIELDS[field];
    const path = `${at}.${field}`;
    return {
      field: path,
      label: meta.label,
      unit: meta.unit,
      help: fieldHelp('Operation', field, meta.help),
      errors: diag.at(path),
    };
  };
  return (
    <div className="hri-card" data-testid="operation-row" data-index={index} data-name={op.name}>
      <div className="hri-card__head">
        <span className="hri-card__title">{op.name || `Operation ${index + 1}`}</span>
        <RemoveButton testId="remove-operation" what={`operation ${op.name}`} onClick={() => apply(() => removeOperation(spec, name, index), `Remove operation ${op.name} from ${name}`)} />
      </div>
      <FieldMessages id={`${id}-msg`} errors={diag.at(at)} />
      <TextField
        {...common('name')}
        required
        mono
        value={op.name}
        onCommit={(v) => (v === undefined ? 'Required' : set('name', v))}
      />
      <div className="hri-pair">
        <NumberField
          {...common('service_time_ms')}
          required={timeRequired}
          value={op.service_time_ms}
          placeholder={timeFallback}
          onCommit={(v) => set('service_time_ms', v)}
        />
        <NumberField
          {...common('service_time_cv')}
          value={op.service_time_cv}
          placeholder={cvFallback}
          onCommit={(v) => set('service_time_cv', v)}
        />
      </div>
    </div>
  );
}
