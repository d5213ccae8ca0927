import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { Diagnostic } from '../bindings/Diagnostic';
import type { Spec } from '../bindings/Spec';
import { addClass, removeClass, setDailyProfileHour } from '../editor/specEdits';
import { shopSpec } from '../fixtures/shop';
import { WorkloadPanel } from './Inspector';

type OnEdit = (next: Spec, label: string) => void;

function renderPanel(spec: Spec = shopSpec(), diagnostics: Diagnostic[] = []) {
  const onEdit = vi.fn<OnEdit>();
  const onSelect = vi.fn();
  const utils = render(<WorkloadPanel spec={spec} diagnostics={diagnostics} onEdit={onEdit} onSelect={onSelect} />);
  return { ...utils, spec, onEdit, onSelect };
}

function rows(): HTMLElement[] {
  return screen.getAllByTestId('class-row');
}

function field(row: HTMLElement, name: string): HTMLInputElement {
  return row.querySelector(`[data-field="${name}"]`)!;
}

function bars(): SVGRectElement[] {
  return screen.getAllByTestId('profile-bar') as unknown as SVGRectElement[];
}

describe('WorkloadPanel: classes', () => {
  it('shows each class as a row', () => {
    renderPanel();
    const [browse, checkout] = rows();
    expect(browse).toHaveAttribute('data-index', '0');
    expect(field(browse!, 'name').value).toBe('browse');
    expect(field(browse!, 'rate_rps').value).toBe('2600');
    expect(field(browse!, 'entry').value).toBe('cdn');
    expect(field(browse!, 'p99_ms').value).toBe('');
    expect(field(browse!, 'p99_ms').placeholder).toBe('300 (targets)');
    expect(field(browse!, 'consistency').value).toBe('eventual');
    expect(field(checkout!, 'p99_ms').value).toBe('500');
    expect(screen.getByTestId('classes-total')).toHaveTextContent('3,000 req/s at peak');
  });

  it('edits a rate, an entry and a consistency', () => {
    const { onEdit } = renderPanel();
    const browse = rows()[0]!;
    fireEvent.change(field(browse, 'rate_rps'), { target: { value: '3200' } });
    fireEvent.keyDown(field(browse, 'rate_rps'), { key: 'Enter' });
    expect(onEdit.mock.calls[0]![0].workload.classes[0]!.rate_rps).toBe(3200);
    expect(onEdit.mock.calls[0]![1]).toBe('Set class browse rate_rps to 3200');

    fireEvent.change(field(browse, 'entry'), { target: { value: 'gateway' } });
    expect(onEdit.mock.calls[1]![0].workload.classes[0]!.entry).toBe('gateway');

    fireEvent.change(field(browse, 'consistency'), { target: { value: '' } });
    expect(onEdit.mock.calls[2]![0].workload.classes[0]).not.toHaveProperty('consistency');
    expect(onEdit.mock.calls[2]![1]).toBe('Clear class browse consistency');
  });

  it('refuses to clear a rate, and refuses a duplicate class name', () => {
    const { onEdit } = renderPanel();
    const browse = rows()[0]!;
    fireEvent.change(field(browse, 'rate_rps'), { target: { value: '' } });
    fireEvent.blur(field(browse, 'rate_rps'));
    expect(within(browse).getByTestId('field-error')).toHaveTextContent(/Required/);
    fireEvent.change(field(browse, 'name'), { target: { value: 'checkout' } });
    fireEvent.keyDown(field(browse, 'name'), { key: 'Enter' });
    expect(within(browse).getAllByTestId('field-error').map((e) => e.textContent)).toContain(
      'Another class is already named "checkout"',
    );
    expect(onEdit).not.toHaveBeenCalled();
  });

  it('renames a class', () => {
    const { onEdit } = renderPanel();
    const checkout = rows()[1]!;
    fireEvent.change(field(checkout, 'name'), { target: { value: 'purchase' } });
    fireEvent.keyDown(field(checkout, 'name'), { key: 'Enter' });
    const [next, label] = onEdit.mock.calls[0]!;
    expect(label).toBe('Rename class checkout to purchase');
    expect(next.dependencies[6]!.classes).toEqual(['purchase']);
  });

  it('adds and removes classes', () => {
    const { onEdit, spec } = renderPanel();
    fireEvent.click(screen.getByTestId('add-class'));
    expect(onEdit).toHaveBeenLastCalledWith(addClass(spec, 'class'), 'Add class class');
    fireEvent.click(within(rows()[1]!).getByTestId('remove-class'));
    expect(onEdit).toHaveBeenLastCalledWith(removeClass(spec, 1), 'Remove class checkout');
  });

  it('selects the entry of a class', () => {
    const { onSelect } = renderPanel();
    fireEvent.click(within(rows()[1]!).getByTestId('select-entry'));
    expect(onSelect).toHaveBeenCalledWith({ kind: 'component', name: 'gateway' });
  });

  it('shows a class diagnostic under its field', () => {
    renderPanel(shopSpec(), [
      {
        file: 'f',
        line: 1,
        column: 1,
        path: 'workload.classes[1].entry',
        message: 'workload.classes[1] "checkout": entry must name a component, got "gatewy" (did you mean "gateway"?)',
      },
    ]);
    const checkout = rows()[1]!;
    expect(field(checkout, 'entry')).toHaveAttribute('aria-invalid', 'true');
    expect(within(checkout).getByTestId('field-error')).toHaveTextContent(
      /^must name a component, got "gatewy" \(did you mean "gateway"\?\)$/,
    );
    expect(field(rows()[0]!, 'entry')).not.toHaveAttribute('aria-invalid');
  });
});

