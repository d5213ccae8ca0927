// What the page says about itself: `<body data-state>`, which tests and the perf harness
// wait on, and the window's title (the model's name, marked while it has unsaved edits).

import { getCurrentWindow } from '@tauri-apps/api/window';
import { useEffect } from 'react';

import { setBodyState, type BodyState } from '../bodyState';
import { insideTauri } from '../ipc';
import type { DocumentState } from './useDocument';

export function usePageState({ phase, laidOut, spec, dirty }: Pick<DocumentState, 'phase' | 'laidOut' | 'spec' | 'dirty'>) {
  const bodyState: BodyState = (() => {
    switch (phase.phase) {
      case 'loading':
        return 'loading';
      case 'start':
        return 'empty';
      case 'unavailable':
      case 'unreadable':
        return 'error';
      case 'editing':
        return laidOut ? 'ready' : 'loading';
    }
  })();
  useEffect(() => setBodyState(bodyState), [bodyState]);

  useEffect(() => {
    if (!insideTauri() || !spec) return;
    const title = `${dirty ? '• ' : ''}${spec.name} — Headroom`;
    void getCurrentWindow().setTitle(title).catch(() => {});
  }, [spec, dirty]);
}
