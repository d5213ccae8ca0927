import { describe, expect, it } from 'vitest';

import type { Diagnostic } from '../bindings/Diagnostic';
import { ItemDiagnostics, countUnder, fieldMessage, relativePath } from './itemDiagnostics';
import { formatNumber, parseNumber } from './parse';

describe('parseNumber', () => {
  it('reads plain decimal numbers', () => {
    expect(parseNumber('42')).toEqual({ ok: true, value: 42 });
    expect(parseNumber(' 0.25 ')).toEqual({ ok: true, value: 0.25 });
    expect(parseNumber('.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseNumber('-3')).toEqual({ ok: true, value: -3 });
    expect(parseNumber('1e3')).toEqual({ ok: true, value: 1000 });
    expect(parseNumber('10 000')).toEqual({ ok: true, value: 10000 });
    expect(parseNumber('1_000')).toEqual({ ok: true, value: 1000 });
  });

  it('reads an empty field as cleared, unless required', () => {
    expect(parseNumber('')).toEqual({ ok: true, value: undefined });
    expect(parseNumber('  ')).toEqual({ ok: true, value: undefined });
    expect(parseNumber('', { required: true }).ok).toBe(false);
  });

  it('refuses what is not a number', () => {
    for (const bad of ['abc', '1,5', '0x10', 'Infinity', 'NaN', '1.2.3', '--1', '5ms']) {
      expect(parseNumber(bad).ok, bad).toBe(false);
    }
    expect(parseNumber('1e999')).toEqual({ ok: false, error: 'Too large a number' });
  });

  it('holds whole-number fields to whole numbers in range', () => {
    const port = { integer: [0, 65535] as const };
    expect(parseNumber('8080', port)).toEqual({ ok: true, value: 8080 });
    expect(parseNumber('80.5', port)).toEqual({ ok: false, error: 'Must be a whole number' });
    expect(parseNumber('70000', port)).toEqual({ ok: false, error: 'Must be from 0 to 65535' });
    expect(parseNumber('-1', port).ok).toBe(false);
  });

  it('formats as typed back', () => {
    expect(formatNumber(undefined)).toBe('');
    expect(formatNumber(0.1)).toBe('0.1');
    expect(formatNumber(15000)).toBe('15000');
  });
});

function d(path: string, message: string): Diagnostic {
  return { file: 'f', line: 1, column: 1, path, message };
}

describe('item diagnostics', () => {
  it('places a path relative to an item', () => {
    expect(relativePath('components[2]', 'components[2].replicas')).toBe('replicas');
    expect(relativePath('components[2]', 'components[2].replication.mode')).toBe('replication.mode');
    expect(relativePath('components[2]', 'components[2]')).toBe('');
    expect(relativePath('components[2]', 'components[21].replicas')).toBeNull();
    expect(relativePath('workload.daily_profile', 'workload.daily_profile[4]')).toBe('[4]');
    expect(relativePath('targets', '')).toBeNull();
  });

  it('shows the claim without its context under a field', () => {
    const m = 'components[4] "orders-db": replication.read_replicas must be >= 0, got -1';
    expect(fieldMessage(d('components[4].replication.read_replicas', m), 'replication.read_replicas')).toBe(
      'must be >= 0, got -1',
    );
    expect(fieldMessage(d('targets.p99_ms', 'targets.p99_ms must be > 0, got 0'), 'p99_ms')).toBe('must be > 0, got 0');
    expect(fieldMessage(d('components[5]', 'components[5] "order-events": is a queue with no consumer'), '')).toBe(
      'is a queue with no consumer',
    );
    expect(fieldMessage(d('x.y', 'something else'), 'y')).toBe('something else');
  });

  it('groups the messages of an item by field', () => {
    const items = new ItemDiagnostics('dependencies[1]', [
      d('dependencies[1].to', 'dependencies[1] a -> b: to must name a component, got "b"'),
      d('dependencies[1].classes[0]', 'dependencies[1] a -> b: classes[0] must name a request class, got "x"'),
      d('dependencies[10].to', 'dependencies[10] c -> d: to is the caller itself'),
      d('dependencies[1]', 'dependencies[1] a -> b: sync calls form a cycle: a -> b -> a'),
    ]);
    expect(items.at('to')).toEqual(['must name a component, got "b"']);
    expect(items.within('classes')).toEqual(['must name a request class, got "x"']);
    expect(items.count).toBe(3);
    expect(items.rest((f) => f === 'to' || f.startsWith('classes'))).toEqual([
      { field: '', message: 'sync calls form a cycle: a -> b -> a' },
    ]);
    expect(countUnder([d('targets.p99_ms', ''), d('practices.tracing', ''), d('', '')], ['targets', 'practices'])).toBe(2);
  });
});
