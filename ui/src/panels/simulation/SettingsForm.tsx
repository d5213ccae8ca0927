// The settings of a simulation run, checked as they are typed.

import { useId, type FormEvent, type JSX, type ReactNode } from 'react';

import type { Spec } from '../../bindings/Spec';
import { formatDuration } from './format';
import {
  checkForm,
  failureChoices,
  hasDailyProfile,
  runLength,
  type FormField,
  type ScenarioKind,
  type SimForm,
  zoneChoice,
} from './settings';

const SCENARIOS: { kind: ScenarioKind; label: string }[] = [
  { kind: 'steady', label: 'Steady load' },
  { kind: 'ramp', label: 'Load ramp' },
  { kind: 'failure', label: 'Failure' },
  { kind: 'daily', label: 'Daily profile' },
];

function Field(props: {
  field: FormField;
  label: string;
  unit?: string;
  placeholder?: string;
  form: SimForm;
  error: string | undefined;
  disabled: boolean;
  onChange: (field: FormField, value: string) => void;
  children?: ReactNode;
}): JSX.Element {
  const { field, label, unit, placeholder, form, error, disabled, onChange } = props;
  const id = useId();
  return (
    <div className={`hrs-field${error ? ' hrs-field--invalid' : ''}`}>
      <label htmlFor={id} className="hrs-field__label">
        {label}
      </label>
      <div className="hrs-field__control">
        <input
          id={id}
          className="hrs-input"
          inputMode="decimal"
          data-testid={`sim-field-${field}`}
          value={form[field]}
          placeholder={placeholder}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange(field, e.target.value)}
        />
        {unit ? <span className="hrs-field__unit">{unit}</span> : null}
      </div>
      {error ? (
        <p id={`${id}-error`} className="hrs-field__error" data-testid={`sim-error-${field}`}>
          {error}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}

export function SettingsForm(props: {
  spec: Spec;
  form: SimForm;
  onChange: (form: SimForm) => void;
  /** Running, or the model cannot be simulated: the form is read-only. */
  locked: boolean;
  /** Why Run is unavailable (besides the form's own errors), if it is. */
  blocked: string | null;
  onRun: () => void;
}): JSX.Element {
  const { spec, form, onChange, locked, blocked, onRun } = props;
  const checked = checkForm(form, spec);
  const set = (field: FormField, value: string) => onChange({ ...form, [field]: value });
  const common = (field: FormField) => ({ field, form, error: checked.errors[field], disabled: locked, onChange: set });
  const choices = failureChoices(spec);
  const chosen = choices.components.find((c) => c.name === form.failTarget);
  const length = checked.settings ? runLength(checked.settings, spec) : null;
  const runEnd = length ? length.measuredS + length.warmupS : null;
  const daily = hasDailyProfile(spec);
  const targetId = useId();
  const scenarioId = useId();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (checked.settings && !locked && !blocked) onRun();
  };

  return (
    <form className="hrs-form" onSubmit={submit} data-testid="sim-form" noValidate>
      <div className="hrs-field">
        <label htmlFor={scenarioId} className="hrs-field__label">
          Scenario
        </label>
        <select
          id={scenarioId}
          className="hrs-input"
          data-testid="sim-scenario"
          value={form.scenario}
          disabled={locked}
          onChange={(e) => onChange({ ...form, scenario: e.target.value as ScenarioKind })}
        >
          {SCENARIOS.map((s) => (
            <option key={s.kind} value={s.kind} disabled={s.kind === 'daily' && !daily}>
              {s.label}
              {s.kind === 'daily' && !daily ? ' (the model has none)' : ''}
            </option>
          ))}
        </select>
      </div>

      {form.scenario === 'steady' ? <Field {...common('load')} label="Load" unit="× peak" /> : null}
      {form.scenario === 'ramp' ? (
        <div className="hrs-pair">
          <Field {...common('rampFrom')} label="From" unit="× peak" />
          <Field {...common('rampTo')} label="To" unit="× peak" />
        </div>
      ) : null}
      {form.scenario === 'daily' ? (
        checked.errors.load ? (
          <p className="hrs-field__error" data-testid="sim-error-load">
            {checked.errors.load}
          </p>
        ) : (
          <p className="hrs-muted hrs-small">The 24 hours of the workload’s daily profile, compressed into the run.</p>
        )
      ) : null}
      {form.scenario === 'failure' ? (
        <fieldset className="hrs-group">
          <legend>What fails, and when</legend>
          <div className={`hrs-field${checked.errors.failTarget ? ' hrs-field--invalid' : ''}`}>
            <label htmlFor={targetId} className="hrs-field__label">
              Down
            </label>
            <select
              id={targetId}
              className="hrs-input"
              data-testid="sim-fail-target"
              value={form.failTarget}
              disabled={locked}
              aria-invalid={checked.errors.failTarget ? true : undefined}
              onChange={(e) => onChange({ ...form, failTarget: e.target.value, failReplica: '' })}
            >
              <option value="">Choose a component…</option>
              <optgroup label="Components">
                {choices.components.map((c) => (
                  <option key={c.name} value={c.name}>
                    {c.name}
                  </option>
                ))}
              </optgroup>
              {choices.zones > 1 ? (
                <optgroup label="Zones (their replicas in every component)">
                  {Array.from({ length: choices.zones }, (_, z) => (
                    <option key={z} value={zoneChoice(z)}>
                      zone {z}
                    </option>
                  ))}
                </optgroup>
              ) : null}
            </select>
            {checked.errors.failTarget ? (
              <p className="hrs-field__error" data-testid="sim-error-failTarget">
                {checked.errors.failTarget}
              </p>
            ) : null}
          </div>
          {chosen && chosen.replicas !== null ? (
            <Field
              {...common('failReplica')}
              label={`Only replica (0 to ${chosen.replicas - 1})`}
              placeholder={`all ${chosen.replicas}`}
            />
          ) : null}
          <div className="hrs-pair">
            <Field
              {...common('failFrom')}
              label="From"
              unit="s"
              placeholder={runEnd !== null ? `≈ ${(0.4 * runEnd).toFixed(1)}` : '40 %'}
            />
            <Field {...common('failTo')} label="To" unit="s" placeholder={runEnd !== null ? `≈ ${(0.6 * runEnd).toFixed(1)}` : '60 %'} />
          </div>
          <p className="hrs-muted hrs-small">Seconds from the start of the run, warm-up included; empty: 40 % to 60 % of it.</p>
          <Field {...common('load')} label="Load" unit="× peak" />
        </fieldset>
      ) : null}

      <div className="hrs-pair">
        <Field {...common('requests')} label="Requests per replication" />
        <Field {...common('replications')} label="Replications" />
      </div>
      <Field {...common('seed')} label="Seed" />
      <details className="hrs-more">
        <summary>More settings</summary>
        <Field {...common('warmup')} label="Warm-up" unit="× measured time" />
        <Field
          {...common('windows')}
          label="Windows of the time series"
          placeholder={form.scenario === 'steady' ? 'none' : form.scenario === 'daily' ? '24' : '50'}
        />
      </details>

      {length ? (
        <p className="hrs-muted hrs-small" data-testid="sim-length">
          About {formatDuration(length.measuredS)} of simulated time per replication
          {length.warmupS > 0 ? `, after at least ${formatDuration(length.warmupS)} of warm-up` : ''}.
        </p>
      ) : null}
      {blocked ? (
        <p className="hrs-note" data-testid="sim-blocked">
          {blocked}
        </p>
      ) : null}
      <button
        type="submit"
        className="hr-button hr-button--primary hrs-run"
        data-testid="sim-run"
        disabled={locked || blocked !== null || checked.settings === null}
      >
        Run simulation
      </button>
    </form>
  );
}
