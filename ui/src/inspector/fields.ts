// How the inspector presents each field: its label, unit, input and help. Which fields
// a kind has, the defaults, whole numbers and the doc comments come from the engine
// (bindings/kindFields.ts); only the presentation is written here.

import type { CallMode } from '../bindings/CallMode';
import type { ComponentKind } from '../bindings/ComponentKind';
import type { Consistency } from '../bindings/Consistency';
import type { Io } from '../bindings/Io';
import {
  COMPONENT_DEFAULTS,
  FIELD_DOCS,
  INTEGER_FIELDS,
  KIND_FIELDS,
  REQUIRED_FIELDS,
  type ComponentField,
} from '../bindings/kindFields';
import type { LoadBalancing } from '../bindings/LoadBalancing';
import type { OnFailure } from '../bindings/OnFailure';
import type { Op } from '../bindings/Op';
import type { Operation } from '../bindings/Operation';
import type { ReadsFrom } from '../bindings/ReadsFrom';
import type { ReplicationMode } from '../bindings/ReplicationMode';
import type { Rollout } from '../bindings/Rollout';
import type { Runtime } from '../bindings/Runtime';
import type { Tier } from '../bindings/Tier';

export interface Option {
  value: string;
  label: string;
}

/** The options of an enum, from a label per value (a Record, so none is forgotten). */
function options<T extends string>(labels: Record<T, string>): readonly Option[] {
  return (Object.keys(labels) as T[]).map((value) => ({ value, label: labels[value] }));
}

export const LOAD_BALANCING_OPTIONS = options<LoadBalancing>({
  round_robin: 'Round robin',
  random: 'Random',
  least_connections: 'Least connections',
});
export const IO_OPTIONS = options<Io>({ async: 'Async', blocking: 'Blocking' });
export const RUNTIME_OPTIONS = options<Runtime>({
  rust: 'Rust',
  node: 'Node (event loop)',
  go: 'Go',
  java: 'Java',
  python: 'Python (GIL)',
  other: 'Other',
});
export const REPLICATION_MODE_OPTIONS = options<ReplicationMode>({
  async: 'Async',
  sync: 'Sync',
  quorum: 'Quorum',
});
export const READS_FROM_OPTIONS = options<ReadsFrom>({ primary: 'Primary', replicas: 'Replicas' });
export const OP_OPTIONS = options<Op>({ read: 'Read', write: 'Write' });
export const CALL_MODE_OPTIONS = options<CallMode>({ sync: 'Sync', async: 'Async (via a queue)' });
export const ON_FAILURE_OPTIONS = options<OnFailure>({
  fail: 'Fail',
  ignore: 'Ignore (degraded)',
});
export const CONSISTENCY_OPTIONS = options<Consistency>({
  strong: 'Strong',
  read_your_writes: 'Read your writes',
  eventual: 'Eventual',
});
export const ROLLOUT_OPTIONS = options<Rollout>({
  rolling: 'Rolling',
  blue_green: 'Blue/green',
  canary: 'Canary',
});

/** The label of `value` among `opts`, or the value itself. */
export function optionLabel(opts: readonly Option[], value: string): string {
  return opts.find((o) => o.value === value)?.label ?? value;
}

export type Input =
  | { type: 'number' }
  | { type: 'text' }
  | { type: 'select'; options: readonly Option[] }
  /** A checkbox: ticked is `true`, unticked removes the field. */
  | { type: 'check' }
  /** A select over the names of the component's own `tiers`. */
  | { type: 'tier' }
  | { type: 'group' };

export interface FieldMeta {
  label: string;
  /** Shown after the value: ms, req/s, %, USD/h... */
  unit?: string;
  input: Input;
  /** Help when the engine's doc comment says nothing (or to say more). */
  help?: string;
}

const num = { type: 'number' } as const;
const text = { type: 'text' } as const;
const group = { type: 'group' } as const;

/** Every component field: a Record over ComponentField, so a new engine field fails typecheck here. */
export const COMPONENT_FIELDS: Record<ComponentField, FieldMeta> = {
  engine: { label: 'Engine', input: text },
  hit_ratio: { label: 'Hit ratio', unit: '0–1', input: num },
  latency_ms: { label: 'Latency', unit: 'ms', input: num },
  replicas: { label: 'Replicas', unit: 'count', input: num },
  concurrency: { label: 'Concurrency', unit: 'count', input: num },
  service_time_ms: { label: 'Service time', unit: 'ms', input: num },
  service_time_cv: { label: 'Service time CV', unit: 'ratio', input: num },
  operations: { label: 'Operations', input: group },
  load_balancing: { label: 'Load balancing', input: { type: 'select', options: LOAD_BALANCING_OPTIONS } },
  availability: { label: 'Availability', unit: '%', input: num },
  replication: { label: 'Replication', input: group, help: 'How the store copies its writes, and where it serves reads from.' },
  shards: { label: 'Shards', unit: 'count', input: num, help: 'Partitions of the data set, each with its own primaries.' },
  hot_shard_skew: { label: 'Hot shard skew', unit: '× mean', input: num },
  partitions: { label: 'Partitions', unit: 'count', input: num, help: 'One consumer per partition: the most servers of its consumers that take messages at once (a Kafka-like log has 1 unless given).' },
  max_concurrency: { label: 'Max concurrency', unit: 'count', input: num },
  cold_start_ms: { label: 'Cold start', unit: 'ms', input: num, help: 'Extra latency of an invocation that starts a new instance.' },
  cold_start_ratio: { label: 'Cold start ratio', unit: '0–1', input: num },
  cost_per_replica_hour: { label: 'Cost per replica', unit: 'USD/h', input: num, help: 'What one replica costs per hour.' },
  cost_per_million_requests_usd: {
    label: 'Cost per 1M req',
    unit: 'USD/1M',
    input: num,
    help: 'What one million requests cost.',
  },
  scaled_up_from: {
    label: 'Scaled up from',
    input: group,
    help: 'The instance the figures were first given for, before the planner moved it one size up.',
  },
  managed: { label: 'Managed by its provider', input: { type: 'check' } },
  tier: { label: 'Tier', input: { type: 'tier' } },
  tiers: { label: 'Tiers', input: group },
  autoscale: { label: 'Autoscale', input: group, help: 'Replica bounds of the autoscaler; leave both empty for a fixed size.' },
  zones: { label: 'Zones', unit: 'count', input: num },
  io: { label: 'I/O', input: { type: 'select', options: IO_OPTIONS } },
  runtime: { label: 'Runtime', input: { type: 'select', options: RUNTIME_OPTIONS } },
  cpu: { label: 'CPU', unit: 'cores', input: num },
  memory_mb: { label: 'Memory', unit: 'MB', input: num },
  port: { label: 'Port', input: num },
  image: { label: 'Image', input: text },
};

