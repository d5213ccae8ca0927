import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { Spec } from '../bindings/Spec';
import { CallsSection } from './CallsSection';

const spec: Spec = {
  version: 1,
  name: 'm',
  workload: { classes: [] },
  components: [
    { name: 'api', kind: 'service', service_time_ms: 5 },
    { name: 'db', kind: 'database', service_time_ms: 2 },
  ],
  dependencies: [],
};

describe('CallsSection', () => {
  it('adds a call to the chosen component as one edit', () => {
    const onEdit = vi.fn<(next: Spec, label: string) => void>();
    render(<CallsSection spec={spec} name="api" onEdit={onEdit} />);
    expect(screen.getByTestId('add-call')).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Add a call to'), { target: { value: 'db' } });
    fireEvent.click(screen.getByTestId('add-call'));
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit.mock.calls[0]?.[0].dependencies).toEqual([{ from: 'api', to: 'db' }]);
    expect(onEdit.mock.calls[0]?.[1]).toBe('Connect api to db');
  });

  it('lists the calls it makes, each selecting its dependency', () => {
    const onSelect = vi.fn();
    const withCall = { ...spec, dependencies: [{ from: 'db', to: 'api' }, { from: 'api', to: 'db' }] };
    render(<CallsSection spec={withCall} name="api" onEdit={vi.fn()} onSelect={onSelect} />);
    const calls = screen.getAllByTestId('call');
    expect(calls.map((c) => c.textContent)).toEqual(['→ db']);
    fireEvent.click(calls[0]!);
    expect(onSelect).toHaveBeenCalledWith({ kind: 'dependency', index: 1 });
  });
});
