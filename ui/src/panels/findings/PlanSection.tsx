// The planner: "Plan" asks the engine for the cheapest changes that meet every target;
// the plan shows where the model stands before and after, each step with why, its cost
// and its effects, and what stays out of reach. A step is applied on its own when it
// does not build on an earlier one, else with the steps before it; "Apply all" makes
// the model the planned spec. Each is one undoable edit. A plan is only applied to the
// model it was made of: once the model changes, it is marked out of date.

import { useEffect, useRef, type JSX } from 'react';

import type { PlanProposal } from '../../bindings/PlanProposal';
import type { Spec } from '../../bindings/Spec';
import type { Standing } from '../../bindings/Standing';
import type { Step } from '../../bindings/Step';
import { toCommandError } from '../../ipc';
import { useProjectValue } from '../projectStore';
import type { PanelProps } from '../types';
import { metricLabel, metricValue, usd, usdDelta, verdict } from './format';
import { isLatest, plans, sameModel, startRun, type PlanState } from './planState';

/** Plans already brought into view once (not again each time the panel is shown). */
const shown = new WeakSet<PlanProposal>();

const steps = (n: number) => `${n} ${n === 1 ? 'step' : 'steps'}`;

export function PlanSection({ backend, project, spec, analysis, stale, onApply }: PanelProps): JSX.Element {
  // The plan lives outside the panel, so it survives the dock hiding the panel (and a
  // plan that finishes while hidden is there when it is shown again).
  const state = useProjectValue(plans, project);
  const set = (s: PlanState) => plans.set(project, s);

  const run = () => {
    const from = spec;
    const id = startRun(project);
    set({ status: 'running', from });
    backend.planModel(from).then(
      (proposal) => {
        if (!isLatest(project, id)) return;
        set({ status: 'done', from, proposal, applied: null });
      },
      (e: unknown) => {
        if (!isLatest(project, id)) return;
        set({ status: 'failed', from, error: toCommandError(e) });
      },
    );
  };

  const apply = (next: Spec, label: string) => {
    if (state.status !== 'done') return;
    set({ ...state, applied: { label, spec: next } });
    onApply(next, label);
  };

  const running = state.status === 'running';
  const canPlan = analysis !== null && !stale;
  return (
    <section className="hrf-section hrf-plan" aria-labelledby="hrf-plan-title" data-testid="plan" data-status={state.status}>
      <div className="hrf-bar">
        <h3 className="hrf-title" id="hrf-plan-title">
          Plan
        </h3>
        <button
          type="button"
          className={`hr-button${state.status === 'done' ? '' : ' hr-button--primary'}`}
          data-testid="plan-run"
          disabled={running || !canPlan}
          onClick={run}
          title={canPlan ? 'Find the cheapest changes that meet every target' : undefined}
        >
          {running ? 'Planning…' : state.status === 'idle' ? 'Plan' : 'Plan again'}
        </button>
      </div>
      {!canPlan ? (
        <p className="hrf-empty" data-testid="plan-unavailable">
          {analysis === null
            ? 'The planner needs a model that can be analysed.'
            : 'Fix the model’s problems first: the planner works on a valid model.'}
        </p>
      ) : null}
      {state.status === 'idle' && canPlan ? (
        <p className="hrf-empty">
          The planner searches replicas, read replicas, shards, caches, queues and larger instances for the cheapest set of
          changes that meets every target, and shows each change with its numbers.
        </p>
      ) : null}
      {running ? (
        <p className="hrf-note" role="status" data-testid="plan-running">
          Planning… the search analyses the model a few hundred times.
        </p>
      ) : null}
      {state.status === 'failed' ? (
        <p className="hrf-error" role="alert" data-testid="plan-error">
          The planner could not plan this model: {state.error.message}
        </p>
      ) : null}
      {state.status === 'done' ? (
        <PlanView
          proposal={state.proposal}
          fresh={sameModel(state.from, spec)}
          applied={state.applied !== null && sameModel(state.applied.spec, spec) ? state.applied.label : null}
          onApply={apply}
        />
      ) : null}
    </section>
  );
}

