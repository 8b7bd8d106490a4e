/**
 * The class-factorised softmax of the rnnlm toolkit (`-class C`; Goodman 2001, "Classes
 * for fast maximum entropy training"; Mikolov et al. 2011, "Extensions of recurrent neural
 * network language model", eq. 4–5): the V words are split into C classes, each a run of
 * consecutive word ids (`classSizes`, in id order), and
 *   P(w | x) = P(c(w) | x) · P(w | c(w), x),
 *   P(c | x) = softmax over the C classes of  U x + a,
 *   P(w | c, x) = softmax over the words of c of  W_w x + b_w.
 * The loss of a row with label w is L = −ln P(c(w) | x) − ln P(w | c(w), x), and
 *   ∂L/∂(U x + a) = q − onehot(c(w)),   ∂L/∂(W_v x + b_v) = p_v − [v = w] for v in c(w), 0 elsewhere,
 *   ∂L/∂x = Uᵀ ∂L/∂(U x + a) + W_{c(w)}ᵀ ∂L/∂(W_{c(w)} x + b_{c(w)}).
 * A row costs O((C + |c(w)|)·F) instead of O(V·F): only its label's class is computed.
 *
 * Parameters (PyTorch-style names): `out.class_weight` (C, F), `out.word_weight` (V, F),
 * and with `bias: true` `out.class_bias` (C), `out.word_bias` (V). rnnlm has no biases,
 * so the default is none.
 *
 * Outputs: after forward, `classProbs` holds q for every row, and `output` holds, for a
 * row with a loss, P(w | c) over the words of its label's class (the other words are not
 * computed). `read(row)` gives every word's P(w) = q_c · P(w | c), computing all classes.
 *
 * Dimension legend: S slots, B streams, L lanes, F features, V words, C classes.
 */
import type { Backend } from "../core/backend.js";
import type { ParamLayout } from "../core/params.js";
import type { FloatArray } from "../core/types.js";
import type { OutputConfig, OutputHead } from "./head.js";
import type { SlotRun, Tape } from "./tape.js";

export interface ClassSoftmaxParams {
  classWeight: number; // (C, F)
  wordWeight: number; // (V, F)
  classBias: number; // (C), or −1 without biases
  wordBias: number; // (V), or −1
}

export class ClassSoftmaxHead implements OutputHead {
  readonly targetSize = 0;
  readonly classes: number;
  readonly p: ClassSoftmaxParams;
  /** Each word's class, and each class's first word and size. */
  readonly classOf: Int32Array;
  readonly classStart: Int32Array;
  readonly classSize: Int32Array;
  output!: FloatArray;
  /** S·B·C: P(class | x) per row, after forward. */
  classProbs!: FloatArray;
  private dClass!: FloatArray;
  /** The largest class: scratch for one row's word logits and their adjoint. */
  private wordScratch!: FloatArray;
  private backend!: Backend;
  private params!: FloatArray;
  private grads!: FloatArray;
  private tape!: Tape;
  /** The features of the last forward (slot-indexed, S·B·F): read() needs them. */
  private features: FloatArray | null = null;

  constructor(
    readonly config: OutputConfig,
    readonly inputSize: number,
    readonly size: number,
    layout: ParamLayout,
  ) {
    const sizes = config.classSizes ?? [];
    this.classes = sizes.length;
    this.classStart = new Int32Array(this.classes);
    this.classSize = Int32Array.from(sizes);
    this.classOf = new Int32Array(size);
    let word = 0;
    sizes.forEach((n, c) => {
      this.classStart[c] = word;
      this.classOf.fill(c, word, word + n);
      word += n;
    });
    const bias = config.bias === true;
    this.p = {
      classWeight: layout.add("out.class_weight", [this.classes, inputSize]),
      wordWeight: layout.add("out.word_weight", [size, inputSize]),
      classBias: bias ? layout.add("out.class_bias", [this.classes]) : -1,
      wordBias: bias ? layout.add("out.word_bias", [size]) : -1,
    };
  }

  /** The label of a row with a loss, or −1 (no label, or a masked step). */
  private labelOf(row: number): number {
    const w = this.tape.labels[row] as number;
    return w >= 0 && this.tape.active[row] === 1 ? w : -1;
  }

