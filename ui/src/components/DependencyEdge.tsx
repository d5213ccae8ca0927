import { BaseEdge, EdgeLabelRenderer, useInternalNode, useStore, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';

import { edgeGeometry } from '../graph/edgePath';
import { formatRate } from '../graph/heat';
import type { DependencyEdge } from '../graph/toFlow';

/** Below this zoom the 11 px labels are under 5 px tall: not drawn. */
const LABEL_MIN_ZOOM = 0.45;

/**
 * A dependency: the route the layout drew for it while both its nodes stay where the
 * layout put them, a plain curve once one is dragged away. Async edges are dashed (CSS).
 */
function DependencyEdgeView(props: EdgeProps<DependencyEdge>) {
  const { id, source, target, sourceX, sourceY, targetX, targetY, data, markerEnd, style, selected } =
    props;
  const from = useInternalNode(source)?.internals.positionAbsolute;
  const to = useInternalNode(target)?.internals.positionAbsolute;
  const geometry = edgeGeometry(from, to, [sourceX, sourceY, targetX, targetY], data);
  // Zoomed out past reading, labels only cost paint time (hundreds of them in a big model).
  const readable = useStore((s) => s.transform[2] >= LABEL_MIN_ZOOM);
  const rate = data?.rateRps === undefined ? '' : formatRate(data.rateRps);
  const label = [data?.label, rate].filter(Boolean).join(' · ');
  return (
    <>
      <BaseEdge id={id} path={geometry.path} markerEnd={markerEnd} style={style} />
      {label && readable ? (
        <EdgeLabelRenderer>
          <div
            className={`hr-edge-label hr-edge-label--${data?.mode ?? 'sync'}${selected ? ' hr-edge-label--selected' : ''}${data?.stale ? ' hr-edge-label--stale' : ''}`}
            data-testid={`edge-label-${id}`}
            style={{
              transform: `translate(-50%, -50%) translate(${geometry.labelX}px, ${geometry.labelY}px)`,
            }}
          >
            {label}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const DependencyEdgeComponent = memo(DependencyEdgeView);
