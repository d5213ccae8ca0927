import { describe, expect, it } from 'vitest';

import type { SimSettings } from '../../bindings/SimSettings';
import { setClassKind } from '../../editor/specEdits';
import { shopSpec } from '../../fixtures/shop';
import { logTicks, niceTicks } from './charts';
import { formatDifference, formatDuration, formatLatency, formatMs } from './format';
import { checkForm, DEFAULT_FORM, describeScenario, failureChoices, formOf, runLength } from './settings';

describe('checkForm', () => {
  it("turns the defaults into headroom simulate's", () => {
    expect(checkForm(DEFAULT_FORM, shopSpec())).toEqual({
      settings: {
        requests: 200000,
        seed: 1,
        replications: 5,
        warmup: 0.1,
        windows: null,
        max_events: 300_000_000,
        scenario: { kind: 'steady', load: 1 },
      },
      errors: {},
    });
  });

  it('refuses what the engine would refuse, field by field', () => {
    const { settings, errors } = checkForm(
      { ...DEFAULT_FORM, requests: '0', replications: '2.5', seed: '-1', warmup: '11', windows: '0', load: '-2' },
      shopSpec(),
    );
    expect(settings).toBeNull();
    expect(errors).toEqual({
      requests: 'At least 1.',
      replications: 'A whole number.',
      seed: 'At least 0.',
      warmup: 'At most 10.',
      windows: 'At least 1.',
      load: 'Must be more than 0.',
    });
    expect(checkForm({ ...DEFAULT_FORM, scenario: 'ramp', rampFrom: '0', rampTo: '0' }, shopSpec()).errors).toEqual({
      rampTo: 'The load cannot stay at 0.',
    });
    expect(checkForm({ ...DEFAULT_FORM, scenario: 'failure', failTarget: 'nope' }, shopSpec()).errors).toEqual({
      failTarget: 'The model has no component "nope".',
    });
    expect(checkForm({ ...DEFAULT_FORM, scenario: 'failure', failTarget: 'zone:2' }, shopSpec()).errors).toEqual({
      failTarget: 'No such zone.',
    });
    // A CDN is not a pool: it fails whole.
    expect(checkForm({ ...DEFAULT_FORM, scenario: 'failure', failTarget: 'cdn', failReplica: '0' }, shopSpec()).errors).toEqual({
      failReplica: 'cdn has no replicas to fail one by one.',
    });
    const noProfile = shopSpec();
    delete noProfile.workload.daily_profile;
    expect(checkForm({ ...DEFAULT_FORM, scenario: 'daily' }, noProfile).errors.load).toContain('no daily profile');
  });

  it('round-trips settings through the form', () => {
    const all: SimSettings[] = [
      { requests: 1000, seed: 3, replications: 2, warmup: 0.2, windows: 10, max_events: 3e8, scenario: { kind: 'steady', load: 1.5 } },
      { requests: 1000, seed: 3, replications: 2, warmup: 0.1, windows: null, max_events: 3e8, scenario: { kind: 'ramp', from: 0.25, to: 4 } },
      { requests: 5, seed: 0, replications: 1, warmup: 0, windows: 7, max_events: 3e8, scenario: { kind: 'failure', load: 1, targets: [{ kind: 'replica', component: 'api', replica: 3 }], from_s: 2, to_s: null } },
      { requests: 5, seed: 0, replications: 1, warmup: 0, windows: null, max_events: 3e8, scenario: { kind: 'failure', load: 2, targets: [{ kind: 'zone', zone: 1 }], from_s: null, to_s: 9 } },
    ];
    for (const s of all) expect(checkForm(formOf(s), shopSpec()).settings).toEqual(s);
  });
});