  allocate(backend: Backend, params: FloatArray, grads: FloatArray, tape: Tape): void {
    Object.assign(this, { backend, params, grads, tape });
    const rows = tape.capacity * tape.streams;
    const grow = (current: FloatArray | undefined, n: number) =>
      current && current.length >= n ? current : backend.alloc(n);
    this.output = grow(this.output, rows * this.size);
    this.classProbs = grow(this.classProbs, rows * this.classes);
    this.dClass = grow(this.dClass, rows * this.classes);
    this.wordScratch = grow(this.wordScratch, Math.max(...this.classSize, 1));
  }

  forward(run: SlotRun, x: FloatArray): number {
    this.features = x;
    const { streams: B } = this.tape;
    const C = this.classes;
    const F = this.inputSize;
    const rows = run.count * B;
    const first = run.first * B;
    // Class logits of every row at once: U x + a, then the softmax q.
    this.backend.gemm(
      false,
      true,
      rows,
      C,
      F,
      1,
      x,
      first * F,
      F,
      this.params,
      this.p.classWeight,
      F,
      0,
      this.classProbs,
      first * C,
      C,
    );
    if (this.p.classBias >= 0)
      this.backend.addRowBroadcast(rows, C, this.params, this.p.classBias, this.classProbs, first * C);
    let loss = 0;
    for (let row = first; row < first + rows; row++) {
      const w = this.labelOf(row);
      const c = w >= 0 ? (this.classOf[w] as number) : 0;
      const zc = this.classProbs[row * C + c] as number;
      const logZ = softmaxInPlace(this.classProbs, row * C, C);
      if (w < 0) continue;
      // L = −ln q_c − ln p_w = (ln Σ e^z − z_c) + (ln Σ_{v ∈ c} e^{z_v} − z_w), from the logits.
      const at = row * this.size + (this.classStart[c] as number);
      this.wordLogits(row, c, x, this.output, at);
      const zw = this.output[row * this.size + w] as number;
      loss += logZ - zc + softmaxInPlace(this.output, at, this.classSize[c] as number) - zw;
    }
    return loss;
  }

  /** The logits W_c x + b_c of class c's words for one row, into out[at…]. */
  private wordLogits(row: number, c: number, x: FloatArray, out: FloatArray, at: number): void {
    const F = this.inputSize;
    const start = this.classStart[c] as number;
    const n = this.classSize[c] as number;
    this.backend.gemm(
      false,
      true,
      1,
      n,
      F,
      1,
      x,
      row * F,
      F,
      this.params,
      this.p.wordWeight + start * F,
      F,
      0,
      out,
      at,
      n,
    );
    if (this.p.wordBias >= 0)
      for (let j = 0; j < n; j++) out[at + j] += this.params[this.p.wordBias + start + j] as number;
  }

  backward(run: SlotRun, x: FloatArray, scale: number, dX: FloatArray): void {
    const { streams: B, lanes: L } = this.tape;
    const C = this.classes;
    const F = this.inputSize;
    const rows = run.count * B;
    const first = run.first * B;
    const { params, grads, backend } = this;
    for (let row = first; row < first + rows; row++) {
      const w = this.labelOf(row);
      const d = row * C;
      if (w < 0) {
        this.dClass.fill(0, d, d + C);
        continue;
      }
      // ∂L/∂(class logits) = scale (q − onehot c(w))
      for (let k = 0; k < C; k++) this.dClass[d + k] = scale * (this.classProbs[d + k] as number);
      this.dClass[d + (this.classOf[w] as number)] -= scale;
    }
    // ∂U += ∂zᵀ x, ∂a += Σ ∂z over the run; ∂x += ∂z U slot by slot into the loss's lane.
    backend.gemm(
      true,
      false,
      C,
      F,
      rows,
      1,
      this.dClass,
      first * C,
      C,
      x,
      first * F,
      F,
      1,
      grads,
      this.p.classWeight,
      F,
    );
    if (this.p.classBias >= 0) backend.sumRows(rows, C, this.dClass, first * C, grads, this.p.classBias);
    for (let slot = run.first; slot < run.first + run.count; slot++) {
      const lane = L === 1 ? 0 : (this.tape.laneOfSlot[slot] as number);
      backend.gemm(
        false,
        false,
        B,
        F,
        C,
        1,
        this.dClass,
        slot * B * C,
        C,
        params,
        this.p.classWeight,
        F,
        1,
        dX,
        (slot * L + lane) * B * F,
        F,
      );
      for (let b = 0; b < B; b++) {
        const row = slot * B + b;
        const w = this.labelOf(row);
        if (w < 0) continue;
        // The words of c(w): ∂z_v = scale (p_v − [v = w]); ∂W_c += ∂zᵀ x, ∂b_c += ∂z, ∂x += ∂z W_c.
        const c = this.classOf[w] as number;
        const start = this.classStart[c] as number;
        const n = this.classSize[c] as number;
        const dz = this.wordScratch;
        const o = row * this.size + start;
        for (let j = 0; j < n; j++) dz[j] = scale * (this.output[o + j] as number);
        dz[w - start] -= scale;
        backend.gemm(
          true,
          false,
          n,
          F,
          1,
          1,
          dz,
          0,
          n,
          x,
          row * F,
          F,
          1,
          grads,
          this.p.wordWeight + start * F,
          F,
        );
        if (this.p.wordBias >= 0)
          for (let j = 0; j < n; j++) grads[this.p.wordBias + start + j] += dz[j] as number;
        backend.gemm(
          false,
          false,
          1,
          F,
          n,
          1,
          dz,
          0,
          n,
          params,
          this.p.wordWeight + start * F,
          F,
          1,
          dX,
          (slot * L + lane) * B * F + b * F,
          F,
        );
      }
    }
  }

