import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import type { StoredSimulation } from '../../bindings/StoredSimulation';
import { SIM_DEFAULTS } from '../../bindings/simDefaults';
import { shopSpec } from '../../fixtures/shop';
import { fixtureResult } from '../../fixtures/simulation';
import { ResultsView } from './ResultsView';

/** A stored run of the shop whose first class left requests unanswered (saturated). */
function saturatedRun(): StoredSimulation {
  const report = fixtureResult(shopSpec(), SIM_DEFAULTS);
  const c = report.classes[0]!;
  report.classes[0] = { ...c, unfinished: 120, mean_latency_ms: null, mean_latency_ms_ci95: null, p99_latency_ms: null, p99_latency_ms_ci95: null };
  return {
    run: { id: 1, revision_id: 1, kind: 'simulation', created_ms: 0 },
    revision: { id: 1, project_id: 7, parent_id: null, hash: 'h', created_ms: 0, message: 'Imported', size_bytes: 1 },
    revision_created: false,
    result: { settings: SIM_DEFAULTS, report, analytic_load: 1, analytic: [] },
  };
}

describe('ResultsView', () => {
  it('says unbounded where a saturated run left requests unanswered, and a number elsewhere', () => {
    const stored = saturatedRun();
    const name = stored.result.report.classes[0]!.name;
    render(<ResultsView stored={stored} current onReuse={() => {}} />);
    for (const key of ['mean', 'p99']) {
      expect(screen.getByTestId(`sim-row-${name}-${key}`).querySelectorAll('td')[1]).toHaveTextContent(/^unbounded$/);
    }
    expect(screen.getByTestId(`sim-row-${name}-p50`).querySelectorAll('td')[1]).toHaveTextContent(/^\d/);
    // A class that answered every request shows no "unbounded".
    const other = stored.result.report.classes[1]!.name;
    expect(screen.getByTestId(`sim-row-${other}-p99`)).not.toHaveTextContent('unbounded');
  });
});
