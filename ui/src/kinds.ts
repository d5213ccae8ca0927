// How each component kind looks on the canvas: a label, a colour and an icon.
// Pure data, so the canvas, the legend and the tests share one source.

import type { Component } from './bindings/Component';
import type { ComponentKind } from './bindings/ComponentKind';

export interface KindStyle {
  /** Human-readable name of the kind, e.g. "Load balancer". */
  label: string;
  /** Accent colour (icon, border); readable on white. */
  color: string;
  /** Tinted background for the icon badge. */
  tint: string;
  /**
   * Icon as SVG path data in a 24x24 view box, drawn with a stroke (no fill).
   * Several sub-paths may be joined in one string.
   */
  icon: string;
}

/** Every kind, in the order the spec documents them (and the legend shows them). */
export const KINDS: readonly ComponentKind[] = [
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

export const KIND_STYLES: Record<ComponentKind, KindStyle> = {
  service: {
    label: 'Service',
    color: '#2563eb',
    tint: '#dbeafe',
    icon: 'M4 4h16v6H4z M4 14h16v6H4z M8 7h.01 M8 17h.01',
  },
  worker: {
    label: 'Worker',
    color: '#7c3aed',
    tint: '#ede9fe',
    icon:
      'M12 15a3 3 0 1 0 0-6a3 3 0 0 0 0 6z M12 2v3 M12 19v3 M4.9 4.9l2.1 2.1 M17 17l2.1 2.1 ' +
      'M2 12h3 M19 12h3 M4.9 19.1L7 17 M17 7l2.1-2.1',
  },
  function: {
    label: 'Function',
    color: '#b45309',
    tint: '#fef3c7',
    icon: 'M6 4h3l9 16 M12 10.5L6 20',
  },
  load_balancer: {
    label: 'Load balancer',
    color: '#0f766e',
    tint: '#ccfbf1',
    icon: 'M3 12h5 M8 12l7-6h5 M8 12h12 M8 12l7 6h5 M17 3.5l3 2.5-3 2.5 M17 9.5l3 2.5-3 2.5 M17 15.5l3 2.5-3 2.5',
  },
  cdn: {
    label: 'CDN',
    color: '#0369a1',
    tint: '#e0f2fe',
    icon: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z M3 12h18 M12 3c3 3.5 3 14.5 0 18 M12 3c-3 3.5-3 14.5 0 18',
  },
  cache: {
    label: 'Cache',
    color: '#dc2626',
    tint: '#fee2e2',
    icon: 'M13 2L4 14h7l-1 8l9-12h-7l1-8z',
  },
  database: {
    label: 'Database',
    color: '#15803d',
    tint: '#dcfce7',
    icon:
      'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3s-3.6 3-8 3s-8-1.3-8-3z M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6 ' +
      'M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  },
  queue: {
    label: 'Queue',
    color: '#be185d',
    tint: '#fce7f3',
    icon: 'M2.5 8h4v8h-4z M10 8h4v8h-4z M17.5 8h4v8h-4z',
  },
  external: {
    label: 'External',
    color: '#475569',
    tint: '#e2e8f0',
    icon: 'M7 18h10a4 4 0 0 0 .5-7.97A6 6 0 0 0 6.1 9.1A4.5 4.5 0 0 0 7 18z',
  },
};

/** The style of `kind`; an unknown kind (a newer engine) falls back to "external". */
export function kindStyle(kind: string): KindStyle {
  return (KIND_STYLES as Record<string, KindStyle | undefined>)[kind] ?? {
    ...KIND_STYLES.external,
    label: kind,
  };
}

/**
 * What a new component of each kind starts with: the fields the engine requires for that
 * kind, at values that make a sensible small starting point (a 10 ms service, a cache
 * that answers 80 % of reads...). Everything else is left to the engine's defaults. A
 * change of kind fills in the same values for required fields left unset.
 */
export const STARTER_FIELDS: Record<ComponentKind, Partial<Component>> = {
  service: { service_time_ms: 10 },
  worker: { service_time_ms: 20 },
  function: { service_time_ms: 50 },
  load_balancer: { service_time_ms: 0.5 },
  cdn: { hit_ratio: 0.8, latency_ms: 15 },
  cache: { hit_ratio: 0.8, service_time_ms: 1 },
  database: { service_time_ms: 5 },
  queue: {},
  external: { latency_ms: 100 },
};
