/**
 * The WebAssembly SIMD backend (float32): the kernels of src/core/backend.ts compiled from
 * AssemblyScript (asm/) with 128-bit SIMD, running in place on views of one WebAssembly memory.
 *
 * - gemm: BLIS-style packing and a 5 × 8 register-blocked micro-kernel, with unpacked paths for
 *   m = 1 and for small m (asm/gemm.ts); all four transpose combinations, alpha and beta.
 * - LSTM and GRU steps: one fused pass forward and one backward, with vector exp/σ/tanh
 *   (asm/pointwise.ts, asm/math.ts).
 * - Memory: see arena.ts. Views from `alloc` stay valid for the backend's life (shared memory
 *   grows without detaching views; unshared memory is reserved up front and never grows).
 *   Arrays from elsewhere are copied in and out around each call (correct, slow); Float64Array
 *   arguments throw.
 * - Threads: threads.ts wraps this backend with a worker pool for large products.
 * - Relaxed SIMD (a fused multiply-add in the gemm kernels) by default wherever the runtime
 *   validates it: Chromium does, Node 20 only with --experimental-wasm-relaxed-simd (V8 ships it
 *   from 11.4; Node 20 is on 11.3, later Node releases were not tried). Its results differ from
 *   the exact build's in the last bits (relaxed_madd may fuse or not, as the engine decides, the
 *   same way every call); `relaxedSimd: false` asks for the exact build, for results that do not
 *   depend on the runtime.
 *
 * Results match the plain backend to float32 rounding, not bit for bit: sums run in another
 * order and exp/tanh are float32 polynomials (test/core/backend.test.ts sets the tolerances).
 */

import { bindArenaKernels } from "../arena-kernels.js";
import type { Backend } from "../backend.js";
import type { WasmModule } from "./api.js";
import { Arena, type ArenaOptions } from "./arena.js";
import { compileKernels, instantiateKernels, type KernelExports, relaxedSimdValidates } from "./module.js";

export interface WasmBackendOptions extends ArenaOptions {
  /**
   * Use the relaxed-SIMD build (fused multiply-add) where the runtime validates it (default true);
   * false loads the exact build ("wasm-simd") everywhere.
   */
  relaxedSimd?: boolean;
}

/** A wasm backend and what the threads module needs to share its memory. */
export interface WasmBackend extends Backend {
  readonly arena: Arena;
  readonly kernels: KernelExports;
  readonly module: WasmModule;
  /** True when the relaxed-SIMD binary was loaded. */
  readonly relaxed: boolean;
}

/** True where this runtime validates the relaxed-SIMD build (the default wasm build there). */
export function relaxedSimdAvailable(): boolean {
  return relaxedSimdValidates();
}

export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const relaxed = options.relaxedSimd !== false && relaxedSimdAvailable();
  // The arena starts above the module's static data (asm/ has none: heapBase() is tiny, checked
  // below) and decides shared or unshared; the module must import the same kind of memory.
  const reservedLow = 1024;
  const arena = new Arena(reservedLow, options);
  const module = await compileKernels({ shared: arena.shared, relaxed });
  const k = await instantiateKernels(module, arena.memory);
  if (k.heapBase() > reservedLow) {
    throw new Error(
      `wasm kernels: static data up to ${k.heapBase()} overlaps the arena (from ${reservedLow})`,
    );
  }
  const scratch = arena.allocBytes(k.scratchBytes());

  return {
    ...bindArenaKernels(relaxed ? "wasm-relaxed-simd" : "wasm-simd", arena, k, scratch),
    arena,
    kernels: k,
    module,
    relaxed,
  };
}
