import type { Diagnostic } from './bindings/Diagnostic';

/** A diagnostic as every front end prints it: `file:line:column: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.message}`;
}