describe('WorkloadPanel: daily profile', () => {
  it('draws 24 bars, flat at 1 without a profile', () => {
    renderPanel();
    expect(bars()).toHaveLength(24);
    expect(bars().map((b) => b.getAttribute('data-value'))).toEqual(Array(24).fill('1'));
    expect(bars()[5]).toHaveAttribute('data-hour', '5');
    expect(screen.getByTestId('profile-reset')).toBeDisabled();
  });

  it('changes a focused bar by 0.05 with the arrow keys, one edit per key', () => {
    const spec = setDailyProfileHour(shopSpec(), 3, 0.5);
    const { onEdit } = renderPanel(spec);
    const bar = bars()[3]!;
    act(() => bar.focus());
    expect(screen.getByTestId('profile-readout')).toHaveTextContent('03:00–04:00');
    fireEvent.keyDown(bar, { key: 'ArrowUp' });
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit.mock.calls[0]![0].workload.daily_profile![3]).toBe(0.55);
    expect(onEdit.mock.calls[0]![1]).toBe('Set daily profile at 03:00 to 0.55');
    fireEvent.keyDown(bar, { key: 'ArrowDown' });
    expect(onEdit.mock.calls[1]![0].workload.daily_profile![3]).toBe(0.45);
    fireEvent.keyDown(bar, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(bars()[4]);
    expect(onEdit).toHaveBeenCalledTimes(2);
  });

  it('creates the profile from a key press on a flat day, and clamps at 1', () => {
    const { onEdit } = renderPanel();
    fireEvent.keyDown(bars()[0]!, { key: 'ArrowDown' });
    const profile = onEdit.mock.calls[0]![0].workload.daily_profile!;
    expect(profile).toHaveLength(24);
    expect(profile[0]).toBe(0.95);
    expect(profile[1]).toBe(1);
  });

  it('sets a bar by dragging: the live value shows, one edit on release', () => {
    const { onEdit } = renderPanel(setDailyProfileHour(shopSpec(), 7, 0.2));
    const svg = screen.getByTestId('daily-profile').querySelector('svg')!;
    // The chart drawn at its view-box size: 104 high, the plot from y = 4 to y = 88.
    svg.getBoundingClientRect = () => ({ top: 0, left: 0, width: 288, height: 104, right: 288, bottom: 104, x: 0, y: 0, toJSON: () => ({}) });
    const bar = bars()[7]!;
    fireEvent.pointerDown(bar, { pointerId: 1, button: 0, clientY: 88 - 0.3 * 84 });
    expect(bar).toHaveAttribute('data-value', '0.3');
    fireEvent.pointerMove(bar, { pointerId: 1, clientY: 88 - 0.6 * 84 });
    fireEvent.pointerMove(bar, { pointerId: 1, clientY: 88 - 0.75 * 84 });
    expect(bar).toHaveAttribute('data-value', '0.75');
    expect(screen.getByTestId('profile-readout')).toHaveTextContent('0.75× peak');
    expect(onEdit).not.toHaveBeenCalled();
    fireEvent.pointerUp(bar, { pointerId: 1, clientY: 88 - 0.75 * 84 });
    expect(onEdit).toHaveBeenCalledTimes(1);
    const [next, label] = onEdit.mock.calls[0]!;
    expect(next.workload.daily_profile![7]).toBe(0.75);
    expect(label).toBe('Set daily profile at 07:00 to 0.75');
  });

  it('clamps a drag past the top of the chart to 1', () => {
    const { onEdit } = renderPanel();
    const svg = screen.getByTestId('daily-profile').querySelector('svg')!;
    svg.getBoundingClientRect = () => ({ top: 100, left: 0, width: 576, height: 208, right: 576, bottom: 308, x: 0, y: 100, toJSON: () => ({}) });
    const bar = bars()[12]!;
    fireEvent.pointerDown(bar, { pointerId: 2, button: 0, clientY: 150 });
    fireEvent.pointerUp(bar, { pointerId: 2, clientY: 20 });
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit.mock.calls[0]![0].workload.daily_profile![12]).toBe(1);
  });

  it('resets to flat', () => {
    const spec = setDailyProfileHour(shopSpec(), 3, 0.5);
    const { onEdit } = renderPanel(spec);
    fireEvent.click(screen.getByTestId('profile-reset'));
    expect(onEdit.mock.calls[0]![0].workload).not.toHaveProperty('daily_profile');
    expect(onEdit.mock.calls[0]![1]).toBe('Clear daily profile');
  });

  it('marks an hour the engine reports', () => {
    const spec: Spec = { ...shopSpec(), workload: { ...shopSpec().workload, daily_profile: [...Array<number>(23).fill(1), 1.5] } };
    renderPanel(spec, [
      { file: 'f', line: 1, column: 1, path: 'workload.daily_profile[23]', message: 'workload.daily_profile[23] must be in [0, 1], got 1.5' },
    ]);
    expect(bars()[23]).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('daily-profile')).toHaveTextContent('23:00: must be in [0, 1], got 1.5');
  });
});
