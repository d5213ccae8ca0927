// Every edit of a spec, in one place: the graph edits the canvas makes (add a component
// of a kind, connect two, delete, copy and paste) and the field-by-field edits the
// inspector makes. Each takes a Spec and returns a new one, sharing every part it did
// not change and never mutating its input. A field edit that changes nothing returns its
// input unchanged (the same object), so a caller can skip a no-op with `next === spec`.
//
// Absent optional fields mean "the engine's default": setting a field to `undefined`
// removes its key rather than writing `undefined` into the spec.

import type { Autoscale } from '../bindings/Autoscale';
import type { Component } from '../bindings/Component';
import type { ComponentKind } from '../bindings/ComponentKind';
import type { Dependency } from '../bindings/Dependency';
import { STARTER_FIELDS } from '../kinds';
import { KIND_FIELDS, REQUIRED_FIELDS, type ComponentField } from '../bindings/kindFields';
import type { Lock } from '../bindings/Lock';
import type { Network } from '../bindings/Network';
import type { Operation } from '../bindings/Operation';
import type { Practices } from '../bindings/Practices';
import type { Replication } from '../bindings/Replication';
import type { RequestClass } from '../bindings/RequestClass';
import type { ScaledUpFrom } from '../bindings/ScaledUpFrom';
import type { Spec } from '../bindings/Spec';
import type { Targets } from '../bindings/Targets';
import type { Tier } from '../bindings/Tier';
import { classKind, type ClassKind } from '../workload';

/** An edit the spec cannot take (a duplicate or malformed name, an unknown item). */
export class EditError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EditError';
  }
}

/** The hours of `workload.daily_profile`. */
export const PROFILE_HOURS = 24;

/** Replication mode written when a replication sub-field is set on a store without one. */
export const STARTER_REPLICATION_MODE: Replication['mode'] = 'async';

// ---------------------------------------------------------------------------------------
// Helpers

/** `obj` with `key` set to `value`, or without `key` when `value` is undefined. */
function withKey<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): T {
  if (value === undefined) {
    if (!(key in obj)) return obj;
    const without = { ...obj };
    delete without[key];
    return without;
  }
  if (obj[key] === value) return obj;
  return { ...obj, [key]: value };
}