function PlanView({
  proposal,
  fresh,
  applied,
  onApply,
}: {
  proposal: PlanProposal;
  /** Whether the model is still the one planned. */
  fresh: boolean;
  /** The label of the edit from this plan the model now is, if it is one. */
  applied: string | null;
  onApply: (next: Spec, label: string) => void;
}) {
  const { plan } = proposal;
  const n = plan.steps.length;
  // A new plan is below the findings: bring it into view (jsdom has no scrollIntoView).
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (shown.has(proposal)) return;
    shown.add(proposal);
    (ref.current?.closest('section') ?? ref.current)?.scrollIntoView?.({ block: 'start' });
  }, [proposal]);
  return (
    <div ref={ref} className="hrf-planview" data-testid="plan-result" data-fresh={fresh ? 'true' : 'false'}>
      {applied !== null ? (
        <p className="hrf-note hrf-note--ok" role="status" data-testid="plan-applied">
          Applied: {applied}. Undo (Ctrl+Z) takes it back; plan again to see where the model stands now.
        </p>
      ) : !fresh ? (
        <p className="hrf-note hrf-note--warn" role="status" data-testid="plan-stale">
          The model changed since this plan was made, so it can no longer be applied. Plan again.
        </p>
      ) : null}
      <dl className="hrf-standing" data-testid="plan-standing">
        <StandingRow label="Now" standing={plan.before} testId="plan-before" />
        <StandingRow
          label="After the plan"
          standing={plan.after}
          delta={plan.after.monthly_cost_usd - plan.before.monthly_cost_usd}
          testId="plan-after"
        />
      </dl>
      {plan.meets_all_targets ? (
        <p className="hrf-verdict hrf-verdict--ok" data-testid="plan-verdict">
          {n === 0 ? 'No changes needed: every target is met.' : `Every target is met after ${steps(n)}.`}
        </p>
      ) : (
        <div className="hrf-verdict hrf-verdict--fail" data-testid="plan-verdict">
          <p>Some targets stay out of reach within the planner’s bounds:</p>
          <ul className="hrf-reach" data-testid="plan-out-of-reach">
            {plan.out_of_reach.map((o, i) => (
              <li key={i} data-testid="out-of-reach">
                <strong>{metricLabel(o.target, o.subject)}</strong>: required {metricValue(o.target, o.required)}, predicted{' '}
                {metricValue(o.target, o.predicted)}. {o.why}
              </li>
            ))}
          </ul>
        </div>
      )}
      {plan.stopped_at_bound ? (
        <p className="hrf-muted" data-testid="plan-stopped">
          The search stopped at its bound of {plan.evaluation_bound} analyses with changes left untried: a cheaper plan
          may exist.
        </p>
      ) : null}
      {n > 0 ? (
        <p className="hrf-muted hrf-baseline" data-testid="plan-baseline">
          Scaling every pool ×{plan.baseline.factor} instead would cost {usd(plan.baseline.monthly_cost_usd)}
          {plan.baseline.meets_all_targets ? '' : ' and still miss some targets'}.
        </p>
      ) : null}
      {n > 0 ? (
        <div className="hrf-actions">
          <button
            type="button"
            className="hr-button hr-button--primary"
            data-testid="plan-apply-all"
            disabled={!fresh}
            onClick={() => onApply(proposal.planned, `Apply plan (${steps(n)})`)}
          >
            Apply all {steps(n)}
          </button>
        </div>
      ) : null}
      <ol className="hrf-steps" data-testid="plan-steps">
        {plan.steps.map((step, i) => {
          const edit = proposal.steps[i];
          return (
            <StepCard
              key={step.number}
              step={step}
              alone={edit?.alone ?? null}
              through={edit?.through ?? null}
              fresh={fresh}
              onApply={onApply}
            />
          );
        })}
      </ol>
    </div>
  );
}

