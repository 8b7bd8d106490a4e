/**
 * Unbiased Online Recurrent Optimization (Ollivier, Tallec & Charpiat 2015, "Training
 * recurrent networks online without backtracking"; Tallec & Ollivier 2017, Algorithm 1):
 * RTRL's sensitivity J_t = ds_t/dθ replaced by a rank-one estimate s̃_t θ̃_tᵀ whose
 * expectation over random signs is exactly J_t.
 *
 * Per stream and step, with ν a vector of independent ±1 signs over the state:
 *   s̃' = ∂F/∂s_{t−1} · s̃_{t−1}            one tangent step (tangent.ts, K = 1)
 *   θ̃' = νᵀ ∂F/∂θ                          one backward step with adjoint ν (cotangent.ts)
 *   ρ0 = √(‖θ̃_{t−1}‖ / (‖s̃'‖ + ε)) + ε,  ρ1 = √(‖θ̃'‖ / (‖ν‖ + ε)) + ε
 *   s̃_t = ρ0 s̃' + ρ1 ν,                   θ̃_t = θ̃_{t−1} / ρ0 + θ̃' / ρ1
 * and the step's loss gives the estimate (δ_t · s̃_t^(h_top)) θ̃_t of δ_t · J_t^(h_top).
 * Unbiased: s̃_t θ̃_tᵀ = ∂F/∂s · s̃_{t−1} θ̃_{t−1}ᵀ + ν νᵀ ∂F/∂θ + terms odd in ν (ρ1 is even in
 * ν), and E[ν νᵀ] = I. The ρs (the paper's variance-minimising choice) balance the norms
 * of the two factors; ε = 10⁻⁷ as in the paper. At a reset s̃ = 0 and θ̃ = 0 (J = 0).
 *
 * Cost per step and stream: one tangent step (a forward step's products), one backward
 * step, and O(P) for θ̃ — about what one TBPTT step costs; memory O(state + P) per stream.
 * θ' is never written out: its norm is taken in closed form from its outer-product blocks,
 * ‖θ̃‖ is carried along (θ̃_t · θ' from one matrix-vector product per block), and θ̃ / ρ0 +
 * θ' / ρ1 is one rank-one product per block with β = 1/ρ0 (cotangent.ts), so θ̃ is swept
 * about twice per step (that update, and the gradient's θ̃ · coefficient).
 * The signs come from an Rng seeded per update (beginUpdate), so a run is the same for
 * the same seed, and a resumed run draws what the uninterrupted one would have.
 *
 * Dimension legend: B streams, R recurrent state width, H hidden, P the recurrent parameters.
 */
import type { Backend } from "../core/backend.js";
import { Rng } from "../core/random.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";
import { takeArray } from "./array-pool.js";
import {
  type BlockVisitor,
  cotangentScratchSize,
  cotangentStep,
  type StepCotangent,
  visitStepGradient,
} from "./cotangent.js";
import type { OnlineLearner } from "./learner.js";
import { type OnlineLayer, onlineStack, placeStep, stepAt } from "./stack.js";
import { type StepTangent, scratchSize } from "./step-tangent.js";
import { tangentStep } from "./tangent.js";

const EPSILON = 1e-7;
/** Recompute ‖θ̃‖ exactly every this many steps of a stream (between, it is carried along). */
const NORM_REFRESH = 64;

/** A vector over one layer's state: h (or r), R values, and c for LSTM, H values (the arrays may be longer). */
interface StateVector {
  h: FloatArray;
  c: FloatArray | null;
  R: number;
  H: number;
}