function sameArray(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * A DNS-1123 label, as `is_dns_label` in src/spec/validate.rs: lower-case letters,
 * digits and '-', starting and ending with a letter or digit, at most 63 characters.
 */
export function isDnsLabel(s: string): boolean {
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(s);
}

function componentIndex(spec: Spec, name: string): number {
  const i = spec.components.findIndex((c) => c.name === name);
  if (i < 0) throw new EditError(`no component is named "${name}"`);
  return i;
}

function replaceComponent(spec: Spec, i: number, next: Component): Spec {
  if (spec.components[i] === next) return spec;
  const components = spec.components.slice();
  components[i] = next;
  return { ...spec, components };
}

function dependencyAt(spec: Spec, index: number): Dependency {
  const dep = spec.dependencies[index];
  if (dep === undefined) throw new EditError(`there is no dependencies[${index}]`);
  return dep;
}

function replaceDependency(spec: Spec, index: number, next: Dependency): Spec {
  if (spec.dependencies[index] === next) return spec;
  const dependencies = spec.dependencies.slice();
  dependencies[index] = next;
  return { ...spec, dependencies };
}

function classAt(spec: Spec, index: number): RequestClass {
  const cls = spec.workload.classes[index];
  if (cls === undefined) throw new EditError(`there is no workload.classes[${index}]`);
  return cls;
}

function replaceClasses(spec: Spec, classes: RequestClass[]): Spec {
  return { ...spec, workload: { ...spec.workload, classes } };
}

// ---------------------------------------------------------------------------------------
// Names

/**
 * Why `name` cannot name a component (or a request class, with `what`), or null when it
 * can. `current` is the item's present name: keeping it is fine.
 */
export function nameProblem(
  taken: readonly string[],
  name: string,
  current?: string,
  what = 'component',
): string | null {
  if (name === current) return null;
  if (name === '') return 'A name is required';
  if (!isDnsLabel(name)) {
    return "Use lower-case letters, digits and '-' (starting and ending with a letter or digit, at most 63 characters)";
  }
  if (taken.includes(name)) return `Another ${what} is already named "${name}"`;
  return null;
}

/** The component names of `spec`. */
export function componentNames(spec: Spec): string[] {
  return spec.components.map((c) => c.name);
}

/** `base`, else `base-2`, `base-3`...: the first not in `taken`. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const name = `${base}-${i}`;
    if (!taken.has(name)) return name;
  }
}

// ---------------------------------------------------------------------------------------
// The graph: what the canvas adds, connects, deletes, copies and pastes

const NAME_BASE: Record<ComponentKind, string> = {
  service: 'service',
  worker: 'worker',
  function: 'function',
  load_balancer: 'lb',
  cdn: 'cdn',
  cache: 'cache',
  database: 'db',
  queue: 'queue',
  external: 'external',
};

/** Adds a component of `kind` with a fresh name; returns the spec and the name. */
export function addComponent(spec: Spec, kind: ComponentKind): { spec: Spec; name: string } {
  const name = uniqueName(NAME_BASE[kind], new Set(componentNames(spec)));
  const component: Component = { name, kind, ...STARTER_FIELDS[kind] };
  return { spec: { ...spec, components: [...spec.components, component] }, name };
}

/**
 * Adds a call from `from` to `to`. Refused (null) for a call to itself or to a missing
 * component; a second call between the same two components is allowed (the spec allows
 * a read and a write edge side by side).
 */
export function connect(spec: Spec, from: string, to: string): Spec | null {
  const have = new Set(componentNames(spec));
  if (from === to || !have.has(from) || !have.has(to)) return null;
  const dependency: Dependency = { from, to };
  return { ...spec, dependencies: [...spec.dependencies, dependency] };
}

/**
 * Removes the named components, every dependency touching them, and the dependencies at
 * `dependencyIndices`. Request classes that enter at a removed component are kept: the
 * validation names them, and the user decides (deleting a class is its own edit).
 */
export function deleteItems(
  spec: Spec,
  components: readonly string[],
  dependencyIndices: readonly number[],
): Spec {
  const gone = new Set(components);
  const dropped = new Set(dependencyIndices);
  return {
    ...spec,
    components: spec.components.filter((c) => !gone.has(c.name)),
    dependencies: spec.dependencies.filter(
      (d, i) => !dropped.has(i) && !gone.has(d.from) && !gone.has(d.to),
    ),
  };
}

/** What Copy keeps: the components and the dependencies among them. */
export interface Clipboard {
  components: Component[];
  dependencies: Dependency[];
}

export function copy(spec: Spec, selected: readonly string[]): Clipboard | null {
  const chosen = new Set(selected);
  const components = spec.components.filter((c) => chosen.has(c.name));
  if (components.length === 0) return null;
  const dependencies = spec.dependencies.filter((d) => chosen.has(d.from) && chosen.has(d.to));
  return { components, dependencies };
}

/**
 * Pastes a copy: every component under a fresh name (`api-copy`, `api-copy-2`...), its
 * dependencies among the pasted ones rewired to the new names. Returns the new names in
 * clipboard order, each with the name it was copied from.
 */
export function paste(
  spec: Spec,
  clip: Clipboard,
): { spec: Spec; renamed: ReadonlyMap<string, string> } {
  const taken = new Set(componentNames(spec));
  const renamed = new Map<string, string>();
  const components = clip.components.map((c) => {
    const name = uniqueName(`${c.name}-copy`, taken);
    taken.add(name);
    renamed.set(c.name, name);
    return { ...c, name };
  });
  const dependencies = clip.dependencies.map((d) => ({
    ...d,
    from: renamed.get(d.from) ?? d.from,
    to: renamed.get(d.to) ?? d.to,
  }));
  return {
    spec: {
      ...spec,
      components: [...spec.components, ...components],
      dependencies: [...spec.dependencies, ...dependencies],
    },
    renamed,
  };
}

// ---------------------------------------------------------------------------------------
// Components

/** Sets (or, with `undefined`, removes) one field of the component named `name`. */
export function setComponentField<F extends ComponentField>(
  spec: Spec,
  name: string,
  field: F,
  value: Component[F] | undefined,
): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  return replaceComponent(spec, i, withKey(comp, field, value));
}

