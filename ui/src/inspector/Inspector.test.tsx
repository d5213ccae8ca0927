import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';

import type { Diagnostic } from '../bindings/Diagnostic';
import { KIND_FIELDS } from '../bindings/kindFields';
import type { Spec } from '../bindings/Spec';
import type { Tier } from '../bindings/Tier';
import {
  addOperation,
  removeOperation,
  renameComponent,
  setClassField,
  setComponentField,
  setDependencyField,
  setOperationField,
  toggleDependencyClass,
} from '../editor/specEdits';
import { shopSpec } from '../fixtures/shop';
import { Inspector, type InspectorSelection } from './Inspector';

type OnEdit = (next: Spec, label: string) => void;

function diag(path: string, message: string): Diagnostic {
  return { file: 'models/shop.yaml', line: 1, column: 1, path, message };
}

function renderInspector(
  selection: InspectorSelection,
  options: { spec?: Spec; diagnostics?: Diagnostic[]; onEdit?: OnEdit; onSelect?: (s: InspectorSelection) => void } = {},
) {
  const spec = options.spec ?? shopSpec();
  const onEdit = vi.fn<OnEdit>(options.onEdit);
  const onSelect = vi.fn(options.onSelect);
  const utils = render(
    <Inspector spec={spec} selection={selection} diagnostics={options.diagnostics ?? []} onEdit={onEdit} onSelect={onSelect} />,
  );
  return { ...utils, spec, onEdit, onSelect };
}

/** An inspector over its own state, as the app holds it: every edit is applied. */
function Live({ initial, selection: first }: { initial: Spec; selection: InspectorSelection }) {
  const [spec, setSpec] = useState(initial);
  const [selection, setSelection] = useState(first);
  return (
    <Inspector
      spec={spec}
      selection={selection}
      diagnostics={[]}
      onEdit={(next) => setSpec(next)}
      onSelect={setSelection}
    />
  );
}

function fields(form: HTMLElement): string[] {
  return Array.from(form.querySelectorAll('[data-field]')).map((el) => el.getAttribute('data-field')!);
}

function input(form: HTMLElement, field: string): HTMLInputElement {
  const el = form.querySelector(`[data-field="${field}"]`);
  if (!el) throw new Error(`no input for ${field}`);
  return el as HTMLInputElement;
}

/** Types `text` into `el` (replacing its value) and presses `key`. */
function type(el: HTMLElement, text: string, key?: string) {
  fireEvent.change(el, { target: { value: text } });
  if (key) fireEvent.keyDown(el, { key });
}

