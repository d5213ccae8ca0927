// React Flow re-renders every node and edge whose object changed. The canvas rebuilds its
// nodes and edges from the model after each edit and each analysis; these keep the
// previous object wherever nothing in it changed, so an edit repaints what it touched
// instead of all of a 300-component model.

/**
 * Equal records: the same keys with `Object.is`-equal values, or values that are
 * themselves records equal one level further down (a node's data holds its load).
 */
export function sameRecord(a: unknown, b: unknown, depth = 2): boolean {
  if (Object.is(a, b)) return true;
  if (depth === 0 || typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && sameRecord(ra[k], rb[k], depth - 1));
}

/**
 * `next`, with each item whose previous version (by id) is `sameRecord`-equal replaced by
 * that previous object; `prev` itself when nothing changed at all.
 */
export function keepUnchanged<T extends { id: string }>(prev: readonly T[], next: readonly T[]): readonly T[] {
  const before = new Map(prev.map((p) => [p.id, p]));
  let changed = prev.length !== next.length;
  const out = next.map((item, i) => {
    const old = before.get(item.id);
    if (old !== undefined && sameRecord(old, item, 3)) {
      if (prev[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return item;
  });
  return changed ? out : prev;
}
