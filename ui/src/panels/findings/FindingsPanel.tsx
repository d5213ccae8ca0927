// The findings of the live analysis, and the planner's steps to apply.
// (Placeholder while it is built: see issue 9.)

import type { JSX } from 'react';

import type { PanelProps } from '../types';

export function FindingsPanel({ spec }: PanelProps): JSX.Element {
  return <p className="hr-dock__empty">{spec.name}: Findings and the planner are coming.</p>;
}
