/**
 * A Backend over kernels that take byte addresses into one memory (an Arena): the wasm kernels'
 * exports and the native addon's functions have the same signatures, so both backends share this
 * binding. Each call checks its arrays' ranges and turns (array, offset) into an address
 * (Arena.address: arrays from elsewhere are copied in and out around the call), calls the kernel,
 * and copies staged outputs back.
 */
import type { Backend } from "./backend.js";
import { checkIds } from "./plain.js";
import type { FloatArray } from "./types.js";
import type { Arena } from "./wasm/arena.js";
import type { KernelExports } from "./wasm/module.js";

/** The kernels a backend binds: addresses are bytes into the arena, sizes are elements. */
export type ArenaKernels = Pick<
  KernelExports,
  | "gemm"
  | "gatherColumns"
  | "scatterAddColumns"
  | "addRowBroadcast"
  | "sumRows"
  | "tanhForward"
  | "tanhBackward"
  | "lstmForward"
  | "lstmBackward"
  | "gruForward"
  | "gruBackward"
>;

/** Extent in elements of a stored rows × cols matrix with row stride ld (0 when empty). */
function extent(rows: number, cols: number, ld: number): number {
  return rows > 0 && cols > 0 ? (rows - 1) * ld + cols : 0;
}

/** The Backend of `name` whose kernels `k` run on `arena`'s memory (`scratch`: gemm's packing space). */
export function bindArenaKernels(name: string, arena: Arena, k: ArenaKernels, scratch: number): Backend {
  const at = arena.address.bind(arena);
  return {
    name,
    dtype: "float32",
    alloc: (length) => arena.alloc(length),
    free: (array) => arena.free(array),
    dispose: async () => arena.dispose(),

    gemm(transA, transB, m, n, k_, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc) {
      const pa = at("gemm A", a, aOff, transA ? extent(k_, m, lda) : extent(m, k_, lda), false);
      const pb = at("gemm B", b, bOff, transB ? extent(n, k_, ldb) : extent(k_, n, ldb), false);
      const pc = at("gemm C", c, cOff, extent(m, n, ldc), true);
      k.gemm(+transA, +transB, m, n, k_, alpha, pa, lda, pb, ldb, beta, pc, ldc, scratch);
      arena.finishCall();
    },

    gatherColumns(rows, n, vocabulary, ids, idsOff, w, wOff, ldw, c, cOff, ldc) {
      // The ids are checked here, at the boundary: the kernel trusts them to stay inside w.
      checkIds("gatherColumns", rows, vocabulary, ids, idsOff);
      const pw = at("gatherColumns w", w, wOff, extent(n, vocabulary, ldw), false);
      const pc = at("gatherColumns c", c, cOff, extent(rows, n, ldc), true);
      const pi = arena.stageIds("gatherColumns ids", ids, idsOff, rows);
      k.gatherColumns(rows, n, pi, pw, ldw, pc, ldc);
      arena.finishCall();
    },

    scatterAddColumns(rows, n, vocabulary, ids, idsOff, d, dOff, ldd, w, wOff, ldw) {
      checkIds("scatterAddColumns", rows, vocabulary, ids, idsOff);
      const pd = at("scatterAddColumns d", d, dOff, extent(rows, n, ldd), false);
      const pw = at("scatterAddColumns w", w, wOff, extent(n, vocabulary, ldw), true);
      const pi = arena.stageIds("scatterAddColumns ids", ids, idsOff, rows);
      k.scatterAddColumns(rows, n, pi, pd, ldd, pw, ldw);
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
}
