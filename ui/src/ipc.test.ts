import { afterEach, describe, expect, it } from 'vitest';

import { insideTauri, tauriBackend, toCommandError } from './ipc';

describe('toCommandError', () => {
  it('keeps a CommandError from the shell', () => {
    expect(toCommandError({ kind: 'io', message: 'cannot read x.yaml: not found' })).toEqual({
      kind: 'io',
      message: 'cannot read x.yaml: not found',
    });
  });

  it('wraps a plain string rejection as a bug', () => {
    expect(toCommandError('command initial_model not found')).toEqual({
      kind: 'internal',
      message: 'command initial_model not found',
    });
  });

  it('wraps an Error', () => {
    expect(toCommandError(new Error('boom'))).toEqual({ kind: 'internal', message: 'boom' });
  });

  it('takes a kind it does not know for a bug', () => {
    expect(toCommandError({ kind: 'no_such_kind', message: 'x' })).toEqual({ kind: 'internal', message: 'x' });
  });

  it('describes anything else', () => {
    expect(toCommandError(42).kind).toBe('internal');
    expect(toCommandError(42).message).toContain('42');
    expect(toCommandError({ nope: true }).message).toContain('nope');
    expect(toCommandError(undefined).message).toContain('undefined');
  });
});

describe('insideTauri', () => {
  afterEach(() => {
    delete window.__TAURI_INTERNALS__;
  });

  it('is false in a plain browser', () => {
    expect(insideTauri()).toBe(false);
    expect(tauriBackend.available).toBe(false);
  });

  it('is true when Tauri has injected its internals', () => {
    window.__TAURI_INTERNALS__ = {};
    expect(insideTauri()).toBe(true);
    expect(tauriBackend.available).toBe(true);
  });
});
