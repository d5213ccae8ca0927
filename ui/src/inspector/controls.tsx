// The inspector's inputs. Text and number inputs keep a draft while the user types and
// commit it on Enter or blur (each commit is one undoable edit and one analysis);
// Escape drops the draft. A draft belongs to the value it started from: when the value
// changes from outside (undo, redo, the canvas), the input shows the new value.

import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';

import type { Option } from './fields';
import './inspector.css';
import { formatNumber, parseNumber } from './parse';

/** What a commit handler returns: a message to refuse the value (shown inline), or nothing. */
export type CommitResult = string | null | undefined | void;

interface Draft {
  text: string;
  /** The committed text the draft started from. */
  base: string;
  error: string | null;
}

/**
 * A draft of `current`: `commit` returns an error message to keep the draft, or null
 * when it took the text.
 */
function useDraft(current: string, commit: (text: string) => string | null) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const live = draft !== null && draft.base === current ? draft : null;

  const save = () => {
    if (live === null) return;
    if (live.text === current) {
      setDraft(null);
      return;
    }
    const error = commit(live.text);
    setDraft(error === null ? null : { ...live, error });
  };

  return {
    text: live?.text ?? current,
    error: live?.error ?? null,
    onChange: (text: string) => setDraft({ text, base: current, error: null }),
    onBlur: save,
    onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        save();
      } else if (e.key === 'Escape' && live !== null) {
        e.preventDefault();
        e.stopPropagation();
        setDraft(null);
      }
    },
  };
}

interface ShellProps {
  id: string;
  label: string;
  help?: string | undefined;
  unit?: string | undefined;
  required?: boolean | undefined;
  /** The engine's messages about this field. */
  errors?: readonly string[] | undefined;
  /** The input's own message (not a number, a bad name). */
  inputError?: string | null | undefined;
  className?: string | undefined;
  children: ReactNode;
}

/** Label, control, unit and messages of one field. */
export function FieldShell({ id, label, help, unit, required, errors = [], inputError, className, children }: ShellProps) {
  const invalid = errors.length > 0 || Boolean(inputError);
  return (
    <div className={`hri-field${invalid ? ' hri-field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label className="hri-field__label" htmlFor={id} title={help}>
        {label}
        {required && (
          <span className="hri-field__req" aria-hidden="true" title="Required">
            *
          </span>
        )}
      </label>
      <div className="hri-field__control">
        {children}
        {unit && (
          <span className="hri-field__unit" aria-hidden="true">
            {unit}
          </span>
        )}
      </div>
      <FieldMessages id={`${id}-msg`} inputError={inputError} errors={errors} />
    </div>
  );
}

export function FieldMessages({
  id,
  inputError,
  errors,
}: {
  id: string;
  inputError?: string | null | undefined;
  errors: readonly string[];
}) {
  if (!inputError && errors.length === 0) return null;
  return (
    <div className="hri-field__messages" id={id}>
      {inputError && (
        <p className="hri-msg hri-msg--input" role="alert" data-testid="field-error" data-source="input">
          {inputError}
        </p>
      )}
      {errors.map((m, i) => (
        <p key={i} className="hri-msg" role="alert" data-testid="field-error" data-source="engine">
          <MessageText text={m} />
        </p>
      ))}
    </div>
  );
}

/** An engine message, its `code` spans as code. */
export function MessageText({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/);
  return <>{parts.map((p, i) => (i % 2 === 1 ? <code key={i}>{p}</code> : p))}</>;
}

interface BaseProps {
  /** `data-field`: the field's path relative to its item. */
  field: string;
  label: string;
  help?: string | undefined;
  unit?: string | undefined;
  required?: boolean | undefined;
  errors?: readonly string[] | undefined;
  disabled?: boolean | undefined;
  className?: string | undefined;
}

/** A number: empty shows the default as placeholder, clearing removes the field. */
export function NumberField(
  props: BaseProps & {
    value: number | undefined;
    placeholder?: string | undefined;
    integer?: readonly [number, number] | undefined;
    onCommit: (value: number | undefined) => CommitResult;
  },
) {
  const { field, value, placeholder, integer, required, onCommit } = props;
  const id = useId();
  const draft = useDraft(formatNumber(value), (text) => {
    const parsed = parseNumber(text, { integer, required });
    if (!parsed.ok) return parsed.error;
    if (parsed.value === value) return null;
    return onCommit(parsed.value) || null;
  });
  const invalid = (props.errors?.length ?? 0) > 0 || draft.error !== null;
  return (
    <FieldShell {...shellProps(props, id)} inputError={draft.error}>
      <input
        id={id}
        className="hri-input hri-input--number"
        type="text"
        inputMode={integer ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        data-field={field}
        value={draft.text}
        placeholder={placeholder}
        title={props.help}
        disabled={props.disabled}
        aria-required={props.required || undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-msg` : undefined}
        onChange={(e) => draft.onChange(e.target.value)}
        onBlur={draft.onBlur}
        onKeyDown={draft.onKeyDown}
      />
    </FieldShell>
  );
}

