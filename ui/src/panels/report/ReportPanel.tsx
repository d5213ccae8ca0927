// The gap-analysis report: preview and export.
// (Placeholder while it is built: see issue 9.)

import type { JSX } from 'react';

import type { PanelProps } from '../types';

export function ReportPanel({ spec }: PanelProps): JSX.Element {
  return <p className="hr-dock__empty">{spec.name}: The report is coming.</p>;
}
