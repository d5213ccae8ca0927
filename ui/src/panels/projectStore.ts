// What a dock panel keeps for each open project outside its own component: the dock
// unmounts a hidden panel, and its results (a run under way, the last answer) must
// outlive that, and be there when the panel is shown again.

import { useCallback, useSyncExternalStore } from 'react';

export interface ProjectStore<T> {
  /** The project's value: the same object until it changes (a store snapshot). */
  get: (project: number) => T;
  /** Sets the project's value and tells every subscriber. */
  set: (project: number, value: T) => void;
  /** Sets the project's value from its current one and tells every subscriber. */
  update: (project: number, change: (current: T) => T) => void;
  /** Calls `listener` whenever a value is set; returns the unsubscribe. */
  subscribe: (listener: () => void) => () => void;
  /** Forgets every project's value (tests). */
  reset: () => void;
}

/** A store of one value per project; a project never set has `initial`. */
export function projectStore<T>(initial: T): ProjectStore<T> {
  const values = new Map<number, T>();
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  const get = (project: number) => (values.has(project) ? (values.get(project) as T) : initial);
  const set = (project: number, value: T) => {
    values.set(project, value);
    changed();
  };
  return {
    get,
    set,
    update: (project, change) => set(project, change(get(project))),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    reset: () => {
      values.clear();
      changed();
    },
  };
}

/** The project's value in `store`; re-renders when it changes. */
export function useProjectValue<T>(store: ProjectStore<T>, project: number): T {
  const snapshot = useCallback(() => store.get(project), [store, project]);
  return useSyncExternalStore(store.subscribe, snapshot, snapshot);
}
