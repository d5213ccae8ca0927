// The live analysis's side of the conversation with the backend (src/editor/live_session.rs):
// each model goes as a patch of the one sent before, each answer comes as a patch of the
// one before, and the whole model goes again whenever the two ends may have lost step.

import type { LiveAnswer } from '../bindings/LiveAnswer';
import type { LiveEdit } from '../bindings/LiveEdit';
import type { LiveModel } from '../bindings/LiveModel';
import type { Spec } from '../bindings/Spec';
import { applyPatch, diff } from './patch';

/** What both ends hold after an answer. */
interface Step {
  spec: Spec;
  revision: number;
  answer: LiveModel;
}

/**
 * `analyzeModel` over `send` (the `live_edit` command). Calls must not overlap (the
 * editor keeps one request in flight); one that does is sent whole. An edit the backend
 * refuses as out of step is sent again whole, once.
 */
export function liveAnalysisClient(send: (edit: LiveEdit) => Promise<LiveAnswer>) {
  let last: Step | null = null;
  return async (spec: Spec, file: string, header: string[]): Promise<LiveModel> => {
    let from = last;
    // Until this edit is answered, neither end is known to hold anything: a failure sends
    // the next one whole.
    last = null;
    const ask = (base: Step | null) =>
      send({ base: base?.revision ?? null, patch: diff(base?.spec ?? null, spec), file, header });
    let answer: LiveAnswer;
    try {
      answer = await ask(from);
    } catch (reason) {
      if (from === null || (reason as { kind?: unknown } | null)?.kind !== 'out_of_step') throw reason;
      from = null;
      answer = await ask(null);
    }
    const model = applyPatch<LiveModel>(from?.answer ?? null, answer.patch);
    last = { spec, revision: answer.revision, answer: model };
    return model;
  };
}
