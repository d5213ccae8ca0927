import { describe, expect, it } from 'vitest';

import type { ComponentKind } from '../bindings/ComponentKind';
import { KIND_FIELDS, REQUIRED_FIELDS } from '../bindings/kindFields';
import type { Spec } from '../bindings/Spec';
import { shopSpec } from '../fixtures/shop';
import { KINDS, STARTER_FIELDS } from '../kinds';
import {
  EditError,
  addClass,
  addComponent,
  addOperation,
  addTier,
  changeKind,
  clampUnit,
  clearDailyProfile,
  connect,
  copy,
  defaultEntry,
  deleteItems,
  freshClassName,
  freshOperationName,
  freshTierName,
  isDnsLabel,
  isOperationName,
  nameProblem,
  paste,
  removeClass,
  removeOperation,
  removeTier,
  renameClass,
  renameComponent,
  setAutoscaleField,
  setScaledUpFromField,
  setClassEntry,
  setClassField,
  setClassKind,
  setComponentField,
  setDailyProfileHour,
  setDependencyField,
  setLockField,
  setNetworkField,
  setOperationField,
  setPracticesField,
  setReplicationField,
  setTargetsField,
  setTierField,
  strayFields,
  toggleDependencyClass,
  uniqueName,
} from './specEdits';

const empty: Spec = {
  version: 1,
  name: 'm',
  workload: { classes: [{ name: 'web', rate_rps: 10, entry: 'service' }] },
  components: [],
  dependencies: [],
};

function threeTier(): Spec {
  let s = empty;
  s = addComponent(s, 'service').spec;
  s = addComponent(s, 'cache').spec;
  s = addComponent(s, 'database').spec;
  s = connect(s, 'service', 'cache')!;
  s = connect(s, 'cache', 'db')!;
  s = connect(s, 'service', 'db')!;
  return s;
}

describe('graph edits', () => {
  it('adds components under fresh names with the fields their kind requires', () => {
    const one = addComponent(empty, 'service');
    expect(one.name).toBe('service');
    expect(one.spec.components[0]).toEqual({ name: 'service', kind: 'service', service_time_ms: 10 });
    const two = addComponent(one.spec, 'service');
    expect(two.name).toBe('service-2');
    expect(addComponent(empty, 'cache').spec.components[0]).toMatchObject({
      hit_ratio: 0.8,
      service_time_ms: 1,
    });
    expect(addComponent(empty, 'external').spec.components[0]).toMatchObject({ latency_ms: 100 });
    expect(empty.components).toHaveLength(0);
  });

  it('picks the first free suffix', () => {
    expect(uniqueName('a', new Set(['a', 'a-2']))).toBe('a-3');
    expect(uniqueName('b', new Set(['a']))).toBe('b');
  });

  it('connects two components, but not one to itself or to a missing one', () => {
    const s = threeTier();
    expect(s.dependencies).toEqual([
      { from: 'service', to: 'cache' },
      { from: 'cache', to: 'db' },
      { from: 'service', to: 'db' },
    ]);
    expect(connect(s, 'db', 'db')).toBeNull();
    expect(connect(s, 'db', 'nowhere')).toBeNull();
    expect(connect(s, 'service', 'db')!.dependencies).toHaveLength(4);
  });

  it('deletes components with their dependencies, and chosen dependencies', () => {
    const s = threeTier();
    const noCache = deleteItems(s, ['cache'], []);
    expect(noCache.components.map((c) => c.name)).toEqual(['service', 'db']);
    expect(noCache.dependencies).toEqual([{ from: 'service', to: 'db' }]);
    // The class entering at a deleted component stays for the user to fix.
    expect(deleteItems(s, ['service'], []).workload.classes).toHaveLength(1);
    expect(deleteItems(s, [], [0, 2]).dependencies).toEqual([{ from: 'cache', to: 'db' }]);
    expect(s.components).toHaveLength(3);
  });

  it('pastes a copy under new names, rewiring the dependencies among the copies', () => {
    const s = threeTier();
    const clip = copy(s, ['cache', 'db'])!;
    expect(clip.dependencies).toEqual([{ from: 'cache', to: 'db' }]);
    const once = paste(s, clip);
    expect(once.spec.components.map((c) => c.name)).toEqual([
      'service',
      'cache',
      'db',
      'cache-copy',
      'db-copy',
    ]);
    expect(once.spec.dependencies[once.spec.dependencies.length - 1]).toEqual({ from: 'cache-copy', to: 'db-copy' });
    expect(once.spec.components[3]).toMatchObject({ kind: 'cache', hit_ratio: 0.8 });
    const twice = paste(once.spec, clip);
    expect([...twice.renamed.values()]).toEqual(['cache-copy-2', 'db-copy-2']);
    expect(copy(s, [])).toBeNull();
  });
});

/** Runs `edit` on the shop and checks it left its input untouched. */
function pure(edit: (spec: Spec) => Spec): { before: Spec; after: Spec } {
  const before = shopSpec();
  const snapshot = structuredClone(before);
  const after = edit(before);
  expect(before).toEqual(snapshot);
  return { before, after };
}

function comp(spec: Spec, name: string) {
  const c = spec.components.find((x) => x.name === name);
  if (!c) throw new Error(`no ${name}`);
  return c;
}

