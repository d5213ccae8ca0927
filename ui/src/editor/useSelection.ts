// What is selected: the items picked on the canvas, and what the inspector shows, which
// is the canvas's pick unless an item was brought forward (a new component, a finding's
// component or class).

import { useCallback, useMemo, useState } from 'react';

import type { CanvasSelection } from '../components/EditorCanvas';
import type { InspectorSelection } from '../inspector/selection';

export const NO_SELECTION: CanvasSelection = { components: [], dependencies: [] };

/** The inspector edits one item: a lone component, or a lone dependency. */
function inspectorSelection(s: CanvasSelection): InspectorSelection {
  const [component, ...moreComponents] = s.components;
  const [dependency, ...moreDependencies] = s.dependencies;
  if (component !== undefined && moreComponents.length === 0) return { kind: 'component', name: component };
  if (component === undefined && dependency !== undefined && moreDependencies.length === 0) {
    return { kind: 'dependency', index: dependency };
  }
  return { kind: 'none' };
}

export function useSelection() {
  const [canvas, setCanvas] = useState<CanvasSelection>(NO_SELECTION);
  /** An item brought forward in the inspector; null: the inspector follows the canvas. */
  const [focus, setFocus] = useState<InspectorSelection | null>(null);

  /** The canvas picked `next`; a new pick ends any item brought forward. */
  const canvasChanged = useCallback((next: CanvasSelection) => {
    const same = (a: readonly (string | number)[], b: readonly (string | number)[]) =>
      a.length === b.length && a.every((x, i) => x === b[i]);
    setCanvas((cur) => {
      if (same(cur.components, next.components) && same(cur.dependencies, next.dependencies)) return cur;
      setFocus(null);
      return next;
    });
  }, []);

  const clear = useCallback(() => {
    setCanvas(NO_SELECTION);
    setFocus(null);
  }, []);

  // (Kept while the selection is, so the memoised inspector skips an answer's render.)
  const inspected = useMemo(() => focus ?? inspectorSelection(canvas), [focus, canvas]);

  return { canvas, inspected, canvasChanged, bringForward: setFocus, clear };
}

export type SelectionState = ReturnType<typeof useSelection>;
