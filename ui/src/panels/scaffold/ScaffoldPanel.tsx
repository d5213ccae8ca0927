// The deployment scaffold: preview the file tree, generate it into a folder.
// (Placeholder while it is built: see issue 9.)

import type { JSX } from 'react';

import type { PanelProps } from '../types';

export function ScaffoldPanel({ spec }: PanelProps): JSX.Element {
  return <p className="hr-dock__empty">{spec.name}: Scaffold generation is coming.</p>;
}
