// The right-hand dock: the inspector and the panels that act on the whole model
// (findings and the planner, simulation, history, report, scaffold), one at a time.

import { useRef, type JSX, type KeyboardEvent, type ReactNode } from 'react';

import './dock.css';

export type DockTab = 'inspect' | 'findings' | 'simulate' | 'history' | 'report' | 'scaffold';

export const DOCK_TABS: readonly { id: DockTab; label: string; wide?: boolean }[] = [
  { id: 'inspect', label: 'Inspect' },
  { id: 'findings', label: 'Findings' },
  { id: 'simulate', label: 'Simulate' },
  { id: 'history', label: 'History' },
  { id: 'report', label: 'Report', wide: true },
  { id: 'scaffold', label: 'Scaffold', wide: true },
];

export function Dock(props: {
  tab: DockTab;
  onTab: (tab: DockTab) => void;
  /** A small count shown on a tab (e.g. the number of findings). */
  badges?: Partial<Record<DockTab, number>>;
  children: ReactNode;
}): JSX.Element {
  const { tab, onTab, badges, children } = props;
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const wide = DOCK_TABS.find((t) => t.id === tab)?.wide === true;

  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = (i + step + DOCK_TABS.length) % DOCK_TABS.length;
    onTab(DOCK_TABS[next]!.id);
    refs.current[next]?.focus();
  };

  return (
    <aside className={`hr-dock${wide ? ' hr-dock--wide' : ''}`} data-testid="dock" data-tab={tab}>
      <div className="hr-dock__tabs" role="tablist" aria-label="Panels">
        {DOCK_TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[i] = el;
            }}
            type="button"
            role="tab"
            className="hr-dock__tab"
            data-testid={`dock-tab-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => onTab(t.id)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t.label}
            {badges?.[t.id] ? <span className="hr-dock__badge">{badges[t.id]}</span> : null}
          </button>
        ))}
      </div>
      <div className="hr-dock__body" role="tabpanel" data-testid={`dock-panel-${tab}`}>
        {children}
      </div>
    </aside>
  );
}
