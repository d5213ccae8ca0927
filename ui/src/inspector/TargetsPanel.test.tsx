import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { Diagnostic } from '../bindings/Diagnostic';
import type { Spec } from '../bindings/Spec';
import { setClassField, setClassKind } from '../editor/specEdits';
import { shopSpec } from '../fixtures/shop';
import { TargetsPanel } from './Inspector';

type OnEdit = (next: Spec, label: string) => void;

function renderPanel(spec: Spec = shopSpec(), diagnostics: Diagnostic[] = []) {
  const onEdit = vi.fn<OnEdit>();
  render(<TargetsPanel spec={spec} diagnostics={diagnostics} onEdit={onEdit} />);
  return { onEdit, spec };
}

function field(name: string): HTMLInputElement {
  const el = screen.getByTestId('targets-panel').querySelector(`[data-field="${name}"]`);
  if (!el) throw new Error(`no field ${name}`);
  return el as HTMLInputElement;
}

describe('TargetsPanel', () => {
  it('shows the targets and practices', () => {
    renderPanel();
    expect(field('throughput_rps').value).toBe('3000');
    expect(field('p99_ms').value).toBe('300');
    expect(field('availability').value).toBe('99.95');
    expect(field('utilization_ceiling').value).toBe('0.7');
    expect(field('monthly_budget_usd').value).toBe('15000');
    expect(field('rollout').value).toBe('canary');
    expect(field('canary_percent').value).toBe('5');
    expect(field('monitoring').value).toBe('prometheus');
    expect(field('tracing').value).toBe('opentelemetry');
    expect(field('load_testing').checked).toBe(true);
    expect(field('chaos_testing').checked).toBe(false);
    expect(screen.getByLabelText('Availability').closest('.hri-field')).toHaveTextContent('%');
  });

  it('shows the default of an absent target', () => {
    const spec: Spec = { ...shopSpec(), targets: { p99_ms: 200 } };
    renderPanel(spec);
    expect(field('utilization_ceiling').placeholder).toBe('0.8 (default)');
    expect(field('throughput_rps').placeholder).toBe('none');
  });

  it('edits a target and clears one', () => {
    const { onEdit } = renderPanel();
    fireEvent.change(field('p99_ms'), { target: { value: '250' } });
    fireEvent.keyDown(field('p99_ms'), { key: 'Enter' });
    expect(onEdit.mock.calls[0]![0].targets?.p99_ms).toBe(250);
    expect(onEdit.mock.calls[0]![1]).toBe('Set targets.p99_ms to 250');
    fireEvent.change(field('monthly_budget_usd'), { target: { value: ' ' } });
    fireEvent.blur(field('monthly_budget_usd'));
    expect(onEdit.mock.calls[1]![0].targets).not.toHaveProperty('monthly_budget_usd');
    expect(onEdit.mock.calls[1]![1]).toBe('Clear targets.monthly_budget_usd');
  });

  it('asks to survive a lost replica and a lost zone, and stops asking', () => {
    const { onEdit } = renderPanel();
    expect(field('survive-replica').checked).toBe(false);
    fireEvent.click(field('survive-zone'));
    expect(onEdit.mock.calls[0]![0].targets?.survive).toEqual(['zone']);
    const both: Spec = { ...shopSpec(), targets: { survive: ['zone', 'replica'] } };
    const again = vi.fn<OnEdit>();
    render(<TargetsPanel spec={both} diagnostics={[]} onEdit={again} />);
    const boxes = screen.getAllByTestId('targets-panel')[1]!;
    const zone = boxes.querySelector('[data-field="survive-zone"]') as HTMLInputElement;
    expect(zone.checked).toBe(true);
    fireEvent.click(zone);
    expect(again.mock.calls[0]![0].targets?.survive).toEqual(['replica']);
    fireEvent.click(boxes.querySelector('[data-field="survive-replica"]') as HTMLInputElement);
    expect(again.mock.calls[1]![0].targets?.survive).toEqual(['zone']);
    // The last one out leaves the field out.
    const one: Spec = { ...shopSpec(), targets: { survive: ['replica'] } };
    const last = vi.fn<OnEdit>();
    render(<TargetsPanel spec={one} diagnostics={[]} onEdit={last} />);
    fireEvent.click(screen.getAllByTestId('targets-panel')[2]!.querySelector('[data-field="survive-replica"]')!);
    expect(last.mock.calls[0]![0].targets?.survive).toBeUndefined();
  });

  it('edits practices: a select, text and a checkbox', () => {
    const { onEdit } = renderPanel();
    fireEvent.change(field('rollout'), { target: { value: 'blue_green' } });
    expect(onEdit.mock.calls[0]![0].practices?.rollout).toBe('blue_green');
    fireEvent.change(field('monitoring'), { target: { value: 'datadog' } });
    fireEvent.keyDown(field('monitoring'), { key: 'Enter' });
    expect(onEdit.mock.calls[1]![0].practices?.monitoring).toBe('datadog');
    fireEvent.click(field('chaos_testing'));
    expect(onEdit.mock.calls[2]![0].practices?.chaos_testing).toBe(true);
    expect(onEdit.mock.calls[2]![1]).toBe('Set practices.chaos_testing to true');
  });

  it('shows the engine diagnostics of targets and practices under their fields', () => {
    renderPanel(shopSpec(), [
      { file: 'f', line: 1, column: 1, path: 'targets.availability', message: 'targets.availability must be a percentage in (0, 100], got 120' },
      { file: 'f', line: 1, column: 1, path: 'practices.canary_percent', message: 'practices.canary_percent applies only with `rollout: canary`' },
    ]);
    expect(field('availability')).toHaveAttribute('aria-invalid', 'true');
    const errors = screen.getAllByTestId('field-error').map((e) => e.textContent);
    expect(errors).toEqual(['must be a percentage in (0, 100], got 120', 'applies only with rollout: canary']);
  });

  it('shows the network figures, their defaults, and where an empty between-zones trip comes from', () => {
    renderPanel({ ...shopSpec(), network: { same_zone_ms: 0.4, cross_zone_usd_per_gb: 0.02 } });
    const section = screen.getByTestId('network-section');
    expect(section).toHaveTextContent('Network');
    expect(field('same_zone_ms').value).toBe('0.4');
    expect(field('cross_zone_usd_per_gb').value).toBe('0.02');
    expect(field('cross_zone_ms').value).toBe('');
    expect(field('cross_zone_ms').placeholder).toBe('same as in a zone');
    expect(field('payload_kb').placeholder).toBe('1 (default)');
    expect(screen.getByLabelText('Trip across zones').closest('.hri-field')).toHaveTextContent('ms');
    expect(screen.getByLabelText('Data between zones').closest('.hri-field')).toHaveTextContent('USD/GB');
    expect(field('payload_kb').title).toBe('What one call or message carries, request and response together, KB.');
  });

  it('shows the defaults of a spec with no network', () => {
    renderPanel();
    expect(field('same_zone_ms').placeholder).toBe('0 (default)');
    expect(field('cross_zone_usd_per_gb').placeholder).toBe('0 (default)');
  });

  it('edits each network figure, with its undo label', () => {
    const spec = shopSpec();
    const { onEdit } = renderPanel(spec);
    const edits: [string, string, number][] = [
      ['same_zone_ms', '0.5', 0.5],
      ['cross_zone_ms', '2', 2],
      ['payload_kb', '16', 16],
      ['cross_zone_usd_per_gb', '0.01', 0.01],
    ];
    edits.forEach(([name, text, value], i) => {
      fireEvent.change(field(name), { target: { value: text } });
      fireEvent.keyDown(field(name), { key: 'Enter' });
      expect(onEdit.mock.calls[i]![0]).toEqual({ ...spec, network: { [name]: value } });
      expect(onEdit.mock.calls[i]![1]).toBe(`Set network.${name} to ${value}`);
    });
  });

  it('removes the network key when its last figure is cleared', () => {
    const { onEdit } = renderPanel({ ...shopSpec(), network: { payload_kb: 4 } });
    fireEvent.change(field('payload_kb'), { target: { value: '' } });
    fireEvent.blur(field('payload_kb'));
    expect(onEdit.mock.calls[0]![0]).toEqual(shopSpec());
    expect('network' in onEdit.mock.calls[0]![0]).toBe(false);
    expect(onEdit.mock.calls[0]![1]).toBe('Clear network.payload_kb');
  });

  it('shows the diagnostics of the network under their fields, and the rest at the top', () => {
    renderPanel({ ...shopSpec(), network: { same_zone_ms: -1 } }, [
      { file: 'f', line: 1, column: 1, path: 'network.same_zone_ms', message: 'network.same_zone_ms must be >= 0, got -1' },
      { file: 'f', line: 1, column: 1, path: 'network', message: 'network: cross_zone_ms is below same_zone_ms' },
    ]);
    expect(field('same_zone_ms')).toHaveAttribute('aria-invalid', 'true');
    expect(field('cross_zone_ms')).not.toHaveAttribute('aria-invalid');
    const under = field('same_zone_ms').closest('.hri-field') as HTMLElement;
    expect(within(under).getByTestId('field-error')).toHaveTextContent(/^must be >= 0, got -1$/);
    expect(screen.getByTestId('network-section')).toHaveTextContent('cross_zone_ms is below same_zone_ms');
    expect(screen.getByTestId('targets-section')).not.toHaveTextContent('same_zone_ms');
  });

  it('says what the classes add up to when it is not the throughput target, unless a class is closed', () => {
    renderPanel();
    expect(screen.queryByTestId('throughput-hint')).toBeNull();
    cleanup();
    renderPanel(setClassField(shopSpec(), 0, 'rate_rps', 2000.5));
    expect(screen.getByTestId('throughput-hint')).toHaveTextContent(/^The classes add up to 2,400.5 req\/s\.$/);
    cleanup();
    // A closed class's rate is the analysis's to solve: the spec has no total to compare.
    renderPanel(setClassKind(shopSpec(), 0, 'closed'));
    expect(screen.queryByTestId('throughput-hint')).toBeNull();
  });
});
