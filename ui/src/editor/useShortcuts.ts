// The keyboard: file commands work everywhere, editing commands only when the user is
// not typing in a field (there Ctrl+Z, Ctrl+C and Ctrl+V are the field's own).

import { useEffect, useRef, type Dispatch, type SetStateAction } from 'react';

import type { CanvasCommands } from './useCanvasCommands';
import type { DocumentState } from './useDocument';

const isTyping = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

export interface ShortcutContext {
  doc: Pick<DocumentState, 'save' | 'openModel' | 'newModel' | 'undo' | 'redo' | 'fit'>;
  canvas: Pick<CanvasCommands, 'copySelection' | 'pasteClipboard' | 'autoLayout'>;
  /** The help overlay is open (Escape closes it). */
  help: boolean;
  setHelp: Dispatch<SetStateAction<boolean>>;
  /** A question is on screen: the keyboard is its own. */
  asking: boolean;
}

export function useShortcuts(context: ShortcutContext) {
  // One listener for the window's life, which always sees the newest commands.
  const latest = useRef(context);
  useEffect(() => {
    latest.current = context;
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => handleKey(e, latest.current, latest);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function handleKey(
  e: KeyboardEvent,
  { doc, canvas, help, setHelp, asking }: ShortcutContext,
  latest: { readonly current: ShortcutContext },
) {
  const ctrl = e.ctrlKey || e.metaKey;
  const k = e.key.toLowerCase();
  if (e.key === 'Escape' && help) {
    setHelp(false);
    return;
  }
  if (asking) return;
  if (ctrl && k === 's') {
    e.preventDefault();
    // Let a field being typed in commit first (it commits on blur), and save what it made.
    (document.activeElement as HTMLElement | null)?.blur();
    setTimeout(() => void latest.current.doc.save(e.shiftKey), 0);
    return;
  }
  if (ctrl && k === 'o') {
    e.preventDefault();
    void doc.openModel();
    return;
  }
  if (ctrl && k === 'n') {
    e.preventDefault();
    void doc.newModel();
    return;
  }
  if (isTyping(e.target)) return;
  if (ctrl && k === 'z') {
    e.preventDefault();
    if (e.shiftKey) doc.redo();
    else doc.undo();
  } else if (ctrl && k === 'y') {
    e.preventDefault();
    doc.redo();
  } else if (ctrl && k === 'c') {
    canvas.copySelection();
  } else if (ctrl && k === 'v') {
    e.preventDefault();
    canvas.pasteClipboard();
  } else if (ctrl && k === 'l') {
    e.preventDefault();
    void canvas.autoLayout();
  } else if (ctrl && k === '0') {
    e.preventDefault();
    doc.fit();
  } else if (e.key === '?' || e.key === 'F1') {
    e.preventDefault();
    setHelp((h) => !h);
  }
}