describe('setComponentField', () => {
  it('sets a field without touching the input or the other components', () => {
    const { before, after } = pure((s) => setComponentField(s, 'api', 'replicas', 6));
    expect(comp(after, 'api').replicas).toBe(6);
    expect(after.components[0]).toBe(before.components[0]);
    expect(after.dependencies).toBe(before.dependencies);
  });

  it('removes the key when given undefined', () => {
    const { after } = pure((s) => setComponentField(s, 'api', 'zones', undefined));
    expect('zones' in comp(after, 'api')).toBe(false);
  });

  it('returns the same spec when nothing changes', () => {
    const spec = shopSpec();
    expect(setComponentField(spec, 'api', 'replicas', 4)).toBe(spec);
    expect(setComponentField(spec, 'api', 'engine', undefined)).toBe(spec);
  });

  it('refuses an unknown component', () => {
    expect(() => setComponentField(shopSpec(), 'nope', 'replicas', 1)).toThrow(EditError);
  });
});

describe('renameComponent', () => {
  it('renames and rewrites dependencies and class entries', () => {
    const { after } = pure((s) => renameComponent(s, 'gateway', 'edge-lb'));
    expect(after.components.map((c) => c.name)).toContain('edge-lb');
    expect(after.components.map((c) => c.name)).not.toContain('gateway');
    expect(after.dependencies[0]).toEqual({ from: 'cdn', to: 'edge-lb' });
    expect(after.dependencies[1]).toEqual({ from: 'edge-lb', to: 'api' });
    expect(after.workload.classes[1]!.entry).toBe('edge-lb');
    expect(after.workload.classes[0]!.entry).toBe('cdn');
  });

  it('rewrites both ends of every edge that names it', () => {
    const { after } = pure((s) => renameComponent(s, 'api', 'backend'));
    expect(after.dependencies.filter((d) => d.from === 'backend')).toHaveLength(5);
    expect(after.dependencies.some((d) => d.from === 'api' || d.to === 'api')).toBe(false);
    expect(after.dependencies[1]!.to).toBe('backend');
  });

  it('refuses a duplicate or malformed name', () => {
    const spec = shopSpec();
    expect(() => renameComponent(spec, 'api', 'gateway')).toThrow(/already named "gateway"/);
    expect(() => renameComponent(spec, 'api', 'Api')).toThrow(EditError);
    expect(() => renameComponent(spec, 'api', '-api')).toThrow(EditError);
    expect(() => renameComponent(spec, 'api', '')).toThrow(EditError);
    expect(() => renameComponent(spec, 'api', 'a'.repeat(64))).toThrow(EditError);
  });

  it('keeping the name is a no-op', () => {
    const spec = shopSpec();
    expect(renameComponent(spec, 'api', 'api')).toBe(spec);
  });
});

describe('isDnsLabel and nameProblem', () => {
  it('follows DNS-1123', () => {
    expect(isDnsLabel('orders-db')).toBe(true);
    expect(isDnsLabel('a')).toBe(true);
    expect(isDnsLabel('a1-b2')).toBe(true);
    expect(isDnsLabel('a'.repeat(63))).toBe(true);
    for (const bad of ['', 'A', 'a_b', 'a-', '-a', 'a.b', 'a b', 'a'.repeat(64)]) {
      expect(isDnsLabel(bad)).toBe(false);
    }
  });

  it('says why a name is refused', () => {
    expect(nameProblem(['api'], 'api', 'api')).toBeNull();
    expect(nameProblem(['api'], 'web')).toBeNull();
    expect(nameProblem(['api'], 'api')).toMatch(/already named/);
    expect(nameProblem([], '')).toMatch(/required/);
    expect(nameProblem([], 'Web')).toMatch(/lower-case/);
  });
});

describe('changeKind', () => {
  it('drops the fields that do not apply to the new kind', () => {
    const { after } = pure((s) => changeKind(s, 'api', 'queue'));
    const q = comp(after, 'api');
    expect(q.kind).toBe('queue');
    // A queue has replicas, availability, cost, zones and port, but no concurrency,
    // service time, autoscale, io or runtime.
    expect(q).toEqual({
      name: 'api',
      kind: 'queue',
      replicas: 4,
      availability: 99.9,
      cost_per_replica_hour: 0.17,
      zones: 2,
      port: 8080,
    });
    expect(strayFields(q)).toEqual([]);
  });

  it('fills in the fields the new kind requires, as a new cache starts (80 % hits, 1 ms)', () => {
    const { after } = pure((s) => changeKind(s, 'order-events', 'cache'));
    const c = comp(after, 'order-events');
    expect(c.hit_ratio).toBe(0.8);
    expect(c.service_time_ms).toBe(1);
    expect(c.engine).toBe('kafka');
    expect(c.partitions).toBeUndefined();
  });

  it('keeps a required field that is already set', () => {
    const { after } = pure((s) => changeKind(s, 'session-cache', 'cdn'));
    expect(comp(after, 'session-cache')).toEqual({
      name: 'session-cache',
      kind: 'cdn',
      hit_ratio: 0.9,
      availability: 99.9,
    });
  });

  it('leaves every kind with its required fields and only its fields', () => {
    for (const from of KINDS) {
      for (const to of KINDS) {
        const spec: Spec = {
          version: 1,
          name: 's',
          workload: { classes: [] },
          dependencies: [],
          components: [changeKind(shopSpec(), 'api', from).components.find((c) => c.name === 'api')!],
        };
        const c = changeKind(spec, 'api', to).components[0]!;
        for (const f of REQUIRED_FIELDS[to]) expect(c[f], `${from} -> ${to}: ${f}`).toBeDefined();
        expect(strayFields(c), `${from} -> ${to}`).toEqual([]);
      }
    }
  });

  it('has a starting value for every required field of every kind', () => {
    for (const kind of Object.keys(REQUIRED_FIELDS) as ComponentKind[]) {
      for (const f of REQUIRED_FIELDS[kind]) {
        expect(STARTER_FIELDS[kind][f], `${kind}.${f}`).toBeDefined();
        expect(KIND_FIELDS[kind]).toContain(f);
      }
    }
  });

  it('the same kind is a no-op', () => {
    const spec = shopSpec();
    expect(changeKind(spec, 'api', 'service')).toBe(spec);
  });
});