/** The sections of the component form, and the order of fields inside each. */
export const COMPONENT_SECTIONS: readonly { title: string; fields: readonly ComponentField[] }[] = [
  { title: 'Capacity', fields: ['replicas', 'concurrency', 'autoscale', 'partitions', 'max_concurrency', 'shards', 'hot_shard_skew', 'zones'] },
  { title: 'Provider', fields: ['managed', 'tier', 'tiers'] },
  {
    title: 'Performance',
    fields: [
      'service_time_ms',
      'service_time_cv',
      'operations',
      'latency_ms',
      'hit_ratio',
      'cold_start_ms',
      'cold_start_ratio',
      'load_balancing',
      'io',
      'runtime',
      'cpu',
      'memory_mb',
    ],
  },
  { title: 'Replication', fields: ['replication'] },
  { title: 'Availability & cost', fields: ['availability', 'cost_per_replica_hour', 'cost_per_million_requests_usd', 'scaled_up_from'] },
  { title: 'Implementation', fields: ['engine', 'port', 'image'] },
];

/** How each field of an operation row is presented (a Record, so a new one fails typecheck here). */
export const OPERATION_FIELDS: Record<keyof Operation, FieldMeta> = {
  name: { label: 'Name', input: text },
  service_time_ms: { label: 'Service time', unit: 'ms', input: num },
  service_time_cv: { label: 'Service time CV', unit: 'ratio', input: num },
};

/** A field of a tier other than its name and price: left out, it is the component's own. */
export type TierFigure = Exclude<keyof Tier, 'name' | 'cost_per_hour'>;

/** How each field of a tier row is presented (a Record, so a new one fails typecheck here). */
export const TIER_FIELDS: Record<keyof Tier, FieldMeta> = {
  name: { label: 'Name', input: text },
  concurrency: { label: 'Concurrency', unit: 'count', input: num },
  service_time_ms: { label: 'Service time', unit: 'ms', input: num },
  partitions: { label: 'Partitions', unit: 'count', input: num },
  cost_per_hour: { label: 'Cost', unit: 'USD/h', input: num },
};

const TIER_FIGURES: readonly TierFigure[] = ['concurrency', 'service_time_ms', 'partitions'];

/**
 * The fields a tier row of a `kind` component shows, in order: its name and price, and
 * the figures the kind has (a queue has partitions, no concurrency), plus any the tier
 * sets anyway, so nothing in the spec is hidden.
 */
export function tierFieldsFor(kind: ComponentKind, tier: Tier | undefined): (keyof Tier)[] {
  const applies = new Set<string>(KIND_FIELDS[kind]);
  const figures = TIER_FIGURES.filter((f) => applies.has(f) || tier?.[f] !== undefined);
  return ['name', 'cost_per_hour', ...figures];
}

/** The form's sections for `kind`: only the fields that apply to it, empty sections left out. */
export function sectionsFor(kind: ComponentKind): { title: string; fields: ComponentField[] }[] {
  const applies = new Set<ComponentField>(KIND_FIELDS[kind]);
  return COMPONENT_SECTIONS.map((s) => ({ title: s.title, fields: s.fields.filter((f) => applies.has(f)) })).filter(
    (s) => s.fields.length > 0,
  );
}

export function isRequired(kind: ComponentKind, field: ComponentField): boolean {
  return REQUIRED_FIELDS[kind].includes(field);
}

/** The engine's default of an absent field, for `kind`. */
export function componentDefault(kind: ComponentKind, field: ComponentField): unknown {
  return (COMPONENT_DEFAULTS[kind] as Partial<Record<ComponentField, unknown>>)[field];
}

/** The range a whole-number field of spec type `type` holds, or undefined for a real number. */
export function integerRange(type: string, field: string): readonly [number, number] | undefined {
  return INTEGER_FIELDS[type]?.[field];
}

/** The engine's doc comment of `type.field`, else `fallback`. */
export function fieldHelp(type: string, field: string, fallback?: string): string | undefined {
  return FIELD_DOCS[type]?.[field] ?? fallback;
}

/** A default as a placeholder: `1`, `round robin`. */
export function formatDefault(value: unknown, opts?: readonly Option[]): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return opts ? optionLabel(opts, value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Placeholder of an absent field: its default, "required", or "not set". */
export function placeholderFor(def: unknown, required: boolean, opts?: readonly Option[]): string {
  if (required) return 'required';
  if (def === undefined) return 'not set';
  return `${formatDefault(def, opts)} (default)`;
}

/** The first option of a select: what leaving the field out means. */
export function emptyOption(def: unknown, opts: readonly Option[]): string {
  return def === undefined ? 'Not set' : `${formatDefault(def, opts)} (default)`;
}
