/**
 * What the window shows, on `<body data-state>`, for tests to wait on:
 * `loading` until there is something to show; `ready` once a model's graph is laid
 * out and drawn; `empty` when no spec was given; `error` for anything else the user
 * must act on (no desktop shell, a failed command, a file with no usable model, a crash).
 */
export type BodyState = 'loading' | 'ready' | 'empty' | 'error';

export function setBodyState(state: BodyState): void {
  if (typeof document !== 'undefined') document.body.dataset.state = state;
}
