// What the request classes offer at peak, as the spec states it. An open class gives a
// rate (`rate_rps`); a closed class gives a population (`users`), and its rate is what
// the engine's analysis solves for them, unknown to the spec itself: sums of the spec's
// rates therefore count the open classes alone and say how many users come on top.

import type { RequestClass } from './bindings/RequestClass';

/** Open: requests arrive at `rate_rps`; closed: `users` who wait for each answer. */
export type ClassKind = 'open' | 'closed';

/** A class with `users` is closed (the engine refuses one with both); any other is open. */
export function classKind(cls: RequestClass): ClassKind {
  return cls.users !== undefined ? 'closed' : 'open';
}

/** The spec's peak load: the open classes' rates summed, and the closed classes' users. */
export interface PeakLoad {
  /** The sum of the open classes' `rate_rps` (finite ones; an absent rate counts 0). */
  rps: number;
  /** Open classes. */
  open: number;
  /** Closed classes, whose rate only the analysis knows. */
  closed: number;
  /** The closed classes' users, summed. */
  users: number;
}

export function peakLoad(classes: readonly RequestClass[]): PeakLoad {
  const out: PeakLoad = { rps: 0, open: 0, closed: 0, users: 0 };
  for (const c of classes) {
    if (classKind(c) === 'closed') {
      out.closed += 1;
      if (c.users !== undefined && Number.isFinite(c.users)) out.users += c.users;
    } else {
      out.open += 1;
      if (c.rate_rps !== undefined && Number.isFinite(c.rate_rps)) out.rps += c.rate_rps;
    }
  }
  return out;
}

/** A number as the panels show a rate or a count: `3,000`, `12.5`. */
export function formatLoad(v: number): string {
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** `1 user`, `50 users`. */
export function formatUsers(n: number): string {
  return `${formatLoad(n)} ${n === 1 ? 'user' : 'users'}`;
}
