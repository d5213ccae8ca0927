// Something the engine renders from the whole model (the report, the scaffold), kept in
// step with the model as it is edited: rendered again a moment after the last edit, an
// answer for an older model dropped, and always known to be of which model.

import { useEffect, useRef, useState } from 'react';

import type { CommandError } from '../bindings/CommandError';
import type { Spec } from '../bindings/Spec';
import { toCommandError } from '../ipc';

export interface Preview<T> {
  /** The latest rendering that succeeded, and the model it is of. */
  ok: { value: T; spec: Spec } | null;
  /** Why the latest model could not be rendered (null once one is). */
  failed: { error: CommandError; spec: Spec } | null;
  /** Whether what is shown is of the model as it stands (rendered, or refused, for it). */
  settled: boolean;
  /** Whether `ok` is of the model as it stands. */
  current: boolean;
}

/** How long after the last edit the model is rendered again. */
export const PREVIEW_DEBOUNCE_MS = 400;

export function usePreview<T>(
  spec: Spec,
  render: (spec: Spec) => Promise<T>,
  delayMs = PREVIEW_DEBOUNCE_MS,
): Preview<T> {
  const [ok, setOk] = useState<Preview<T>['ok']>(null);
  const [failed, setFailed] = useState<Preview<T>['failed']>(null);
  const first = useRef(true);

  useEffect(() => {
    let dropped = false;
    // The first rendering at once; later ones once the edits pause.
    const delay = first.current ? 0 : delayMs;
    first.current = false;
    const timer = setTimeout(() => {
      render(spec).then(
        (value) => {
          if (dropped) return;
          setOk({ value, spec });
          setFailed(null);
        },
        (e: unknown) => {
          if (!dropped) setFailed({ error: toCommandError(e), spec });
        },
      );
    }, delay);
    return () => {
      dropped = true;
      clearTimeout(timer);
    };
  }, [spec, render, delayMs]);

  const current = ok !== null && ok.spec === spec;
  return { ok, failed, current, settled: current || failed?.spec === spec };
}

/** A size for people: 812 B, 97.8 kB, 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

/** The file's name without its folder or extension (`/a/shop.yaml` → `shop`). */
export function baseName(file: string | null, fallback: string): string {
  if (!file) return fallback;
  const name = file.split(/[\\/]/).pop() ?? '';
  const stem = name.replace(/\.[^.]*$/, '');
  return stem || fallback;
}
