/**
 * The backend boundary: every numeric kernel the layers need, over flat typed
 * arrays addressed BLAS-style as (array, offset, leading dimension).
 *
 * Dimension legend (used by every kernel file):
 *   B streams (rows of a step), H hidden units, I inputs, G gates (4H LSTM, 3H GRU, H RNN),
 *   C classes, M/N/K the sizes of a matrix product, V the width of a one-hot input.
 * Layout: row-major, time-major (T, B, features).
 *
 * A backend allocates the buffers its kernels work on in place (`alloc`), so a
 * WebAssembly backend can hand out views into its own memory and never copy.
 * Kernels never allocate. The plain TypeScript backend (plain.ts) is the
 * specification: a faster backend must match it (test/core/backend.test.ts runs
 * one suite against every backend).
 */
import type { DType, FloatArray } from "./types.js";

/**
 * The numeric kernels a model runs on (plain TypeScript, WebAssembly SIMD, native); see the file
 * comment and docs/backends.md.
 */
export interface Backend {
  /** Short name, for logs and for the fallback report ("plain", "wasm-simd"). */
  readonly name: string;
  readonly dtype: DType;

  /** A zeroed array of `length` elements that this backend's kernels accept. */
  alloc(length: number): FloatArray;

  /**
   * Returns an array from `alloc` for reuse (the wasm and native arenas; plain lets the garbage
   * collector do it). The array must not be used afterwards. Models and trainers free theirs in
   * `dispose()`.
   */
  free(array: FloatArray): void;

  /**
   * Ends the backend: stops its worker threads and forgets its arena, so any later call throws.
   * The arena's memory itself goes when the backend object is garbage collected (a WebAssembly
   * memory cannot shrink). Nothing allocated from it may be used afterwards.
   */
  dispose(): Promise<void>;

  /**
   * C = alpha · op(A) · op(B) + beta · C, with op(X) = X or Xᵀ.
   * op(A) is m×k, op(B) is k×n, C is m×n. lda/ldb/ldc are row strides of the
   * stored (untransposed) matrices. beta = 1 accumulates, beta = 0 overwrites
   * (C's old contents, even NaN, are then ignored).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOff: number,
    lda: number,
    b: FloatArray,
    bOff: number,
    ldb: number,
    beta: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
  ): void;

  /**
   * A product with one-hot rows, as a lookup: c[r, j] = w[j·ldw + ids[r]] for r < rows, j < n
   * (row r of c is column ids[r] of the n × V matrix w), and c[r, ·] = 0 where ids[r] = −1.
   * This is gemm(false, true, rows, n, V, 1, X, 0, V, w, wOff, ldw, 0, c, cOff, ldc) for X the
   * rows × V one-hot matrix of ids, exactly: each entry of that product is one term 1 · w plus
   * exact zeros. ids[r] must be an integer in [−1, V) (V ≤ ldw), checked at the call.
   */
  gatherColumns(
    rows: number,
    n: number,
    vocabulary: number,
    ids: Int32Array,
    idsOff: number,
    w: FloatArray,
    wOff: number,
    ldw: number,
    c: FloatArray,
    cOff: number,
    ldc: number,
  ): void;

  /**
   * The weight gradient of gatherColumns: w[j·ldw + ids[r]] += d[r·ldd + j] for r < rows, in
   * order of r, and j < n; rows with ids[r] = −1 add nothing. This is
   * gemm(true, false, n, V, rows, 1, d, dOff, ldd, X, 0, V, 1, w, wOff, ldw) for X the one-hot
   * rows of ids (every backend adds each row in order, so the result is the same bit for bit on
   * every backend, and equal to the plain gemm's). ids as for gatherColumns.
   */
  scatterAddColumns(
    rows: number,
    n: number,
    vocabulary: number,
    ids: Int32Array,
    idsOff: number,
    d: FloatArray,
    dOff: number,
    ldd: number,
    w: FloatArray,
    wOff: number,
    ldw: number,
  ): void;

  /** c[r, j] += bias[j] for r < rows, j < cols (c dense with row stride cols). */
  addRowBroadcast(
    rows: number,
    cols: number,
    bias: FloatArray,
    biasOff: number,
    c: FloatArray,
    cOff: number,
  ): void;

  /** out[j] += Σ_r a[r, j] (a dense rows×cols): the gradient of a broadcast bias. */
  sumRows(rows: number, cols: number, a: FloatArray, aOff: number, out: FloatArray, outOff: number): void;