describe('Inspector', () => {
  it('shows a hint when nothing is selected, and switches tabs on click', () => {
    renderInspector({ kind: 'none' });
    const root = screen.getByTestId('inspector');
    expect(within(root).getByTestId('inspector-hint')).toHaveTextContent('Nothing selected');
    expect(screen.getByTestId('inspector-tab-selection')).toHaveAttribute('aria-selected', 'true');

    fireEvent.click(screen.getByTestId('inspector-tab-workload'));
    expect(screen.getByTestId('inspector-tab-workload')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('workload-panel')).toBeInTheDocument();
    expect(screen.queryByTestId('inspector-hint')).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId('inspector-tab-targets'));
    expect(screen.getByTestId('targets-panel')).toBeInTheDocument();
    expect(screen.queryByTestId('workload-panel')).not.toBeInTheDocument();
  });

  it('counts the problems of the network on the Targets tab', () => {
    renderInspector(
      { kind: 'none' },
      {
        diagnostics: [
          diag('targets.p99_ms', 'targets.p99_ms must be > 0, got 0'),
          diag('network.same_zone_ms', 'network.same_zone_ms must be >= 0, got -1'),
          diag('workload.classes[0].rate_rps', 'workload.classes[0] "checkout": rate_rps must be >= 0, got -1'),
        ],
      },
    );
    expect(within(screen.getByTestId('inspector-tab-targets')).getByLabelText('2 problems')).toHaveTextContent('2');
    expect(within(screen.getByTestId('inspector-tab-workload')).getByLabelText('1 problems')).toHaveTextContent('1');
    fireEvent.click(screen.getByTestId('inspector-tab-targets'));
    const under = input(screen.getByTestId('network-section'), 'same_zone_ms').closest('.hri-field') as HTMLElement;
    expect(within(under).getByTestId('field-error')).toHaveTextContent(/^must be >= 0, got -1$/);
  });

  it('brings the Selection tab forward when the selection changes', () => {
    const { rerender, onEdit } = renderInspector({ kind: 'none' });
    fireEvent.click(screen.getByTestId('inspector-tab-targets'));
    rerender(<Inspector spec={shopSpec()} selection={{ kind: 'component', name: 'api' }} diagnostics={[]} onEdit={onEdit} />);
    expect(screen.getByTestId('component-form')).toHaveAttribute('data-name', 'api');
  });

  it('shows a selected class on the Workload tab, marked and only that one', () => {
    const spec = shopSpec();
    const [first, second] = spec.workload.classes;
    const { rerender, onEdit } = renderInspector({ kind: 'class', name: second!.name }, { spec });
    expect(screen.getByTestId('inspector-tab-workload')).toHaveAttribute('aria-selected', 'true');
    const marked = () =>
      screen.getAllByTestId('class-row').filter((r) => r.getAttribute('data-highlighted') === 'true').map((r) => r.getAttribute('data-name'));
    expect(marked()).toEqual([second!.name]);

    // Another class: still Workload, the mark moves; a component: back to Selection.
    fireEvent.click(screen.getByTestId('inspector-tab-targets'));
    rerender(<Inspector spec={spec} selection={{ kind: 'class', name: first!.name }} diagnostics={[]} onEdit={onEdit} />);
    expect(screen.getByTestId('inspector-tab-workload')).toHaveAttribute('aria-selected', 'true');
    expect(marked()).toEqual([first!.name]);
    rerender(<Inspector spec={spec} selection={{ kind: 'component', name: 'api' }} diagnostics={[]} onEdit={onEdit} />);
    expect(screen.getByTestId('component-form')).toHaveAttribute('data-name', 'api');
    fireEvent.click(screen.getByTestId('inspector-tab-workload'));
    expect(marked()).toEqual([]);
  });

  it('shows exactly the fields that apply to a service', () => {
    renderInspector({ kind: 'component', name: 'api' });
    const form = screen.getByTestId('component-form');
    expect(form).toHaveAttribute('data-name', 'api');
    const groups: Partial<Record<string, string[]>> = {
      autoscale: ['autoscale.min', 'autoscale.max'],
      scaled_up_from: ['scaled_up_from.service_time_ms', 'scaled_up_from.cost_per_replica_hour'],
      // One row per operation, and api has none yet: only the button to add one.
      operations: [],
    };
    const expected = KIND_FIELDS.service.flatMap((f) => groups[f] ?? [f]);
    expect(fields(form).sort()).toEqual(['name', 'kind', ...expected].sort());
    expect(fields(form)).not.toContain('hit_ratio');
    expect(form.querySelector('[data-group="operations"]')).toContainElement(within(form).getByTestId('add-operation'));
  });

  it('shows a service with operations a row of fields for each', () => {
    renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop() });
    const form = screen.getByTestId('component-form');
    const groups: Partial<Record<string, string[]>> = {
      autoscale: ['autoscale.min', 'autoscale.max'],
      scaled_up_from: ['scaled_up_from.service_time_ms', 'scaled_up_from.cost_per_replica_hour'],
      operations: [0, 1].flatMap((i) => ['name', 'service_time_ms', 'service_time_cv'].map((f) => `operations[${i}].${f}`)),
    };
    const expected = KIND_FIELDS.service.flatMap((f) => groups[f] ?? [f]);
    expect(fields(form).sort()).toEqual(['name', 'kind', ...expected].sort());
  });

  it('shows exactly the fields that apply to a CDN, with units and defaults', () => {
    renderInspector({ kind: 'component', name: 'cdn' });
    const form = screen.getByTestId('component-form');
    expect(fields(form).sort()).toEqual(
      ['name', 'kind', 'hit_ratio', 'latency_ms', 'availability', 'cost_per_million_requests_usd'].sort(),
    );
    expect(input(form, 'latency_ms').value).toBe('12');
    expect(input(form, 'cost_per_million_requests_usd').value).toBe('');
    expect(input(form, 'cost_per_million_requests_usd').placeholder).toBe('0 (default)');
    expect(screen.getByLabelText('Latency').closest('.hri-field')).toHaveTextContent('ms');
    expect(screen.getByLabelText(/Hit ratio/)).toHaveAttribute('title', expect.stringContaining('Fraction of requests'));
  });

  it('shows a database replication group and edits a member of it', () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'orders-db' });
    const form = screen.getByTestId('component-form');
    expect(input(form, 'replication.mode').value).toBe('async');
    type(input(form, 'replication.read_replicas'), '3', 'Enter');
    expect(onEdit).toHaveBeenCalledTimes(1);
    const [next, label] = onEdit.mock.calls[0]!;
    expect(next.components[4]!.replication).toEqual({ ...spec.components[4]!.replication, read_replicas: 3 });
    expect(label).toBe('Set orders-db replication.read_replicas to 3');
  });

  it('commits a number on Enter with a label', () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'api' });
    const replicas = input(screen.getByTestId('component-form'), 'replicas');
    expect(replicas.value).toBe('4');
    type(replicas, '6');
    expect(onEdit).not.toHaveBeenCalled();
    fireEvent.keyDown(replicas, { key: 'Enter' });
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit).toHaveBeenCalledWith(setComponentField(spec, 'api', 'replicas', 6), 'Set api replicas to 6');
  });

  it('commits on blur, once', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' });
    const st = input(screen.getByTestId('component-form'), 'service_time_ms');
    type(st, '7.5');
    fireEvent.blur(st);
    fireEvent.blur(st);
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit.mock.calls[0]![0].components[2]!.service_time_ms).toBe(7.5);
  });

  it('reverts on Escape', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' });
    const replicas = input(screen.getByTestId('component-form'), 'replicas');
    type(replicas, '12', 'Escape');
    expect(replicas.value).toBe('4');
    fireEvent.blur(replicas);
    expect(onEdit).not.toHaveBeenCalled();
  });

  it('removes a field that is cleared', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' });
    type(input(screen.getByTestId('component-form'), 'zones'), '', 'Enter');
    const [next, label] = onEdit.mock.calls[0]!;
    expect(next.components[2]).not.toHaveProperty('zones');
    expect(label).toBe('Clear api zones');
  });

  it('refuses what is not a number, inline', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' });
    const replicas = input(screen.getByTestId('component-form'), 'replicas');
    type(replicas, 'four', 'Enter');
    expect(onEdit).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error')).toHaveTextContent('"four" is not a number');
    expect(replicas).toHaveAttribute('aria-invalid', 'true');
    expect(replicas.value).toBe('four');

    type(replicas, '2.5', 'Enter');
    expect(screen.getByTestId('field-error')).toHaveTextContent('whole number');
    expect(onEdit).not.toHaveBeenCalled();

    type(replicas, '5', 'Enter');
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('field-error')).not.toBeInTheDocument();
  });

  it('refuses to clear a required field', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' });
    const st = input(screen.getByTestId('component-form'), 'service_time_ms');
    expect(st.closest('.hri-field')).toHaveTextContent('*');
    type(st, '', 'Enter');
    expect(onEdit).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error')).toHaveTextContent(/Required/);
  });

  it('shows a diagnostic under its field, and the rest at the top', () => {
    const diagnostics = [
      diag('components[2].replicas', 'components[2] "api": replicas must be within autoscale bounds [2, 24], got 40'),
      diag('components[2].hit_ratio', 'components[2] "api": hit_ratio does not apply to a service'),
      diag('components[3].replicas', 'components[3] "session-cache": replicas must be in [1, 100000], got 0'),
      diag('', 'whole file'),
    ];
    renderInspector({ kind: 'component', name: 'api' }, { diagnostics });
    const form = screen.getByTestId('component-form');
    const replicas = input(form, 'replicas');
    expect(replicas).toHaveAttribute('aria-invalid', 'true');
    const field = replicas.closest('.hri-field') as HTMLElement;
    expect(within(field).getByTestId('field-error')).toHaveTextContent(/^must be within autoscale bounds \[2, 24\], got 40$/);
    expect(input(form, 'concurrency')).not.toHaveAttribute('aria-invalid');
    const top = within(form).getByTestId('item-problems');
    expect(top).toHaveTextContent('hit_ratio does not apply to a service');
    expect(form).not.toHaveTextContent('whole file');
    expect(form).not.toHaveTextContent('100000');
    expect(screen.getByTestId('inspector-tab-selection')).toHaveTextContent('2');
  });

  it('offers to remove a field that does not apply to the kind', () => {
    const spec = setComponentField(shopSpec(), 'api', 'hit_ratio', 0.5);
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' }, { spec });
    fireEvent.click(screen.getByTestId('remove-stray'));
    expect(onEdit.mock.calls[0]![0].components[2]).not.toHaveProperty('hit_ratio');
    expect(onEdit.mock.calls[0]![1]).toBe('Clear api hit_ratio');
  });

  it('re-syncs an input when the spec changes from outside', () => {
    const { rerender, onEdit } = renderInspector({ kind: 'component', name: 'api' });
    const form = () => screen.getByTestId('component-form');
    const show = (spec: Spec) =>
      rerender(<Inspector spec={spec} selection={{ kind: 'component', name: 'api' }} diagnostics={[]} onEdit={onEdit} />);

    show(setComponentField(shopSpec(), 'api', 'replicas', 9));
    expect(input(form(), 'replicas').value).toBe('9');

    // A draft in progress gives way to an undo.
    type(input(form(), 'replicas'), '11');
    show(shopSpec());
    expect(input(form(), 'replicas').value).toBe('4');
    fireEvent.blur(input(form(), 'replicas'));
    expect(onEdit).not.toHaveBeenCalled();
  });

  it('renames a component, and selects it under its new name', () => {
    const { onEdit, onSelect, spec } = renderInspector({ kind: 'component', name: 'api' });
    type(input(screen.getByTestId('component-form'), 'name'), 'backend', 'Enter');
    expect(onEdit).toHaveBeenCalledWith(renameComponent(spec, 'api', 'backend'), 'Rename api to backend');
    expect(onSelect).toHaveBeenCalledWith({ kind: 'component', name: 'backend' });
  });

  it('refuses a duplicate name inline', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' });
    type(input(screen.getByTestId('component-form'), 'name'), 'gateway', 'Enter');
    expect(onEdit).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error')).toHaveTextContent('Another component is already named "gateway"');
  });

  it('changes the kind, and the form follows', () => {
    render(<Live initial={shopSpec()} selection={{ kind: 'component', name: 'api' }} />);
    fireEvent.change(input(screen.getByTestId('component-form'), 'kind'), { target: { value: 'external' } });
    const form = screen.getByTestId('component-form');
    expect(form).toHaveAttribute('data-kind', 'external');
    expect(fields(form).sort()).toEqual(['name', 'kind', 'latency_ms', 'availability', 'cost_per_million_requests_usd'].sort());
    // As a new external starts: 100 ms away.
    expect(input(form, 'latency_ms').value).toBe('100');
  });

  it('follows a rename when it holds the selection itself', () => {
    render(<Live initial={shopSpec()} selection={{ kind: 'component', name: 'api' }} />);
    type(input(screen.getByTestId('component-form'), 'name'), 'backend', 'Enter');
    expect(screen.getByTestId('component-form')).toHaveAttribute('data-name', 'backend');
  });

  it('edits an enum with a select, the default first', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'fulfilment' });
    const io = input(screen.getByTestId('component-form'), 'io');
    expect(io.value).toBe('');
    expect((io as unknown as HTMLSelectElement).options[0]!.textContent).toBe('Async (default)');
    fireEvent.change(io, { target: { value: 'blocking' } });
    expect(onEdit.mock.calls[0]![0].components[6]!.io).toBe('blocking');
    expect(onEdit.mock.calls[0]![1]).toBe('Set fulfilment io to blocking');
  });

  it('picks a runtime and gives a fraction of a core and the memory', () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'fulfilment' });
    const form = screen.getByTestId('component-form');
    const runtime = input(form, 'runtime') as unknown as HTMLSelectElement;
    expect(runtime.value).toBe('node');
    expect([...runtime.options].map((o) => o.value)).toEqual(['', 'rust', 'node', 'go', 'java', 'python', 'other']);
    fireEvent.change(runtime, { target: { value: 'python' } });
    expect(onEdit.mock.calls[0]![0].components[6]!.runtime).toBe('python');
    expect(onEdit.mock.calls[0]![1]).toBe('Set fulfilment runtime to python');
    expect(screen.getByLabelText('CPU').closest('.hri-field')).toHaveTextContent('cores');
    expect(screen.getByLabelText('CPU')).toHaveAttribute('title', expect.stringContaining('service_time_ms` is given at one full core'));
    type(input(form, 'cpu'), '0.25', 'Enter');
    expect(onEdit.mock.calls[1]![0]).toEqual(setComponentField(spec, 'fulfilment', 'cpu', 0.25));
    expect(onEdit.mock.calls[1]![1]).toBe('Set fulfilment cpu to 0.25');
    type(input(form, 'memory_mb'), '512', 'Enter');
    expect(onEdit.mock.calls[2]![0].components[6]!.memory_mb).toBe(512);
    // A database takes neither.
    expect(KIND_FIELDS.database).not.toContain('cpu');
  });

  it('sets autoscale bounds', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'fulfilment' });
    type(input(screen.getByTestId('component-form'), 'autoscale.max'), '8', 'Enter');
    expect(onEdit.mock.calls[0]![0].components[6]!.autoscale).toEqual({ min: 2, max: 8 });
  });
});

