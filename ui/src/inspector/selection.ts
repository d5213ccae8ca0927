/**
 * What the inspector shows: nothing, a component (by name), a dependency (by index), or a
 * request class (by name; the Workload tab, with the class brought into view).
 */
export type InspectorSelection =
  | { kind: 'none' }
  | { kind: 'component'; name: string }
  | { kind: 'dependency'; index: number } // index into spec.dependencies
  | { kind: 'class'; name: string };
