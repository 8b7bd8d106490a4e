/**
 * Named backend arrays that outlive one online engine: the trainer builds an engine per
 * epoch, and a backend's allocator may free only what it is given (the wasm arena), so the
 * learners' buffers are the model's scratch arrays (model.scratch), reused while big
 * enough and freed with the model (model.dispose()).
 */
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";

/** At least n values, zeroed, the same array each time for `name` while it is big enough. */
export function takeArray(model: SequenceModel, name: string, n: number): FloatArray {
  const a = model.scratch(`online.${name}`, Math.max(n, 1));
  a.fill(0);
  return a;
}
