// The engine's diagnostics as the inspector shows them: under the field they are about,
// or at the top of the item's form when no shown field matches.

import type { Diagnostic } from '../bindings/Diagnostic';

/** The problems of one item (a component, a dependency, a class, the targets...). */
export class ItemDiagnostics {
  /** Messages by path relative to the item (`replicas`, `replication.mode`, `` for the item itself). */
  private readonly byField = new Map<string, string[]>();

  /**
   * `prefix` is the item's path (`components[2]`, `targets`); diagnostics with an empty
   * path (the whole file) or outside the item are ignored.
   */
  constructor(
    readonly prefix: string,
    diagnostics: readonly Diagnostic[],
  ) {
    for (const d of diagnostics) {
      const rel = relativePath(prefix, d.path);
      if (rel === null) continue;
      const list = this.byField.get(rel) ?? [];
      list.push(fieldMessage(d, rel));
      this.byField.set(rel, list);
    }
  }

  /** The messages about exactly `field` (relative to the item). */
  at(field: string): string[] {
    return this.byField.get(field) ?? [];
  }

  /** The messages about `field` or anything inside it (`classes`, `classes[1]`). */
  within(field: string): string[] {
    const out: string[] = [];
    for (const [rel, messages] of this.byField) {
      if (rel === field || rel.startsWith(`${field}.`) || rel.startsWith(`${field}[`)) out.push(...messages);
    }
    return out;
  }

  /** Whether anything about the item was reported. */
  get any(): boolean {
    return this.byField.size > 0;
  }

  get count(): number {
    let n = 0;
    for (const list of this.byField.values()) n += list.length;
    return n;
  }

  /**
   * The messages no shown field takes: `shown` says whether a relative path is shown
   * under a field. Each comes with its path, so the form can say which field it is about.
   */
  rest(shown: (field: string) => boolean): { field: string; message: string }[] {
    const out: { field: string; message: string }[] = [];
    for (const [rel, messages] of this.byField) {
      if (rel !== '' && shown(rel)) continue;
      for (const message of messages) out.push({ field: rel, message });
    }
    return out;
  }
}

/** `path` relative to `prefix` ('' for the item itself), or null when outside it. */
export function relativePath(prefix: string, path: string): string | null {
  if (path === '' || prefix === '') return null;
  if (path === prefix) return '';
  if (path.startsWith(`${prefix}.`)) return path.slice(prefix.length + 1);
  if (path.startsWith(`${prefix}[`)) return path.slice(prefix.length);
  return null;
}

/**
 * The claim of a diagnostic without its context, for showing under its field:
 * `components[3] "orders-db": replication.read_replicas must be >= 0, got -1` under
 * read_replicas reads `must be >= 0, got -1`. Anything else is shown whole.
 */
export function fieldMessage(d: Diagnostic, rel: string): string {
  const m = d.message;
  if (rel === '') {
    const colon = m.indexOf(': ');
    return colon >= 0 && m.startsWith(d.path) ? m.slice(colon + 2) : m;
  }
  const marker = `: ${rel} `;
  const at = m.indexOf(marker);
  if (at >= 0) return m.slice(at + marker.length);
  if (m.startsWith(`${d.path} `)) return m.slice(d.path.length + 1);
  return m;
}

/** Number of diagnostics whose path starts with one of `prefixes`. */
export function countUnder(diagnostics: readonly Diagnostic[], prefixes: readonly string[]): number {
  return diagnostics.filter((d) => prefixes.some((p) => relativePath(p, d.path) !== null)).length;
}
