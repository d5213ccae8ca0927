// The non-functional targets the system is held to, the team's practices, and the
// network between the components (a call's round trip and what crossing zones costs).

import type { Diagnostic } from '../bindings/Diagnostic';
import { NETWORK_DEFAULTS, TARGETS_DEFAULTS } from '../bindings/kindFields';
import type { Network } from '../bindings/Network';
import type { Practices } from '../bindings/Practices';
import type { Spec } from '../bindings/Spec';
import type { Targets } from '../bindings/Targets';
import { setNetworkField, setPracticesField, setTargetsField } from '../editor/specEdits';
import { formatLoad, peakLoad } from '../workload';
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

const NETWORK_FIELDS: readonly { field: keyof Network; label: string; unit: string }[] = [
  { field: 'same_zone_ms', label: 'Trip in a zone', unit: 'ms' },
  { field: 'cross_zone_ms', label: 'Trip across zones', unit: 'ms' },
  { field: 'payload_kb', label: 'Payload', unit: 'KB' },
  { field: 'cross_zone_usd_per_gb', label: 'Data between zones', unit: 'USD/GB' },
];

/** What an empty network field means: its default, or for cross_zone_ms the in-zone figure. */
function networkPlaceholder(field: keyof Network): string {
  if (field === 'cross_zone_ms') return 'same as in a zone';
  return placeholderFor(NETWORK_DEFAULTS[field], false);
}

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
  const network = spec.network ?? {};
  const nDiag = new ItemDiagnostics('network', diagnostics);
  // The classes' total rate, when the spec fixes it: a closed class's rate is what the
  // analysis solves for its users, so with one the spec has no total to compare.
  const load = peakLoad(spec.workload.classes);
  const classTotal = load.closed === 0 ? load.rps : null;

  const setTarget = <F extends keyof Targets>(field: F, value: Targets[F] | undefined) =>
    apply(() => setTargetsField(spec, field, value), setLabel('', `targets.${field}`, value));
  const setPractice = <F extends keyof Practices>(field: F, value: Practices[F] | undefined) =>
    apply(() => setPracticesField(spec, field, value), setLabel('', `practices.${field}`, value));
  const setNetwork = (field: keyof Network, value: number | undefined) =>
    apply(() => setNetworkField(spec, field, value), setLabel('', `network.${field}`, value));

  const targetFields = new Set<string>([...TARGET_FIELDS.map((t) => t.field), 'survive']);
  const practiceFields = new Set(['rollout', 'canary_percent', 'monitoring', 'tracing', 'load_testing', 'chaos_testing']);
  const networkFields = new Set<string>(NETWORK_FIELDS.map((n) => n.field));

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
        {classTotal !== null && classTotal > 0 && targets.throughput_rps !== undefined && classTotal !== targets.throughput_rps && (
          <p className="hri-hint" data-testid="throughput-hint">
            The classes add up to {formatLoad(classTotal)} req/s.
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
      <Section title="Network" testId="network-section">
        <ItemProblems problems={nDiag.rest((rel) => networkFields.has(rel))} />
        {NETWORK_FIELDS.map((n) => (
          <NumberField
            key={n.field}
            field={n.field}
            label={n.label}
            unit={n.unit}
            value={network[n.field]}
            placeholder={networkPlaceholder(n.field)}
            help={fieldHelp('Network', n.field)}
            errors={nDiag.at(n.field)}
            onCommit={(v) => setNetwork(n.field, v)}
          />
        ))}
      </Section>
    </div>
  );
}

/** `list` with `loss` in or out, in a fixed order; undefined when empty (the field is left out). */
function survive(list: Targets['survive'], loss: Loss, on: boolean): Targets['survive'] {
  const next = (['replica', 'zone'] as const).filter((l) => (l === loss ? on : (list ?? []).includes(l)));
  return next.length > 0 ? next : undefined;
}