function StandingRow({ label, standing, delta, testId }: { label: string; standing: Standing; delta?: number; testId: string }) {
  const all = standing.targets_met === standing.targets;
  return (
    <div className="hrf-standing__row" data-testid={testId} data-met={standing.targets_met} data-targets={standing.targets}>
      <dt>{label}</dt>
      <dd>
        <span className={all ? 'hrf-good' : 'hrf-bad'}>
          {standing.targets_met} of {standing.targets} targets met
        </span>
        <span className="hrf-sep"> · </span>
        <span className="hrf-num">{usd(standing.monthly_cost_usd)}</span>
        {delta !== undefined ? <span className="hrf-muted hrf-num"> ({usdDelta(delta)})</span> : null}
      </dd>
    </div>
  );
}

function StepCard({
  step,
  alone,
  through,
  fresh,
  onApply,
}: {
  step: Step;
  alone: Spec | null;
  through: Spec | null;
  fresh: boolean;
  onApply: (next: Spec, label: string) => void;
}) {
  const k = step.number;
  const first = k === 1;
  // Alone when it does not build on an earlier step; else with the steps before it.
  const target = alone ?? through;
  const label = alone !== null || first ? `Apply plan step ${k}: ${step.summary}` : `Apply plan steps 1–${k}`;
  return (
    <li className="hrf-step" data-testid="plan-step" data-number={k} data-alone={alone !== null ? 'true' : 'false'}>
      <div className="hrf-step__head">
        <span className="hrf-step__number">{k}</span>
        <span className="hrf-step__summary" data-testid="plan-step-summary">
          {step.summary}
        </span>
        <button
          type="button"
          className="hr-button hrf-step__apply"
          data-testid="plan-step-apply"
          disabled={!fresh || target === null}
          title={
            alone !== null
              ? 'Apply this step only'
              : `This step builds on the steps before it: applying it applies steps 1 to ${k}`
          }
          onClick={() => target && onApply(target, label)}
        >
          {alone !== null || first ? 'Apply' : `Apply 1–${k}`}
        </button>
      </div>
      <p className="hrf-step__why">
        <span className="hrf-muted">Why: </span>
        {step.why}
      </p>
      <p className="hrf-step__cost" data-testid="plan-step-cost">
        {step.cost_note !== null ? (
          <span className="hrf-num">{step.cost_note}</span>
        ) : (
          <span className={step.cost_delta_usd > 0.5 ? 'hrf-bad-ish' : 'hrf-num'}>{usdDelta(step.cost_delta_usd)}</span>
        )}
        <span className="hrf-muted hrf-num">
          {' '}
          ({usd(step.monthly_cost_before_usd)} → {usd(step.monthly_cost_after_usd)}) · targets met {step.targets_met_before} →{' '}
          {step.targets_met_after}
        </span>
      </p>
      {alone === null && !first ? (
        <p className="hrf-note" data-testid="plan-step-needs">
          Builds on the steps before it: applying it applies steps 1–{k}.
        </p>
      ) : null}
      {step.effects.length > 0 ? (
        <ul className="hrf-effects">
          {step.effects.map((e, i) => {
            const v = verdict(e);
            return (
              <li
                key={i}
                className={`hrf-effect${v === 'now met' ? ' hrf-effect--met' : v === null ? '' : ' hrf-effect--missed'}`}
                data-testid="plan-effect"
                data-metric={e.metric}
              >
                <span>{metricLabel(e.metric, e.subject)}: </span>
                <span className="hrf-num">
                  {e.added
                    ? `${metricValue(e.metric, e.after)} (new)`
                    : `${metricValue(e.metric, e.before)} → ${metricValue(e.metric, e.after)}`}
                </span>
                {v ? <span className="hrf-effect__verdict"> ({v})</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </li>
  );
}
