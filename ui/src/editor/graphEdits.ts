// Edits of the model's graph the canvas makes: add a component of a kind, connect two,
// delete, copy and paste. Pure functions returning a new Spec (the input is never
// mutated); field-by-field edits live in ../inspector/edits.ts.

import type { Component } from '../bindings/Component';
import type { ComponentKind } from '../bindings/ComponentKind';
import type { Dependency } from '../bindings/Dependency';
import type { Spec } from '../bindings/Spec';
import { STARTER_FIELDS } from '../kinds';

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

/** `base`, else `base-2`, `base-3`...: the first not in `taken`. */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const name = `${base}-${i}`;
    if (!taken.has(name)) return name;
  }
}

function names(spec: Spec): Set<string> {
  return new Set(spec.components.map((c) => c.name));
}

/** Adds a component of `kind` with a fresh name; returns the spec and the name. */
export function addComponent(spec: Spec, kind: ComponentKind): { spec: Spec; name: string } {
  const name = uniqueName(NAME_BASE[kind], names(spec));
  const component: Component = { name, kind, ...STARTER_FIELDS[kind] };
  return { spec: { ...spec, components: [...spec.components, component] }, name };
}

/**
 * Adds a call from `from` to `to`. Refused (null) for a call to itself or to a missing
 * component; a second call between the same two components is allowed (the spec allows
 * a read and a write edge side by side).
 */
export function connect(spec: Spec, from: string, to: string): Spec | null {
  const have = names(spec);
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
  const taken = names(spec);
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
