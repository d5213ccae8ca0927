// What the canvas (and the keyboard and toolbar on its behalf) does to the model: add,
// connect, move and delete components, copy and paste them, lay the graph out again.

import { useCallback, useRef } from 'react';

import type { ComponentKind } from '../bindings/ComponentKind';
import type { CanvasSelection } from '../components/EditorCanvas';
import type { XY } from '../graph/toFlow';
import { layoutModel, placeNew } from './layoutModel';
import * as E from './specEdits';
import { layoutFailed, type DocumentState } from './useDocument';
import type { Notices } from './useNotices';
import type { SelectionState } from './useSelection';

export function useCanvasCommands(
  { session, apply, showLaidOut }: Pick<DocumentState, 'session' | 'apply' | 'showLaidOut'>,
  { canvas: selected, bringForward, clear }: Pick<SelectionState, 'canvas' | 'bringForward' | 'clear'>,
  tell: Notices['tell'],
) {
  const spec = session?.history.present.spec ?? null;
  const clipboard = useRef<E.Clipboard | null>(null);
  /** The model point at the centre of the canvas's view (set by the canvas). */
  const centerRef = useRef<(() => XY) | null>(null);

  /** Adds a component of `kind` at `at`, else amid the view, and inspects it. */
  const addComponent = useCallback(
    (kind: ComponentKind, at: XY | null) => {
      const near = at ?? centerRef.current?.() ?? null;
      let added: string | null = null;
      apply((present) => {
        const { spec: next, name } = E.addComponent(present.spec, kind);
        added = name;
        const where = placeNew(present.positions, near, 0);
        return { spec: next, label: `Add ${name}`, positions: { ...present.positions, [name]: where } };
      });
      // The inspector shows the new component (the edit was made just now, by `apply`).
      if (added !== null) bringForward({ kind: 'component', name: added });
    },
    [apply, bringForward],
  );

  const addFromPalette = useCallback((kind: ComponentKind) => addComponent(kind, null), [addComponent]);

  const connect = useCallback(
    (from: string, to: string) =>
      apply((present) => {
        const next = E.connect(present.spec, from, to);
        return next ? { spec: next, label: `Connect ${from} to ${to}` } : null;
      }),
    [apply],
  );

  const move = useCallback(
    (moved: Record<string, XY>) => {
      const names = Object.keys(moved);
      const label = names.length === 1 ? `Move ${names[0]}` : `Move ${names.length} components`;
      apply((present) => ({ spec: present.spec, label, positions: { ...present.positions, ...moved } }));
    },
    [apply],
  );

  const remove = useCallback(
    (sel: CanvasSelection) => {
      if (sel.components.length === 0 && sel.dependencies.length === 0) return;
      const what =
        sel.components.length === 1 && sel.dependencies.length === 0
          ? sel.components[0]
          : `${sel.components.length + sel.dependencies.length} items`;
      apply((present) => ({
        spec: E.deleteItems(present.spec, sel.components, sel.dependencies),
        label: `Delete ${what}`,
      }));
      clear();
    },
    [apply, clear],
  );

  const autoLayout = useCallback(async () => {
    if (!session) return;
    const model = session.history.present.spec;
    try {
      showLaidOut(model, 'Auto-layout', await layoutModel(model));
    } catch (e) {
      tell('layout', layoutFailed(e));
    }
  }, [session, showLaidOut, tell]);

  const copySelection = useCallback(() => {
    if (spec) clipboard.current = E.copy(spec, selected.components) ?? clipboard.current;
  }, [spec, selected]);

  const pasteClipboard = useCallback(() => {
    const clip = clipboard.current;
    if (!clip) return;
    apply((present) => {
      const { spec: next, renamed } = E.paste(present.spec, clip);
      const positions: Record<string, XY> = { ...present.positions };
      let i = 0;
      for (const [from, to] of renamed) {
        const p = positions[from] ?? placeNew(positions, null, i);
        positions[to] = { x: p.x + 40, y: p.y + 40 };
        i++;
      }
      const label = `Paste ${renamed.size === 1 ? [...renamed.values()].join('') : `${renamed.size} components`}`;
      return { spec: next, label, positions };
    });
  }, [apply]);

  return { centerRef, addComponent, addFromPalette, connect, move, remove, autoLayout, copySelection, pasteClipboard };
}

export type CanvasCommands = ReturnType<typeof useCanvasCommands>;
