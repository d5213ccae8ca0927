import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';

import type { Diagnostic } from '../bindings/Diagnostic';
import type { Spec } from '../bindings/Spec';
import {
  addClass,
  removeClass,
  setClassEntry,
  setClassField,
  setClassKind,
  setComponentField,
  setDailyProfileHour,
} from '../editor/specEdits';
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

/**
 * The shop with operations: api serves get-cart and add_item, gateway add_item and
 * static; checkout (classes[1]) enters at api with add_item, browse at the cdn (none).
 */
function operationsShop(): Spec {
  let s = setComponentField(shopSpec(), 'api', 'operations', [
    { name: 'get-cart', service_time_ms: 4 },
    { name: 'add_item', service_time_ms: 9 },
  ]);
  s = setComponentField(s, 'gateway', 'operations', [{ name: 'add_item' }, { name: 'static' }]);
  s = setClassField(s, 1, 'entry', 'api');
  return setClassField(s, 1, 'operation', 'add_item');
}

function choices(select: HTMLElement): [string, string, boolean][] {
  return [...(select as HTMLSelectElement).options].map((o) => [o.value, o.textContent ?? '', o.disabled]);
}

describe('WorkloadPanel: the operation a class enters with', () => {
  it("picks one of the entry's operations", () => {
    const { onEdit, spec } = renderPanel(operationsShop());
    const [browse, checkout] = rows();
    // The cdn lists none: nothing to pick.
    expect(field(browse!, 'operation')).toBeNull();
    const operation = field(checkout!, 'operation');
    expect(operation.value).toBe('add_item');
    expect(choices(operation)).toEqual([
      ['get-cart', 'get-cart', false],
      ['add_item', 'add_item', false],
    ]);
    expect(within(checkout!).getByLabelText(/^Operation/)).toBe(operation);
    fireEvent.change(operation, { target: { value: 'get-cart' } });
    expect(onEdit).toHaveBeenCalledWith(setClassField(spec, 1, 'operation', 'get-cart'), 'Set class checkout operation to get-cart');
  });

  it('asks for one when the class enters without', () => {
    const spec = setClassField(operationsShop(), 1, 'operation', undefined);
    const { onEdit } = renderPanel(spec, [
      {
        file: 'f',
        line: 1,
        column: 1,
        path: 'workload.classes[1]',
        message: 'workload.classes[1] "checkout": needs operation: api serves get-cart, add_item at different costs',
      },
    ]);
    const checkout = rows()[1]!;
    const operation = field(checkout, 'operation');
    expect(operation.value).toBe('');
    expect(choices(operation)[0]).toEqual(['', 'choose…', true]);
    expect(within(checkout).getByTestId('item-problems')).toHaveTextContent('needs operation: api serves get-cart, add_item');
    fireEvent.change(operation, { target: { value: 'add_item' } });
    expect(onEdit.mock.calls[0]![0].workload.classes[1]).toEqual(operationsShop().workload.classes[1]);
  });

  it('keeps the operation across a change of entry only when the new entry has it', () => {
    const { onEdit, spec } = renderPanel(operationsShop());
    const checkout = rows()[1]!;
    fireEvent.change(field(checkout, 'entry'), { target: { value: 'gateway' } });
    expect(onEdit.mock.calls[0]![0]).toEqual(setClassEntry(spec, 1, 'gateway'));
    expect(onEdit.mock.calls[0]![0].workload.classes[1]).toMatchObject({ entry: 'gateway', operation: 'add_item' });
    expect(onEdit.mock.calls[0]![1]).toBe('Set class checkout entry to gateway');
    fireEvent.change(field(checkout, 'entry'), { target: { value: 'cdn' } });
    expect(onEdit.mock.calls[1]![0].workload.classes[1]).toEqual({
      name: 'checkout',
      rate_rps: 400,
      entry: 'cdn',
      p99_ms: 500,
      consistency: 'strong',
    });
    expect(onEdit.mock.calls[1]![1]).toBe('Set class checkout entry to cdn');
  });

  it('shows a stray operation of an entry without operations, to clear it', () => {
    const spec = setClassField(operationsShop(), 0, 'operation', 'home');
    const { onEdit } = renderPanel(spec, [
      {
        file: 'f',
        line: 1,
        column: 1,
        path: 'workload.classes[0].operation',
        message: 'workload.classes[0] "browse": operation does not apply: cdn lists no operations',
      },
    ]);
    const browse = rows()[0]!;
    const operation = field(browse, 'operation');
    expect(choices(operation)).toEqual([
      ['', 'none', false],
      ['home', 'home (missing)', false],
    ]);
    expect(operation).toHaveAttribute('aria-invalid', 'true');
    expect(within(browse).getByTestId('field-error')).toHaveTextContent(/^does not apply: cdn lists no operations$/);
    expect(within(browse).queryByTestId('item-problems')).not.toBeInTheDocument();
    fireEvent.change(operation, { target: { value: '' } });
    expect(onEdit.mock.calls[0]![0].workload.classes[0]).toEqual(shopSpec().workload.classes[0]);
    expect(onEdit.mock.calls[0]![1]).toBe('Clear class browse operation');
  });
});

