// The planner, behind the backend interface (see ../ipc.ts).

import { invoke } from '@tauri-apps/api/core';

import type { PlanProposal } from '../bindings/PlanProposal';
import type { Spec } from '../bindings/Spec';

export interface PlanBackend {
  /** The plan of `spec` as `headroom plan` makes it, with the models its steps lead to. */
  planModel(spec: Spec): Promise<PlanProposal>;
}

export const tauriPlan: PlanBackend = {
  planModel: (spec) => invoke<PlanProposal>('plan_model', { spec }),
};
