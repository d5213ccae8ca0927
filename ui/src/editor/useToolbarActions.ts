// The toolbar's buttons, each with the shortcut that does the same (see useShortcuts).

import { useMemo } from 'react';

import type { ToolbarAction } from '../components/Toolbar';
import * as H from './history';
import type { DocumentState } from './useDocument';

export function useToolbarActions(
  { session, newModel, openModel, save, undo, redo }: Pick<
    DocumentState,
    'session' | 'newModel' | 'openModel' | 'save' | 'undo' | 'redo'
  >,
  autoLayout: () => Promise<void>,
  showHelp: () => void,
): ToolbarAction[] {
  const history = session?.history;
  return useMemo(
    () => [
      { id: 'new', label: 'New', shortcut: 'Ctrl+N', onClick: () => void newModel() },
      { id: 'open', label: 'Open…', shortcut: 'Ctrl+O', onClick: () => void openModel() },
      { id: 'save', label: 'Save', shortcut: 'Ctrl+S', disabled: !session, onClick: () => void save(false) },
      { id: 'save-as', label: 'Save as…', shortcut: 'Ctrl+Shift+S', disabled: !session, onClick: () => void save(true) },
      {
        id: 'undo',
        label: 'Undo',
        shortcut: `Ctrl+Z${history && H.undoLabel(history) ? `: ${H.undoLabel(history)}` : ''}`,
        disabled: !history || history.past.length === 0,
        onClick: undo,
      },
      {
        id: 'redo',
        label: 'Redo',
        shortcut: `Ctrl+Shift+Z${history && H.redoLabel(history) ? `: ${H.redoLabel(history)}` : ''}`,
        disabled: !history || history.future.length === 0,
        onClick: redo,
      },
      { id: 'layout', label: 'Auto-layout', shortcut: 'Ctrl+L', disabled: !session, onClick: () => void autoLayout() },
      { id: 'help', label: '?', shortcut: '?', onClick: showHelp },
    ],
    [session, history, newModel, openModel, save, undo, redo, autoLayout, showHelp],
  );
}
