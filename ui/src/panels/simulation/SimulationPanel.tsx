// Simulation runs of the model: settings, progress, results.
// (Placeholder while it is built: see issue 9.)

import type { JSX } from 'react';

import type { PanelProps } from '../types';

export function SimulationPanel({ spec }: PanelProps): JSX.Element {
  return <p className="hr-dock__empty">{spec.name}: Simulation is coming.</p>;
}
