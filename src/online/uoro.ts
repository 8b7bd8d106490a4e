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
 * The signs come from an Rng seeded per update (beginUpdate), so a run is the same for
 * the same seed, and a resumed run draws what the uninterrupted one would have.
 *
 * Dimension legend: B streams, R recurrent state width, H hidden, P the recurrent parameters.
 */
import { Rng } from "../core/random.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";
import { takeArray } from "./array-pool.js";
import { cotangentScratchSize, cotangentStep, type StepCotangent } from "./cotangent.js";
import type { OnlineLearner } from "./learner.js";
import { layerInput, type OnlineLayer, onlineStack } from "./stack.js";
import { type StepTangent, scratchSize } from "./step-tangent.js";
import { tangentStep } from "./tangent.js";

const EPSILON = 1e-7;

/** A vector over one layer's state: h (or r), R values, and c for LSTM, H values (the arrays may be longer). */
interface StateVector {
  h: FloatArray;
  c: FloatArray | null;
  R: number;
  H: number;
}

export class Uoro implements OnlineLearner {
  readonly algorithm = "uoro" as const;
  readonly layers: OnlineLayer[];
  /** P: the recurrent parameters, [0, P) of the flat array. */
  readonly parameters: number;
  /** [stream][layer]: s̃; [stream]: θ̃ (P values). */
  private sTilde: StateVector[][];
  private thetaTilde: FloatArray[];
  /** Shared scratch: s̃' and ν per layer, θ̃', the adjoint of a layer's h, its input's adjoint. */
  private sNext: StateVector[];
  private nu: StateVector[];
  private thetaStep: FloatArray;
  private adjH: FloatArray;
  private xBar: FloatArray;
  private tangents: StepTangent[];
  private cotangents: StepCotangent[];
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
    this.sNext = this.layers.map((_, l) => vector("uoro.sNext", l));
    this.nu = this.layers.map((_, l) => vector("uoro.nu", l));
    this.thetaStep = takeArray(model, "uoro.thetaStep", this.parameters);
    const widest = Math.max(...this.layers.map(({ dir }) => Math.max(dir.stateWidth, dir.spec.inputSize)));
    this.adjH = takeArray(model, "uoro.adjH", widest);
    this.xBar = takeArray(model, "uoro.xBar", widest);
    this.nuNorm = Math.sqrt(
      this.layers.reduce(
        (n, { dir }) => n + dir.stateWidth + (dir.spec.cell === "lstm" ? dir.spec.hiddenSize : 0),
        0,
      ),
    );
    this.tangents = this.layers.map(({ dir }, l) => ({
      backend: model.backend,
      params: model.params,
      dir,
      row: 0,
      x: model.inputs,
      xOff: 0,
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
      backend: model.backend,
      params: model.params,
      dir,
      row: 0,
      x: model.inputs,
      xOff: 0,
      adjH: this.adjH,
      adjC: (this.nu[l] as StateVector).c,
      thetaBar: this.thetaStep,
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
      if (fresh) theta.fill(0, 0, this.parameters);
      // s̃' = ∂F/∂s · s̃, layer by layer upwards (a layer's input is the new state below)
      for (let l = 0; l < L; l++) {
        const t = this.tangents[l] as StepTangent;
        t.row = row;
        t.x = layerInput(this.model, l);
        t.xOff = row * (this.layers[l] as OnlineLayer).dir.spec.inputSize;
        t.prevH = fresh ? null : (s[l] as StateVector).h;
        t.prevC = fresh ? null : (s[l] as StateVector).c;
        t.dx = l > 0 ? (this.sNext[l - 1] as StateVector).h : null;
        tangentStep(t);
      }
      this.drawSigns();
      // θ̃' = νᵀ ∂F/∂θ, layer by layer downwards (a layer's ν_h plus what the layer above sends its output)
      this.thetaStep.fill(0, 0, this.parameters);
      for (let l = L - 1; l >= 0; l--) {
        const { dir } = this.layers[l] as OnlineLayer;
        const R = dir.stateWidth;
        const nuH = (this.nu[l] as StateVector).h;
        for (let k = 0; k < R; k++)
          this.adjH[k] = (nuH[k] as number) + (l < L - 1 ? (this.xBar[k] as number) : 0);
        const c = this.cotangents[l] as StepCotangent;
        c.row = row;
        c.x = layerInput(this.model, l);
        c.xOff = row * dir.spec.inputSize;
        cotangentStep(c);
      }
      this.mix(s, theta);
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

  /** s̃ = ρ0 s̃' + ρ1 ν, θ̃ = θ̃ / ρ0 + θ̃' / ρ1. */
  private mix(s: StateVector[], theta: FloatArray): void {
    const P = this.parameters;
    let sNorm = 0;
    for (const v of this.sNext) sNorm += sumOfSquares(v.h, v.R) + (v.c ? sumOfSquares(v.c, v.H) : 0);
    let thetaNorm = 0;
    let stepNorm = 0;
    for (let i = 0; i < P; i++) {
      thetaNorm += (theta[i] as number) ** 2;
      stepNorm += (this.thetaStep[i] as number) ** 2;
    }
    const rho0 = Math.sqrt(Math.sqrt(thetaNorm) / (Math.sqrt(sNorm) + EPSILON)) + EPSILON;
    const rho1 = Math.sqrt(Math.sqrt(stepNorm) / (this.nuNorm + EPSILON)) + EPSILON;
    s.forEach((v, l) => {
      const next = this.sNext[l] as StateVector;
      const nu = this.nu[l] as StateVector;
      for (let k = 0; k < v.R; k++) v.h[k] = rho0 * (next.h[k] as number) + rho1 * (nu.h[k] as number);
      if (v.c)
        for (let k = 0; k < v.H; k++)
          v.c[k] = rho0 * ((next.c as FloatArray)[k] as number) + rho1 * ((nu.c as FloatArray)[k] as number);
    });
    for (let i = 0; i < P; i++) theta[i] = (theta[i] as number) / rho0 + (this.thetaStep[i] as number) / rho1;
  }

  accumulate(slot: number, delta: FloatArray, grads: FloatArray): void {
    const { tape } = this.model;
    const B = this.streams;
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
      for (let i = 0; i < this.parameters; i++) grads[i] += coefficient * (theta[i] as number);
    }
  }
}

function sumOfSquares(a: FloatArray, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += (a[i] as number) ** 2;
  return sum;
}