/** UORO as an online learner: per stream, the rank-one estimate s̃ θ̃ᵀ of ds/dθ (see the file comment). */
export class Uoro implements OnlineLearner {
  readonly algorithm = "uoro" as const;
  private readonly layers: OnlineLayer[];
  /** P: the recurrent parameters, [0, P) of the flat array. */
  readonly parameters: number;
  /** [stream][layer]: s̃; [stream]: θ̃ (P values) and ‖θ̃‖², carried along. */
  private sTilde: StateVector[][];
  private thetaTilde: FloatArray[];
  private thetaNorm2: Float64Array;
  private stepsSinceRefresh: Int32Array;
  /** Shared scratch: s̃' and ν per layer, each layer's ν_h plus its output's adjoint, the adjoint sent down. */
  private sNext: StateVector[];
  private nu: StateVector[];
  private adjH: FloatArray[];
  private xBar: FloatArray;
  private tangents: StepTangent[];
  private cotangents: StepCotangent[];
  private readonly norm2 = new Norm2Visitor();
  private readonly dot: DotVisitor;
  private readonly fold: FoldVisitor;
  /** One value, 1: the 1 × 1 factor of the gradient's axpy through gemm. */
  private readonly one: FloatArray;
  private rng = new Rng(0);
  /** ‖ν‖ = √(state size): every sign is ±1. */
  private readonly nuNorm: number;

  constructor(
    readonly model: SequenceModel,
    readonly streams: number,
  ) {
    this.layers = onlineStack(model, "uoro");
    const top = this.layers[this.layers.length - 1] as OnlineLayer;
    this.parameters = top.cols;
    const vector = (name: string, l: number): StateVector => {
      const { dir } = this.layers[l] as OnlineLayer;
      const lstm = dir.spec.cell === "lstm";
      return {
        h: takeArray(model, `${name}.h.${l}`, dir.stateWidth),
        c: lstm ? takeArray(model, `${name}.c.${l}`, dir.spec.hiddenSize) : null,
        R: dir.stateWidth,
        H: lstm ? dir.spec.hiddenSize : 0,
      };
    };
    this.sTilde = Array.from({ length: streams }, (_, b) =>
      this.layers.map((_, l) => vector(`uoro.s.${b}`, l)),
    );
    this.thetaTilde = Array.from({ length: streams }, (_, b) =>
      takeArray(model, `uoro.theta.${b}`, this.parameters),
    );
    this.thetaNorm2 = new Float64Array(streams);
    this.stepsSinceRefresh = new Int32Array(streams);
    this.sNext = this.layers.map((_, l) => vector("uoro.sNext", l));
    this.nu = this.layers.map((_, l) => vector("uoro.nu", l));
    this.adjH = this.layers.map(({ dir }, l) => takeArray(model, `uoro.adjH.${l}`, dir.stateWidth));
    const widest = Math.max(
      ...this.layers.map(({ dir }) => Math.max(dir.stateWidth, dir.spec.inputSize, dir.spec.hiddenSize)),
    );
    this.xBar = takeArray(model, "uoro.xBar", widest);
    this.dot = new DotVisitor(model.backend, takeArray(model, "uoro.dot", widest));
    this.fold = new FoldVisitor(model.backend);
    this.one = takeArray(model, "uoro.one", 1);
    this.one[0] = 1;
    this.nuNorm = Math.sqrt(
      this.layers.reduce(
        (n, { dir }) => n + dir.stateWidth + (dir.spec.cell === "lstm" ? dir.spec.hiddenSize : 0),
        0,
      ),
    );
    this.tangents = this.layers.map(({ dir }, l) => ({
      ...stepAt(model, dir),
      cols: 1,
      immediate: false,
      prevH: null,
      prevC: null,
      dx: null,
      dxCols: 1,
      outH: (this.sNext[l] as StateVector).h,
      outC: (this.sNext[l] as StateVector).c,
      scratch: takeArray(model, `uoro.tangentScratch.${l}`, scratchSize(dir, 1)),
    }));
    this.cotangents = this.layers.map(({ dir }, l) => ({
      ...stepAt(model, dir),
      adjH: this.adjH[l] as FloatArray,
      adjC: (this.nu[l] as StateVector).c,
      xBar: l > 0 ? this.xBar : null,
      scratch: takeArray(model, `uoro.cotangentScratch.${l}`, cotangentScratchSize(dir)),
    }));
  }

  beginUpdate(seed: number): void {
    this.rng = new Rng(seed);
  }