/**
 * Renames a component, and every reference to it: dependencies' `from` and `to` and
 * classes' `entry`. Throws an {@link EditError} for a duplicate or non-DNS-1123 name.
 */
export function renameComponent(spec: Spec, from: string, to: string): Spec {
  const i = componentIndex(spec, from);
  const problem = nameProblem(componentNames(spec), to, from);
  if (problem !== null) throw new EditError(problem);
  if (from === to) return spec;
  const next = replaceComponent(spec, i, { ...spec.components[i]!, name: to });
  const dependencies = spec.dependencies.map((d) =>
    d.from === from || d.to === from
      ? { ...d, from: d.from === from ? to : d.from, to: d.to === from ? to : d.to }
      : d,
  );
  const classes = spec.workload.classes.map((c) => (c.entry === from ? { ...c, entry: to } : c));
  return { ...next, dependencies, workload: { ...spec.workload, classes } };
}

/**
 * Changes a component's kind: drops the fields that do not apply to the new kind and
 * fills in the fields it requires, when unset, with the new kind's starting values
 * ({@link STARTER_FIELDS}).
 */
export function changeKind(spec: Spec, name: string, kind: ComponentKind): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  if (comp.kind === kind) return spec;
  const applies = new Set<string>(KIND_FIELDS[kind]);
  const next: Record<string, unknown> = { name: comp.name, kind };
  for (const [key, value] of Object.entries(comp)) {
    if (key !== 'name' && key !== 'kind' && applies.has(key)) next[key] = value;
  }
  for (const field of REQUIRED_FIELDS[kind]) {
    if (next[field] === undefined) next[field] = STARTER_FIELDS[kind][field];
  }
  return replaceComponent(spec, i, next as Component);
}

/** The fields set on a component that do not apply to its kind. */
export function strayFields(comp: Component): ComponentField[] {
  const applies = new Set<string>(KIND_FIELDS[comp.kind]);
  return (Object.keys(comp) as (keyof Component)[]).filter(
    (k): k is ComponentField => k !== 'name' && k !== 'kind' && !applies.has(k),
  );
}

/**
 * Sets a member of a component's `replication`. Setting any member of an absent
 * replication creates it with {@link STARTER_REPLICATION_MODE}; removing `mode` (which the
 * object cannot do without) removes the whole object.
 */
export function setReplicationField<F extends keyof Replication>(
  spec: Spec,
  name: string,
  field: F,
  value: Replication[F] | undefined,
): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  const current = comp.replication;
  if (field === 'mode' && value === undefined) {
    return replaceComponent(spec, i, withKey(comp, 'replication', undefined));
  }
  if (current === undefined) {
    if (value === undefined) return spec;
    const created: Replication = { mode: STARTER_REPLICATION_MODE };
    return replaceComponent(spec, i, { ...comp, replication: { ...created, [field]: value } });
  }
  return replaceComponent(spec, i, withKey(comp, 'replication', withKey(current, field, value)));
}

/**
 * Sets `autoscale.min` or `autoscale.max`. Both are required, so creating the object
 * fills in the other bound from the component's replicas (default 1), keeping
 * min <= max; removing either bound removes autoscaling.
 */
export function setAutoscaleField(
  spec: Spec,
  name: string,
  field: keyof Autoscale,
  value: number | undefined,
): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  if (value === undefined) return replaceComponent(spec, i, withKey(comp, 'autoscale', undefined));
  const current = comp.autoscale;
  if (current === undefined) {
    const replicas = comp.replicas ?? 1;
    const created: Autoscale =
      field === 'min'
        ? { min: value, max: Math.max(value, replicas) }
        : { min: Math.max(1, Math.min(value, replicas)), max: value };
    return replaceComponent(spec, i, { ...comp, autoscale: created });
  }
  return replaceComponent(spec, i, withKey(comp, 'autoscale', withKey(current, field, value)));
}