describe('replication', () => {
  it('sets a sub-field of an existing replication', () => {
    const { after } = pure((s) => setReplicationField(s, 'orders-db', 'read_replicas', 3));
    expect(comp(after, 'orders-db').replication).toEqual({
      mode: 'async',
      read_replicas: 3,
      reads_from: 'replicas',
      lag_ms: 50,
    });
  });

  it('creates the object with its mode when absent', () => {
    const { after } = pure((s) => setReplicationField(s, 'session-cache', 'read_replicas', 1));
    expect(comp(after, 'session-cache').replication).toEqual({ mode: 'async', read_replicas: 1 });
  });

  it('removes a sub-field, and the whole object with its mode', () => {
    const spec = shopSpec();
    const a = setReplicationField(spec, 'orders-db', 'lag_ms', undefined);
    expect(comp(a, 'orders-db').replication).toEqual({ mode: 'async', read_replicas: 2, reads_from: 'replicas' });
    const b = setReplicationField(a, 'orders-db', 'mode', undefined);
    expect('replication' in comp(b, 'orders-db')).toBe(false);
  });

  it('clearing a member of an absent replication changes nothing', () => {
    const spec = shopSpec();
    expect(setReplicationField(spec, 'session-cache', 'lag_ms', undefined)).toBe(spec);
  });
});

describe('scaled_up_from', () => {
  it('creates the record from the current figures and removes it when one is cleared', () => {
    // api: 6 ms at 0.17 USD an hour in the shop.
    const { after } = pure((s) => setScaledUpFromField(s, 'api', 'service_time_ms', 8.5));
    expect(comp(after, 'api').scaled_up_from).toEqual({ service_time_ms: 8.5, cost_per_replica_hour: 0.17 });
    const both = setScaledUpFromField(after, 'api', 'cost_per_replica_hour', 0.12);
    expect(comp(both, 'api').scaled_up_from).toEqual({ service_time_ms: 8.5, cost_per_replica_hour: 0.12 });
    expect('scaled_up_from' in comp(setScaledUpFromField(both, 'api', 'service_time_ms', undefined), 'api')).toBe(false);
  });
});

describe('autoscale', () => {
  it('creates both bounds from one, around the replicas', () => {
    const spec = shopSpec();
    expect(comp(setAutoscaleField(spec, 'fulfilment', 'max', 10), 'fulfilment').autoscale).toEqual({ min: 2, max: 10 });
    expect(comp(setAutoscaleField(spec, 'fulfilment', 'min', 1), 'fulfilment').autoscale).toEqual({ min: 1, max: 2 });
    expect(comp(setAutoscaleField(spec, 'fulfilment', 'min', 5), 'fulfilment').autoscale).toEqual({ min: 5, max: 5 });
  });

  it('sets one bound and removes the object when a bound is cleared', () => {
    const { after } = pure((s) => setAutoscaleField(s, 'api', 'max', 30));
    expect(comp(after, 'api').autoscale).toEqual({ min: 2, max: 30 });
    const cleared = setAutoscaleField(after, 'api', 'min', undefined);
    expect('autoscale' in comp(cleared, 'api')).toBe(false);
  });
});

/** The shop with orders-db managed at `small` of two tiers (its figures moved onto them). */
function managedShop(): Spec {
  let s = setComponentField(shopSpec(), 'orders-db', 'concurrency', undefined);
  s = setComponentField(s, 'orders-db', 'cost_per_replica_hour', undefined);
  s = setComponentField(s, 'orders-db', 'managed', true);
  s = setComponentField(s, 'orders-db', 'tiers', [
    { name: 'small', concurrency: 16, cost_per_hour: 0.2 },
    { name: 'medium', concurrency: 32, cost_per_hour: 0.4 },
  ]);
  return setComponentField(s, 'orders-db', 'tier', 'small');
}

