/**
 * Named backend arrays that outlive one online engine: the trainer builds an engine per
 * epoch, and a backend's allocator may never free (the wasm arena does not), so the
 * learners' buffers are kept per model and reused, growing only when a run needs more.
 */
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";

const pools = new WeakMap<SequenceModel, Map<string, FloatArray>>();

/** At least n zeroed values of model.backend's kind, the same array each time for `name` (zeroed on every take). */
export function takeArray(model: SequenceModel, name: string, n: number): FloatArray {
  let pool = pools.get(model);
  if (!pool) {
    pool = new Map();
    pools.set(model, pool);
  }
  let a = pool.get(name);
  if (!a || a.length < n) {
    a = model.backend.alloc(Math.max(n, 1));
    pool.set(name, a);
  } else a.fill(0);
  return a;
}
