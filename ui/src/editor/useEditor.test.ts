import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

import type { LiveModel } from '../bindings/LiveModel';
import type { Spec } from '../bindings/Spec';
import { documentOf, memoryBackend } from '../fixtures/backend';
import { shopSpec, shopView } from '../fixtures/shop';
import * as H from './history';
import { sessionOf, useDrawnModel, useLiveAnalysis, useSession, type Session } from './useEditor';

const renamed = (spec: Spec, name: string): Spec => ({ ...spec, name });

describe('useSession', () => {
  it('computes each update from the one before, and reports it before React renders it', () => {
    const heard: { name: string | undefined; renderedName: string | undefined }[] = [];
    const { result } = renderHook(() => {
      const [session, update] = useSession((s) =>
        heard.push({ name: s?.history.present.spec.name, renderedName: result.current?.session?.history.present.spec.name }),
      );
      return { session, update };
    });
    const start = sessionOf(documentOf(shopView()), shopSpec());
    const edit = (name: string) => (s: Session | null) =>
      s && { ...s, history: H.commit(s.history, { spec: renamed(s.history.present.spec, name), positions: {} }, name) };

    act(() => {
      result.current.update(start);
      result.current.update(edit('a'));
      result.current.update(edit('b'));
    });
    // Three updates in one batch: each saw the one before, and each was heard while the
    // rendered session was still the one before the batch (none).
    expect(heard).toEqual([
      { name: 'shop', renderedName: undefined },
      { name: 'a', renderedName: undefined },
      { name: 'b', renderedName: undefined },
    ]);
    expect(result.current.session?.history.present.spec.name).toBe('b');
    expect(result.current.session?.history.past.map((p) => p.snapshot.spec.name)).toEqual(['shop', 'a']);

    // An update that changes nothing is not reported.
    act(() => result.current.update((s) => s));
    expect(heard).toHaveLength(3);
  });
});

describe('useLiveAnalysis', () => {
  it('keeps one request in flight: models given meanwhile coalesce into the newest', async () => {
    const backend = memoryBackend(null, 20);
    const asked: string[] = [];
    const answer = memoryBackend(null, 20);
    backend.analyzeModel = (spec, file, header): Promise<LiveModel> => {
      asked.push(spec.name);
      return answer.analyzeModel(spec, file, header);
    };
    const { result } = renderHook(() => useLiveAnalysis(backend));
    const base = shopSpec();
    const [one, two, three] = [renamed(base, 'one'), renamed(base, 'two'), renamed(base, 'three')];
    act(() => {
      result.current.analyze(one, 'shop.yaml', []);
      result.current.analyze(one, 'shop.yaml', []); // the same model again: asked once
      result.current.analyze(two, 'shop.yaml', []);
      result.current.analyze(three, 'shop.yaml', []);
    });
    await waitFor(() => expect(result.current.live.seq).toBe(2));
    expect(asked).toEqual(['one', 'three']);
    expect(result.current.live.model?.analysis).not.toBeNull();
    expect(result.current.live.error).toBeNull();
  });
});

describe('useDrawnModel', () => {
  afterEach(() => vi.useRealTimers());
  const HOLD = 100;
  const draw = (initial: { present: string; analysed: string | null }) =>
    renderHook(({ present, analysed }) => useDrawnModel(present, analysed, HOLD), { initialProps: initial });

  it('draws an edit once its analysis is in, and the model before it meanwhile', () => {
    vi.useFakeTimers();
    const { result, rerender } = draw({ present: 'a', analysed: 'a' });
    expect(result.current).toBe('a');
    rerender({ present: 'b', analysed: 'a' });
    expect(result.current).toBe('a');
    rerender({ present: 'b', analysed: 'b' });
    expect(result.current).toBe('b');
    // Nothing left to wait for: no timer changes it later.
    act(() => {
      vi.advanceTimersByTime(5 * HOLD);
    });
    expect(result.current).toBe('b');
  });

  it('draws the edit without its numbers once the wait is over', () => {
    vi.useFakeTimers();
    const { result, rerender } = draw({ present: 'a', analysed: 'a' });
    rerender({ present: 'b', analysed: 'a' });
    act(() => {
      vi.advanceTimersByTime(HOLD - 1);
    });
    expect(result.current).toBe('a');
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(result.current).toBe('b');
    // A late answer for the model before does not take the drawing back.
    rerender({ present: 'b', analysed: 'a' });
    expect(result.current).toBe('b');
  });

  it('waits at most the hold in all during a burst of edits, then draws the newest', () => {
    vi.useFakeTimers();
    const { result, rerender } = draw({ present: 'a', analysed: 'a' });
    // An edit every 30 ms, each analysed only once it is outdated.
    const edits = ['b', 'c', 'd', 'e'];
    edits.forEach((edit, i) => {
      rerender({ present: edit, analysed: i === 0 ? 'a' : (edits[i - 1] ?? null) });
      act(() => {
        vi.advanceTimersByTime(30);
      });
    });
    // 120 ms after the drawing fell behind (at 'b'), it shows the newest edit.
    expect(result.current).toBe('e');
  });

  it('draws a model that is its own analysis at once, and the first one given', () => {
    const { result, rerender } = draw({ present: 'a', analysed: null });
    expect(result.current).toBe('a');
    rerender({ present: 'b', analysed: 'b' });
    expect(result.current).toBe('b');
  });
});