/** The shop with browse closed: 10 users (and `think` ms of think time, if given). */
function closedShop(think?: number): Spec {
  const spec = setClassKind(shopSpec(), 0, 'closed');
  return think === undefined ? spec : setClassField(spec, 0, 'think_time_ms', think);
}

describe('WorkloadPanel: open and closed classes', () => {
  it('shows an open class with its rate and no users', () => {
    renderPanel();
    const browse = rows()[0]!;
    expect(field(browse, 'kind').value).toBe('open');
    expect([...field(browse, 'kind').querySelectorAll('option')].map((o) => o.textContent)).toEqual(['Open (a rate)', 'Closed (users)']);
    expect(field(browse, 'rate_rps').value).toBe('2600');
    expect(field(browse, 'users')).toBeNull();
    expect(field(browse, 'think_time_ms')).toBeNull();
  });

  it('makes a class closed in one edit: no rate, 10 users', () => {
    const { onEdit } = renderPanel();
    fireEvent.change(field(rows()[0]!, 'kind'), { target: { value: 'closed' } });
    expect(onEdit).toHaveBeenCalledTimes(1);
    const [next, label] = onEdit.mock.calls[0]!;
    expect(label).toBe('Make class browse closed (10 users)');
    expect(next.workload.classes[0]).toEqual({ name: 'browse', users: 10, entry: 'cdn', consistency: 'eventual' });
    expect(next.workload.classes[1]).toEqual(shopSpec().workload.classes[1]);
  });

  it('makes a closed class open again in one edit: a rate of 1, no users nor think time', () => {
    const { onEdit } = renderPanel(closedShop(800));
    fireEvent.change(field(rows()[0]!, 'kind'), { target: { value: 'open' } });
    expect(onEdit).toHaveBeenCalledTimes(1);
    const [next, label] = onEdit.mock.calls[0]!;
    expect(label).toBe('Make class browse open (1 req/s)');
    expect(next.workload.classes[0]).toEqual({ name: 'browse', rate_rps: 1, entry: 'cdn', consistency: 'eventual' });
  });

  it('shows a closed class with its users and think time, without a rate', () => {
    renderPanel(closedShop());
    const browse = rows()[0]!;
    expect(field(browse, 'kind').value).toBe('closed');
    expect(field(browse, 'rate_rps')).toBeNull();
    expect(field(browse, 'users').value).toBe('10');
    expect(field(browse, 'users')).toHaveAttribute('inputmode', 'numeric');
    expect(field(browse, 'think_time_ms').value).toBe('');
    expect(field(browse, 'think_time_ms').placeholder).toBe('0 (default)');
    expect(field(browse, 'think_time_ms').title).toMatch(/^A closed class's users' pause between an answer and their next request/);
    expect(within(browse).getByLabelText(/^Think time/).closest('.hri-field')).toHaveTextContent('ms');
    // The other class stays open; the total counts its rate and the users apart.
    expect(field(rows()[1]!, 'rate_rps').value).toBe('400');
    expect(screen.getByTestId('classes-total')).toHaveTextContent(/^400 req\/s \+ 10 users at peak$/);
  });

  it('says users alone when every class is closed', () => {
    const spec = setClassField(setClassKind(closedShop(), 1, 'closed'), 1, 'users', 1);
    renderPanel(spec);
    expect(screen.getByTestId('classes-total')).toHaveTextContent(/^11 users at peak$/);
  });

  it('edits users (whole numbers only) and think time', () => {
    const { onEdit } = renderPanel(closedShop());
    const browse = rows()[0]!;
    fireEvent.change(field(browse, 'users'), { target: { value: '2.5' } });
    fireEvent.keyDown(field(browse, 'users'), { key: 'Enter' });
    expect(within(browse).getByTestId('field-error')).toHaveTextContent('Must be a whole number');
    expect(onEdit).not.toHaveBeenCalled();

    fireEvent.change(field(browse, 'users'), { target: { value: '250' } });
    fireEvent.keyDown(field(browse, 'users'), { key: 'Enter' });
    expect(onEdit.mock.calls[0]![0].workload.classes[0]!.users).toBe(250);
    expect(onEdit.mock.calls[0]![1]).toBe('Set class browse users to 250');

    fireEvent.change(field(browse, 'think_time_ms'), { target: { value: '1500' } });
    fireEvent.keyDown(field(browse, 'think_time_ms'), { key: 'Enter' });
    expect(onEdit.mock.calls[1]![0].workload.classes[0]).toEqual({
      name: 'browse',
      users: 10,
      think_time_ms: 1500,
      entry: 'cdn',
      consistency: 'eventual',
    });
    expect(onEdit.mock.calls[1]![1]).toBe('Set class browse think_time_ms to 1500');
  });

  it('clears a think time, and refuses to clear the users', () => {
    const { onEdit } = renderPanel(closedShop(800));
    const browse = rows()[0]!;
    expect(field(browse, 'think_time_ms').value).toBe('800');
    fireEvent.change(field(browse, 'think_time_ms'), { target: { value: '' } });
    fireEvent.blur(field(browse, 'think_time_ms'));
    expect(onEdit.mock.calls[0]![0].workload.classes[0]).not.toHaveProperty('think_time_ms');
    expect(onEdit.mock.calls[0]![1]).toBe('Clear class browse think_time_ms');

    fireEvent.change(field(browse, 'users'), { target: { value: '' } });
    fireEvent.blur(field(browse, 'users'));
    expect(within(browse).getByTestId('field-error')).toHaveTextContent(/^Required: there is no default$/);
    expect(onEdit).toHaveBeenCalledTimes(1);
  });

  it('shows a diagnostic about the users under their field', () => {
    renderPanel(closedShop(), [
      {
        file: 'f',
        line: 1,
        column: 1,
        path: 'workload.classes[0].users',
        message: 'workload.classes[0] "browse": users must be in [1, 10000000], got 0',
      },
    ]);
    const browse = rows()[0]!;
    expect(field(browse, 'users')).toHaveAttribute('aria-invalid', 'true');
    expect(field(browse, 'think_time_ms')).not.toHaveAttribute('aria-invalid');
    const error = within(browse).getByTestId('field-error');
    expect(error).toHaveTextContent(/^must be in \[1, 10000000\], got 0$/);
    expect(field(browse, 'users').closest('.hri-field')).toContainElement(error);
    expect(within(browse).queryByTestId('item-problems')).toBeNull();
  });

  it('keeps a field of the other kind the class still gives in view, with its message', () => {
    const both = setClassField(closedShop(), 0, 'rate_rps', 2600);
    const stray = setClassField(shopSpec(), 1, 'think_time_ms', 200);
    const spec: Spec = { ...both, workload: { ...both.workload, classes: [both.workload.classes[0]!, stray.workload.classes[1]!] } };
    const { onEdit } = renderPanel(spec, [
      {
        file: 'f',
        line: 1,
        column: 1,
        path: 'workload.classes[1].think_time_ms',
        message: 'workload.classes[1] "checkout": think_time_ms applies to a closed class: give users, or leave it out',
      },
    ]);
    const [browse, checkout] = rows();
    expect(field(browse!, 'rate_rps').value).toBe('2600');
    expect(field(browse!, 'users').value).toBe('10');
    expect(field(checkout!, 'kind').value).toBe('open');
    expect(within(checkout!).getByTestId('field-error')).toHaveTextContent(/^applies to a closed class: give users, or leave it out$/);
    // The closed class's stray rate can go: it is not required there.
    fireEvent.change(field(browse!, 'rate_rps'), { target: { value: '' } });
    fireEvent.blur(field(browse!, 'rate_rps'));
    expect(onEdit.mock.calls[0]![0].workload.classes[0]).toEqual({ name: 'browse', users: 10, entry: 'cdn', consistency: 'eventual' });
    expect(onEdit.mock.calls[0]![1]).toBe('Clear class browse rate_rps');
  });

  it('adds a new class open, with a rate', () => {
    const { onEdit } = renderPanel(closedShop());
    fireEvent.click(screen.getByTestId('add-class'));
    const added = onEdit.mock.calls[0]![0].workload.classes[2]!;
    expect(added).toEqual({ name: 'class', rate_rps: 0, entry: 'cdn' });
  });

  it('says which classes the readout of an hour counts', () => {
    renderPanel(setDailyProfileHour(closedShop(), 2, 0.5));
    act(() => bars()[2]!.focus());
    expect(screen.getByTestId('profile-rate')).toHaveTextContent(/^≈ 200 req\/s from the open classes$/);
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