/**
 * Sets `scaled_up_from.service_time_ms` or `.cost_per_replica_hour` (the instance the
 * planner moved the component up from). Both are required, so creating the record takes
 * the other from the component's current figures; removing either removes the record
 * (the planner may then scale the component up again).
 */
export function setScaledUpFromField(
  spec: Spec,
  name: string,
  field: keyof ScaledUpFrom,
  value: number | undefined,
): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  if (value === undefined) return replaceComponent(spec, i, withKey(comp, 'scaled_up_from', undefined));
  const current: ScaledUpFrom = comp.scaled_up_from ?? {
    service_time_ms: comp.service_time_ms ?? 0,
    cost_per_replica_hour: comp.cost_per_replica_hour ?? 0,
  };
  return replaceComponent(spec, i, { ...comp, scaled_up_from: { ...current, [field]: value } });
}

// ---------------------------------------------------------------------------------------
// A managed component's tiers

/** The first of `tier-N`, `tier-N+1`... (N one past the tiers it has) that `comp` does not use. */
export function freshTierName(comp: Component): string {
  const tiers = comp.tiers ?? [];
  const taken = new Set(tiers.map((t) => t.name));
  for (let n = tiers.length + 1; ; n++) {
    const name = `tier-${n}`;
    if (!taken.has(name)) return name;
  }
}

function tierAt(comp: Component, index: number): Tier {
  const tier = comp.tiers?.[index];
  if (tier === undefined) throw new EditError(`${comp.name} has no tiers[${index}]`);
  return tier;
}

/**
 * Appends a tier to the component named `name`: `{ name, cost_per_hour: 0 }`, under
 * `tierName` when given and free, else a {@link freshTierName}. The component's `tier` is
 * left as it is (the engine says when one is needed).
 */
export function addTier(spec: Spec, name: string, tierName?: string): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  const tiers = comp.tiers ?? [];
  const free = tierName !== undefined && tierName !== '' && !tiers.some((t) => t.name === tierName);
  const chosen = free ? tierName : freshTierName(comp);
  const tier: Tier = { name: chosen, cost_per_hour: 0 };
  return replaceComponent(spec, i, { ...comp, tiers: [...tiers, tier] });
}

/**
 * Removes `tiers[index]` of the component named `name`; removing the last one removes
 * the `tiers` key. A `tier` that named it is kept: the engine reports it, and the user
 * picks another.
 */
export function removeTier(spec: Spec, name: string, index: number): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  tierAt(comp, index);
  const tiers = comp.tiers!.filter((_, j) => j !== index);
  return replaceComponent(spec, i, withKey(comp, 'tiers', tiers.length === 0 ? undefined : tiers));
}

/**
 * Sets (or, with `undefined`, removes) a field of `tiers[index]` of the component named
 * `name`. `name` and `cost_per_hour` cannot be removed; a name another tier has is
 * refused. Renaming the tier the component runs at renames its `tier` too.
 */
export function setTierField<F extends keyof Tier>(
  spec: Spec,
  name: string,
  index: number,
  field: F,
  value: Tier[F] | undefined,
): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  const tier = tierAt(comp, index);
  if ((field === 'name' || field === 'cost_per_hour') && (value === undefined || value === '')) {
    throw new EditError(`a tier cannot do without "${field}"`);
  }
  const next = withKey(tier, field, value);
  if (next === tier) return spec;
  const tiers = comp.tiers!.slice();
  tiers[index] = next;
  let updated: Component = { ...comp, tiers };
  if (field === 'name') {
    const to = value as string;
    if (comp.tiers!.some((t, j) => j !== index && t.name === to)) {
      throw new EditError(`Another tier of ${name} is already named "${to}"`);
    }
    const from = tier.name;
    if (comp.tier === from && !tiers.some((t) => t.name === from)) updated = { ...updated, tier: to };
  }
  return replaceComponent(spec, i, updated);
}

