/**
 * The native backend (float32, Node only): the Backend kernels in a Node-API addon (native/),
 * with the matrix products on a well-kept BLAS (OpenBLAS through CBLAS on Linux, Accelerate on
 * macOS) and the fused LSTM/GRU step kernels written in C++ with eight-lane vectors.
 *
 * Memory: the addon maps one arena (reserved, untouched pages cost nothing) and hands it over as
 * an ArrayBuffer that never grows or moves; the same Arena as the wasm backend (../wasm/arena.ts)
 * allocates Float32Array views of it and stages foreign arrays. Kernels receive byte offsets
 * through an argument block at the arena's start, so a call converts no JavaScript values
 * (native/src/addon.cc), which is what keeps a batch-1 step cheap.
 *
 * Threads (`threads`, default 1): big products are cut into blocks that the calling thread and
 * the addon's workers share (native/src/pool.h says why not the BLAS's own threads, which stay at
 * one). Results are deterministic for a given thread count
 * (test/core/backend-native.test.ts), and match the plain backend to float32 rounding.
 */
import { type ArenaKernels, bindArenaKernels } from "../arena-kernels.js";
import type { Backend } from "../backend.js";
import { Arena } from "../wasm/arena.js";
import { loadNativeAddon, type NativeInstance } from "./addon.js";

/** Options of the native (Node-API, OpenBLAS) backend (docs/backends.md). */
export interface NativeOptions {
  /** Threads that share the big matrix products (default 1). */
  threads?: number;
  /** The arena's reservation in MiB (default 1024, at most 65536); untouched pages cost no memory. */
  reserveMiB?: number;
  /** Load the addon from this file instead of the one the install built (tests use it). */
  addonPath?: string;
}

export interface NativeBackend extends Backend {
  readonly arena: Arena;
  readonly threads: number;
  /** The BLAS in use, as it describes itself (e.g. "OpenBLAS 0.3.21 ... (core Haswell)"). */
  readonly blas: string;
}

/** Argument writers with the wasm kernels' signatures (scratch, wasm gemm's packing space, is unused). */
function argumentWriters(native: NativeInstance): ArenaKernels {
  const a = new Float64Array(native.buffer, 0, native.argSlots);
  return {
    gemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc) {
      a[0] = transA;
      a[1] = transB;
      a[2] = m;
      a[3] = n;
      a[4] = k;
      a[5] = alpha;
      a[6] = pa;
      a[7] = lda;
      a[8] = pb;
      a[9] = ldb;
      a[10] = beta;
      a[11] = pc;
      a[12] = ldc;
      native.gemm();
    },
    gatherColumns(rows, n, ids, w, ldw, c, ldc) {
      a[0] = rows;
      a[1] = n;
      a[2] = ids;
      a[3] = w;
      a[4] = ldw;
      a[5] = c;
      a[6] = ldc;
      native.gatherColumns();
    },
    scatterAddColumns(rows, n, ids, d, ldd, w, ldw) {
      a[0] = rows;
      a[1] = n;
      a[2] = ids;
      a[3] = d;
      a[4] = ldd;
      a[5] = w;
      a[6] = ldw;
      native.scatterAddColumns();
    },
    addRowBroadcast(rows, cols, bias, c) {
      a[0] = rows;
      a[1] = cols;
      a[2] = bias;
      a[3] = c;
      native.addRowBroadcast();
    },
    sumRows(rows, cols, pa, out) {
      a[0] = rows;
      a[1] = cols;
      a[2] = pa;
      a[3] = out;
      native.sumRows();
    },
    tanhForward(n, x, y) {
      a[0] = n;
      a[1] = x;
      a[2] = y;
      native.tanhForward();
    },
    tanhBackward(n, y, dy, dx) {
      a[0] = n;
      a[1] = y;
      a[2] = dy;
      a[3] = dx;
      native.tanhBackward();
    },
    lstmForward(rows, hidden, gates, cPrev, peep, hasPeep, c, h) {
      a[0] = rows;
      a[1] = hidden;
      a[2] = gates;
      a[3] = cPrev;
      a[4] = peep;
      a[5] = hasPeep;
      a[6] = c;
      a[7] = h;
      native.lstmForward();
    },
    lstmBackward(rows, hidden, gates, cPrev, c, peep, hasPeep, dh, dc, dGates, dcPrev, dPeep, hasDPeep) {
      a[0] = rows;
      a[1] = hidden;
      a[2] = gates;
      a[3] = cPrev;
      a[4] = c;
      a[5] = peep;
      a[6] = hasPeep;
      a[7] = dh;
      a[8] = dc;
      a[9] = dGates;
      a[10] = dcPrev;
      a[11] = dPeep;
      a[12] = hasDPeep;
      native.lstmBackward();
    },
    gruForward(rows, hidden, gi, gh, hPrev, act, h) {
      a[0] = rows;
      a[1] = hidden;
      a[2] = gi;
      a[3] = gh;
      a[4] = hPrev;
      a[5] = act;
      a[6] = h;
      native.gruForward();
    },
    gruBackward(rows, hidden, act, gh, hPrev, dh, dGi, dGh, dhPrev) {
      a[0] = rows;
      a[1] = hidden;
      a[2] = act;
      a[3] = gh;
      a[4] = hPrev;
      a[5] = dh;
      a[6] = dGi;
      a[7] = dGh;
      a[8] = dhPrev;
      native.gruBackward();
    },
  };
}

export async function createNativeBackend(options: NativeOptions = {}): Promise<NativeBackend> {
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new Error(`native backend: threads must be an integer in [1, 256], got ${threads}`);
  const reserveMiB = options.reserveMiB ?? 1024;
  if (!(reserveMiB >= 1 && reserveMiB <= 65536))
    throw new Error(`native backend: reserveMiB must be in [1, 65536], got ${reserveMiB}`);
  const addon = await loadNativeAddon(options.addonPath);
  const native = addon.create(Math.floor(reserveMiB * 2 ** 20), threads);
  // The argument block sits below the arena's first allocation.
  const arena = new Arena(native.argSlots * 8, {}, { buffer: native.buffer, label: "native" });
  return {
    ...bindArenaKernels("native", arena, argumentWriters(native), 0),
    arena,
    threads,
    blas: addon.info().blas,
  };
}