/** Free text: clearing removes the field, unless `required`. */
export function TextField(
  props: BaseProps & {
    value: string | undefined;
    placeholder?: string | undefined;
    mono?: boolean | undefined;
    onCommit: (value: string | undefined) => CommitResult;
  },
) {
  const { field, value, placeholder, required, onCommit } = props;
  const id = useId();
  const draft = useDraft(value ?? '', (text) => {
    const t = text.trim();
    if (t === '') {
      if (required) return 'Required';
      if (value === undefined) return null;
      return onCommit(undefined) || null;
    }
    if (t === value) return null;
    return onCommit(t) || null;
  });
  const invalid = (props.errors?.length ?? 0) > 0 || draft.error !== null;
  return (
    <FieldShell {...shellProps(props, id)} inputError={draft.error}>
      <input
        id={id}
        className={`hri-input${props.mono ? ' hri-input--mono' : ''}`}
        type="text"
        autoComplete="off"
        spellCheck={false}
        data-field={field}
        value={draft.text}
        placeholder={placeholder}
        title={props.help}
        disabled={props.disabled}
        aria-required={props.required || undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-msg` : undefined}
        onChange={(e) => draft.onChange(e.target.value)}
        onBlur={draft.onBlur}
        onKeyDown={draft.onKeyDown}
      />
    </FieldShell>
  );
}

/**
 * A choice, committed as soon as it changes. `emptyLabel` adds a first option for "not
 * set" (the engine's default); a value outside `options` (a dangling reference) is kept
 * as an option of its own, so the select shows what the spec says. Without an
 * `emptyLabel`, `unsetLabel` is what an unset value shows: a first option that cannot be
 * chosen (a choice still to make, not a way back to none).
 */
export function SelectField(
  props: BaseProps & {
    value: string | undefined;
    options: readonly Option[];
    emptyLabel?: string | undefined;
    unsetLabel?: string | undefined;
    onCommit: (value: string | undefined) => CommitResult;
  },
) {
  const { field, value, options, emptyLabel, unsetLabel, onCommit } = props;
  const id = useId();
  const [error, setError] = useState<{ message: string; base: string | undefined } | null>(null);
  const shownError = error !== null && error.base === value ? error.message : null;
  const known = value === undefined || options.some((o) => o.value === value);
  const invalid = (props.errors?.length ?? 0) > 0 || shownError !== null;
  return (
    <FieldShell {...shellProps(props, id)} inputError={shownError}>
      <select
        id={id}
        className="hri-input hri-select"
        data-field={field}
        value={value ?? ''}
        title={props.help}
        disabled={props.disabled}
        aria-required={props.required || undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${id}-msg` : undefined}
        onChange={(e) => {
          const next = e.target.value === '' ? undefined : e.target.value;
          if (next === value) return;
          const message = onCommit(next);
          setError(message ? { message, base: value } : null);
        }}
      >
        {emptyLabel !== undefined && <option value="">{emptyLabel}</option>}
        {emptyLabel === undefined && unsetLabel !== undefined && value === undefined && (
          <option value="" disabled>
            {unsetLabel}
          </option>
        )}
        {!known && value !== undefined && <option value={value}>{`${value} (missing)`}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A boolean, committed as soon as it is toggled. */
export function CheckField(
  props: Omit<BaseProps, 'unit' | 'required'> & {
    checked: boolean;
    onCommit: (checked: boolean) => CommitResult;
  },
) {
  const id = useId();
  const errors = props.errors ?? [];
  return (
    <div className={`hri-check${errors.length > 0 ? ' hri-field--invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        data-field={props.field}
        checked={props.checked}
        disabled={props.disabled}
        title={props.help}
        aria-invalid={errors.length > 0 || undefined}
        onChange={(e) => {
          props.onCommit(e.target.checked);
        }}
      />
      <label htmlFor={id} title={props.help}>
        {props.label}
      </label>
      <FieldMessages id={`${id}-msg`} errors={errors} />
    </div>
  );
}

function shellProps(props: BaseProps, id: string): Omit<ShellProps, 'children'> {
  return {
    id,
    label: props.label,
    help: props.help,
    unit: props.unit,
    required: props.required,
    errors: props.errors,
    className: props.className,
  };
}

/** A titled group of fields. */
export function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  const id = useId();
  return (
    <section className="hri-section" aria-labelledby={id} data-testid={testId}>
      <h3 className="hri-section__title" id={id}>
        {title}
      </h3>
      {children}
    </section>
  );
}

/** A nested object (replication, autoscale, lock): a small group of sub-fields. */
export function SubGroup({
  legend,
  help,
  errors = [],
  children,
  field,
  bare = false,
}: {
  legend: string;
  help?: string | undefined;
  errors?: readonly string[];
  children: ReactNode;
  field: string;
  /** Without a frame and legend: the group is a section of its own already. */
  bare?: boolean;
}) {
  const id = useId();
  if (bare) {
    return (
      <div className="hri-group--bare" data-group={field} title={help}>
        <FieldMessages id={id} errors={errors} />
        {children}
      </div>
    );
  }
  return (
    <fieldset className="hri-group" data-group={field}>
      <legend title={help}>{legend}</legend>
      <FieldMessages id={id} errors={errors} />
      {children}
    </fieldset>
  );
}

export interface Problem {
  /** The field relative to the item, '' for the item itself. */
  field: string;
  message: string;
}

/** Messages about the item as a whole (or a field the form does not show). */
export function ItemProblems({
  problems,
  action,
}: {
  problems: readonly Problem[];
  /** An action offered beside a problem, e.g. removing a field that does not apply. */
  action?: (problem: Problem) => ReactNode;
}) {
  if (problems.length === 0) return null;
  return (
    <ul className="hri-problems" data-testid="item-problems">
      {problems.map((p, i) => (
        <li key={i} role="alert" data-path={p.field}>
          <span>
            {p.field !== '' && <code>{p.field}</code>} <MessageText text={p.message} />
          </span>
          {action?.(p)}
        </li>
      ))}
    </ul>
  );
}

/** A card's × button, which removes the item it heads (a tier, an operation, a class). */
export function RemoveButton({ testId, what, onClick }: { testId: string; what: string; onClick: () => void }) {
  return (
    <button
      type="button"
      className="hri-icon-button"
      data-testid={testId}
      aria-label={`Remove ${what}`}
      title={`Remove ${what.split(' ')[0]}`}
      onClick={onClick}
    >
      <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" aria-hidden="true">
        <path d="M6 6l12 12 M18 6L6 18" />
      </svg>
    </button>
  );
}