/** The shop with orders-db (components[4]) managed at `small`, its concurrency and price moved onto its tiers. */
function managedShop(
  tiers: Tier[] = [
    { name: 'small', concurrency: 16, cost_per_hour: 0.2 },
    { name: 'medium', concurrency: 32, cost_per_hour: 0.4 },
  ],
): Spec {
  let s = setComponentField(shopSpec(), 'orders-db', 'concurrency', undefined);
  s = setComponentField(s, 'orders-db', 'cost_per_replica_hour', undefined);
  s = setComponentField(s, 'orders-db', 'managed', true);
  s = setComponentField(s, 'orders-db', 'tiers', tiers);
  return setComponentField(s, 'orders-db', 'tier', tiers[0]?.name);
}

function tierRows(form: HTMLElement): HTMLElement[] {
  return within(form).queryAllByTestId('tier-row');
}

describe('Inspector: a managed component', () => {
  it('ticks and unticks managed, in a Provider section', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'orders-db' });
    const form = screen.getByTestId('component-form');
    const managed = input(form, 'managed');
    expect(managed.type).toBe('checkbox');
    expect(managed.checked).toBe(false);
    expect(screen.getByLabelText('Managed by its provider')).toBe(managed);
    expect(screen.getByRole('region', { name: 'Provider' })).toContainElement(managed);
    expect(managed).toHaveAttribute('title', expect.stringContaining('Run by a cloud provider'));
    fireEvent.click(managed);
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(onEdit.mock.calls[0]![0]).toEqual(setComponentField(shopSpec(), 'orders-db', 'managed', true));
    expect(onEdit.mock.calls[0]![1]).toBe('Make orders-db managed');

    const spec = managedShop();
    const off = vi.fn<OnEdit>();
    const again = render(<Inspector spec={spec} selection={{ kind: 'component', name: 'orders-db' }} diagnostics={[]} onEdit={off} />);
    const box = input(within(again.container).getByTestId('component-form'), 'managed');
    expect(box.checked).toBe(true);
    fireEvent.click(box);
    const [next, label] = off.mock.calls[0]!;
    expect(next.components[4]).not.toHaveProperty('managed');
    // Nothing else follows: the engine says tier and tiers now need managed.
    expect(next.components[4]!.tier).toBe('small');
    expect(next.components[4]!.tiers).toBe(spec.components[4]!.tiers);
    expect(label).toBe('Make orders-db not managed');
  });

  it('has no tier to pick until there are tiers', () => {
    renderInspector({ kind: 'component', name: 'orders-db' });
    const form = screen.getByTestId('component-form');
    const tier = input(form, 'tier') as unknown as HTMLSelectElement;
    expect(tier.disabled).toBe(true);
    expect([...tier.options].map((o) => o.textContent)).toEqual(['none']);
    expect(within(form).getByTestId('tier-hint')).toHaveTextContent('tick Managed, then add them');
    expect(tierRows(form)).toEqual([]);
    expect(within(form).getByTestId('add-tier')).toHaveTextContent('Add tier');
  });

  it('picks a tier from the select', () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'orders-db' }, { spec: managedShop() });
    const form = screen.getByTestId('component-form');
    const tier = input(form, 'tier') as unknown as HTMLSelectElement;
    expect(tier.disabled).toBe(false);
    expect(tier.value).toBe('small');
    expect([...tier.options].map((o) => [o.value, o.textContent])).toEqual([
      ['', 'none'],
      ['small', 'small'],
      ['medium', 'medium'],
    ]);
    expect(within(form).queryByTestId('tier-hint')).not.toBeInTheDocument();
    expect(tierRows(form).map((r) => r.getAttribute('data-active'))).toEqual(['true', null]);

    fireEvent.change(tier, { target: { value: 'medium' } });
    expect(onEdit).toHaveBeenCalledWith(setComponentField(spec, 'orders-db', 'tier', 'medium'), 'Set orders-db tier to medium');
    fireEvent.change(tier, { target: { value: '' } });
    expect(onEdit.mock.calls[1]![0].components[4]).not.toHaveProperty('tier');
    expect(onEdit.mock.calls[1]![1]).toBe('Clear orders-db tier');
  });

  it("edits a tier row's cost and concurrency, each one edit", () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'orders-db' }, { spec: managedShop() });
    const form = screen.getByTestId('component-form');
    const row = tierRows(form)[1]!;
    expect(row).toHaveAttribute('data-name', 'medium');
    // A database's tier: its name, price, concurrency and service time; no partitions.
    expect(fields(row)).toEqual(['tiers[1].name', 'tiers[1].cost_per_hour', 'tiers[1].concurrency', 'tiers[1].service_time_ms']);
    expect(input(row, 'tiers[1].name').value).toBe('medium');
    expect(input(row, 'tiers[1].cost_per_hour').value).toBe('0.4');
    expect(input(row, 'tiers[1].cost_per_hour').closest('.hri-field')).toHaveTextContent('USD/h');
    // Left out, a figure is the component's own: orders-db serves in 3 ms.
    expect(input(row, 'tiers[1].service_time_ms').placeholder).toBe("3 (the component's)");

    type(input(row, 'tiers[1].cost_per_hour'), '0.45', 'Enter');
    expect(onEdit).toHaveBeenCalledTimes(1);
    const [next, label] = onEdit.mock.calls[0]!;
    expect(next.components[4]!.tiers).toEqual([
      { name: 'small', concurrency: 16, cost_per_hour: 0.2 },
      { name: 'medium', concurrency: 32, cost_per_hour: 0.45 },
    ]);
    expect(label).toBe('Set orders-db tiers[1].cost_per_hour to 0.45');
    expect(spec.components[4]!.tiers![1]!.cost_per_hour).toBe(0.4);

    type(input(row, 'tiers[1].concurrency'), '2.5', 'Enter');
    expect(within(row).getByTestId('field-error')).toHaveTextContent('whole number');
    type(input(row, 'tiers[1].concurrency'), '64', 'Enter');
    expect(onEdit).toHaveBeenCalledTimes(2);
    expect(onEdit.mock.calls[1]![0].components[4]!.tiers![1]).toEqual({ name: 'medium', concurrency: 64, cost_per_hour: 0.4 });
    expect(onEdit.mock.calls[1]![1]).toBe('Set orders-db tiers[1].concurrency to 64');

    type(input(row, 'tiers[1].concurrency'), '', 'Enter');
    expect(onEdit.mock.calls[2]![0].components[4]!.tiers![1]).toEqual({ name: 'medium', cost_per_hour: 0.4 });
    expect(onEdit.mock.calls[2]![1]).toBe('Clear orders-db tiers[1].concurrency');

    // Its price has no default.
    type(input(row, 'tiers[1].cost_per_hour'), '', 'Enter');
    expect(onEdit).toHaveBeenCalledTimes(3);
    expect(within(row).getByTestId('field-error')).toHaveTextContent('Required');
  });

  it('renames a tier, and what the component runs at with it', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'orders-db' }, { spec: managedShop() });
    const row = tierRows(screen.getByTestId('component-form'))[0]!;
    type(input(row, 'tiers[0].name'), 'db.r6g.large', 'Enter');
    const [next, label] = onEdit.mock.calls[0]!;
    expect(next.components[4]!.tiers![0]!.name).toBe('db.r6g.large');
    expect(next.components[4]!.tier).toBe('db.r6g.large');
    expect(label).toBe('Rename orders-db tier small to db.r6g.large');

    type(input(row, 'tiers[0].name'), 'medium', 'Enter');
    expect(onEdit).toHaveBeenCalledTimes(1);
    expect(within(row).getByTestId('field-error')).toHaveTextContent('Another tier of orders-db is already named "medium"');
  });

  it('adds and removes tiers on live state; the last one takes the key with it', () => {
    const edits: string[] = [];
    let latest: Spec = shopSpec();
    function Harness() {
      const [spec, setSpec] = useState(managedShop());
      return (
        <Inspector
          spec={spec}
          selection={{ kind: 'component', name: 'orders-db' }}
          diagnostics={[]}
          onEdit={(next, label) => {
            edits.push(label);
            latest = next;
            setSpec(next);
          }}
        />
      );
    }
    render(<Harness />);
    const form = () => screen.getByTestId('component-form');
    const names = () => tierRows(form()).map((r) => r.getAttribute('data-name'));

    act(() => {
      fireEvent.click(within(form()).getByTestId('add-tier'));
    });
    expect(names()).toEqual(['small', 'medium', 'tier-3']);
    expect(latest.components[4]!.tiers![2]).toEqual({ name: 'tier-3', cost_per_hour: 0 });
    expect(input(tierRows(form())[2]!, 'tiers[2].cost_per_hour').value).toBe('0');

    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Remove tier medium' }));
    });
    expect(names()).toEqual(['small', 'tier-3']);
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Remove tier small' }));
    });
    // The tier it ran at is gone: the select shows it as missing, for the user to change.
    expect((input(form(), 'tier') as unknown as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('small (missing)');
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Remove tier tier-3' }));
    });
    expect(names()).toEqual([]);
    expect(latest.components[4]).not.toHaveProperty('tiers');
    expect(latest.components[4]!.managed).toBe(true);
    expect(edits).toEqual([
      'Add tier to orders-db',
      'Remove tier medium from orders-db',
      'Remove tier small from orders-db',
      'Remove tier tier-3 from orders-db',
    ]);

    act(() => {
      fireEvent.click(within(form()).getByTestId('add-tier'));
    });
    expect(latest.components[4]!.tiers).toEqual([{ name: 'tier-1', cost_per_hour: 0 }]);
  });

  it('shows diagnostics under the tier, the tiers and the row field they are about', () => {
    const diagnostics = [
      diag('components[4].tiers[0].cost_per_hour', 'components[4] "orders-db": tiers[0].cost_per_hour must be >= 0, got -1'),
      diag('components[4].tier', 'components[4] "orders-db": tier "large" is none of its tiers (small, medium)'),
      diag('components[4].tiers', 'components[4] "orders-db": tiers applies to a managed component: set managed: true'),
      diag('components[4].tiers[7].name', 'components[4] "orders-db": tiers[7].name must name the tier'),
    ];
    renderInspector({ kind: 'component', name: 'orders-db' }, { spec: managedShop(), diagnostics });
    const form = screen.getByTestId('component-form');
    const [first, second] = tierRows(form);
    const cost = input(first!, 'tiers[0].cost_per_hour');
    expect(cost).toHaveAttribute('aria-invalid', 'true');
    expect(within(cost.closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(/^must be >= 0, got -1$/);
    expect(input(first!, 'tiers[0].concurrency')).not.toHaveAttribute('aria-invalid');
    expect(within(second!).queryByTestId('field-error')).not.toBeInTheDocument();

    const tier = input(form, 'tier');
    expect(within(tier.closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(
      /^"large" is none of its tiers \(small, medium\)$/,
    );
    const group = form.querySelector('[data-group="tiers"]') as HTMLElement;
    expect(group).toHaveTextContent('applies to a managed component: set managed: true');
    // A row the form does not have: at the top, with its path.
    const top = within(form).getByTestId('item-problems');
    expect(top).toHaveTextContent('tiers[7].name');
    expect(top).not.toHaveTextContent('cost_per_hour');
  });

  it('shows a queue tier its partitions, not a concurrency', () => {
    let spec = setComponentField(shopSpec(), 'order-events', 'managed', true);
    spec = setComponentField(spec, 'order-events', 'tiers', [{ name: 'standard', partitions: 12, cost_per_hour: 0.1 }]);
    spec = setComponentField(spec, 'order-events', 'tier', 'standard');
    renderInspector({ kind: 'component', name: 'order-events' }, { spec });
    const row = tierRows(screen.getByTestId('component-form'))[0]!;
    expect(fields(row)).toEqual(['tiers[0].name', 'tiers[0].cost_per_hour', 'tiers[0].partitions']);
    expect(input(row, 'tiers[0].partitions').value).toBe('12');
  });

  it('shows a service none of it', () => {
    renderInspector({ kind: 'component', name: 'api' });
    const form = screen.getByTestId('component-form');
    for (const f of ['managed', 'tier', 'tiers']) expect(KIND_FIELDS.service).not.toContain(f);
    expect(fields(form).filter((f) => /^(managed|tier|tiers)\b/.test(f))).toEqual([]);
    expect(within(form).queryByTestId('add-tier')).not.toBeInTheDocument();
    expect(within(form).queryByTestId('tier-hint')).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Provider' })).not.toBeInTheDocument();
  });
});

describe('Inspector: dependency form', () => {
  it('shows the dependency fields and edits them', () => {
    const { onEdit, spec } = renderInspector({ kind: 'dependency', index: 6 });
    const form = screen.getByTestId('dependency-form');
    expect(new Set(fields(form))).toEqual(
      new Set([
        'from',
        'to',
        'calls',
        'op',
        'mode',
        'parallel',
        'classes',
        'timeout_ms',
        'retries',
        'on_failure',
        'lock.keys',
        'lock.hold_ms',
        'network_ms',
        'payload_kb',
      ]),
    );
    expect(input(form, 'from').value).toBe('api');
    expect(input(form, 'to').value).toBe('payments');
    expect(input(form, 'timeout_ms').value).toBe('2000');
    expect(input(form, 'calls').placeholder).toBe('1 (default)');

    type(input(form, 'timeout_ms'), '1500', 'Enter');
    expect(onEdit).toHaveBeenLastCalledWith(
      { ...spec, dependencies: spec.dependencies.map((d, i) => (i === 6 ? { ...d, timeout_ms: 1500 } : d)) },
      'Set api → payments timeout_ms to 1500',
    );
  });

  it('lets a call fail softly: on_failure ignore, fail by default', () => {
    const { onEdit } = renderInspector({ kind: 'dependency', index: 6 });
    const onFailure = input(screen.getByTestId('dependency-form'), 'on_failure');
    expect(onFailure.value).toBe('');
    expect((onFailure as unknown as HTMLSelectElement).options[0]!.textContent).toBe('Fail (default)');
    fireEvent.change(onFailure, { target: { value: 'ignore' } });
    expect(onEdit.mock.calls[0]![0].dependencies[6]!.on_failure).toBe('ignore');
    expect(onEdit.mock.calls[0]![1]).toBe('Set api → payments on_failure to ignore');
  });

  it("sets a call's own round trip and payload, and clears them back to the network's", () => {
    const { onEdit, spec } = renderInspector({ kind: 'dependency', index: 6 });
    const form = screen.getByTestId('dependency-form');
    expect(input(form, 'network_ms').value).toBe('');
    expect(input(form, 'network_ms').placeholder).toBe('from the network (0 ms)');
    expect(input(form, 'payload_kb').placeholder).toBe('1 (default)');
    expect(input(form, 'network_ms').closest('.hri-field')).toHaveTextContent('ms');
    expect(input(form, 'payload_kb').closest('.hri-field')).toHaveTextContent('KB');

    type(input(form, 'network_ms'), '40', 'Enter');
    expect(onEdit.mock.calls[0]![0]).toEqual({
      ...spec,
      dependencies: spec.dependencies.map((d, i) => (i === 6 ? { ...d, network_ms: 40 } : d)),
    });
    expect(onEdit.mock.calls[0]![1]).toBe('Set api → payments network_ms to 40');
    type(input(form, 'payload_kb'), '12.5', 'Enter');
    expect(onEdit.mock.calls[1]![0].dependencies[6]!.payload_kb).toBe(12.5);
    expect(onEdit.mock.calls[1]![1]).toBe('Set api → payments payload_kb to 12.5');

    const own: Spec = {
      ...spec,
      dependencies: spec.dependencies.map((d, i) => (i === 6 ? { ...d, network_ms: 40, payload_kb: 12.5 } : d)),
    };
    const clear = vi.fn<OnEdit>();
    const again = render(<Inspector spec={own} selection={{ kind: 'dependency', index: 6 }} diagnostics={[]} onEdit={clear} />);
    const ownForm = within(again.container).getByTestId('dependency-form');
    expect(input(ownForm, 'network_ms').value).toBe('40');
    type(input(ownForm, 'network_ms'), '');
    fireEvent.blur(input(ownForm, 'network_ms'));
    expect(clear.mock.calls[0]![0].dependencies[6]).not.toHaveProperty('network_ms');
    expect(clear.mock.calls[0]![0].dependencies[6]!.payload_kb).toBe(12.5);
    expect(clear.mock.calls[0]![1]).toBe('Clear api → payments network_ms');
    type(input(ownForm, 'payload_kb'), '');
    fireEvent.blur(input(ownForm, 'payload_kb'));
    // The mock applies no edit, so this clear starts from `own` again.
    expect(clear.mock.calls[1]![0].dependencies[6]).toEqual({ ...spec.dependencies[6], network_ms: 40 });
    expect(clear.mock.calls[1]![1]).toBe('Clear api → payments payload_kb');
  });

  it("shows the spec's network figures as what an empty round trip and payload take", () => {
    renderInspector(
      { kind: 'dependency', index: 6 },
      { spec: { ...shopSpec(), network: { same_zone_ms: 0.5, cross_zone_ms: 2, payload_kb: 8 } } },
    );
    const form = screen.getByTestId('dependency-form');
    expect(input(form, 'network_ms').placeholder).toBe('from the network (0.5–2 ms)');
    expect(input(form, 'payload_kb').placeholder).toBe("8 (the network's)");
  });

  it('shows a diagnostic of its round trip under the field', () => {
    renderInspector(
      { kind: 'dependency', index: 6 },
      { diagnostics: [diag('dependencies[6].network_ms', 'dependencies[6] api -> payments: network_ms must be >= 0, got -3')] },
    );
    const form = screen.getByTestId('dependency-form');
    expect(input(form, 'network_ms')).toHaveAttribute('aria-invalid', 'true');
    expect(within(input(form, 'network_ms').closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(
      /^must be >= 0, got -3$/,
    );
    expect(within(form).queryByTestId('item-problems')).not.toBeInTheDocument();
  });

  it('changes an endpoint with a select', () => {
    const { onEdit } = renderInspector({ kind: 'dependency', index: 2 });
    fireEvent.change(input(screen.getByTestId('dependency-form'), 'to'), { target: { value: 'orders-db' } });
    expect(onEdit.mock.calls[0]![0].dependencies[2]!.to).toBe('orders-db');
    expect(onEdit.mock.calls[0]![1]).toBe('Change api → session-cache to api → orders-db');
  });

  it('ticks classes: all ticked is "every class"', () => {
    const { onEdit, spec } = renderInspector({ kind: 'dependency', index: 6 });
    const form = screen.getByTestId('dependency-form');
    const box = (name: string) => form.querySelector(`[data-field="classes"][data-class="${name}"]`) as HTMLInputElement;
    expect(box('checkout').checked).toBe(true);
    expect(box('browse').checked).toBe(false);
    // The last class cannot be unticked.
    expect(box('checkout').disabled).toBe(true);
    fireEvent.click(box('browse'));
    expect(onEdit).toHaveBeenCalledWith(toggleDependencyClass(spec, 6, 'browse', true), 'Apply api → payments to class browse');
    expect(onEdit.mock.calls[0]![0].dependencies[6]).not.toHaveProperty('classes');
  });

  it('shows a diagnostic of the edge under its field', () => {
    renderInspector(
      { kind: 'dependency', index: 7 },
      {
        diagnostics: [
          diag('dependencies[7].mode', 'dependencies[7] api -> order-events: mode is async, but "x" is a service'),
          diag('dependencies[7].classes[0]', 'dependencies[7] api -> order-events: classes[0] must name a request class, got "chekout"'),
        ],
      },
    );
    const form = screen.getByTestId('dependency-form');
    expect(input(form, 'mode')).toHaveAttribute('aria-invalid', 'true');
    expect(within(input(form, 'mode').closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(
      /^is async, but "x" is a service$/,
    );
    expect(form).toHaveTextContent('must name a request class, got "chekout"');
  });

  it('selects an endpoint from the heading', () => {
    const { onSelect } = renderInspector({ kind: 'dependency', index: 0 });
    fireEvent.click(screen.getByRole('button', { name: 'gateway' }));
    expect(onSelect).toHaveBeenCalledWith({ kind: 'component', name: 'gateway' });
  });

  it('says when the selected dependency is gone', () => {
    renderInspector({ kind: 'dependency', index: 42 });
    expect(screen.getByTestId('inspector-hint')).toHaveTextContent('no longer exists');
  });
});

describe('Inspector: a round of edits on live state', () => {
  it('commits one edit after another', () => {
    const edits: string[] = [];
    function Harness() {
      const [spec, setSpec] = useState(shopSpec());
      return (
        <Inspector
          spec={spec}
          selection={{ kind: 'component', name: 'api' }}
          diagnostics={[]}
          onEdit={(next, label) => {
            edits.push(label);
            setSpec(next);
          }}
        />
      );
    }
    render(<Harness />);
    const form = () => screen.getByTestId('component-form');
    act(() => type(input(form(), 'replicas'), '5', 'Enter'));
    act(() => type(input(form(), 'concurrency'), '16', 'Enter'));
    expect(input(form(), 'replicas').value).toBe('5');
    expect(input(form(), 'concurrency').value).toBe('16');
    expect(edits).toEqual(['Set api replicas to 5', 'Set api concurrency to 16']);
  });
});

/**
 * The shop with api (components[2]) serving get-cart and add_item: gateway → api
 * (dependencies[1]) asks for get-cart, the write api → orders-db (dependencies[5]) is
 * add_item's alone, and checkout (workload.classes[1]) enters at api with add_item.
 */
function operationsShop(): Spec {
  let s = setComponentField(shopSpec(), 'api', 'operations', [
    { name: 'get-cart', service_time_ms: 4 },
    { name: 'add_item', service_time_ms: 9, service_time_cv: 0.5 },
  ]);
  s = setDependencyField(s, 1, 'operation', 'get-cart');
  s = setDependencyField(s, 5, 'from_operation', 'add_item');
  s = setClassField(s, 1, 'entry', 'api');
  return setClassField(s, 1, 'operation', 'add_item');
}

function operationRows(form: HTMLElement): HTMLElement[] {
  return within(form).queryAllByTestId('operation-row');
}

function options(select: HTMLElement): [string, string, boolean][] {
  return [...(select as HTMLSelectElement).options].map((o) => [o.value, o.textContent ?? '', o.disabled]);
}

describe('Inspector: operations of a component', () => {
  it('shows each operation with its own figures, the component\'s as the fallback', () => {
    renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop() });
    const form = screen.getByTestId('component-form');
    const [getCart, addItem] = operationRows(form);
    expect(operationRows(form).map((r) => r.getAttribute('data-name'))).toEqual(['get-cart', 'add_item']);
    expect(fields(getCart!)).toEqual(['operations[0].name', 'operations[0].service_time_ms', 'operations[0].service_time_cv']);
    expect(input(getCart!, 'operations[0].name').value).toBe('get-cart');
    expect(input(getCart!, 'operations[0].service_time_ms').value).toBe('4');
    // Left out, a CV is api's own (1); api serves in 6 ms.
    expect(input(getCart!, 'operations[0].service_time_cv').value).toBe('');
    expect(input(getCart!, 'operations[0].service_time_cv').placeholder).toBe("1 (the component's)");
    expect(input(addItem!, 'operations[1].service_time_cv').value).toBe('0.5');
    expect(input(getCart!, 'operations[0].service_time_ms').closest('.hri-field')).toHaveTextContent('ms');
    expect(screen.getByRole('region', { name: 'Performance' })).toContainElement(getCart!);
    // With operations, api's own service time is their fallback, no longer required.
    const own = input(form, 'service_time_ms');
    expect(own.closest('.hri-field')).not.toHaveTextContent('*');
  });

  it("shows the component's service time as what an operation without its own takes", () => {
    let spec = setOperationField(operationsShop(), 'api', 0, 'service_time_ms', undefined);
    spec = setComponentField(spec, 'api', 'service_time_cv', undefined);
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' }, { spec });
    const row = operationRows(screen.getByTestId('component-form'))[0]!;
    expect(input(row, 'operations[0].service_time_ms').placeholder).toBe("6 (the component's)");
    expect(input(row, 'operations[0].service_time_cv').placeholder).toBe('1 (default)');

    // Without a service time of api's own, an operation has nothing to fall back on.
    const bare = setComponentField(spec, 'api', 'service_time_ms', undefined);
    const again = render(<Inspector spec={bare} selection={{ kind: 'component', name: 'api' }} diagnostics={[]} onEdit={onEdit} />);
    const form = within(again.container).getByTestId('component-form');
    const first = operationRows(form)[0]!;
    expect(input(first, 'operations[0].service_time_ms').placeholder).toBe('required');
    expect(input(first, 'operations[0].service_time_ms').closest('.hri-field')).toHaveTextContent('*');
    expect(input(form, 'service_time_ms').placeholder).toBe('per operation');
    type(input(operationRows(form)[1]!, 'operations[1].service_time_ms'), '', 'Enter');
    expect(onEdit).not.toHaveBeenCalled();
    expect(within(operationRows(form)[1]!).getByTestId('field-error')).toHaveTextContent('Required');
  });

  it('renames an operation on Enter, and the calls and classes that name it', () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop() });
    const row = operationRows(screen.getByTestId('component-form'))[1]!;
    type(input(row, 'operations[1].name'), 'add-item');
    expect(onEdit).not.toHaveBeenCalled();
    fireEvent.keyDown(input(row, 'operations[1].name'), { key: 'Enter' });
    expect(onEdit).toHaveBeenCalledTimes(1);
    const [next, label] = onEdit.mock.calls[0]!;
    expect(next).toEqual(setOperationField(spec, 'api', 1, 'name', 'add-item'));
    expect(next.components[2]!.operations).toEqual([
      { name: 'get-cart', service_time_ms: 4 },
      { name: 'add-item', service_time_ms: 9, service_time_cv: 0.5 },
    ]);
    expect(next.dependencies[5]!.from_operation).toBe('add-item');
    expect(next.workload.classes[1]!.operation).toBe('add-item');
    expect(next.dependencies[1]!.operation).toBe('get-cart');
    expect(label).toBe('Rename api operation add_item to add-item');
  });

  it('refuses a duplicate or malformed operation name inline', () => {
    const { onEdit } = renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop() });
    const row = operationRows(screen.getByTestId('component-form'))[1]!;
    type(input(row, 'operations[1].name'), 'get-cart', 'Enter');
    expect(within(row).getByTestId('field-error')).toHaveTextContent('Another operation of api is already named "get-cart"');
    type(input(row, 'operations[1].name'), 'AddItem', 'Enter');
    expect(within(row).getByTestId('field-error')).toHaveTextContent("lower-case letters, digits, '_' and '-'");
    type(input(row, 'operations[1].name'), '', 'Enter');
    expect(within(row).getByTestId('field-error')).toHaveTextContent('Required');
    expect(onEdit).not.toHaveBeenCalled();
  });

  it("sets and clears an operation's service time and CV, one edit each", () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop() });
    const row = operationRows(screen.getByTestId('component-form'))[0]!;
    type(input(row, 'operations[0].service_time_ms'), '2.5', 'Enter');
    expect(onEdit.mock.calls[0]![0]).toEqual(setOperationField(spec, 'api', 0, 'service_time_ms', 2.5));
    expect(onEdit.mock.calls[0]![1]).toBe('Set api operations[0].service_time_ms to 2.5');
    type(input(row, 'operations[0].service_time_cv'), 'low', 'Enter');
    expect(within(row).getByTestId('field-error')).toHaveTextContent('"low" is not a number');
    type(input(row, 'operations[0].service_time_cv'), '0.2');
    fireEvent.blur(input(row, 'operations[0].service_time_cv'));
    expect(onEdit.mock.calls[1]![0].components[2]!.operations![0]).toEqual({ name: 'get-cart', service_time_ms: 4, service_time_cv: 0.2 });
    // The mock applies no edit: this clear starts from the spec again.
    type(input(row, 'operations[0].service_time_ms'), '', 'Enter');
    expect(onEdit.mock.calls[2]![0].components[2]!.operations![0]).toEqual({ name: 'get-cart' });
    expect(onEdit.mock.calls[2]![1]).toBe('Clear api operations[0].service_time_ms');
    expect(onEdit).toHaveBeenCalledTimes(3);
  });

  it('adds and removes operations on live state; the last one takes the key with it', () => {
    const edits: string[] = [];
    let latest: Spec = shopSpec();
    function Harness() {
      const [spec, setSpec] = useState(shopSpec());
      return (
        <Inspector
          spec={spec}
          selection={{ kind: 'component', name: 'api' }}
          diagnostics={[]}
          onEdit={(next, label) => {
            edits.push(label);
            latest = next;
            setSpec(next);
          }}
        />
      );
    }
    render(<Harness />);
    const form = () => screen.getByTestId('component-form');
    const names = () => operationRows(form()).map((r) => r.getAttribute('data-name'));
    expect(names()).toEqual([]);

    act(() => {
      fireEvent.click(within(form()).getByTestId('add-operation'));
    });
    expect(latest.components[2]!.operations).toEqual([{ name: 'operation-1' }]);
    act(() => type(input(operationRows(form())[0]!, 'operations[0].name'), 'get-cart', 'Enter'));
    act(() => {
      fireEvent.click(within(form()).getByTestId('add-operation'));
    });
    expect(names()).toEqual(['get-cart', 'operation-2']);
    expect(input(operationRows(form())[1]!, 'operations[1].service_time_ms').placeholder).toBe("6 (the component's)");
    act(() => type(input(operationRows(form())[1]!, 'operations[1].service_time_ms'), '12', 'Enter'));
    expect(latest.components[2]!.operations).toEqual([{ name: 'get-cart' }, { name: 'operation-2', service_time_ms: 12 }]);

    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Remove operation get-cart' }));
    });
    expect(names()).toEqual(['operation-2']);
    act(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Remove operation operation-2' }));
    });
    expect(names()).toEqual([]);
    expect(latest.components[2]).not.toHaveProperty('operations');
    expect(latest).toEqual(shopSpec());
    expect(edits).toEqual([
      'Add operation operation-1 to api',
      'Rename api operation operation-1 to get-cart',
      'Add operation operation-2 to api',
      'Set api operations[1].service_time_ms to 12',
      'Remove operation get-cart from api',
      'Remove operation operation-2 from api',
    ]);
  });

  it('adds and removes with the pure edits, one edit each', () => {
    const { onEdit, spec } = renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop() });
    fireEvent.click(within(screen.getByTestId('component-form')).getByTestId('add-operation'));
    expect(onEdit).toHaveBeenLastCalledWith(addOperation(spec, 'api'), 'Add operation operation-3 to api');
    fireEvent.click(screen.getByRole('button', { name: 'Remove operation add_item' }));
    const [next, label] = onEdit.mock.calls[1]!;
    expect(next).toEqual(removeOperation(spec, 'api', 1));
    // What named it stays, for the engine to report.
    expect(next.dependencies[5]!.from_operation).toBe('add_item');
    expect(label).toBe('Remove operation add_item from api');
  });

  it('shows diagnostics under the operation, the operations and the row field they are about', () => {
    const diagnostics = [
      diag('components[2].operations[1].name', 'components[2] "api": operations[1].name "get-cart" is listed twice'),
      diag('components[2].operations[0].service_time_ms', 'components[2] "api": operations[0].service_time_ms must be > 0, got 0'),
      diag('components[2].operations[0]', 'components[2] "api": operations[0] is never asked for'),
      diag('components[2].operations', 'components[2] "api": operations is empty: list the operations, or leave it out'),
      diag('components[2].operations[4].name', 'components[2] "api": operations[4].name must be lower-case'),
    ];
    renderInspector({ kind: 'component', name: 'api' }, { spec: operationsShop(), diagnostics });
    const form = screen.getByTestId('component-form');
    const [first, second] = operationRows(form);
    const name = input(second!, 'operations[1].name');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(within(name.closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(/^"get-cart" is listed twice$/);
    const time = input(first!, 'operations[0].service_time_ms');
    expect(within(time.closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(/^must be > 0, got 0$/);
    expect(input(first!, 'operations[0].name')).not.toHaveAttribute('aria-invalid');
    expect(first).toHaveTextContent('is never asked for');
    expect(second).not.toHaveTextContent('is never asked for');
    expect(form.querySelector('[data-group="operations"]')).toHaveTextContent('is empty: list the operations, or leave it out');
    // A row the form does not have: at the top, with its path.
    const top = within(form).getByTestId('item-problems');
    expect(top).toHaveTextContent('operations[4].name');
    expect(top).not.toHaveTextContent('listed twice');
  });
});

describe('Inspector: the operations a dependency names', () => {
  it("picks the callee's operation; without one to clear to", () => {
    const { onEdit, spec } = renderInspector({ kind: 'dependency', index: 1 }, { spec: operationsShop() });
    const form = screen.getByTestId('dependency-form');
    const operation = input(form, 'operation');
    expect(operation.value).toBe('get-cart');
    expect(options(operation)).toEqual([
      ['get-cart', 'get-cart', false],
      ['add_item', 'add_item', false],
    ]);
    expect(screen.getByLabelText(/^Operation/)).toBe(operation);
    expect(operation).toHaveAttribute('title', expect.stringContaining("The callee's operation"));
    // gateway serves no operations by name: nothing makes the call but all of it.
    expect(fields(form)).not.toContain('from_operation');
    fireEvent.change(operation, { target: { value: 'add_item' } });
    expect(onEdit).toHaveBeenCalledWith(setDependencyField(spec, 1, 'operation', 'add_item'), 'Set gateway → api operation to add_item');
  });

  it('asks for an operation the call does not name yet', () => {
    const spec = setDependencyField(operationsShop(), 1, 'operation', undefined);
    const { onEdit } = renderInspector(
      { kind: 'dependency', index: 1 },
      { spec, diagnostics: [diag('dependencies[1]', 'dependencies[1] gateway -> api: needs operation: api serves get-cart, add_item at different costs')] },
    );
    const form = screen.getByTestId('dependency-form');
    const operation = input(form, 'operation');
    expect(operation.value).toBe('');
    expect(options(operation)).toEqual([
      ['', 'choose…', true],
      ['get-cart', 'get-cart', false],
      ['add_item', 'add_item', false],
    ]);
    expect(within(form).getByTestId('item-problems')).toHaveTextContent('needs operation: api serves get-cart, add_item');
    fireEvent.change(operation, { target: { value: 'get-cart' } });
    expect(onEdit.mock.calls[0]![0].dependencies[1]).toEqual({ from: 'gateway', to: 'api', operation: 'get-cart' });
  });

  it('picks the operation of the caller that alone makes the call, or every one', () => {
    const { onEdit, spec } = renderInspector({ kind: 'dependency', index: 5 }, { spec: operationsShop() });
    const form = screen.getByTestId('dependency-form');
    const madeBy = input(form, 'from_operation');
    expect(madeBy.value).toBe('add_item');
    expect(screen.getByLabelText('Made by')).toBe(madeBy);
    expect(options(madeBy)).toEqual([
      ['', 'every operation', false],
      ['get-cart', 'get-cart', false],
      ['add_item', 'add_item', false],
    ]);
    // orders-db lists no operations: nothing to ask it for.
    expect(fields(form)).not.toContain('operation');
    fireEvent.change(madeBy, { target: { value: 'get-cart' } });
    expect(onEdit).toHaveBeenLastCalledWith(
      setDependencyField(spec, 5, 'from_operation', 'get-cart'),
      'Set api → orders-db from_operation to get-cart',
    );
    fireEvent.change(madeBy, { target: { value: '' } });
    expect(onEdit.mock.calls[1]![0].dependencies[5]).not.toHaveProperty('from_operation');
    expect(onEdit.mock.calls[1]![1]).toBe('Clear api → orders-db from_operation');
  });

  it('shows a stray operation of a callee without operations, to clear it', () => {
    let spec = setDependencyField(operationsShop(), 6, 'operation', 'charge');
    spec = setDependencyField(spec, 0, 'from_operation', 'edge');
    const { onEdit } = renderInspector(
      { kind: 'dependency', index: 6 },
      { spec, diagnostics: [diag('dependencies[6].operation', 'dependencies[6] api -> payments: operation does not apply: payments lists no operations')] },
    );
    const form = screen.getByTestId('dependency-form');
    const operation = input(form, 'operation');
    expect(options(operation)).toEqual([
      ['', 'none', false],
      ['charge', 'charge (missing)', false],
    ]);
    expect(operation.value).toBe('charge');
    expect(within(operation.closest('.hri-field') as HTMLElement).getByTestId('field-error')).toHaveTextContent(
      /^does not apply: payments lists no operations$/,
    );
    expect(within(form).queryByTestId('item-problems')).not.toBeInTheDocument();
    fireEvent.change(operation, { target: { value: '' } });
    expect(onEdit.mock.calls[0]![0].dependencies[6]).not.toHaveProperty('operation');
    expect(onEdit.mock.calls[0]![1]).toBe('Clear api → payments operation');

    // And a made-by of a caller without operations (cdn), the same way.
    const clear = vi.fn<OnEdit>();
    const again = render(<Inspector spec={spec} selection={{ kind: 'dependency', index: 0 }} diagnostics={[]} onEdit={clear} />);
    const madeBy = input(within(again.container).getByTestId('dependency-form'), 'from_operation');
    expect(options(madeBy)).toEqual([
      ['', 'every operation', false],
      ['edge', 'edge (missing)', false],
    ]);
    fireEvent.change(madeBy, { target: { value: '' } });
    expect(clear.mock.calls[0]![0].dependencies[0]).toEqual({ from: 'cdn', to: 'gateway' });
  });

  it('shows neither when neither end lists operations', () => {
    renderInspector({ kind: 'dependency', index: 0 }, { spec: operationsShop() });
    const form = screen.getByTestId('dependency-form');
    expect(fields(form)).not.toContain('operation');
    expect(fields(form)).not.toContain('from_operation');
    expect(screen.getByLabelText('Read or write')).toBe(input(form, 'op'));
  });
});
