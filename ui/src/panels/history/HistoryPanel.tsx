// The project's revisions: restore one, compare two.
// (Placeholder while it is built: see issue 9.)

import type { JSX } from 'react';

import type { PanelProps } from '../types';

export function HistoryPanel({ spec }: PanelProps): JSX.Element {
  return <p className="hr-dock__empty">{spec.name}: History is coming.</p>;
}
