import { describe, expect, it } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { addComponent, connect, copy, deleteItems, paste, uniqueName } from './graphEdits';

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
