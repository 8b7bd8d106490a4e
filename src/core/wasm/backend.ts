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
 * - Relaxed SIMD (a fused multiply-add in the gemm kernels) only when asked for with
 *   `relaxedSimd: true` and the runtime validates it; results then differ from the default build
 *   in the last bits.
 *
 * Results match the plain backend to float32 rounding, not bit for bit: sums run in another
 * order and exp/tanh are float32 polynomials (test/core/backend.test.ts sets the tolerances).
 */
import type { Backend } from "../backend.js";
import type { FloatArray } from "../types.js";
import { requireWasm, type WasmModule } from "./api.js";
import { Arena, type ArenaOptions } from "./arena.js";
import { compileKernels, instantiateKernels, type KernelExports, kernelBinary } from "./module.js";

export interface WasmBackendOptions extends ArenaOptions {
  /** Use the relaxed-SIMD build (fused multiply-add) when the runtime supports it (default false). */
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

/** Extent in elements of a stored rows × cols matrix with row stride ld (0 when empty). */
function extent(rows: number, cols: number, ld: number): number {
  return rows > 0 && cols > 0 ? (rows - 1) * ld + cols : 0;
}

export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const relaxed =
    options.relaxedSimd === true && requireWasm().validate(kernelBinary({ shared: false, relaxed: true }));
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
  const at = arena.address.bind(arena);

  const backend: WasmBackend = {
    name: relaxed ? "wasm-relaxed-simd" : "wasm-simd",
    dtype: "float32",
    arena,
    kernels: k,
    module,
    relaxed,
    alloc: (length) => arena.alloc(length),

    gemm(transA, transB, m, n, k_, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) {
      const pa = at("gemm A", a, aOff, transA ? extent(k_, m, lda) : extent(m, k_, lda), false);
      const pb = at("gemm B", b, bOff, transB ? extent(n, k_, ldb) : extent(k_, n, ldb), false);
      const pc = at("gemm C", c, cOff, extent(m, n, ldc), true);
      k.gemm(+transA, +transB, m, n, k_, alpha, pa, lda, pb, ldb, beta, pc, ldc, scratch);
      arena.finishCall();
    },

    addRowBroadcast(rows, cols, bias, biasOff, c, cOff) {
      const pb = at("addRowBroadcast bias", bias, biasOff, cols, false);
      const pc = at("addRowBroadcast c", c, cOff, rows * cols, true);
      k.addRowBroadcast(rows, cols, pb, pc);
      arena.finishCall();
    },

    sumRows(rows, cols, a, aOff, out, outOff) {
      const pa = at("sumRows a", a, aOff, rows * cols, false);
      const po = at("sumRows out", out, outOff, cols, true);
      k.sumRows(rows, cols, pa, po);
      arena.finishCall();
    },

    tanhForward(n, x, xOff, y, yOff) {
      const px = at("tanhForward x", x, xOff, n, false);
      const py = at("tanhForward y", y, yOff, n, true);
      k.tanhForward(n, px, py);
      arena.finishCall();
    },

    tanhBackward(n, y, yOff, dy, dyOff, dx, dxOff) {
      const py = at("tanhBackward y", y, yOff, n, false);
      const pdy = at("tanhBackward dy", dy, dyOff, n, false);
      const pdx = at("tanhBackward dx", dx, dxOff, n, true);
      k.tanhBackward(n, py, pdy, pdx);
      arena.finishCall();
    },

    lstmForward(rows, hidden, gates, gOff, cPrev, cpOff, peep, peepOff, c, cOff, h, hOff) {
      const s = rows * hidden;
      const pg = at("lstmForward gates", gates, gOff, 4 * s, true);
      const pcp = at("lstmForward cPrev", cPrev, cpOff, s, false);
      const pp = peep ? at("lstmForward peep", peep, peepOff, 3 * hidden, false) : 0;
      const pc = at("lstmForward c", c, cOff, s, true);
      const ph = at("lstmForward h", h, hOff, s, true);
      k.lstmForward(rows, hidden, pg, pcp, pp, peep ? 1 : 0, pc, ph);
      arena.finishCall();
    },

    lstmBackward(
      rows,
      hidden,
      gates,
      gOff,
      cPrev,
      cpOff,
      c,
      cOff,
      peep,
      peepOff,
      dh,
      dhOff,
      dc,
      dcOff,
      dGates,
      dgOff,
      dcPrev,
      dcpOff,
      dPeep,
      dPeepOff,
    ) {
      const s = rows * hidden;
      const pg = at("lstmBackward gates", gates, gOff, 4 * s, false);
      const pcp = at("lstmBackward cPrev", cPrev, cpOff, s, false);
      const pc = at("lstmBackward c", c, cOff, s, false);
      const pp = peep ? at("lstmBackward peep", peep, peepOff, 3 * hidden, false) : 0;
      const pdh = at("lstmBackward dh", dh, dhOff, s, false);
      const pdc = at("lstmBackward dc", dc, dcOff, s, false);
      const pdg = at("lstmBackward dGates", dGates, dgOff, 4 * s, true);
      const pdcp = at("lstmBackward dcPrev", dcPrev, dcpOff, s, true);
      const hasDPeep = peep !== null && dPeep !== null;
      const pdp = hasDPeep ? at("lstmBackward dPeep", dPeep as FloatArray, dPeepOff, 3 * hidden, true) : 0;
      k.lstmBackward(rows, hidden, pg, pcp, pc, pp, peep ? 1 : 0, pdh, pdc, pdg, pdcp, pdp, hasDPeep ? 1 : 0);
      arena.finishCall();
    },

    gruForward(rows, hidden, gi, giOff, gh, ghOff, hPrev, hpOff, act, actOff, h, hOff) {
      const s = rows * hidden;
      const pgi = at("gruForward gi", gi, giOff, 3 * s, false);
      const pgh = at("gruForward gh", gh, ghOff, 3 * s, false);
      const php = at("gruForward hPrev", hPrev, hpOff, s, false);
      const pa = at("gruForward act", act, actOff, 3 * s, true);
      const ph = at("gruForward h", h, hOff, s, true);
      k.gruForward(rows, hidden, pgi, pgh, php, pa, ph);
      arena.finishCall();
    },

    gruBackward(
      rows,
      hidden,
      act,
      actOff,
      gh,
      ghOff,
      hPrev,
      hpOff,
      dh,
      dhOff,
      dGi,
      dgiOff,
      dGh,
      dghOff,
      dhPrev,
      dhpOff,
    ) {
      const s = rows * hidden;
      const pa = at("gruBackward act", act, actOff, 3 * s, false);
      const pgh = at("gruBackward gh", gh, ghOff, 3 * s, false);
      const php = at("gruBackward hPrev", hPrev, hpOff, s, false);
      const pdh = at("gruBackward dh", dh, dhOff, s, false);
      const pdgi = at("gruBackward dGi", dGi, dgiOff, 3 * s, true);
      const pdgh = at("gruBackward dGh", dGh, dghOff, 3 * s, true);
      const pdhp = at("gruBackward dhPrev", dhPrev, dhpOff, s, true);
      k.gruBackward(rows, hidden, pa, pgh, php, pdh, pdgi, pdgh, pdhp);
      arena.finishCall();
    },
  };
  return backend;
}
