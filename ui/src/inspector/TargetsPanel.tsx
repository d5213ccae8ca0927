// The non-functional targets the system is held to, and the team's practices.

import type { Diagnostic } from '../bindings/Diagnostic';
import { TARGETS_DEFAULTS } from '../bindings/kindFields';
import type { Practices } from '../bindings/Practices';
import type { Spec } from '../bindings/Spec';
import type { Targets } from '../bindings/Targets';
import { setPracticesField, setTargetsField } from '../editor/specEdits';
import { applier } from './apply';
import { CheckField, ItemProblems, NumberField, Section, SelectField, TextField } from './controls';
import { ROLLOUT_OPTIONS, fieldHelp, placeholderFor } from './fields';
import { ItemDiagnostics } from './itemDiagnostics';
import { setLabel } from './labels';

type NumericTarget = Exclude<keyof Targets, 'survive'>;
type Loss = NonNullable<Targets['survive']>[number];

const TARGET_FIELDS: readonly { field: NumericTarget; label: string; unit: string; help?: string }[] = [
  { field: 'throughput_rps', label: 'Throughput', unit: 'req/s' },
  { field: 'p99_ms', label: 'p99 latency', unit: 'ms' },
  { field: 'availability', label: 'Availability', unit: '%' },
  { field: 'utilization_ceiling', label: 'Utilisation ceiling', unit: '0–1' },
  { field: 'monthly_budget_usd', label: 'Monthly budget', unit: 'USD/month', help: 'What the system may cost per month.' },
];

export function TargetsPanel({
  spec,
  diagnostics,
  onEdit,
}: {
  spec: Spec;
  diagnostics: readonly Diagnostic[];
  onEdit: (next: Spec, label: string) => void;
}) {
  const apply = applier(spec, onEdit);
  const targets = spec.targets ?? {};
  const practices = spec.practices ?? {};
  const tDiag = new ItemDiagnostics('targets', diagnostics);
  const pDiag = new ItemDiagnostics('practices', diagnostics);
  const classTotal = spec.workload.classes.reduce((s, c) => s + (Number.isFinite(c.rate_rps) ? c.rate_rps : 0), 0);

  const setTarget = <F extends keyof Targets>(field: F, value: Targets[F] | undefined) =>
    apply(() => setTargetsField(spec, field, value), setLabel('', `targets.${field}`, value));
  const setPractice = <F extends keyof Practices>(field: F, value: Practices[F] | undefined) =>
    apply(() => setPracticesField(spec, field, value), setLabel('', `practices.${field}`, value));

  const targetFields = new Set<string>([...TARGET_FIELDS.map((t) => t.field), 'survive']);
  const practiceFields = new Set(['rollout', 'canary_percent', 'monitoring', 'tracing', 'load_testing', 'chaos_testing']);

  return (
    <div className="hri-panel" data-testid="targets-panel">
      <Section title="Targets" testId="targets-section">
        <ItemProblems problems={tDiag.rest((rel) => targetFields.has(rel))} />
        {TARGET_FIELDS.map((t) => (
          <NumberField
            key={t.field}
            field={t.field}
            label={t.label}
            unit={t.unit}
            value={targets[t.field]}
            placeholder={placeholderFor((TARGETS_DEFAULTS as Record<string, unknown>)[t.field], false).replace(
              'not set',
              'none',
            )}
            help={fieldHelp('Targets', t.field, t.help)}
            errors={tDiag.at(t.field)}
            onCommit={(v) => setTarget(t.field, v)}
          />
        ))}
        {(
          [
            ['replica', 'Survive a lost replica (N-1)', 'Losing any one replica of any component must leave every target met; unchecked, a failure is a warning.'],
            ['zone', 'Survive a lost zone', 'Losing one availability zone, and everything in it, must leave every target met; unchecked, a failure is a warning.'],
          ] as const
        ).map(([loss, label, help]) => (
          <CheckField
            key={loss}
            field={`survive-${loss}`}
            label={label}
            checked={targets.survive?.includes(loss) ?? false}
            help={help}
            errors={tDiag.at('survive')}
            onCommit={(on) => setTarget('survive', survive(targets.survive, loss, on))}
          />
        ))}
        {classTotal > 0 && targets.throughput_rps !== undefined && classTotal !== targets.throughput_rps && (
          <p className="hri-hint" data-testid="throughput-hint">
            The classes add up to {classTotal.toLocaleString('en-US', { maximumFractionDigits: 2 })} req/s.
          </p>
        )}
      </Section>
      <Section title="Practices" testId="practices-section">
        <ItemProblems problems={pDiag.rest((rel) => practiceFields.has(rel))} />
        <SelectField
          field="rollout"
          label="Rollout"
          value={practices.rollout}
          options={ROLLOUT_OPTIONS}
          emptyLabel="Not set"
          help="How new versions reach production."
          errors={pDiag.at('rollout')}
          onCommit={(v) => setPractice('rollout', v as Practices['rollout'])}
        />
        <NumberField
          field="canary_percent"
          label="Canary share"
          unit="%"
          value={practices.canary_percent}
          placeholder="none"
          help={fieldHelp('Practices', 'canary_percent')}
          errors={pDiag.at('canary_percent')}
          onCommit={(v) => setPractice('canary_percent', v)}
        />
        <TextField
          field="monitoring"
          label="Monitoring"
          value={practices.monitoring}
          placeholder="none"
          help={fieldHelp('Practices', 'monitoring')}
          errors={pDiag.at('monitoring')}
          onCommit={(v) => setPractice('monitoring', v)}
        />
        <TextField
          field="tracing"
          label="Tracing"
          value={practices.tracing}
          placeholder="none"
          help={fieldHelp('Practices', 'tracing')}
          errors={pDiag.at('tracing')}
          onCommit={(v) => setPractice('tracing', v)}
        />
        <CheckField
          field="load_testing"
          label="Load testing"
          checked={practices.load_testing === true}
          help="The team load-tests before releases."
          errors={pDiag.at('load_testing')}
          onCommit={(v) => setPractice('load_testing', v)}
        />
        <CheckField
          field="chaos_testing"
          label="Chaos testing"
          checked={practices.chaos_testing === true}
          help="The team injects failures to test resilience."
          errors={pDiag.at('chaos_testing')}
          onCommit={(v) => setPractice('chaos_testing', v)}
        />
      </Section>
    </div>
  );
}

/** `list` with `loss` in or out, in a fixed order; undefined when empty (the field is left out). */
function survive(list: Targets['survive'], loss: Loss, on: boolean): Targets['survive'] {
  const next = (['replica', 'zone'] as const).filter((l) => (l === loss ? on : (list ?? []).includes(l)));
  return next.length > 0 ? next : undefined;
}
