import type { ComponentKind } from '../bindings/ComponentKind';
import { KINDS, kindStyle } from '../kinds';
import { KindIcon } from './KindIcon';

/** The kinds present in the model, and what solid and dashed edges mean. */
export function Legend({ kinds }: { kinds: ReadonlySet<ComponentKind> }) {
  const shown = KINDS.filter((k) => kinds.has(k));
  return (
    <div className="hr-legend" data-testid="legend" aria-label="Legend">
      <ul className="hr-legend__kinds">
        {shown.map((k) => (
          <li key={k}>
            <KindIcon kind={k} size={14} />
            <span>{kindStyle(k).label}</span>
          </li>
        ))}
      </ul>
      <ul className="hr-legend__edges">
        <li>
          <svg width="26" height="8" aria-hidden="true">
            <line x1="1" y1="4" x2="25" y2="4" className="hr-legend__sync" />
          </svg>
          <span>sync call</span>
        </li>
        <li>
          <svg width="26" height="8" aria-hidden="true">
            <line x1="1" y1="4" x2="25" y2="4" className="hr-legend__async" />
          </svg>
          <span>async call</span>
        </li>
      </ul>
    </div>
  );
}
