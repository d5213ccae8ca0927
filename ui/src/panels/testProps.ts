// PanelProps for a panel rendered on its own in a unit test.

import { vi } from 'vitest';

import type { Spec } from '../bindings/Spec';
import type { ConfirmRequest } from '../components/ConfirmDialog';
import type { MemoryBackend } from '../fixtures/backend';
import type { PanelProps } from './types';

export function panelProps(
  backend: MemoryBackend,
  spec: Spec,
  overrides: Partial<PanelProps> = {},
): PanelProps & { ask: ReturnType<typeof vi.fn<(r: ConfirmRequest) => Promise<string>>> } {
  return {
    backend,
    project: 1,
    file: '/models/shop.yaml',
    spec,
    header: [],
    analysis: null,
    stale: false,
    dirty: false,
    onApply: vi.fn(),
    onSelect: vi.fn(),
    onError: vi.fn(),
    ask: vi.fn<(r: ConfirmRequest) => Promise<string>>(() => Promise.resolve('cancel')),
    ...overrides,
  } as PanelProps & { ask: ReturnType<typeof vi.fn<(r: ConfirmRequest) => Promise<string>>> };
}
