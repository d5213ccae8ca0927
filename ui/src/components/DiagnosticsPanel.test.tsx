import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';

import { shopWithProblemsView } from '../fixtures/shop';
import { DiagnosticsPanel } from './DiagnosticsPanel';

describe('DiagnosticsPanel', () => {
  it('lists each diagnostic as file:line:column: message', () => {
    const { diagnostics } = shopWithProblemsView();
    render(<DiagnosticsPanel diagnostics={diagnostics} hasModel />);
    const panel = screen.getByTestId('diagnostics');
    const items = within(panel).getAllByTestId('diagnostic');
    expect(items.map((li) => li.tagName)).toEqual(['LI', 'LI']);
    expect(items.map((li) => li.textContent)).toEqual([
      'models/shop.yaml:74:22: components[4] "orders-db": replication.read_replicas must be >= 0, got -1',
      'models/shop.yaml:118:5: dependencies[9]: "to" names no component: "notifier"',
    ]);
    expect(within(panel).getByRole('heading')).toHaveTextContent('2 problems');
  });

  it('says when there is no graph to draw', () => {
    render(
      <DiagnosticsPanel
        hasModel={false}
        diagnostics={[{ file: 'x.yaml', line: 1, column: 1, path: '', message: 'not YAML' }]}
      />,
    );
    expect(screen.getByTestId('diagnostic')).toHaveTextContent(/^x\.yaml:1:1: not YAML$/);
    expect(screen.getByRole('heading')).toHaveTextContent('1 problem');
    expect(screen.getByTestId('diagnostics')).toHaveTextContent('no graph to draw');
  });
});
