import { describe, expect, it } from 'vitest';

import { formatDiagnostic } from './diagnostics';

describe('formatDiagnostic', () => {
  it('prints file:line:column: message', () => {
    expect(
      formatDiagnostic({
        file: 'models/shop.yaml',
        line: 12,
        column: 7,
        path: 'components[1].replicas',
        message: 'components[1] "gateway": replicas must be >= 1, got 0',
      }),
    ).toBe('models/shop.yaml:12:7: components[1] "gateway": replicas must be >= 1, got 0');
  });
});