// ---------------------------------------------------------------------------------------
// A component's operations

/**
 * An operation name, as `is_operation_name` in src/spec/validate.rs: lower-case letters,
 * digits, '_' and '-', starting with a letter and ending with a letter or digit, at most
 * 63 characters.
 */
export function isOperationName(s: string): boolean {
  return /^[a-z]([a-z0-9_-]{0,61}[a-z0-9])?$/.test(s);
}

/** The operation names of `comp` (none for a missing one), each once, in its order. */
export function operationNames(comp: Component | undefined): string[] {
  return [...new Set((comp?.operations ?? []).map((o) => o.name))];
}

/**
 * The first of `operation-N`, `operation-N+1`... (N one past the operations it has) that
 * `comp` does not use.
 */
export function freshOperationName(comp: Component): string {
  const ops = comp.operations ?? [];
  const taken = new Set(ops.map((o) => o.name));
  for (let n = ops.length + 1; ; n++) {
    const name = `operation-${n}`;
    if (!taken.has(name)) return name;
  }
}

function operationAt(comp: Component, index: number): Operation {
  const op = comp.operations?.[index];
  if (op === undefined) throw new EditError(`${comp.name} has no operations[${index}]`);
  return op;
}

/**
 * Appends an operation `{ name }` to the component named `name`, creating the list: under
 * `operationName` when given, well-formed and free, else a {@link freshOperationName}. It
 * has no service time of its own, so it costs what the component does until given one.
 * Nothing names it yet: no call or class is pointed at it.
 */
export function addOperation(spec: Spec, name: string, operationName?: string): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  const ops = comp.operations ?? [];
  const free =
    operationName !== undefined && isOperationName(operationName) && !ops.some((o) => o.name === operationName);
  const operation: Operation = { name: free ? operationName : freshOperationName(comp) };
  return replaceComponent(spec, i, { ...comp, operations: [...ops, operation] });
}

/**
 * Removes `operations[index]` of the component named `name`; removing the last one removes
 * the `operations` key (the engine refuses an empty list). The dependencies' `operation`
 * and `from_operation` and the classes' `operation` that named it are kept: the engine
 * reports them, and the user picks another (or, with no operations left, clears them).
 */
export function removeOperation(spec: Spec, name: string, index: number): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  operationAt(comp, index);
  const ops = comp.operations!.filter((_, j) => j !== index);
  return replaceComponent(spec, i, withKey(comp, 'operations', ops.length === 0 ? undefined : ops));
}

/**
 * Sets (or, with `undefined`, removes) a field of `operations[index]` of the component
 * named `name`. `name` cannot be removed, and a malformed name or one another operation of
 * the component has is refused. Renaming an operation renames every reference to it: the
 * `operation` of the calls to the component and of the classes entering at it, and the
 * `from_operation` of the calls it makes (unless another operation still has the old name).
 */
export function setOperationField<F extends keyof Operation>(
  spec: Spec,
  name: string,
  index: number,
  field: F,
  value: Operation[F] | undefined,
): Spec {
  const i = componentIndex(spec, name);
  const comp = spec.components[i]!;
  const op = operationAt(comp, index);
  if (field === 'name' && (value === undefined || value === '')) {
    throw new EditError('an operation cannot do without "name"');
  }
  const next = withKey(op, field, value);
  if (next === op) return spec;
  const ops = comp.operations!.slice();
  ops[index] = next;
  const updated = replaceComponent(spec, i, { ...comp, operations: ops });
  if (field !== 'name') return updated;

  const to = value as string;
  if (!isOperationName(to)) {
    throw new EditError(
      "Use lower-case letters, digits, '_' and '-' (starting with a letter, ending with a letter or digit, at most 63 characters)",
    );
  }
  if (comp.operations!.some((o, j) => j !== index && o.name === to)) {
    throw new EditError(`Another operation of ${name} is already named "${to}"`);
  }
  const from = op.name;
  if (ops.some((o) => o.name === from)) return updated;
  const dependencies = updated.dependencies.map((d) => {
    const calls = d.to === name && d.operation === from;
    const makes = d.from === name && d.from_operation === from;
    if (!calls && !makes) return d;
    return { ...d, ...(calls ? { operation: to } : {}), ...(makes ? { from_operation: to } : {}) };
  });
  const classes = updated.workload.classes.map((c) =>
    c.entry === name && c.operation === from ? { ...c, operation: to } : c,
  );
  return { ...updated, dependencies, workload: { ...updated.workload, classes } };
}