describe('tiers', () => {
  it('adds a tier under a fresh name at no cost, creating the list', () => {
    const { before, after } = pure((s) => addTier(s, 'orders-db'));
    expect(comp(after, 'orders-db').tiers).toEqual([{ name: 'tier-1', cost_per_hour: 0 }]);
    expect(after.components[3]).toBe(before.components[3]);
    // Nothing else changes: no tier is picked, managed is the user's to tick.
    expect(comp(after, 'orders-db')).not.toHaveProperty('tier');
    expect(comp(after, 'orders-db')).not.toHaveProperty('managed');

    const spec = managedShop();
    const three = addTier(spec, 'orders-db');
    expect(comp(three, 'orders-db').tiers!.map((t) => t.name)).toEqual(['small', 'medium', 'tier-3']);
    expect(comp(spec, 'orders-db').tiers).toHaveLength(2);
    expect(addTier(spec, 'orders-db', 'large').components[4]!.tiers![2]).toEqual({ name: 'large', cost_per_hour: 0 });
    // A name it has is not taken twice.
    expect(addTier(spec, 'orders-db', 'small').components[4]!.tiers![2]!.name).toBe('tier-3');
  });

  it('skips a fresh name already taken', () => {
    const spec = setComponentField(shopSpec(), 'orders-db', 'tiers', [
      { name: 'tier-2', cost_per_hour: 1 },
      { name: 'tier-3', cost_per_hour: 2 },
    ]);
    expect(freshTierName(comp(spec, 'orders-db'))).toBe('tier-4');
    expect(freshTierName(comp(shopSpec(), 'orders-db'))).toBe('tier-1');
  });

  it('removes a tier, and the key with the last one, keeping the tier it named', () => {
    const spec = managedShop();
    const one = removeTier(spec, 'orders-db', 0);
    expect(comp(one, 'orders-db').tiers).toEqual([{ name: 'medium', concurrency: 32, cost_per_hour: 0.4 }]);
    // `tier` still says small: the engine reports it, the user picks another.
    expect(comp(one, 'orders-db').tier).toBe('small');
    const none = removeTier(one, 'orders-db', 0);
    expect(comp(none, 'orders-db')).not.toHaveProperty('tiers');
    expect(comp(none, 'orders-db').managed).toBe(true);
    expect(() => removeTier(none, 'orders-db', 0)).toThrow(EditError);
    expect(() => removeTier(spec, 'orders-db', 2)).toThrow('orders-db has no tiers[2]');
  });

  it("sets and clears a tier's figures, refusing to take its name or price", () => {
    const spec = managedShop();
    const cost = setTierField(spec, 'orders-db', 1, 'cost_per_hour', 0.45);
    expect(comp(cost, 'orders-db').tiers![1]).toEqual({ name: 'medium', concurrency: 32, cost_per_hour: 0.45 });
    expect(comp(cost, 'orders-db').tiers![0]).toBe(comp(spec, 'orders-db').tiers![0]);
    const st = setTierField(cost, 'orders-db', 0, 'service_time_ms', 2.5);
    expect(comp(st, 'orders-db').tiers![0]).toEqual({ name: 'small', concurrency: 16, service_time_ms: 2.5, cost_per_hour: 0.2 });
    const cleared = setTierField(st, 'orders-db', 0, 'concurrency', undefined);
    expect(comp(cleared, 'orders-db').tiers![0]).toEqual({ name: 'small', service_time_ms: 2.5, cost_per_hour: 0.2 });
    expect(setTierField(spec, 'orders-db', 1, 'concurrency', 32)).toBe(spec);
    expect(() => setTierField(spec, 'orders-db', 0, 'cost_per_hour', undefined)).toThrow('a tier cannot do without "cost_per_hour"');
    expect(() => setTierField(spec, 'orders-db', 0, 'name', '')).toThrow(EditError);
    expect(() => setTierField(spec, 'orders-db', 5, 'concurrency', 1)).toThrow('orders-db has no tiers[5]');
  });

  it('renames a tier, and the tier the component runs at with it', () => {
    const spec = managedShop();
    const renamed = setTierField(spec, 'orders-db', 0, 'name', 'db.t4g.small');
    expect(comp(renamed, 'orders-db').tiers!.map((t) => t.name)).toEqual(['db.t4g.small', 'medium']);
    expect(comp(renamed, 'orders-db').tier).toBe('db.t4g.small');
    // Another tier's name leaves `tier` alone.
    expect(comp(setTierField(spec, 'orders-db', 1, 'name', 'large'), 'orders-db').tier).toBe('small');
    expect(() => setTierField(spec, 'orders-db', 1, 'name', 'small')).toThrow(
      'Another tier of orders-db is already named "small"',
    );
    expect(comp(spec, 'orders-db').tiers![0]!.name).toBe('small');
  });
});

/**
 * The shop with api serving two operations: gateway → api (dependencies[1]) asks for
 * get-cart, api → session-cache (dependencies[2]) is made by get-cart alone, the write to
 * orders-db (dependencies[5]) by add_item alone, and checkout enters at api with add_item.
 * orders-db has a get-cart of its own, which api → orders-db (dependencies[4]) asks for.
 */
function operationsShop(): Spec {
  let s = setComponentField(shopSpec(), 'api', 'operations', [
    { name: 'get-cart', service_time_ms: 4 },
    { name: 'add_item', service_time_ms: 9, service_time_cv: 0.5 },
  ]);
  s = setComponentField(s, 'orders-db', 'operations', [{ name: 'get-cart' }]);
  s = setDependencyField(s, 1, 'operation', 'get-cart');
  s = setDependencyField(s, 2, 'from_operation', 'get-cart');
  s = setDependencyField(s, 4, 'operation', 'get-cart');
  s = setDependencyField(s, 5, 'from_operation', 'add_item');
  s = setClassField(s, 1, 'entry', 'api');
  return setClassField(s, 1, 'operation', 'add_item');
}

/** Runs `edit` on `spec` and checks it left `spec` untouched. */
function untouched(spec: Spec, edit: (spec: Spec) => Spec): Spec {
  const snapshot = structuredClone(spec);
  const after = edit(spec);
  expect(spec).toEqual(snapshot);
  return after;
}

