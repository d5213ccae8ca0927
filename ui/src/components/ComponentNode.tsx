import { Handle, Position, useStore, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';

import { formatMs, formatPercent, formatRate } from '../graph/heat';
import type { ComponentNode } from '../graph/toFlow';
import { kindStyle } from '../kinds';
import { KindIcon } from './KindIcon';

/**
 * Below this zoom a node's 13 px name is under 3 px tall: it is drawn as a plain tile in
 * its kind's and heat's colours (a tenth of the elements, which a 300-component model
 * fitted to the window needs to open quickly).
 */
export const DETAIL_MIN_ZOOM = 0.2;

/**
 * A component on the canvas: icon, name, kind and a short detail line; with the live
 * analysis, a utilisation bar coloured by heat, and its numbers on hover.
 */
function ComponentNodeView({ data, selected }: NodeProps<ComponentNode>) {
  const style = kindStyle(data.kind);
  const meta = data.detail ? `${style.label} · ${data.detail}` : style.label;
  const vars = { '--kind-color': style.color, '--kind-tint': style.tint } as CSSProperties;
  const load = data.load;
  const classes = ['hr-node'];
  if (selected) classes.push('hr-node--selected');
  if (load) classes.push(`hr-node--${load.heat}`);
  if (load?.bottleneck) classes.push('hr-node--bottleneck');
  if (load?.stale) classes.push('hr-node--stale');
  const detailed = useStore((s) => s.transform[2] >= DETAIL_MIN_ZOOM);
  if (!detailed) classes.push('hr-node--tile');
  return (
    <div
      className={classes.join(' ')}
      data-testid={`node-${data.name}`}
      data-kind={data.kind}
      data-heat={load?.heat}
      data-utilization={load ? load.utilization.toFixed(4) : undefined}
      data-bottleneck={load?.bottleneck ? 'true' : undefined}
      style={vars}
      title={detailed ? undefined : load ? `${data.name}: utilisation ${formatPercent(load.utilization)}` : data.name}
    >
      <Handle type="target" position={Position.Left} />
      {detailed ? (
        <>
          <span className="hr-node__icon">
            <KindIcon kind={data.kind} size={20} />
          </span>
          <span className="hr-node__text">
            <span className="hr-node__name" data-testid="node-label">
              {data.name}
            </span>
            <span className="hr-node__meta">{meta}</span>
          </span>
          {load?.bottleneck ? (
            <span className="hr-node__flag" title="The bottleneck: it saturates first as load grows">
              bottleneck
            </span>
          ) : null}
          {load ? (
            <span className="hr-node__bar" aria-hidden="true">
              <span style={{ width: `${Math.min(100, load.utilization * 100)}%` }} />
            </span>
          ) : null}
          {load ? (
            <span className="hr-node__tip" role="tooltip" data-testid="node-tip">
              <strong>{data.name}</strong>
              <span>arrivals {formatRate(load.arrivalRps)}</span>
              <span>
                utilisation {formatPercent(load.utilization)} on {load.servers}{' '}
                {load.servers === 1 ? 'server' : 'servers'}
              </span>
              <span>p99 {formatMs(load.p99Ms)}</span>
              {load.stale ? <em>from the last valid model</em> : null}
            </span>
          ) : null}
        </>
      ) : null}
      <Handle type="source" position={Position.Right} />
    </div>
  );
}

export const ComponentNodeComponent = memo(ComponentNodeView);
