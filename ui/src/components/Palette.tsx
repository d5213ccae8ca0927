import { memo, type DragEvent } from 'react';

import type { ComponentKind } from '../bindings/ComponentKind';
import { KINDS, kindStyle } from '../kinds';
import { KindIcon } from './KindIcon';

/** The drag payload of a palette tile: the kind to add. */
export const KIND_DRAG_TYPE = 'application/x-headroom-kind';

/** Every component kind, to drag onto the canvas or click to add at its centre. */
export const Palette = memo(function Palette({ onAdd }: { onAdd: (kind: ComponentKind) => void }) {
  const onDragStart = (kind: ComponentKind) => (e: DragEvent) => {
    e.dataTransfer.setData(KIND_DRAG_TYPE, kind);
    e.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <nav className="hr-palette" aria-label="Component palette" data-testid="palette">
      <h2>Add</h2>
      {KINDS.map((kind) => {
        const style = kindStyle(kind);
        return (
          <button
            key={kind}
            type="button"
            className="hr-palette__item"
            data-testid={`palette-${kind}`}
            draggable
            onDragStart={onDragStart(kind)}
            onClick={() => onAdd(kind)}
            title={`Drag onto the canvas, or click to add a ${style.label.toLowerCase()}`}
          >
            <span className="hr-palette__icon" style={{ color: style.color, background: style.tint }}>
              <KindIcon kind={kind} size={16} />
            </span>
            {style.label}
          </button>
        );
      })}
    </nav>
  );
});