  advance(slot: number): void {
    const { tape } = this.model;
    const B = this.streams;
    const L = this.layers.length;
    for (let b = 0; b < B; b++) {
      const row = slot * B + b;
      if (tape.active[row] === 0) continue;
      const fresh = tape.reset[row] === 1;
      const s = this.sTilde[b] as StateVector[];
      const theta = this.thetaTilde[b] as FloatArray;
      // s̃' = ∂F/∂s · s̃, layer by layer upwards (a layer's input is the new state below)
      for (let l = 0; l < L; l++) {
        const t = this.tangents[l] as StepTangent;
        placeStep(t, this.model, l, row);
        t.prevH = fresh ? null : (s[l] as StateVector).h;
        t.prevC = fresh ? null : (s[l] as StateVector).c;
        t.dx = l > 0 ? (this.sNext[l - 1] as StateVector).h : null;
        tangentStep(t);
      }
      this.drawSigns();
      // θ' = νᵀ ∂F/∂θ, layer by layer downwards (a layer's ν_h plus what the layer above sends its output)
      for (let l = L - 1; l >= 0; l--) {
        const { dir } = this.layers[l] as OnlineLayer;
        const adj = this.adjH[l] as FloatArray;
        const nuH = (this.nu[l] as StateVector).h;
        for (let k = 0; k < dir.stateWidth; k++)
          adj[k] = (nuH[k] as number) + (l < L - 1 ? (this.xBar[k] as number) : 0);
        const c = this.cotangents[l] as StepCotangent;
        placeStep(c, this.model, l, row);
        cotangentStep(c);
      }
      this.mix(b, fresh);
      // Carried ‖θ̃‖ drifts by rounding: take it afresh every NORM_REFRESH steps after a reset
      // (counted from the reset, so a run resumed at one refreshes where the whole run did).
      const since = fresh ? 1 : (this.stepsSinceRefresh[b] as number) + 1;
      this.stepsSinceRefresh[b] = since;
      if (since >= NORM_REFRESH) {
        this.stepsSinceRefresh[b] = 0;
        let n = 0;
        for (let i = 0; i < this.parameters; i++) n += (theta[i] as number) ** 2;
        this.thetaNorm2[b] = n;
      }
    }
  }

  /** ν: independent ±1 signs, 32 from each draw. */
  private drawSigns(): void {
    let bits = 0;
    let left = 0;
    const draw = (a: FloatArray, n: number) => {
      for (let k = 0; k < n; k++) {
        if (left === 0) {
          bits = this.rng.nextUint32();
          left = 32;
        }
        a[k] = bits & 1 ? 1 : -1;
        bits >>>= 1;
        left--;
      }
    };
    for (const v of this.nu) {
      draw(v.h, v.R);
      if (v.c) draw(v.c, v.H);
    }
  }

  /** s̃ = ρ0 s̃' + ρ1 ν, θ̃ = θ̃ / ρ0 + θ' / ρ1 (θ̃_{t−1} = 0 at a reset). */
  private mix(b: number, fresh: boolean): void {
    const theta = this.thetaTilde[b] as FloatArray;
    let sNorm2 = 0;
    for (const v of this.sNext) sNorm2 += sumOfSquares(v.h, v.R) + (v.c ? sumOfSquares(v.c, v.H) : 0);
    this.norm2.sum = 0;
    this.dot.sum = 0;
    this.dot.theta = theta;
    for (const c of this.cotangents) {
      visitStepGradient(c, this.norm2);
      if (!fresh) visitStepGradient(c, this.dot);
    }
    const thetaNorm2 = fresh ? 0 : (this.thetaNorm2[b] as number);
    const stepNorm2 = this.norm2.sum;
    const rho0 = Math.sqrt(Math.sqrt(thetaNorm2) / (Math.sqrt(sNorm2) + EPSILON)) + EPSILON;
    const rho1 = Math.sqrt(Math.sqrt(stepNorm2) / (this.nuNorm + EPSILON)) + EPSILON;
    this.fold.theta = theta;
    this.fold.alpha = 1 / rho1;
    this.fold.beta = fresh ? 0 : 1 / rho0;
    for (const c of this.cotangents) visitStepGradient(c, this.fold);
    // ‖θ̃/ρ0 + θ'/ρ1‖² from the parts
    this.thetaNorm2[b] = thetaNorm2 / rho0 ** 2 + (2 * this.dot.sum) / (rho0 * rho1) + stepNorm2 / rho1 ** 2;
    (this.sTilde[b] as StateVector[]).forEach((v, l) => {
      const next = this.sNext[l] as StateVector;
      const nu = this.nu[l] as StateVector;
      for (let k = 0; k < v.R; k++) v.h[k] = rho0 * (next.h[k] as number) + rho1 * (nu.h[k] as number);
      if (v.c)
        for (let k = 0; k < v.H; k++)
          v.c[k] = rho0 * ((next.c as FloatArray)[k] as number) + rho1 * ((nu.c as FloatArray)[k] as number);
    });
  }