  /** y = tanh(x) elementwise over n entries (x and y may be the same array and offset). */
  tanhForward(n: number, x: FloatArray, xOff: number, y: FloatArray, yOff: number): void;

  /** dx = dy ⊙ (1 − y²), from the output y = tanh(x); overwrites dx. */
  tanhBackward(
    n: number,
    y: FloatArray,
    yOff: number,
    dy: FloatArray,
    dyOff: number,
    dx: FloatArray,
    dxOff: number,
  ): void;

  /**
   * One LSTM step's pointwise part, rows × hidden, gate order i, f, g, o (PyTorch).
   * In: `gates` holds the pre-activations a = W_ih x + b_ih + W_hh h_prev + b_hh (rows × 4H);
   * `cPrev` the previous cell. Peepholes (Graves 2005/2013, eq. 7-11) when `peep`
   * is non-null: peep holds p_i, p_f, p_o (3 × H), and
   *   i = σ(a_i + p_i⊙c_prev), f = σ(a_f + p_f⊙c_prev), g = tanh(a_g),
   *   c = f⊙c_prev + i⊙g,      o = σ(a_o + p_o⊙c),      h = o⊙tanh(c).
   * Out: `gates` overwritten with the activations i, f, g, o; `c` and `h` written.
   */
  lstmForward(
    rows: number,
    hidden: number,
    gates: FloatArray,
    gOff: number,
    cPrev: FloatArray,
    cpOff: number,
    peep: FloatArray | null,
    peepOff: number,
    c: FloatArray,
    cOff: number,
    h: FloatArray,
    hOff: number,
  ): void;

  /**
   * Backward of lstmForward for one step. In: activations `gates` (rows × 4H), cPrev, c,
   * dh = ∂L/∂h_t (rows × H), dc = ∂L/∂c_t arriving from step t+1 (rows × H).
   * Out (overwritten): dGates = ∂L/∂a (rows × 4H, pre-activation), dcPrev = ∂L/∂c_{t−1}
   * through this step. Accumulated: dPeep (3 × H) when peep is non-null.
   * `dcPrev` may be the same array and offset as `dc` (the layers update it in place).
   */
  lstmBackward(
    rows: number,
    hidden: number,
    gates: FloatArray,
    gOff: number,
    cPrev: FloatArray,
    cpOff: number,
    c: FloatArray,
    cOff: number,
    peep: FloatArray | null,
    peepOff: number,
    dh: FloatArray,
    dhOff: number,
    dc: FloatArray,
    dcOff: number,
    dGates: FloatArray,
    dgOff: number,
    dcPrev: FloatArray,
    dcpOff: number,
    dPeep: FloatArray | null,
    dPeepOff: number,
  ): void;

  /**
   * One GRU step's pointwise part (PyTorch's formulation), gate order r, z, n:
   *   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r ⊙ gh_n),
   *   h = (1 − z) ⊙ n + z ⊙ h_prev,
   * with gi = W_ih x + b_ih and gh = W_hh h_prev + b_hh (rows × 3H each).
   * Out: `act` (rows × 3H) holds r, z, n; `h` written. `act` may be the same array and
   * offset as `gi` (the layers convert pre-activations to activations in place).
   */
  gruForward(
    rows: number,
    hidden: number,
    gi: FloatArray,
    giOff: number,
    gh: FloatArray,
    ghOff: number,
    hPrev: FloatArray,
    hpOff: number,
    act: FloatArray,
    actOff: number,
    h: FloatArray,
    hOff: number,
  ): void;

  /**
   * Backward of gruForward. In: act (r, z, n), gh, hPrev, dh = ∂L/∂h_t (rows × H).
   * Out (overwritten): dGi = ∂L/∂gi, dGh = ∂L/∂gh (rows × 3H), dhPrev = the direct
   * term dh ⊙ z (the recurrent product dGh·W_hh is added by the caller).
   */
  gruBackward(
    rows: number,
    hidden: number,
    act: FloatArray,
    actOff: number,
    gh: FloatArray,
    ghOff: number,
    hPrev: FloatArray,
    hpOff: number,
    dh: FloatArray,
    dhOff: number,
    dGi: FloatArray,
    dgiOff: number,
    dGh: FloatArray,
    dghOff: number,
    dhPrev: FloatArray,
    dhpOff: number,
  ): void;
}
