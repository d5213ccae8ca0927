import { describe, expect, it } from 'vitest';

import type { LiveAnswer } from '../bindings/LiveAnswer';
import type { LiveEdit } from '../bindings/LiveEdit';
import type { LiveModel } from '../bindings/LiveModel';
import type { Spec } from '../bindings/Spec';
import { shopSpec } from '../fixtures/shop';
import { liveAnalysisClient } from './live';
import { applyPatch, diff } from './patch';

/** How a Tauri command fails: it rejects with the command's `{kind, message}`, not an Error. */
const refuse = (kind: string, message: string): Promise<never> =>
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  Promise.reject({ kind, message });

/**
 * The backend's end (src/editor/live_session.rs), with a stand-in for the engine: each
 * component's utilisation is 1 / replicas.
 */
function fakeBackend() {
  let model: unknown = null;
  let answer: unknown = null;
  let revision: number | null = null;
  let counter = 0;
  const edits: LiveEdit[] = [];
  const send = (edit: LiveEdit): Promise<LiveAnswer> => {
    edits.push(edit);
    if (edit.base !== null && edit.base !== revision) {
      revision = null;
      return refuse('out_of_step', 'lost step');
    }
    model = applyPatch(edit.base === null ? null : model, edit.patch);
    const spec = model as Spec;
    const next = {
      diagnostics: [],
      analysis_error: null,
      analysis: { components: spec.components.map((c) => ({ name: c.name, utilization: 1 / (c.replicas ?? 1) })) },
    };
    const patch = diff(edit.base === null ? null : answer, next);
    answer = next;
    revision = ++counter;
    return Promise.resolve({ revision, patch });
  };
  return { send, edits, forget: () => (revision = null) };
}

const withReplicas = (spec: Spec, index: number, replicas: number): Spec => ({
  ...spec,
  components: spec.components.map((c, i) => (i === index ? { ...c, replicas } : c)),
});

type Fake = { components: { name: string; utilization: number }[] };
const components = (m: LiveModel) => (m.analysis as unknown as Fake).components;

describe('liveAnalysisClient', () => {
  it('sends the model whole once, then each edit as a patch, and shares the unchanged answer', async () => {
    const backend = fakeBackend();
    const analyze = liveAnalysisClient(backend.send);
    const first = shopSpec();
    const one = await analyze(first, 'shop.yaml', []);
    expect(backend.edits[0]).toMatchObject({ base: null, patch: [{ op: 'set', path: [], value: first }] });
    expect(components(one)[0]?.utilization).toBe(1 / (first.components[0]?.replicas ?? 1));

    const second = withReplicas(first, 0, 5);
    const two = await analyze(second, 'shop.yaml', []);
    expect(backend.edits[1]).toEqual({
      base: 1,
      patch: [{ op: 'set', path: ['components', 0, 'replicas'], value: 5 }],
      file: 'shop.yaml',
      header: [],
    });
    expect(components(two)[0]?.utilization).toBe(0.2);
    // Only the edited component's report is new.
    expect(components(two)[1]).toBe(components(one)[1]);
    expect(components(two)[0]).not.toBe(components(one)[0]);
  });

  it('sends the whole model again when the backend lost step, and after a failure', async () => {
    const backend = fakeBackend();
    const analyze = liveAnalysisClient(backend.send);
    const first = shopSpec();
    await analyze(first, 'shop.yaml', []);
    backend.forget();
    const second = withReplicas(first, 0, 4);
    const two = await analyze(second, 'shop.yaml', []);
    expect(backend.edits.map((e) => e.base)).toEqual([null, 1, null]);
    expect(components(two)[0]?.utilization).toBe(0.25);

    // A failure of another kind is the caller's, and the next edit goes whole.
    const failing = liveAnalysisClient(() => refuse('internal', 'stopped'));
    await expect(failing(first, 'shop.yaml', [])).rejects.toEqual({ kind: 'internal', message: 'stopped' });
    let fail = true;
    const flaky = fakeBackend();
    const analyzeFlaky = liveAnalysisClient((edit) =>
      fail ? refuse('internal', 'stopped') : flaky.send(edit),
    );
    fail = false;
    await analyzeFlaky(first, 'shop.yaml', []);
    fail = true;
    await expect(analyzeFlaky(second, 'shop.yaml', [])).rejects.toMatchObject({ kind: 'internal' });
    fail = false;
    const three = await analyzeFlaky(withReplicas(first, 0, 2), 'shop.yaml', []);
    expect(flaky.edits.map((e) => e.base)).toEqual([null, null]);
    expect(components(three)[0]?.utilization).toBe(0.5);
  });
});
