import type { ReactNode } from 'react';

/** A centred message that stands in for the model: loading, empty, or an error. */
export function StatusScreen({
  testId,
  tone,
  title,
  children,
}: {
  testId: string;
  tone: 'info' | 'error';
  title: string;
  children?: ReactNode;
}) {
  return (
    <div className="hr-status" data-testid={testId}>
      <div
        className={`hr-status__card hr-status__card--${tone}`}
        role={tone === 'error' ? 'alert' : 'status'}
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
