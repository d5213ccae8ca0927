import { act, renderHook, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { LiveModel } from '../bindings/LiveModel';
import type { Spec } from '../bindings/Spec';
import { documentOf, memoryBackend } from '../fixtures/backend';
import { shopSpec, shopView } from '../fixtures/shop';
import * as H from './history';
import { sessionOf, useLiveAnalysis, useSession, type Session } from './useEditor';

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
