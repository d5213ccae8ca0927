import { Component, type ErrorInfo, type ReactNode } from 'react';

import { setBodyState } from '../bodyState';

interface State {
  error: Error | null;
}

/** Whatever throws while rendering, the user sees a message, never a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  componentDidCatch(error: unknown, info: ErrorInfo): void {
    setBodyState('error');
    console.error('Headroom UI crashed:', error, info.componentStack);
  }

  render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="hr-status" data-testid="crash">
        <div className="hr-status__card hr-status__card--error" role="alert">
          <h2>Something went wrong in Headroom's window</h2>
          <p>The view could not be drawn. Nothing in your spec file was changed.</p>
          <pre className="hr-status__detail">{error.message}</pre>
          <button type="button" onClick={() => window.location.reload()}>
            Reload
          </button>
        </div>
      </div>
    );
  }
}
