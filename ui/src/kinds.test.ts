import { describe, expect, it } from 'vitest';

import type { ComponentKind } from './bindings/ComponentKind';
import { KIND_STYLES, KINDS, kindStyle } from './kinds';

// Every kind the engine knows (ComponentKind::ALL in src/spec/model.rs).
const ALL: ComponentKind[] = [
  'service',
  'worker',
  'function',
  'load_balancer',
  'cdn',
  'cache',
  'database',
  'queue',
  'external',
];

describe('kinds', () => {
  it('lists every kind once, in the spec order', () => {
    expect([...KINDS]).toEqual(ALL);
  });

  it('gives every kind a label, a distinct colour and an icon', () => {
    const colours = new Set<string>();
    for (const kind of ALL) {
      const s = KIND_STYLES[kind];
      expect(s.label.length).toBeGreaterThan(0);
      expect(s.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(s.tint).toMatch(/^#[0-9a-f]{6}$/);
      expect(s.icon).toMatch(/^M/);
      colours.add(s.color);
    }
    expect(colours.size).toBe(ALL.length);
  });

  it('gives every kind a distinct icon', () => {
    expect(new Set(ALL.map((k) => KIND_STYLES[k].icon)).size).toBe(ALL.length);
  });

  it('labels kinds for people', () => {
    expect(kindStyle('load_balancer').label).toBe('Load balancer');
    expect(kindStyle('cdn').label).toBe('CDN');
  });

  it('falls back for a kind it does not know', () => {
    const s = kindStyle('quantum_link');
    expect(s.label).toBe('quantum_link');
    expect(s.icon).toBe(KIND_STYLES.external.icon);
  });
});
