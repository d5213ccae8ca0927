// The simulation settings form: what the user typed, checked and turned into the
// engine's settings (the same meaning as `headroom simulate`'s flags).

import type { Component } from '../../bindings/Component';
import type { FailureTarget } from '../../bindings/FailureTarget';
import { KIND_FIELDS } from '../../bindings/kindFields';
import { LOAD_DEFAULTS, SIM_DEFAULTS, SIM_LIMITS } from '../../bindings/simDefaults';
import type { SimScenario } from '../../bindings/SimScenario';
import type { SimSettings } from '../../bindings/SimSettings';
import type { Spec } from '../../bindings/Spec';
import { classKind } from '../../workload';

export type ScenarioKind = SimScenario['kind'];

/** The form as typed: text, so a half-typed number is kept as it is. */
export interface SimForm {
  scenario: ScenarioKind;
  requests: string;
  replications: string;
  seed: string;
  /** Warm-up, a fraction of the measured period. */
  warmup: string;
  /** Windows of the time series; empty: the engine's default. */
  windows: string;
  /** Steady and failure: load as a multiple of peak. */
  load: string;
  rampFrom: string;
  rampTo: string;
  /** A component's name or `zone:Z`. */
  failTarget: string;
  /** One replica of the component (its index from 0); empty: the whole component. */
  failReplica: string;
  /** Seconds from the start of the run (warm-up included); empty: 40 % and 60 % of it. */
  failFrom: string;
  failTo: string;
}

export type FormField = Exclude<keyof SimForm, 'scenario'>;

/** `headroom simulate`'s defaults, from the engine's. */
export const DEFAULT_FORM: SimForm = {
  scenario: SIM_DEFAULTS.scenario.kind,
  requests: String(SIM_DEFAULTS.requests),
  replications: String(SIM_DEFAULTS.replications),
  seed: String(SIM_DEFAULTS.seed),
  warmup: String(SIM_DEFAULTS.warmup),
  windows: SIM_DEFAULTS.windows === null ? '' : String(SIM_DEFAULTS.windows),
  load: String(LOAD_DEFAULTS.load),
  rampFrom: String(LOAD_DEFAULTS.ramp_from),
  rampTo: String(LOAD_DEFAULTS.ramp_to),
  failTarget: '',
  failReplica: '',
  failFrom: '',
  failTo: '',
};

/** The value of the "what fails" choice for zone `z` (the others are component names). */
export function zoneChoice(z: number): string {
  return `zone:${z}`;
}

export interface Checked {
  /** The settings, when every field is good. */
  settings: SimSettings | null;
  errors: Partial<Record<FormField, string>>;
}

/** What can fail in a failure run: components (with their replica count if a pool) and zones. */
export interface FailureChoices {
  components: { name: string; replicas: number | null }[];
  /** Zones the components span (0 to zones - 1); 1 when none sets `zones`. */
  zones: number;
}

/** Whether a component is a pool of servers (so one replica of it can fail). */
function isPool(c: Component): boolean {
  return KIND_FIELDS[c.kind].includes('concurrency');
}

export function failureChoices(spec: Spec): FailureChoices {
  return {
    components: spec.components.map((c) => ({ name: c.name, replicas: isPool(c) ? (c.replicas ?? 1) : null })),
    zones: Math.max(1, ...spec.components.map((c) => c.zones ?? 1)),
  };
}

export function hasDailyProfile(spec: Spec): boolean {
  return (spec.workload.daily_profile?.length ?? 0) > 0;
}

type Parsed = { value: number } | { error: string };

