import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, type CSSProperties } from 'react';

import type { ComponentNode } from '../graph/toFlow';
import { kindStyle } from '../kinds';
import { KindIcon } from './KindIcon';

/** A component on the canvas: icon, name, kind and a short detail line. */
function ComponentNodeView({ data, selected }: NodeProps<ComponentNode>) {
  const style = kindStyle(data.kind);
  const meta = data.detail ? `${style.label} · ${data.detail}` : style.label;
  const vars = { '--kind-color': style.color, '--kind-tint': style.tint } as CSSProperties;
  return (
    <div
      className={selected ? 'hr-node hr-node--selected' : 'hr-node'}
      data-testid={`node-${data.name}`}
      data-kind={data.kind}
      style={vars}
      title={`${data.name} — ${meta}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <span className="hr-node__icon">
        <KindIcon kind={data.kind} size={20} />
      </span>
      <span className="hr-node__text">
        <span className="hr-node__name" data-testid="node-label">
          {data.name}
        </span>
        <span className="hr-node__meta">{meta}</span>
      </span>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
}

export const ComponentNodeComponent = memo(ComponentNodeView);
