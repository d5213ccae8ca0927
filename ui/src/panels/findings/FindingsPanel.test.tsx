import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { Finding } from '../../bindings/Finding';
import type { LiveAnalysis } from '../../bindings/LiveAnalysis';
import type { PlanProposal } from '../../bindings/PlanProposal';
import type { Spec } from '../../bindings/Spec';
import { documentOf, memoryBackend, toyLive } from '../../fixtures/backend';
import { shopFindings, TOY_REPLICA_USD } from '../../fixtures/plan';
import { shopSpec, shopView } from '../../fixtures/shop';
import type { Backend } from '../../ipc';
import { panelProps } from '../testProps';
import type { PanelProps } from '../types';
import { FindingsPanel } from './FindingsPanel';
import { forgetPlans } from './planState';

function analysisOf(spec: Spec, findings: Finding[] = shopFindings()): LiveAnalysis {
  return { ...toyLive(spec, 'shop.yaml').analysis!, findings };
}

/** A backend whose planner answers with the toy plan, each proposal kept to compare with. */
function planningBackend(): { backend: Backend; proposals: PlanProposal[] } {
  const backend = memoryBackend(documentOf(shopView()));
  const proposals: PlanProposal[] = [];
  const plan = backend.planModel.bind(backend);
  backend.planModel = async (spec) => {
    const p = await plan(spec);
    proposals.push(p);
    return p;
  };
  return { backend, proposals };
}

function props(overrides: Partial<PanelProps> = {}): PanelProps {
  const spec = overrides.spec ?? shopSpec();
  return panelProps(memoryBackend(documentOf(shopView())), spec, { analysis: analysisOf(spec), ...overrides });
}

/** The panel over a model it edits, as the editor holds it: `undo` goes back one edit. */
function Live({ initial, backend, onApply }: { initial: Spec; backend: Backend; onApply: PanelProps['onApply'] }) {
  const [past, setPast] = useState<Spec[]>([]);
  const [spec, setSpec] = useState(initial);
  return (
    <>
      <button
        type="button"
        data-testid="undo"
        onClick={() => {
          setSpec(past[past.length - 1]!);
          setPast(past.slice(0, -1));
        }}
      />
      <button type="button" data-testid="edit-elsewhere" onClick={() => setSpec({ ...spec, name: `${spec.name}-edited` })} />
      <FindingsPanel
        {...props({
          backend,
          spec,
          analysis: analysisOf(spec),
          onApply: (next, label) => {
            onApply(next, label);
            setPast([...past, spec]);
            setSpec(next);
          },
        })}
      />
    </>
  );
}

const rows = () => screen.getAllByTestId('finding');

beforeEach(() => forgetPlans());

describe('FindingsPanel: findings', () => {
  it('lists every finding, errors first, with its severity and numbers in their units', () => {
    const findings = shopFindings().reverse();
    render(<FindingsPanel {...props({ analysis: analysisOf(shopSpec(), findings) })} />);
    expect(rows()).toHaveLength(findings.length);
    const severities = rows().map((r) => r.getAttribute('data-severity'));
    const errors = findings.filter((f) => f.severity === 'error').length;
    expect(severities).toEqual([...Array<string>(errors).fill('error'), ...Array<string>(findings.length - errors).fill('warning')]);
    expect(screen.getByText('4 errors, 2 warnings')).toBeInTheDocument();

    const numbers = (kind: string, component?: string) => {
      const row = rows().find(
        (r) => r.getAttribute('data-kind') === kind && (component === undefined || r.getAttribute('data-component') === component),
      )!;
      return within(row).getByTestId('finding-numbers').textContent;
    };
    expect(numbers('saturated')).toBe('utilisation 200 % · saturates at 100 %');
    expect(numbers('availability_missed')).toBe('99.8499 % · target 99.95 %');
    expect(numbers('throughput_short')).toBe('1,050 req/s · target 3,000 req/s');
    expect(numbers('consistency_conflict')).toBe('up to 50 ms stale');
    expect(numbers('n_minus_1', 'session-cache')).toBe('utilisation down · ceiling 70 %');
    expect(numbers('n_minus_1', 'fulfilment')).toBe('utilisation 400 % · ceiling 70 %');
    // The engine's sentence, whole, and the errors in the engine's order.
    expect(rows()[0]).toHaveAttribute('data-kind', 'consistency_conflict');
    expect(rows()[0]).toHaveTextContent(findings.find((f) => f.kind === 'consistency_conflict')!.message);
  });

  it('selects a finding’s component, or its class, on click; one with neither is not a button', () => {
    const onSelect = vi.fn();
    render(<FindingsPanel {...props({ onSelect })} />);
    const row = (kind: string) => rows().find((r) => r.getAttribute('data-kind') === kind)!;

    fireEvent.click(within(row('saturated')).getByTestId('finding-select'));
    expect(onSelect).toHaveBeenLastCalledWith({ kind: 'component', name: 'fulfilment' });
    fireEvent.click(within(row('availability_missed')).getByTestId('finding-select'));
    expect(onSelect).toHaveBeenLastCalledWith({ kind: 'class', name: 'checkout' });
    // A conflict names its store and its class: the row selects the store, a link the class.
    fireEvent.click(within(row('consistency_conflict')).getByTestId('finding-select'));
    expect(onSelect).toHaveBeenLastCalledWith({ kind: 'component', name: 'orders-db' });
    fireEvent.click(within(row('consistency_conflict')).getByTestId('finding-class'));
    expect(onSelect).toHaveBeenLastCalledWith({ kind: 'class', name: 'checkout' });
    expect(within(row('throughput_short')).queryByTestId('finding-select')).toBeNull();
    expect(onSelect).toHaveBeenCalledTimes(4);
  });

  it('says when there is nothing found, no analysis, or numbers of an earlier model', () => {
    const { rerender } = render(<FindingsPanel {...props({ analysis: analysisOf(shopSpec(), []) })} />);
    expect(screen.getByTestId('findings-empty')).toHaveTextContent('Nothing found');
    rerender(<FindingsPanel {...props({ analysis: null })} />);
    expect(screen.getByTestId('findings-empty')).toHaveTextContent('No analysis yet');
    expect(screen.getByTestId('plan-run')).toBeDisabled();
    rerender(<FindingsPanel {...props({ stale: true })} />);
    expect(screen.getByTestId('findings-stale')).toBeInTheDocument();
    expect(rows()).toHaveLength(shopFindings().length);
    expect(screen.getByTestId('plan-run')).toBeDisabled();
    expect(screen.getByTestId('plan-unavailable')).toHaveTextContent('Fix the model’s problems first');
  });
});

