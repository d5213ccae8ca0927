// Opening layout against ELK on the perf harness's 300-component model:
// `cd ui && npx vitest bench --run src/graph/layout.bench.ts`.

import { bench, describe } from 'vitest';

import { layoutModel } from '../editor/layoutModel';
import { generatedSpec } from '../fixtures/generated';
import { quickLayout } from './quickLayout';

const spec = generatedSpec(300);
const ids = spec.components.map((c) => c.name);
const edges = spec.dependencies.map((d) => ({ source: d.from, target: d.to }));

describe('layout of the generated 300-component model', () => {
  bench('quickLayout', () => {
    quickLayout(ids, edges);
  });
  bench('ELK (layoutModel)', async () => {
    await layoutModel(spec);
  }, { iterations: 3, time: 0 });
});
