// The daily profile as an editable bar chart: 24 bars, one per hour, each a multiplier
// of peak in [0, 1]. Press or drag on a bar to set it (one drag is one edit, committed
// on release); with a bar focused, ArrowUp/ArrowDown change it by 0.05, Home/End set
// 0 and 1, ArrowLeft/ArrowRight move to the neighbouring hour.

import { useId, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';

import type { Diagnostic } from '../bindings/Diagnostic';
import type { Spec } from '../bindings/Spec';
import { PROFILE_HOURS, clampUnit, clearDailyProfile, setDailyProfileHour } from '../editor/specEdits';
import { peakLoad } from '../workload';
import { applier } from './apply';
import { FieldMessages } from './controls';
import { ItemDiagnostics } from './itemDiagnostics';

/** The keyboard step of a bar. */
export const PROFILE_STEP = 0.05;

// Geometry, in view-box units: the SVG scales to the panel's width.
const W = 288;
const SLOT = W / PROFILE_HOURS;
const BAR = SLOT - 3;
const TOP = 4;
const PLOT = 84;
const H = TOP + PLOT + 16;

/** Rounds to hundredths (what a drag or a key sets; no 0.30000000000000004). */
export function roundHundredths(v: number): number {
  return Math.round(v * 100) / 100;
}

function hourLabel(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

interface Drag {
  hour: number;
  value: number;
  pointerId: number;
}

export function ProfileChart({
  spec,
  diagnostics,
  onEdit,
}: {
  spec: Spec;
  diagnostics: readonly Diagnostic[];
  onEdit: (next: Spec, label: string) => void;
}) {
  const id = useId();
  const svgRef = useRef<SVGSVGElement>(null);
  const barRefs = useRef<(SVGRectElement | null)[]>([]);
  const [drag, setDrag] = useState<Drag | null>(null);
  const [focused, setFocused] = useState<number | null>(null);
  const [hovered, setHovered] = useState<number | null>(null);

  const profile = spec.workload.daily_profile;
  const flat = profile === undefined;
  const value = (h: number) => (drag?.hour === h ? drag.value : (profile?.[h] ?? 1));
  const diag = new ItemDiagnostics('workload.daily_profile', diagnostics);
  // The open classes' rates: a closed class's rate is the analysis's to solve, so the
  // readout says which part it counts when there are closed classes too.
  const { rps: peak, closed } = peakLoad(spec.workload.classes);
  const apply = applier(spec, onEdit);

  const commit = (hour: number, v: number) => {
    const next = roundHundredths(clampUnit(v));
    apply(() => setDailyProfileHour(spec, hour, next), `Set daily profile at ${hourLabel(hour)} to ${next}`);
  };

  /** The value under a pointer at `clientY`. */
  const valueAt = (clientY: number): number => {
    const box = svgRef.current?.getBoundingClientRect();
    const scale = box && box.height > 0 ? box.height / H : 1;
    const y = (clientY - (box?.top ?? 0)) / scale;
    return roundHundredths(clampUnit((TOP + PLOT - y) / PLOT));
  };

  const onPointerDown = (hour: number) => (e: PointerEvent<SVGRectElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.focus({ preventScroll: true });
    try {
      e.currentTarget.setPointerCapture(e.pointerId);
    } catch {
      // Not every environment captures pointers (jsdom does not); the drag works without.
    }
    setDrag({ hour, value: valueAt(e.clientY), pointerId: e.pointerId });
  };
  const onPointerMove = (e: PointerEvent<SVGRectElement>) => {
    if (drag === null || e.pointerId !== drag.pointerId) return;
    const v = valueAt(e.clientY);
    if (v !== drag.value) setDrag({ ...drag, value: v });
  };
  const onPointerUp = (e: PointerEvent<SVGRectElement>) => {
    if (drag === null || e.pointerId !== drag.pointerId) return;
    setDrag(null);
    commit(drag.hour, valueAt(e.clientY));
  };
  const onPointerCancel = () => setDrag(null);

  const onKeyDown = (hour: number) => (e: KeyboardEvent<SVGRectElement>) => {
    const v = profile?.[hour] ?? 1;
    const move = (to: number) => barRefs.current[(to + PROFILE_HOURS) % PROFILE_HOURS]?.focus();
    switch (e.key) {
      case 'ArrowUp':
        commit(hour, v + PROFILE_STEP);
        break;
      case 'ArrowDown':
        commit(hour, v - PROFILE_STEP);
        break;
      case 'Home':
        commit(hour, 0);
        break;
      case 'End':
        commit(hour, 1);
        break;
      case 'ArrowLeft':
        move(hour - 1);
        break;
      case 'ArrowRight':
        move(hour + 1);
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  const active = drag?.hour ?? focused ?? hovered;
  const lengthProblems = diag.at('');
  const hourProblems = Array.from({ length: PROFILE_HOURS }, (_, h) => diag.at(`[${h}]`));
  const hourMessages = hourProblems.flatMap((list, h) => list.map((m) => `${hourLabel(h)}: ${m}`));

  return (
    <div className={`hri-profile${flat ? ' hri-profile--flat' : ''}`} data-testid="daily-profile">
      <div className="hri-profile__head">
        <span className="hri-profile__title" id={`${id}-title`}>
          Daily profile
        </span>
        <button
          type="button"
          className="hri-link"
          data-testid="profile-reset"
          disabled={flat}
          title="Remove the profile: traffic at peak every hour"
          onClick={() => apply(() => clearDailyProfile(spec), 'Clear daily profile')}
        >
          Flat (no profile)
        </button>
      </div>
      <p className="hri-profile__readout" aria-live="polite" data-testid="profile-readout">
        {active !== null ? (
          <>
            <span>{`${hourLabel(active)}–${hourLabel((active + 1) % 24)}`}</span>
            <span className="hri-num">{value(active).toFixed(2)}× peak</span>
            {peak > 0 && (
              <span className="hri-num hri-muted" data-testid="profile-rate">
                ≈ {formatRps(value(active) * peak)} req/s{closed > 0 ? ' from the open classes' : ''}
              </span>
            )}
          </>
        ) : flat ? (
          <span className="hri-muted">Flat: peak traffic every hour. Drag a bar to shape it.</span>
        ) : (
          <span className="hri-muted">Share of peak traffic by hour of the day.</span>
        )}
      </p>
      <svg
        ref={svgRef}
        className="hri-profile__chart"
        viewBox={`0 0 ${W} ${H}`}
        role="group"
        aria-labelledby={`${id}-title`}
      >
        {[0, 0.5, 1].map((g) => (
          <line key={g} className="hri-profile__grid" x1={0} x2={W} y1={TOP + PLOT * (1 - g)} y2={TOP + PLOT * (1 - g)} />
        ))}
        {Array.from({ length: PROFILE_HOURS }, (_, h) => {
          const v = value(h);
          const barH = Math.max(1, PLOT * clampUnit(v));
          const invalid = hourProblems[h]!.length > 0;
          return (
            <g key={h} className={`hri-bar${active === h ? ' hri-bar--active' : ''}${invalid ? ' hri-bar--invalid' : ''}`}>
              <rect className="hri-bar__fill" x={h * SLOT + 1.5} y={TOP + PLOT - barH} width={BAR} height={barH} rx={1.5} />
              <rect
                ref={(el) => {
                  barRefs.current[h] = el;
                }}
                className="hri-bar__hit"
                data-testid="profile-bar"
                data-hour={h}
                data-value={v}
                x={h * SLOT}
                y={0}
                width={SLOT}
                height={TOP + PLOT}
                tabIndex={0}
                role="slider"
                aria-label={`Traffic at ${hourLabel(h)}`}
                aria-valuemin={0}
                aria-valuemax={1}
                aria-valuenow={v}
                aria-valuetext={`${Math.round(v * 100)} % of peak`}
                aria-invalid={invalid || undefined}
                onPointerDown={onPointerDown(h)}
                onPointerMove={onPointerMove}
                onPointerUp={onPointerUp}
                onPointerCancel={onPointerCancel}
                onPointerEnter={() => setHovered(h)}
                onPointerLeave={() => setHovered((cur) => (cur === h ? null : cur))}
                onFocus={() => setFocused(h)}
                onBlur={() => setFocused((cur) => (cur === h ? null : cur))}
                onKeyDown={onKeyDown(h)}
              />
            </g>
          );
        })}
        {[0, 6, 12, 18].map((h) => (
          <text key={h} className="hri-profile__axis" x={h * SLOT + 1} y={H - 3}>
            {hourLabel(h)}
          </text>
        ))}
      </svg>
      <FieldMessages id={`${id}-msg`} errors={[...lengthProblems, ...hourMessages]} />
    </div>
  );
}

function formatRps(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : String(roundHundredths(v));
}
