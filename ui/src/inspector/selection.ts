/** What the inspector edits: nothing, a component (by name) or a dependency (by index). */
export type InspectorSelection =
  | { kind: 'none' }
  | { kind: 'component'; name: string }
  | { kind: 'dependency'; index: number }; // index into spec.dependencies
