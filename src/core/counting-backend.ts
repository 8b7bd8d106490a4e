/**
 * A backend for measuring, never for running (isomorphic): the plain backend, except that
 * `alloc` counts the elements asked for and allocates none (summary.ts, memory-check.ts and
 * the model loader's check of model.json against its weights build models on it).
 */
import type { Backend } from "./backend.js";
import { createPlainBackend } from "./plain.js";
import type { DType } from "./types.js";

/**
 * A plain backend that counts the elements it is asked for and allocates none of them
 * (each array it returns is empty, its `length` the one asked for, so buffers that only
 * grow are reused as with real ones): building and sizing a model on it runs no kernel, so
 * the count is exact and a model too large for the machine is measured without being
 * allocated (memory-check.ts refuses it before the real one is built).
 */
export function countingBackend(dtype: DType): { backend: Backend; allocated(): number } {
  const plain = createPlainBackend(dtype);
  let total = 0;
  const backend: Backend = {
    ...plain,
    alloc(n: number) {
      total += n;
      // Empty, but reporting the length asked for: layers keep a buffer that is long enough.
      return Object.defineProperty(plain.alloc(0), "length", { value: n });
    },
  };
  return { backend, allocated: () => total };
}