  /** The class weights (and biases), and each labelled row's class of words: 2 + 2B ranges. */
  get maxTouched(): number {
    return 2 + 2 * (this.tape?.streams ?? 1);
  }

  touched(slot: number, into: Int32Array): number {
    const B = this.tape.streams;
    const F = this.inputSize;
    const { p } = this;
    let n = 0;
    const add = (from: number, to: number) => {
      into[2 * n] = from;
      into[2 * n + 1] = to;
      n++;
    };
    add(p.classWeight, p.classWeight + this.classes * F);
    if (p.classBias >= 0) add(p.classBias, p.classBias + this.classes);
    for (let b = 0; b < B; b++) {
      const w = this.labelOf(slot * B + b);
      if (w < 0) continue;
      const c = this.classOf[w] as number;
      const start = this.classStart[c] as number;
      const size = this.classSize[c] as number;
      add(p.wordWeight + start * F, p.wordWeight + (start + size) * F);
      if (p.wordBias >= 0) add(p.wordBias + start, p.wordBias + start + size);
    }
    return mergeRanges(into, n);
  }

  /** Every word's P(w) = q_c · P(w | c) for one row of the last forward (all C classes computed). */
  read(row: number, into: number[] | FloatArray, at = 0): void {
    if (!this.features) throw new Error("class-softmax head: read before any forward");
    const q = this.classProbs;
    const scratch = this.wordScratch;
    for (let c = 0; c < this.classes; c++) {
      const n = this.classSize[c] as number;
      const start = this.classStart[c] as number;
      this.wordLogits(row, c, this.features, scratch, 0);
      softmaxInPlace(scratch, 0, n);
      const qc = q[row * this.classes + c] as number;
      for (let j = 0; j < n; j++) into[at + start + j] = qc * (scratch[j] as number);
    }
  }
}

/** Sorts n ranges (pairs in `r`) by start and merges overlapping or adjacent ones in place; returns the count. */
function mergeRanges(r: Int32Array, n: number): number {
  // Insertion sort: n is at most 2 + 2B.
  for (let i = 1; i < n; i++) {
    const from = r[2 * i] as number;
    const to = r[2 * i + 1] as number;
    let j = i - 1;
    while (j >= 0 && (r[2 * j] as number) > from) {
      r[2 * j + 2] = r[2 * j] as number;
      r[2 * j + 3] = r[2 * j + 1] as number;
      j--;
    }
    r[2 * j + 2] = from;
    r[2 * j + 3] = to;
  }
  let m = 0;
  for (let i = 0; i < n; i++) {
    const from = r[2 * i] as number;
    const to = r[2 * i + 1] as number;
    if (m > 0 && from <= (r[2 * m - 1] as number)) r[2 * m - 1] = Math.max(r[2 * m - 1] as number, to);
    else {
      r[2 * m] = from;
      r[2 * m + 1] = to;
      m++;
    }
  }
  return m;
}

/** Softmax of a[off … off + n) in place; returns ln Σ e^a (computed stably). */
function softmaxInPlace(a: FloatArray, off: number, n: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = off; i < off + n; i++) if ((a[i] as number) > max) max = a[i] as number;
  let sum = 0;
  for (let i = off; i < off + n; i++) sum += Math.exp((a[i] as number) - max);
  for (let i = off; i < off + n; i++) a[i] = Math.exp((a[i] as number) - max) / sum;
  return max + Math.log(sum);
}