describe('operations', () => {
  it('follows the engine on what names an operation', () => {
    for (const ok of ['get_cart', 'list-products', 'a', 'v2', 'a'.repeat(63)]) expect(isOperationName(ok)).toBe(true);
    for (const bad of ['', 'GetCart', '2fa', '_x', 'x_', 'x-', 'get cart', 'a'.repeat(64)]) {
      expect(isOperationName(bad)).toBe(false);
    }
  });

  it('adds an operation under a fresh name, creating the list', () => {
    const { before, after } = pure((s) => addOperation(s, 'api'));
    expect(comp(after, 'api').operations).toEqual([{ name: 'operation-1' }]);
    expect(after.components[1]).toBe(before.components[1]);
    expect(after.dependencies).toBe(before.dependencies);
    // The component's own service time stays: the operation falls back on it.
    expect(comp(after, 'api').service_time_ms).toBe(6);

    const spec = operationsShop();
    const three = addOperation(spec, 'api');
    expect(comp(three, 'api').operations!.map((o) => o.name)).toEqual(['get-cart', 'add_item', 'operation-3']);
    expect(comp(spec, 'api').operations).toHaveLength(2);
    expect(comp(addOperation(spec, 'api', 'remove_item'), 'api').operations![2]).toEqual({ name: 'remove_item' });
    // A name it has, or one the engine refuses, is not taken.
    expect(comp(addOperation(spec, 'api', 'get-cart'), 'api').operations![2]!.name).toBe('operation-3');
    expect(comp(addOperation(spec, 'api', 'GetCart'), 'api').operations![2]!.name).toBe('operation-3');
    expect(() => addOperation(spec, 'nope')).toThrow(EditError);
  });

  it('skips a fresh name already taken', () => {
    const spec = setComponentField(shopSpec(), 'api', 'operations', [{ name: 'operation-2' }, { name: 'operation-3' }]);
    expect(freshOperationName(comp(spec, 'api'))).toBe('operation-4');
    expect(freshOperationName(comp(operationsShop(), 'api'))).toBe('operation-3');
    expect(freshOperationName(comp(shopSpec(), 'api'))).toBe('operation-1');
  });

  it('removes an operation, and the key with the last one, keeping what named it', () => {
    const spec = operationsShop();
    const one = removeOperation(spec, 'api', 1);
    expect(comp(one, 'api').operations).toEqual([{ name: 'get-cart', service_time_ms: 4 }]);
    // The write and the class still name add_item: the engine reports them, the user picks another.
    expect(one.dependencies[5]!.from_operation).toBe('add_item');
    expect(one.workload.classes[1]!.operation).toBe('add_item');
    expect(one.dependencies).toBe(spec.dependencies);
    const none = removeOperation(one, 'api', 0);
    expect(comp(none, 'api')).not.toHaveProperty('operations');
    expect(none.dependencies[1]!.operation).toBe('get-cart');
    expect(() => removeOperation(none, 'api', 0)).toThrow('api has no operations[0]');
    expect(() => removeOperation(spec, 'api', 2)).toThrow('api has no operations[2]');
    expect(comp(spec, 'api').operations).toHaveLength(2);
  });

  it("sets and clears an operation's figures, refusing to take its name", () => {
    const spec = operationsShop();
    const st = setOperationField(spec, 'api', 0, 'service_time_ms', 3.5);
    expect(comp(st, 'api').operations).toEqual([
      { name: 'get-cart', service_time_ms: 3.5 },
      { name: 'add_item', service_time_ms: 9, service_time_cv: 0.5 },
    ]);
    expect(comp(st, 'api').operations![1]).toBe(comp(spec, 'api').operations![1]);
    expect(st.dependencies).toBe(spec.dependencies);
    const cv = setOperationField(st, 'api', 1, 'service_time_cv', undefined);
    expect(comp(cv, 'api').operations![1]).toEqual({ name: 'add_item', service_time_ms: 9 });
    const own = setOperationField(cv, 'api', 1, 'service_time_ms', undefined);
    expect(comp(own, 'api').operations![1]).toEqual({ name: 'add_item' });
    expect(setOperationField(spec, 'api', 0, 'service_time_ms', 4)).toBe(spec);
    expect(setOperationField(spec, 'api', 0, 'name', 'get-cart')).toBe(spec);
    expect(() => setOperationField(spec, 'api', 0, 'name', '')).toThrow('an operation cannot do without "name"');
    expect(() => setOperationField(spec, 'api', 0, 'name', undefined)).toThrow(EditError);
    expect(() => setOperationField(spec, 'api', 0, 'name', 'Get Cart')).toThrow(/lower-case letters, digits, '_' and '-'/);
    expect(() => setOperationField(spec, 'api', 5, 'service_time_ms', 1)).toThrow('api has no operations[5]');
  });

  it('refuses a name another operation of the component has', () => {
    const spec = operationsShop();
    expect(() => setOperationField(spec, 'api', 1, 'name', 'get-cart')).toThrow(
      'Another operation of api is already named "get-cart"',
    );
    // Another component's operation of that name is no obstacle.
    expect(comp(setOperationField(spec, 'orders-db', 0, 'name', 'add_item'), 'orders-db').operations).toEqual([
      { name: 'add_item' },
    ]);
    expect(comp(spec, 'api').operations![1]!.name).toBe('add_item');
  });

  it('renames an operation and every call and class that names it', () => {
    const after = untouched(operationsShop(), (s) => setOperationField(s, 'api', 0, 'name', 'view_cart'));
    expect(comp(after, 'api').operations!.map((o) => o.name)).toEqual(['view_cart', 'add_item']);
    expect(after.dependencies[1]).toEqual({ from: 'gateway', to: 'api', operation: 'view_cart' });
    expect(after.dependencies[2]).toEqual({ from: 'api', to: 'session-cache', calls: 1, from_operation: 'view_cart' });
    // orders-db's own get-cart, and what asks for it, are another operation.
    expect(after.dependencies[4]!.operation).toBe('get-cart');
    expect(comp(after, 'orders-db').operations).toEqual([{ name: 'get-cart' }]);
    expect(after.dependencies[5]!.from_operation).toBe('add_item');
    expect(after.workload.classes[1]!.operation).toBe('add_item');

    const spec = operationsShop();
    const added = setOperationField(spec, 'api', 1, 'name', 'add-item');
    expect(added.dependencies[5]!.from_operation).toBe('add-item');
    expect(added.workload.classes[1]).toEqual({ name: 'checkout', rate_rps: 400, entry: 'api', operation: 'add-item', p99_ms: 500, consistency: 'strong' });
    expect(added.dependencies[1]).toBe(spec.dependencies[1]);
    expect(added.workload.classes[0]).toBe(spec.workload.classes[0]);
  });

  it('renames the references only when no other operation keeps the old name', () => {
    // Two operations named alike (the engine reports it): renaming one leaves the calls to the other.
    const twice = setComponentField(operationsShop(), 'api', 'operations', [
      { name: 'get-cart', service_time_ms: 4 },
      { name: 'get-cart' },
      { name: 'add_item' },
    ]);
    const renamed = setOperationField(twice, 'api', 1, 'name', 'view-cart');
    expect(comp(renamed, 'api').operations!.map((o) => o.name)).toEqual(['get-cart', 'view-cart', 'add_item']);
    expect(renamed.dependencies).toBe(twice.dependencies);
  });

  it('keeps the references when the component is renamed', () => {
    const after = untouched(operationsShop(), (s) => renameComponent(s, 'api', 'backend'));
    expect(comp(after, 'backend').operations!.map((o) => o.name)).toEqual(['get-cart', 'add_item']);
    expect(after.dependencies[1]).toEqual({ from: 'gateway', to: 'backend', operation: 'get-cart' });
    expect(after.dependencies[2]).toEqual({ from: 'backend', to: 'session-cache', calls: 1, from_operation: 'get-cart' });
    expect(after.dependencies[4]).toMatchObject({ from: 'backend', to: 'orders-db', operation: 'get-cart' });
    expect(after.dependencies[5]).toMatchObject({ from: 'backend', to: 'orders-db', from_operation: 'add_item' });
    expect(after.workload.classes[1]).toMatchObject({ entry: 'backend', operation: 'add_item' });
  });

  it("keeps a class's operation across a change of entry only when the new entry has it", () => {
    const spec = operationsShop();
    // orders-db serves a get-cart too; gateway serves nothing by name.
    const asking = setClassField(spec, 1, 'operation', 'get-cart');
    const moved = setClassEntry(asking, 1, 'orders-db');
    expect(moved.workload.classes[1]).toMatchObject({ entry: 'orders-db', operation: 'get-cart' });
    const gone = setClassEntry(spec, 1, 'gateway');
    expect(gone.workload.classes[1]).toEqual({ name: 'checkout', rate_rps: 400, entry: 'gateway', p99_ms: 500, consistency: 'strong' });
    expect(gone.workload.classes[0]).toBe(spec.workload.classes[0]);
    // orders-db has no add_item.
    expect(setClassEntry(spec, 1, 'orders-db').workload.classes[1]).not.toHaveProperty('operation');
    // A class without one just moves; a missing entry has no operations.
    expect(setClassEntry(spec, 0, 'api').workload.classes[0]).toEqual({ name: 'browse', rate_rps: 2600, entry: 'api', consistency: 'eventual' });
    expect(setClassEntry(spec, 1, 'nowhere').workload.classes[1]).not.toHaveProperty('operation');
    expect(setClassEntry(spec, 1, 'api')).toBe(spec);
    expect(() => setClassEntry(spec, 1, '')).toThrow('a request class cannot do without "entry"');
    expect(() => setClassEntry(spec, 7, 'api')).toThrow(EditError);
    expect(spec.workload.classes[1]).toMatchObject({ entry: 'api', operation: 'add_item' });
  });
});