// ---------------------------------------------------------------------------------------
// Dependencies

type DependencyField = Exclude<keyof Dependency, 'lock'>;

/**
 * Sets (or removes) a field of `spec.dependencies[index]`. `from` and `to` cannot be
 * removed. A `classes` list that names every class, in any order, is removed (it means
 * "all classes"), and an empty one is refused (the engine rejects it).
 */
export function setDependencyField<F extends DependencyField>(
  spec: Spec,
  index: number,
  field: F,
  value: Dependency[F] | undefined,
): Spec {
  const dep = dependencyAt(spec, index);
  if ((field === 'from' || field === 'to') && (value === undefined || value === '')) {
    throw new EditError(`a dependency cannot do without "${field}"`);
  }
  if (field === 'classes' && value !== undefined) {
    const list = value as string[];
    if (list.length === 0) throw new EditError('a dependency must apply to at least one class');
    const all = spec.workload.classes.map((c) => c.name);
    if (all.length > 0 && all.every((c) => list.includes(c))) {
      return replaceDependency(spec, index, withKey(dep, 'classes', undefined));
    }
    if (dep.classes !== undefined && sameArray(dep.classes, list)) return spec;
  }
  return replaceDependency(spec, index, withKey(dep, field, value));
}

/**
 * Turns class `name` on or off for a dependency, keeping the spec's class order. Turning
 * the last class off is refused (a dependency applies to at least one class).
 */
export function toggleDependencyClass(spec: Spec, index: number, name: string, on: boolean): Spec {
  const dep = dependencyAt(spec, index);
  const all = spec.workload.classes.map((c) => c.name);
  const current = new Set(dep.classes ?? all);
  if (on) current.add(name);
  else current.delete(name);
  const known = all.filter((c) => current.has(c));
  // Keep names the list has but no class has (the engine reports them): dropping them
  // silently would hide a typo.
  const unknown = (dep.classes ?? []).filter((c) => !all.includes(c) && current.has(c));
  return setDependencyField(spec, index, 'classes', [...known, ...unknown]);
}

/**
 * Sets `lock.keys` or `lock.hold_ms`. Both are required, so creating the lock fills in
 * the other member (one key, or a hold of 0 ms); removing either removes the lock.
 */
export function setLockField(spec: Spec, index: number, field: keyof Lock, value: number | undefined): Spec {
  const dep = dependencyAt(spec, index);
  if (value === undefined) return replaceDependency(spec, index, withKey(dep, 'lock', undefined));
  const current: Lock = dep.lock ?? { keys: 1, hold_ms: 0 };
  return replaceDependency(spec, index, withKey(dep, 'lock', withKey(current, field, value)));
}

// ---------------------------------------------------------------------------------------
// Targets, practices and the network

/** Sets (or removes) a target; a spec left with no targets has no `targets` key. */
export function setTargetsField<F extends keyof Targets>(spec: Spec, field: F, value: Targets[F] | undefined): Spec {
  const current = spec.targets ?? {};
  const next = withKey(current, field, value);
  if (next === current) return spec;
  return withKey(spec, 'targets', Object.keys(next).length === 0 ? undefined : next);
}

/** Sets (or removes) a practice; a spec left with none has no `practices` key. */
export function setPracticesField<F extends keyof Practices>(
  spec: Spec,
  field: F,
  value: Practices[F] | undefined,
): Spec {
  const current = spec.practices ?? {};
  const next = withKey(current, field, value);
  if (next === current) return spec;
  return withKey(spec, 'practices', Object.keys(next).length === 0 ? undefined : next);
}

