import { describe, expect, it } from 'vitest';

import { formatAvailability, formatMs, formatRate, heatOf } from './heat';

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

describe('formatAvailability', () => {
  it('shows it to the first digit that is not a nine, never rounding up to 100', () => {
    expect(formatAvailability(99.9998)).toBe('99.9998 %');
    expect(formatAvailability(99.95)).toBe('99.95 %');
    expect(formatAvailability(99.97)).toBe('99.97 %');
    expect(formatAvailability(99.8499)).toBe('99.84 %');
    expect(formatAvailability(98.5)).toBe('98.50 %');
    expect(formatAvailability(99.999)).toBe('99.999 %');
    expect(formatAvailability(100)).toBe('100 %');
  });
});