describe('setDependencyField', () => {
  it('sets and removes a field', () => {
    const { before, after } = pure((s) => setDependencyField(s, 6, 'timeout_ms', 500));
    expect(after.dependencies[6]!.timeout_ms).toBe(500);
    expect(after.dependencies[5]).toBe(before.dependencies[5]);
    const cleared = setDependencyField(after, 6, 'retries', undefined);
    expect('retries' in cleared.dependencies[6]!).toBe(false);
  });

  it('refuses to remove an endpoint or an unknown index', () => {
    expect(() => setDependencyField(shopSpec(), 0, 'from', undefined)).toThrow(EditError);
    expect(() => setDependencyField(shopSpec(), 99, 'calls', 1)).toThrow(EditError);
  });

  it('treats a classes list naming every class as "all classes"', () => {
    const { after } = pure((s) => setDependencyField(s, 6, 'classes', ['checkout', 'browse']));
    expect('classes' in after.dependencies[6]!).toBe(false);
    expect(() => setDependencyField(shopSpec(), 6, 'classes', [])).toThrow(EditError);
  });
});

describe('toggleDependencyClass', () => {
  it('turning a class on that completes the list removes the key', () => {
    const { after } = pure((s) => toggleDependencyClass(s, 6, 'browse', true));
    expect('classes' in after.dependencies[6]!).toBe(false);
  });

  it('turning a class off an "all classes" edge lists the others', () => {
    const { after } = pure((s) => toggleDependencyClass(s, 0, 'checkout', false));
    expect(after.dependencies[0]!.classes).toEqual(['browse']);
  });

  it('refuses to turn off the last class', () => {
    expect(() => toggleDependencyClass(shopSpec(), 6, 'checkout', false)).toThrow(EditError);
  });
});

