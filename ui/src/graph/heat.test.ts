import { describe, expect, it } from 'vitest';

import { formatMs, formatRate, heatOf } from './heat';

describe('heat', () => {
  it('bands utilisation against the ceiling', () => {
    expect(heatOf(0.3, true, 0.8)).toBe('cool');
    expect(heatOf(0.41, true, 0.8)).toBe('warm');
    expect(heatOf(0.81, true, 0.8)).toBe('hot');
    expect(heatOf(1.0, true, 0.8)).toBe('saturated');
    expect(heatOf(0.2, false, 0.8)).toBe('saturated');
  });

  it('formats rates and times for labels', () => {
    expect(formatRate(920)).toBe('920 req/s');
    expect(formatRate(1234)).toBe('1.2k req/s');
    expect(formatRate(52000)).toBe('52k req/s');
    expect(formatRate(2.5)).toBe('2.5 req/s');
    expect(formatMs(12.34)).toBe('12.3 ms');
    expect(formatMs(1234)).toBe('1.23 s');
    expect(formatMs(null)).toBe('∞');
  });
});