describe('FindingsPanel: the planner', () => {
  it('shows the plan: before and after, each step with why, cost and effects', async () => {
    const { backend, proposals } = planningBackend();
    render(<FindingsPanel {...props({ backend })} />);
    fireEvent.click(screen.getByTestId('plan-run'));
    expect(screen.getByTestId('plan-run')).toBeDisabled();
    expect(screen.getByTestId('plan-run')).toHaveTextContent('Planning…');
    await screen.findByTestId('plan-result');
    const { plan } = proposals[0]!;

    expect(screen.getByTestId('plan-before')).toHaveTextContent(`0 of 1 targets met · $${plan.before.monthly_cost_usd}/mo`);
    const added = plan.after.monthly_cost_usd - plan.before.monthly_cost_usd;
    expect(added).toBe(3 * TOY_REPLICA_USD);
    expect(screen.getByTestId('plan-after')).toHaveTextContent(`1 of 1 targets met · $${plan.after.monthly_cost_usd}/mo (+$${added}/mo)`);
    expect(screen.getByTestId('plan-verdict')).toHaveTextContent('Every target is met after 3 steps.');
    expect(screen.getByTestId('plan-baseline')).toHaveTextContent(
      `Scaling every pool ×2 instead would cost $${plan.baseline.monthly_cost_usd}/mo.`,
    );

    const steps = screen.getAllByTestId('plan-step');
    expect(steps.map((s) => within(s).getByTestId('plan-step-summary').textContent)).toEqual(plan.steps.map((s) => s.summary));
    const first = plan.steps[0]!;
    expect(steps[0]).toHaveTextContent(`Why: ${first.why}`);
    expect(within(steps[0]!).getByTestId('plan-step-cost')).toHaveTextContent(
      `+$10/mo ($${first.monthly_cost_before_usd}/mo → $${first.monthly_cost_after_usd}/mo) · targets met 0 → 0`,
    );
    expect(within(steps[0]!).getByTestId('plan-effect')).toHaveTextContent('utilisation of session-cache: 90 % → 45 %');
    // The third builds on the first: it says so, and applies steps 1-3.
    expect(steps[2]).toHaveAttribute('data-alone', 'false');
    expect(within(steps[2]!).getByTestId('plan-step-needs')).toHaveTextContent('applying it applies steps 1–3');
    expect(within(steps[2]!).getByTestId('plan-step-apply')).toHaveTextContent('Apply 1–3');
    expect(within(steps[1]!).getByTestId('plan-step-apply')).toHaveTextContent('Apply');
  });

  it('applies a step alone, the steps up to one that builds on them, or all, with the engine’s models', async () => {
    const { backend, proposals } = planningBackend();
    const onApply = vi.fn();
    render(<FindingsPanel {...props({ backend, onApply })} />);
    fireEvent.click(screen.getByTestId('plan-run'));
    await screen.findByTestId('plan-result');
    const proposal = proposals[0]!;
    const apply = (i: number) => fireEvent.click(within(screen.getAllByTestId('plan-step')[i]!).getByTestId('plan-step-apply'));

    apply(1);
    expect(onApply).toHaveBeenLastCalledWith(proposal.steps[1]!.alone, `Apply plan step 2: ${proposal.plan.steps[1]!.summary}`);
    expect(onApply.mock.lastCall![0]).toBe(proposal.steps[1]!.alone);
    apply(2);
    expect(onApply.mock.lastCall![0]).toBe(proposal.steps[2]!.through);
    expect(onApply.mock.lastCall![1]).toBe('Apply plan steps 1–3');
    fireEvent.click(screen.getByTestId('plan-apply-all'));
    expect(onApply.mock.lastCall![0]).toBe(proposal.planned);
    expect(onApply.mock.lastCall![1]).toBe('Apply plan (3 steps)');
    // Step 2 alone is the shop with orders-db at 2 replicas and nothing else changed.
    const alone = proposal.steps[1]!.alone!;
    const shop = shopSpec();
    expect(alone.components.map((c) => c.replicas)).toEqual(shop.components.map((c) => (c.name === 'orders-db' ? 2 : c.replicas)));
  });

  it('marks the plan out of date once the model changes, and applies nothing until it is the planned model again', async () => {
    const { backend } = planningBackend();
    const onApply = vi.fn();
    render(<Live initial={shopSpec()} backend={backend} onApply={onApply} />);
    fireEvent.click(screen.getByTestId('plan-run'));
    await screen.findByTestId('plan-result');
    expect(screen.getByTestId('plan-result')).toHaveAttribute('data-fresh', 'true');

    fireEvent.click(screen.getByTestId('plan-apply-all'));
    expect(onApply).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('plan-applied')).toHaveTextContent('Applied: Apply plan (3 steps)');
    expect(screen.getByTestId('plan-apply-all')).toBeDisabled();
    screen.getAllByTestId('plan-step-apply').forEach((b) => expect(b).toBeDisabled());

    // Undo: the planned model again, the plan applies again.
    fireEvent.click(screen.getByTestId('undo'));
    expect(screen.getByTestId('plan-result')).toHaveAttribute('data-fresh', 'true');
    expect(screen.queryByTestId('plan-applied')).toBeNull();
    expect(screen.getByTestId('plan-apply-all')).toBeEnabled();

    // Any other edit: out of date, nothing applies.
    fireEvent.click(screen.getByTestId('edit-elsewhere'));
    expect(screen.getByTestId('plan-stale')).toHaveTextContent('The model changed since this plan was made');
    expect(screen.getByTestId('plan-apply-all')).toBeDisabled();
    screen.getAllByTestId('plan-step-apply').forEach((b) => expect(b).toBeDisabled());
    expect(onApply).toHaveBeenCalledTimes(1);
  });

  it('keeps the plan while the panel is hidden, one that finishes while hidden included', async () => {
    const backend = memoryBackend(documentOf(shopView()), 30);
    const p = props({ backend });
    const { unmount } = render(<FindingsPanel {...p} />);
    fireEvent.click(screen.getByTestId('plan-run'));
    unmount();
    render(<FindingsPanel {...p} />);
    expect(screen.getByTestId('plan-running')).toBeInTheDocument();
    await screen.findByTestId('plan-result', undefined, { timeout: 2000 });
    expect(screen.getAllByTestId('plan-step')).toHaveLength(3);
    // Another project has no plan.
    render(<FindingsPanel {...p} project={2} />);
    expect(screen.getAllByTestId('plan')[1]).toHaveAttribute('data-status', 'idle');
  });

  it('shows the planner’s error as text', async () => {
    const backend = memoryBackend(documentOf(shopView()));
    // The shell rejects with a plain {kind, message}, not an Error.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    backend.planModel = () => Promise.reject({ kind: 'invalid_spec', message: 'the model has 1 problem; fix it before planning' });
    render(<FindingsPanel {...props({ backend })} />);
    await act(async () => {
      fireEvent.click(screen.getByTestId('plan-run'));
      await Promise.resolve();
    });
    await waitFor(() =>
      expect(screen.getByTestId('plan-error')).toHaveTextContent(
        'The planner could not plan this model: the model has 1 problem; fix it before planning',
      ),
    );
    expect(screen.getByTestId('plan-run')).toBeEnabled();
  });

  it('says when a model needs no change', async () => {
    const spec = shopSpec();
    spec.components = spec.components.map((c) => (c.replicas === 1 ? { ...c, replicas: 2 } : c));
    render(<FindingsPanel {...props({ spec })} />);
    fireEvent.click(screen.getByTestId('plan-run'));
    await screen.findByTestId('plan-result');
    expect(screen.getByTestId('plan-verdict')).toHaveTextContent('No changes needed: every target is met.');
    expect(screen.queryByTestId('plan-apply-all')).toBeNull();
  });
});