describe('lock', () => {
  it('creates a lock with its other member, sets and removes it', () => {
    const { after } = pure((s) => setLockField(s, 4, 'hold_ms', 5));
    expect(after.dependencies[4]!.lock).toEqual({ keys: 1, hold_ms: 5 });
    expect(setLockField(shopSpec(), 5, 'keys', 10).dependencies[5]!.lock).toEqual({ keys: 10, hold_ms: 4 });
    expect('lock' in setLockField(shopSpec(), 5, 'keys', undefined).dependencies[5]!).toBe(false);
  });
});

describe('targets, practices and the network', () => {
  it('sets and removes a target', () => {
    const { after } = pure((s) => setTargetsField(s, 'p99_ms', 250));
    expect(after.targets?.p99_ms).toBe(250);
    expect(setTargetsField(after, 'p99_ms', undefined).targets).not.toHaveProperty('p99_ms');
  });

  it('removes `targets` when the last one goes, and creates it when absent', () => {
    let spec: Spec = { ...shopSpec(), targets: { p99_ms: 100 } };
    spec = setTargetsField(spec, 'p99_ms', undefined);
    expect('targets' in spec).toBe(false);
    spec = setTargetsField(spec, 'availability', 99.9);
    expect(spec.targets).toEqual({ availability: 99.9 });
  });

  it('sets and removes practices, dropping an empty object', () => {
    const { after } = pure((s) => setPracticesField(s, 'rollout', 'rolling'));
    expect(after.practices?.rollout).toBe('rolling');
    let spec: Spec = { ...shopSpec(), practices: { tracing: 'otel' } };
    spec = setPracticesField(spec, 'tracing', undefined);
    expect('practices' in spec).toBe(false);
    expect(setPracticesField(spec, 'chaos_testing', false).practices).toEqual({ chaos_testing: false });
  });

  it('sets and removes network figures, dropping an empty object', () => {
    const { after } = pure((s) => setNetworkField(s, 'same_zone_ms', 0.5));
    expect(after.network).toEqual({ same_zone_ms: 0.5 });
    const both = setNetworkField(after, 'cross_zone_usd_per_gb', 0.02);
    expect(both.network).toEqual({ same_zone_ms: 0.5, cross_zone_usd_per_gb: 0.02 });
    expect(setNetworkField(both, 'same_zone_ms', 0.5)).toBe(both);
    const one = setNetworkField(both, 'same_zone_ms', undefined);
    expect(one.network).toEqual({ cross_zone_usd_per_gb: 0.02 });
    const none = setNetworkField(one, 'cross_zone_usd_per_gb', undefined);
    expect('network' in none).toBe(false);
    expect(setNetworkField(none, 'payload_kb', undefined)).toBe(none);
  });
});