  accumulate(slot: number, delta: FloatArray, grads: FloatArray): void {
    const { tape, backend } = this.model;
    const B = this.streams;
    const P = this.parameters;
    const top = this.layers.length - 1;
    const R = (this.layers[top] as OnlineLayer).dir.stateWidth;
    for (let b = 0; b < B; b++) {
      const row = slot * B + b;
      if (tape.active[row] === 0 || (tape.labels[row] as number) < 0) continue;
      // ∂L/∂θ ≈ (δ · s̃^(h_top)) θ̃
      const sTop = ((this.sTilde[b] as StateVector[])[top] as StateVector).h;
      let coefficient = 0;
      for (let k = 0; k < R; k++) coefficient += (delta[row * R + k] as number) * (sTop[k] as number);
      const theta = this.thetaTilde[b] as FloatArray;
      backend.gemm(false, false, 1, P, 1, coefficient, this.one, 0, 1, theta, 0, P, 1, grads, 0, P);
    }
  }
}

function sumOfSquares(a: FloatArray, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (a[i] as number) ** 2;
  return sum;
}

/** ‖θ'‖², block by block: ‖a ⊗ b‖² = ‖a‖² ‖b‖². */
class Norm2Visitor implements BlockVisitor {
  sum = 0;
  outer(_at: number, m: number, n: number, a: FloatArray, aOff: number, b: FloatArray, bOff: number): void {
    let na = 0;
    let nb = 0;
    for (let i = 0; i < m; i++) na += (a[aOff + i] as number) ** 2;
    for (let j = 0; j < n; j++) nb += (b[bOff + j] as number) ** 2;
    this.sum += na * nb;
  }
  vector(_at: number, n: number, a: FloatArray, aOff: number): void {
    for (let i = 0; i < n; i++) this.sum += (a[aOff + i] as number) ** 2;
  }
}

/** θ̃ · θ', block by block: θ̃_block · (a ⊗ b) = (aᵀ Θ_block) · b, one matrix-vector product. */
class DotVisitor implements BlockVisitor {
  sum = 0;
  theta: FloatArray = new Float64Array(0);
  constructor(
    private readonly backend: Backend,
    private readonly row: FloatArray,
  ) {}
  outer(at: number, m: number, n: number, a: FloatArray, aOff: number, b: FloatArray, bOff: number): void {
    this.backend.gemm(false, false, 1, n, m, 1, a, aOff, m, this.theta, at, n, 0, this.row, 0, n);
    for (let j = 0; j < n; j++) this.sum += (this.row[j] as number) * (b[bOff + j] as number);
  }
  vector(at: number, n: number, a: FloatArray, aOff: number): void {
    for (let i = 0; i < n; i++) this.sum += (this.theta[at + i] as number) * (a[aOff + i] as number);
  }
}

/** θ̃ ← β θ̃ + α θ', block by block: one rank-one product each (β = 0 overwrites). */
class FoldVisitor implements BlockVisitor {
  theta: FloatArray = new Float64Array(0);
  alpha = 1;
  beta = 1;
  constructor(private readonly backend: Backend) {}
  outer(at: number, m: number, n: number, a: FloatArray, aOff: number, b: FloatArray, bOff: number): void {
    this.backend.gemm(true, false, m, n, 1, this.alpha, a, aOff, m, b, bOff, n, this.beta, this.theta, at, n);
  }
  vector(at: number, n: number, a: FloatArray, aOff: number): void {
    const { theta, alpha, beta } = this;
    for (let i = 0; i < n; i++)
      theta[at + i] = (beta === 0 ? 0 : beta * (theta[at + i] as number)) + alpha * (a[aOff + i] as number);
  }
}