describe('failureChoices', () => {
  it('lists every component, the replicas of pools, and the zones', () => {
    const c = failureChoices(shopSpec());
    expect(c.components.find((x) => x.name === 'api')).toEqual({ name: 'api', replicas: 4 });
    expect(c.components.find((x) => x.name === 'payments')).toEqual({ name: 'payments', replicas: null });
    expect(c.components.find((x) => x.name === 'session-cache')).toEqual({ name: 'session-cache', replicas: 1 });
    expect(c.zones).toBe(2);
  });
});

describe('runLength', () => {
  it('is the requests over the offered rate, with the warm-up of steady and failure runs', () => {
    const base = checkForm(DEFAULT_FORM, shopSpec()).settings!;
    const steady = runLength(base, shopSpec())!;
    expect(steady.measuredS).toBeCloseTo(200000 / 3000, 9);
    expect(steady.warmupS).toBeCloseTo(20000 / 3000, 9);
    const ramp = { ...base, scenario: { kind: 'ramp' as const, from: 0.5, to: 1.5 } };
    expect(runLength(ramp, shopSpec())).toEqual({ measuredS: 200000 / 3000, warmupS: 0 });
    expect(runLength(base, { ...shopSpec(), workload: { classes: [] } })).toBeNull();
  });

  it('is not known in advance when a class is closed: its rate is what the engine solves', () => {
    const base = checkForm(DEFAULT_FORM, shopSpec()).settings!;
    expect(runLength(base, setClassKind(shopSpec(), 1, 'closed'))).toBeNull();
    // Open again, with a rate of 1: the 2601 req/s the classes then offer.
    const reopened = setClassKind(setClassKind(shopSpec(), 1, 'closed'), 1, 'open');
    expect(runLength(base, reopened)!.measuredS).toBeCloseTo(200000 / 2601, 9);
  });
});

describe('describeScenario', () => {
  it('says what ran', () => {
    expect(describeScenario({ kind: 'steady', load: 1 })).toBe('Steady at 1× peak');
    expect(describeScenario({ kind: 'ramp', from: 0.5, to: 2 })).toBe('Ramp from 0.5× to 2× peak');
    expect(describeScenario({ kind: 'failure', load: 1, targets: [{ kind: 'component', component: 'payments' }], from_s: null, to_s: null })).toBe(
      'Failure: payments down from 40 % to 60 % of the run, at 1× peak',
    );
    expect(describeScenario({ kind: 'failure', load: 1, targets: [{ kind: 'replica', component: 'api', replica: 2 }], from_s: 5, to_s: 9 })).toBe(
      'Failure: api replica 2 down from 5 s to 9 s, at 1× peak',
    );
  });
});

describe('format', () => {
  it('shows milliseconds, latencies, durations and differences readably', () => {
    expect(formatMs(0.92253)).toBe('0.92');
    expect(formatMs(42.458)).toBe('42.5');
    expect(formatMs(3517.33)).toBe('3,517.3');
    expect(formatMs(36480)).toBe('36,480');
    expect(formatMs(null)).toBe('–');
    expect(formatLatency(0.5)).toBe('500 µs');
    expect(formatLatency(42.46)).toBe('42.5 ms');
    expect(formatLatency(3517)).toBe('3.52 s');
    expect(formatDuration(6.66)).toBe('6.7 s');
    expect(formatDuration(66.7)).toBe('67 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDifference(110, 100)).toBe('+10.0 (+10.0 %)');
    expect(formatDifference(95, 100)).toBe('−5.0 (−5.0 %)');
    expect(formatDifference(95, null)).toBe('–');
  });
});

describe('ticks', () => {
  it('puts 1-2-5 ticks on a log axis, or only powers of ten when they are many', () => {
    expect(logTicks(9, 120)).toEqual([10, 20, 50, 100]);
    expect(logTicks(0.3, 40000)).toEqual([1, 10, 100, 1000, 10000]);
  });
  it('puts round ticks on a linear axis', () => {
    expect(niceTicks(100)).toEqual([0, 50, 100]);
    expect(niceTicks(2600)).toEqual([0, 1000, 2000, 3000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
