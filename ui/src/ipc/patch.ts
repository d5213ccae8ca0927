// JSON patches, the other end of src/editor/patch.rs: the live analysis sends each edit
// as a patch of the model it sent before and gets its answer as a patch of the answer
// before. Values are JSON as JSON.stringify sees it: a key whose value is `undefined`
// is no key at all.

import type { PatchOp } from '../bindings/PatchOp';
import type { PathStep } from '../bindings/PathStep';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The patch that turns `before` into `after`. Values that are the same object are equal
 * without a look inside, so an edit of one component of an immutable model costs a
 * pass over the components' references and one look into the edited one.
 */
export function diff(before: Json, after: Json): PatchOp[] {
  const ops: PatchOp[] = [];
  diffInto(before, after, [], ops);
  return ops;
}

function diffInto(before: Json, after: Json, path: PathStep[], ops: PatchOp[]) {
  if (before === after) return;
  if (isObject(before) && isObject(after)) {
    for (const [key, value] of Object.entries(after)) {
      if (value === undefined) continue;
      const old = before[key];
      if (old === undefined) ops.push({ op: 'set', path: [...path, key], value });
      else diffInto(old, value, [...path, key], ops);
    }
    for (const [key, value] of Object.entries(before)) {
      if (value !== undefined && after[key] === undefined) ops.push({ op: 'remove', path, key });
    }
  } else if (Array.isArray(before) && Array.isArray(after)) {
    after.forEach((value: Json, i) => {
      if (i < before.length) diffInto(before[i], value, [...path, i], ops);
      else ops.push({ op: 'set', path: [...path, i], value });
    });
    if (after.length < before.length) ops.push({ op: 'truncate', path, len: after.length });
  } else {
    ops.push({ op: 'set', path, value: after });
  }
}

/** A patch that does not fit the value it is applied to. */
export class PatchMisfit extends Error {}

/**
 * `value` with `ops` applied, sharing every part the patch leaves alone: an answer in
 * which one component's numbers moved keeps the other components' objects, so what
 * draws them sees at a glance that they did not change. `value` itself is not touched.
 */
export function applyPatch<T>(value: Json, ops: readonly PatchOp[]): T {
  // Containers copied during this call, which the later ops may change in place.
  const fresh = new WeakSet<object>();
  const own = <C extends object>(c: C): C => {
    if (fresh.has(c)) return c;
    const copy = (Array.isArray(c) ? [...c] : { ...c }) as C;
    fresh.add(copy);
    return copy;
  };
  let root = value;
  const misfit = (path: readonly PathStep[]) => new PatchMisfit(`the patch does not fit the value at ${show(path)}`);

  /** The container at `path`, copied along the way; `null` if there is none. */
  const containerAt = (path: readonly PathStep[]): object | null => {
    if (typeof root !== 'object' || root === null) return null;
    root = own(root);
    let at = root as object;
    for (const step of path) {
      const child: Json = (at as Record<string | number, Json>)[step];
      if (typeof child !== 'object' || child === null) return null;
      const copy = own(child);
      (at as Record<string | number, Json>)[step] = copy;
      at = copy;
    }
    return at;
  };

  for (const op of ops) {
    if (op.op === 'set') {
      if (op.path.length === 0) {
        root = op.value;
        continue;
      }
      const parent = containerAt(op.path.slice(0, -1));
      const last = op.path[op.path.length - 1];
      if (Array.isArray(parent) && typeof last === 'number' && last <= parent.length) parent[last] = op.value;
      else if (isObject(parent) && typeof last === 'string') parent[last] = op.value;
      else throw misfit(op.path);
    } else if (op.op === 'remove') {
      const at = containerAt(op.path);
      if (!isObject(at)) throw misfit(op.path);
      delete at[op.key];
    } else {
      const at = containerAt(op.path);
      if (!Array.isArray(at) || op.len > at.length) throw misfit(op.path);
      at.length = op.len;
    }
  }
  return root as T;
}

function show(path: readonly PathStep[]): string {
  return path.length === 0 ? 'the root' : path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
}