describe('request classes', () => {
  it('adds a class with a unique name and the entry of the existing classes', () => {
    const { after } = pure((s) => addClass(s));
    expect(after.workload.classes[2]).toEqual({ name: 'class', rate_rps: 0, entry: 'cdn' });
    const again = addClass(after);
    expect(again.workload.classes[3]!.name).toBe('class-2');
    expect(addClass(shopSpec(), 'browse').workload.classes[2]!.name).toBe('browse-2');
    expect(freshClassName(again)).toBe('class-3');
  });

  it('enters at a component nothing calls, else the first, when no class says', () => {
    const spec: Spec = { ...shopSpec(), workload: { classes: [] } };
    expect(defaultEntry(spec)).toBe('cdn');
    const calledFirst: Spec = { ...spec, components: spec.components.slice(1) };
    expect(defaultEntry(calledFirst)).toBe('gateway');
    expect(defaultEntry({ ...spec, components: [] })).toBe('');
  });

  it('removes a class and cleans the dependencies that listed it', () => {
    const { after } = pure((s) => removeClass(s, 1));
    expect(after.workload.classes.map((c) => c.name)).toEqual(['browse']);
    for (const d of after.dependencies) expect(d.classes).toBeUndefined();
    expect(after.dependencies[5]!.lock).toEqual({ keys: 2000, hold_ms: 4 });
  });

  it('keeps the lists that still name other classes', () => {
    const spec = shopSpec();
    spec.dependencies[6] = { ...spec.dependencies[6]!, classes: ['checkout', 'browse'] };
    const after = removeClass(spec, 1);
    expect(after.dependencies[6]!.classes).toEqual(['browse']);
  });

  it('renames a class and its mentions', () => {
    const { after } = pure((s) => renameClass(s, 1, 'purchase'));
    expect(after.workload.classes[1]!.name).toBe('purchase');
    expect(after.dependencies[6]!.classes).toEqual(['purchase']);
    expect(after.dependencies.some((d) => d.classes?.includes('checkout'))).toBe(false);
    expect(() => renameClass(shopSpec(), 1, 'browse')).toThrow(EditError);
    expect(() => renameClass(shopSpec(), 1, 'Check Out')).toThrow(EditError);
  });

  it('sets and removes class fields', () => {
    const { after } = pure((s) => setClassField(s, 0, 'rate_rps', 3000));
    expect(after.workload.classes[0]!.rate_rps).toBe(3000);
    const cleared = setClassField(after, 1, 'p99_ms', undefined);
    expect(cleared.workload.classes[1]).not.toHaveProperty('p99_ms');
    expect(() => setClassField(shopSpec(), 0, 'rate_rps', undefined)).toThrow(EditError);
  });

  it('makes a class closed and open again, in one edit each', () => {
    const { before, after: closed } = pure((s) => setClassKind(s, 0, 'closed'));
    expect(closed.workload.classes[0]).toEqual({ name: 'browse', users: 10, entry: 'cdn', consistency: 'eventual' });
    expect(closed.workload.classes[1]).toBe(before.workload.classes[1]);
    const thinking = setClassField(closed, 0, 'think_time_ms', 250);
    expect(thinking.workload.classes[0]!.think_time_ms).toBe(250);
    const open = setClassKind(thinking, 0, 'open');
    expect(open.workload.classes[0]).toEqual({ name: 'browse', rate_rps: 1, entry: 'cdn', consistency: 'eventual' });
  });

  it('leaves a class of the kind asked alone, and keeps what the class already gives', () => {
    const spec = shopSpec();
    expect(setClassKind(spec, 0, 'open')).toBe(spec);
    const closed = setClassKind(spec, 0, 'closed');
    expect(setClassKind(closed, 0, 'closed')).toBe(closed);
    // Both given (the engine refuses it): each kind keeps its own field and drops the other's.
    const both = setClassField(closed, 0, 'rate_rps', 40);
    expect(both.workload.classes[0]).toMatchObject({ rate_rps: 40, users: 10 });
    expect(setClassKind(both, 0, 'closed').workload.classes[0]).toEqual({ name: 'browse', users: 10, entry: 'cdn', consistency: 'eventual' });
    expect(setClassKind(both, 0, 'open').workload.classes[0]).toEqual({ name: 'browse', rate_rps: 40, entry: 'cdn', consistency: 'eventual' });
    expect(() => setClassKind(spec, 5, 'closed')).toThrow(EditError);
  });

  it('sets users and think time, and refuses to take away what a class stands on', () => {
    const closed = setClassKind(shopSpec(), 1, 'closed');
    const users = setClassField(closed, 1, 'users', 250);
    expect(users.workload.classes[1]!.users).toBe(250);
    expect(() => setClassField(users, 1, 'users', undefined)).toThrow('a closed request class cannot do without "users"');
    const think = setClassField(users, 1, 'think_time_ms', 1500);
    expect(think.workload.classes[1]!.think_time_ms).toBe(1500);
    expect(setClassField(think, 1, 'think_time_ms', undefined).workload.classes[1]).not.toHaveProperty('think_time_ms');
    // A closed class has no rate to remove; one that gives both may lose either.
    expect(setClassField(users, 1, 'rate_rps', undefined)).toBe(users);
    const both = setClassField(users, 1, 'rate_rps', 400);
    expect(setClassField(both, 1, 'rate_rps', undefined).workload.classes[1]).toEqual(users.workload.classes[1]);
    expect(setClassField(both, 1, 'users', undefined).workload.classes[1]).not.toHaveProperty('users');
    expect(() => setClassField(shopSpec(), 0, 'rate_rps', undefined)).toThrow('an open request class cannot do without "rate_rps"');
  });
});

describe('daily profile', () => {
  it('creates a flat profile when absent and sets the hour', () => {
    const { after } = pure((s) => setDailyProfileHour(s, 3, 0.25));
    const p = after.workload.daily_profile!;
    expect(p).toHaveLength(24);
    expect(p[3]).toBe(0.25);
    expect(p.filter((v) => v === 1)).toHaveLength(23);
  });

  it('clamps to [0, 1]', () => {
    expect(setDailyProfileHour(shopSpec(), 0, 1.7).workload.daily_profile![0]).toBe(1);
    expect(setDailyProfileHour(shopSpec(), 0, -0.2).workload.daily_profile![0]).toBe(0);
    expect(clampUnit(Number.NaN)).toBe(0);
  });

  it('edits an existing profile without mutating it', () => {
    const spec = setDailyProfileHour(shopSpec(), 5, 0.5);
    const snapshot = structuredClone(spec);
    const next = setDailyProfileHour(spec, 6, 0.75);
    expect(spec).toEqual(snapshot);
    expect(next.workload.daily_profile![5]).toBe(0.5);
    expect(next.workload.daily_profile![6]).toBe(0.75);
    expect(setDailyProfileHour(next, 6, 0.75)).toBe(next);
  });

  it('refuses an hour outside 0..23', () => {
    expect(() => setDailyProfileHour(shopSpec(), 24, 1)).toThrow(EditError);
    expect(() => setDailyProfileHour(shopSpec(), 1.5, 1)).toThrow(EditError);
  });

  it('clears the profile', () => {
    const spec = setDailyProfileHour(shopSpec(), 5, 0.5);
    const { workload } = clearDailyProfile(spec);
    expect('daily_profile' in workload).toBe(false);
    const shop = shopSpec();
    expect(clearDailyProfile(shop)).toBe(shop);
  });
});