/** Sets (or removes) a network figure; a spec left with none has no `network` key. */
export function setNetworkField<F extends keyof Network>(spec: Spec, field: F, value: Network[F] | undefined): Spec {
  const current = spec.network ?? {};
  const next = withKey(current, field, value);
  if (next === current) return spec;
  return withKey(spec, 'network', Object.keys(next).length === 0 ? undefined : next);
}

// ---------------------------------------------------------------------------------------
// Request classes

/** The first class name of `class`, `class-2`, `class-3`... that `spec` does not use. */
export function freshClassName(spec: Spec, base = 'class'): string {
  return uniqueName(base, new Set(spec.workload.classes.map((c) => c.name)));
}

/**
 * Where a new class enters: the entry of the first class whose entry exists, else the
 * first component nothing calls (where outside traffic arrives), else the first
 * component; '' when there are no components.
 */
export function defaultEntry(spec: Spec): string {
  const names = new Set(componentNames(spec));
  const used = spec.workload.classes.find((c) => names.has(c.entry));
  if (used) return used.entry;
  const called = new Set(spec.dependencies.map((d) => d.to));
  const root = spec.components.find((c) => !called.has(c.name));
  return root?.name ?? spec.components[0]?.name ?? '';
}

/**
 * Appends a request class with a unique name (`name` if given and free), a rate of 0
 * (so it changes no result until given one) and the {@link defaultEntry}.
 */
export function addClass(spec: Spec, name?: string): Spec {
  const taken = spec.workload.classes.map((c) => c.name);
  const chosen = name !== undefined && !taken.includes(name) ? name : freshClassName(spec, name);
  const cls: RequestClass = { name: chosen, rate_rps: 0, entry: defaultEntry(spec) };
  return replaceClasses(spec, [...spec.workload.classes, cls]);
}

/**
 * Removes `workload.classes[index]`, and its name from dependencies' `classes` lists
 * (unless another class has the same name); a list left empty is removed, so that
 * dependency applies to every class again.
 */
export function removeClass(spec: Spec, index: number): Spec {
  const cls = classAt(spec, index);
  const classes = spec.workload.classes.filter((_, i) => i !== index);
  const next = replaceClasses(spec, classes);
  if (classes.some((c) => c.name === cls.name)) return next;
  const dependencies = spec.dependencies.map((d) => {
    if (d.classes === undefined || !d.classes.includes(cls.name)) return d;
    const list = d.classes.filter((c) => c !== cls.name);
    return withKey(d, 'classes', list.length === 0 ? undefined : list);
  });
  return { ...next, dependencies };
}

/**
 * Renames `workload.classes[index]` and rewrites dependencies' `classes` lists. Throws an
 * {@link EditError} for a duplicate or non-DNS-1123 name.
 */
export function renameClass(spec: Spec, index: number, to: string): Spec {
  const cls = classAt(spec, index);
  const problem = nameProblem(
    spec.workload.classes.map((c) => c.name),
    to,
    cls.name,
    'class',
  );
  if (problem !== null) throw new EditError(problem);
  if (cls.name === to) return spec;
  const from = cls.name;
  const classes = spec.workload.classes.slice();
  classes[index] = { ...cls, name: to };
  const next = replaceClasses(spec, classes);
  const dependencies = spec.dependencies.map((d) =>
    d.classes?.includes(from) ? { ...d, classes: d.classes.map((c) => (c === from ? to : c)) } : d,
  );
  return { ...next, dependencies };
}

type ClassField = Exclude<keyof RequestClass, 'name'>;

/**
 * Sets (or removes) a field of `workload.classes[index]`. `entry` cannot be removed, nor
 * what makes the class open or closed: an open class's `rate_rps`, a closed one's `users`
 * (see {@link setClassKind} to change which it is).
 */