function parseNumber(
  text: string,
  { min, max, integer, above }: { min?: number; max?: number; integer?: boolean; above?: number },
): Parsed {
  const t = text.trim().replace(/[_,\s]/g, '');
  if (t === '') return { error: 'Required.' };
  const v = Number(t);
  if (!Number.isFinite(v)) return { error: 'Not a number.' };
  if (integer && !Number.isInteger(v)) return { error: 'A whole number.' };
  if (above !== undefined && !(v > above)) return { error: `Must be more than ${above}.` };
  if (min !== undefined && v < min) return { error: `At least ${min.toLocaleString('en-US')}.` };
  if (max !== undefined && v > max) return { error: `At most ${max.toLocaleString('en-US')}.` };
  return { value: v };
}

/** Checks every field; the settings are null while any is wrong. */
export function checkForm(form: SimForm, spec: Spec): Checked {
  const errors: Partial<Record<FormField, string>> = {};
  const num = (field: FormField, rules: Parameters<typeof parseNumber>[1]): number => {
    const p = parseNumber(form[field], rules);
    if ('error' in p) {
      errors[field] = p.error;
      return NaN;
    }
    return p.value;
  };
  const optional = (field: FormField, rules: Parameters<typeof parseNumber>[1]): number | null =>
    form[field].trim() === '' ? null : num(field, rules);

  const requests = num('requests', { min: 1, max: SIM_LIMITS.max_requests, integer: true });
  const replications = num('replications', { min: 1, max: SIM_LIMITS.max_replications, integer: true });
  const seed = num('seed', { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  const warmup = num('warmup', { min: 0, max: SIM_LIMITS.max_warmup });
  const windows = optional('windows', { min: 1, max: SIM_LIMITS.max_windows, integer: true });

  let scenario: SimScenario | null = null;
  switch (form.scenario) {
    case 'steady': {
      const load = num('load', { above: 0, max: SIM_LIMITS.max_load });
      scenario = { kind: 'steady', load };
      break;
    }
    case 'ramp': {
      const from = num('rampFrom', { min: 0, max: SIM_LIMITS.max_load });
      const to = num('rampTo', { min: 0, max: SIM_LIMITS.max_load });
      if (from === 0 && to === 0) errors.rampTo = 'The load cannot stay at 0.';
      scenario = { kind: 'ramp', from, to };
      break;
    }
    case 'daily':
      if (!hasDailyProfile(spec)) errors.load = 'The model has no daily profile (workload.daily_profile).';
      scenario = { kind: 'daily' };
      break;
    case 'failure': {
      const load = num('load', { above: 0, max: SIM_LIMITS.max_load });
      const choices = failureChoices(spec);
      const chosen = form.failTarget.trim();
      const zone = Array.from({ length: choices.zones }, (_, z) => z).find((z) => zoneChoice(z) === chosen);
      let target: FailureTarget | null = null;
      if (chosen === '') {
        errors.failTarget = 'Choose what fails.';
      } else if (chosen.startsWith('zone:')) {
        if (zone === undefined) errors.failTarget = 'No such zone.';
        else target = { kind: 'zone', zone };
      } else {
        const c = choices.components.find((x) => x.name === chosen);
        if (!c) {
          errors.failTarget = `The model has no component "${chosen}".`;
        } else if (form.failReplica.trim() !== '') {
          if (c.replicas === null) {
            errors.failReplica = `${c.name} has no replicas to fail one by one.`;
          } else {
            const replica = num('failReplica', { min: 0, max: c.replicas - 1, integer: true });
            target = { kind: 'replica', component: c.name, replica };
          }
        } else {
          target = { kind: 'component', component: c.name };
        }
      }
      const from = optional('failFrom', { min: 0 });
      const to = optional('failTo', { min: 0 });
      if (from !== null && to !== null && Number.isFinite(from) && Number.isFinite(to) && to < from) {
        errors.failTo = 'Must not be before the start.';
      }
      scenario = { kind: 'failure', load, targets: target ? [target] : [], from_s: from, to_s: to };
      break;
    }
  }
  if (Object.keys(errors).length > 0 || scenario === null) return { settings: null, errors };
  return {
    settings: { requests, seed, replications, warmup, windows, max_events: SIM_DEFAULTS.max_events, scenario },
    errors,
  };
}

/** The form that gives `settings` (to run a past run's settings again). */
export function formOf(settings: SimSettings): SimForm {
  const s = settings.scenario;
  const form: SimForm = {
    ...DEFAULT_FORM,
    scenario: s.kind,
    requests: String(settings.requests),
    replications: String(settings.replications),
    seed: String(settings.seed),
    warmup: String(settings.warmup),
    windows: settings.windows === null ? '' : String(settings.windows),
  };
  if (s.kind === 'steady') form.load = String(s.load);
  if (s.kind === 'ramp') {
    form.rampFrom = String(s.from);
    form.rampTo = String(s.to);
  }
  if (s.kind === 'failure') {
    form.load = String(s.load);
    const target = s.targets[0];
    form.failTarget = target === undefined ? '' : target.kind === 'zone' ? zoneChoice(target.zone) : target.component;
    form.failReplica = target?.kind === 'replica' ? String(target.replica) : '';
    form.failFrom = s.from_s === null ? '' : String(s.from_s);
    form.failTo = s.to_s === null ? '' : String(s.to_s);
  }
  return form;
}

/** The mean load of a scenario, as a multiple of peak. */
function meanLoad(s: SimScenario, spec: Spec): number {
  switch (s.kind) {
    case 'steady':
    case 'failure':
      return s.load;
    case 'ramp':
      return (s.from + s.to) / 2;
    case 'daily': {
      const p = spec.workload.daily_profile ?? [];
      return p.length ? p.reduce((a, b) => a + b, 0) / p.length : 0;
    }
  }
}

/**
 * About how long a run lasts in simulated time: the measured period (requests over the
 * offered rate) and, for steady and failure runs, the warm-up before it (at least the
 * given fraction; the engine may make it longer for slow components). Null when the
 * model offers no load, or when a class is closed: its rate is what the engine solves
 * for its users, which the spec alone does not say.
 */
export function runLength(settings: SimSettings, spec: Spec): { measuredS: number; warmupS: number } | null {
  const classes = spec.workload.classes;
  if (classes.some((c) => classKind(c) === 'closed')) return null;
  const rate = classes.reduce((a, c) => a + Math.max(0, c.rate_rps ?? 0), 0) * meanLoad(settings.scenario, spec);
  if (!(rate > 0)) return null;
  const measuredS = settings.requests / rate;
  const warm = settings.scenario.kind === 'steady' || settings.scenario.kind === 'failure';
  return { measuredS, warmupS: warm ? measuredS * settings.warmup : 0 };
}

/** What fails, in words: "payments", "api replica 2", "zone 1". */
export function describeTarget(t: FailureTarget): string {
  switch (t.kind) {
    case 'component':
      return t.component;
    case 'replica':
      return `${t.component} replica ${t.replica}`;
    case 'zone':
      return `zone ${t.zone}`;
  }
}

/** What fails, as `headroom simulate --fail` takes it: "payments", "api/2", "zone:1". */
export function targetFlag(t: FailureTarget): string {
  switch (t.kind) {
    case 'component':
      return t.component;
    case 'replica':
      return `${t.component}/${t.replica}`;
    case 'zone':
      return zoneChoice(t.zone);
  }
}

/** A short description of settings, e.g. "Failure of payments at 1× peak". */
export function describeScenario(s: SimScenario): string {
  switch (s.kind) {
    case 'steady':
      return `Steady at ${s.load}× peak`;
    case 'ramp':
      return `Ramp from ${s.from}× to ${s.to}× peak`;
    case 'daily':
      return 'Daily profile';
    case 'failure': {
      const what = s.targets.map(describeTarget).join(', ');
      const from = s.from_s === null ? '40 %' : `${s.from_s} s`;
      const to = s.to_s === null ? '60 % of the run' : `${s.to_s} s`;
      return `Failure: ${what} down from ${from} to ${to}, at ${s.load}× peak`;
    }
  }
}
