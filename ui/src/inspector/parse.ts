// What a user types into a number field, read strictly: a value, "cleared", or why not.

export type Parsed = { ok: true; value: number | undefined } | { ok: false; error: string };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export interface NumberRules {
  /** A whole number within this range (the range the engine's type holds). */
  integer?: readonly [number, number];
  /** Clearing is refused: the field has no default. */
  required?: boolean;
}

/**
 * `""` is "cleared" (undefined) unless the field is required; otherwise a plain decimal
 * number (spaces and `_` between digits are ignored), whole and in range for an integer
 * field.
 */
export function parseNumber(text: string, rules: NumberRules = {}): Parsed {
  const t = text.trim().replace(/[\s_]/g, '');
  if (t === '') {
    return rules.required ? { ok: false, error: 'Required: there is no default' } : { ok: true, value: undefined };
  }
  if (!NUMBER.test(t)) return { ok: false, error: `"${text.trim()}" is not a number` };
  const value = Number(t);
  if (!Number.isFinite(value)) return { ok: false, error: 'Too large a number' };
  if (rules.integer) {
    const [min, max] = rules.integer;
    if (!Number.isInteger(value)) return { ok: false, error: 'Must be a whole number' };
    if (value < min || value > max) return { ok: false, error: `Must be from ${min} to ${max}` };
  }
  return { ok: true, value };
}

/** A number as the inputs show it: as short as it reads back exactly. */
export function formatNumber(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}