export function setClassField<F extends ClassField>(
  spec: Spec,
  index: number,
  field: F,
  value: RequestClass[F] | undefined,
): Spec {
  const cls = classAt(spec, index);
  if (value === undefined) {
    const kind = classKind(cls);
    const needed =
      field === 'entry' ||
      (field === 'rate_rps' && kind === 'open') ||
      (field === 'users' && kind === 'closed' && cls.rate_rps === undefined);
    if (needed) {
      throw new EditError(`${kind === 'open' ? 'an open' : 'a closed'} request class cannot do without "${field}"`);
    }
  }
  const next = withKey(cls, field, value);
  if (next === cls) return spec;
  return replaceClass(spec, index, next);
}

/**
 * Makes `workload.classes[index]` enter at `entry`, in one edit. Its `operation` is kept
 * only when the new entry has an operation of that name; otherwise it goes (the engine
 * then says when the new entry needs one, and the user picks it). The same entry is a
 * no-op: a class's stray `operation` is the engine's to report, not this edit's to drop.
 */
export function setClassEntry(spec: Spec, index: number, entry: string): Spec {
  const cls = classAt(spec, index);
  if (entry === '') throw new EditError('a request class cannot do without "entry"');
  if (entry === cls.entry) return spec;
  const target = spec.components.find((c) => c.name === entry);
  const keep = cls.operation !== undefined && operationNames(target).includes(cls.operation);
  return replaceClass(spec, index, withKey({ ...cls, entry }, 'operation', keep ? cls.operation : undefined));
}

/** The users a class made closed starts with. */
export const STARTER_USERS = 10;
/** The rate a class made open starts with, req/s. */
export const STARTER_RATE_RPS = 1;

/**
 * Makes `workload.classes[index]` open or closed, in one edit. Closed: `rate_rps` goes and
 * `users` is set ({@link STARTER_USERS} unless it has some). Open: `users` and
 * `think_time_ms` go and `rate_rps` is set ({@link STARTER_RATE_RPS} unless it has one).
 * A class already of that kind, with nothing of the other, is returned unchanged.
 */
export function setClassKind(spec: Spec, index: number, kind: ClassKind): Spec {
  const cls = classAt(spec, index);
  let next: RequestClass;
  if (kind === 'closed') {
    next = withKey(withKey(cls, 'rate_rps', undefined), 'users', cls.users ?? STARTER_USERS);
  } else {
    const rateless = withKey(withKey(cls, 'users', undefined), 'think_time_ms', undefined);
    next = withKey(rateless, 'rate_rps', cls.rate_rps ?? STARTER_RATE_RPS);
  }
  return next === cls ? spec : replaceClass(spec, index, next);
}

function replaceClass(spec: Spec, index: number, next: RequestClass): Spec {
  const classes = spec.workload.classes.slice();
  classes[index] = next;
  return replaceClasses(spec, classes);
}

// ---------------------------------------------------------------------------------------
// Daily profile

/** Clamps to [0, 1]; NaN becomes 0. */
export function clampUnit(v: number): number {
  if (Number.isNaN(v)) return 0;
  return Math.min(1, Math.max(0, v));
}

/**
 * Sets the multiplier of hour `hour` (0..23), clamped to [0, 1]. An absent profile is
 * created flat (24 values of 1.0); a short one is padded with 1.0.
 */
export function setDailyProfileHour(spec: Spec, hour: number, value: number): Spec {
  if (!Number.isInteger(hour) || hour < 0 || hour >= PROFILE_HOURS) {
    throw new EditError(`hour must be a whole number from 0 to 23, got ${hour}`);
  }
  const current = spec.workload.daily_profile;
  const profile = current ? current.slice() : [];
  while (profile.length < PROFILE_HOURS) profile.push(1);
  const v = clampUnit(value);
  if (current !== undefined && current[hour] === v && current.length >= PROFILE_HOURS) return spec;
  profile[hour] = v;
  return { ...spec, workload: { ...spec.workload, daily_profile: profile } };
}

/** Removes the daily profile: traffic at peak all day. */
export function clearDailyProfile(spec: Spec): Spec {
  if (spec.workload.daily_profile === undefined) return spec;
  return { ...spec, workload: withKey(spec.workload, 'daily_profile', undefined) };
}
