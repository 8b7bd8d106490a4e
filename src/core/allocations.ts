/**
 * What one owner (a model, a trainer) allocated on a backend, so that its `dispose()` can give
 * all of it back at once. `backend` is the same backend with an `alloc` that records: hand it to
 * whatever allocates on the owner's behalf (layers, the optimizer) and run kernels on it as on
 * the original (it inherits every other member). Without this, a page that builds model after
 * model on one wasm backend grows its arena with each (the arena frees only what it is given).
 */
import type { Backend } from "./backend.js";
import type { FloatArray } from "./types.js";

export class OwnedAllocations {
  /** The backend, allocating on this owner's account. */
  readonly backend: Backend;
  private readonly arrays = new Set<FloatArray>();
  private released = false;

  constructor(readonly base: Backend) {
    const alloc = (length: number): FloatArray => {
      if (this.released) throw new Error(`${base.name}: allocating for an owner after its dispose()`);
      const array = base.alloc(length);
      this.arrays.add(array);
      return array;
    };
    const free = (array: FloatArray): void => {
      this.arrays.delete(array);
      base.free(array);
    };
    this.backend = Object.create(base, { alloc: { value: alloc }, free: { value: free } }) as Backend;
  }

  /** True after `freeAll`. */
  get disposed(): boolean {
    return this.released;
  }

  /** Returns every array still held to the backend; later allocations on this account throw. */
  freeAll(): void {
    if (this.released) return;
    this.released = true;
    for (const array of this.arrays) this.base.free(array);
    this.arrays.clear();
  }
}
