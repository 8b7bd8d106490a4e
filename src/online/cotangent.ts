/**
 * Reverse mode through one recurrent step, for one stream, stopping at the entering state:
 * given an adjoint ν on the state leaving the step (h or r, and c), the step's own
 * parameter derivative θ' = νᵀ ∂F/∂θ and the adjoint it sends to the step's input,
 * νᵀ ∂F/∂x (into `xBar`, for the layer below). Nothing flows to s_{t−1}.
 *
 * This is UORO's "backward" (Tallec & Ollivier 2017, Algorithm 1: θ̃ ← νᵀ ∂F_state/∂θ):
 * one backward step with the adjoint ν, which costs what a TBPTT backward step costs. It
 * reuses the backend's step kernels (lstmBackward, gruBackward, tanhBackward, gemm) on the
 * stream's row.
 *
 * θ' is not written out: it is a handful of blocks over the direction's parameters, each
 * an outer product (∂W_ih = ∂a ⊗ x, ∂W_hh = ∂a_h ⊗ h_{t−1}, ∂W_hr = ν_r ⊗ m) or a vector
 * (the biases, the peepholes). `visitStepGradient` hands the blocks to a visitor, so UORO
 * can take θ's norm in closed form and fold θ' into its running θ̃ with one rank-one
 * product per block (uoro.ts), instead of sweeping a dense vector several times.
 *
 * Dimension legend: I inputs, H hidden, R recurrent state (P for LSTMP, else H), G gates.
 */
import type { FloatArray } from "../core/types.js";
import type { RecurrentDirection } from "../nn/recurrent.js";
import type { StepAt } from "./stack.js";

export interface StepCotangent extends StepAt {
  /** ν on h_t (or r_t), R values, and on c_t (H values, LSTM; null elsewhere). Read only. */
  adjH: FloatArray;
  adjC: FloatArray | null;
  /** Out (overwritten): νᵀ ∂F/∂x_t, I values; null when nobody needs it (the first layer). */
  xBar: FloatArray | null;
  /** At least cotangentScratchSize(dir) values; holds the step's derivative blocks until the next call. */
  scratch: FloatArray;
}

/** The parts of θ' in scratch: ∂a at [0, G); GRU's ∂gh at [G, 2G); ∂c_{t−1} (dropped) after; peepholes' at [PEEP…). */
const layoutOf = (dir: RecurrentDirection) => {
  const G = dir.gates;
  const H = dir.spec.hiddenSize;
  return { recurrent: dir.spec.cell === "gru" ? G : 0, other: 2 * G, dm: 2 * G + H, peep: 2 * G + 2 * H };
};

export function cotangentScratchSize(dir: RecurrentDirection): number {
  return 2 * dir.gates + 5 * dir.spec.hiddenSize;
}

/** Computes θ' (in c.scratch, for visitStepGradient) and xBar = νᵀ ∂F/∂x through the step at c.row. */
export function cotangentStep(c: StepCotangent): void {
  const { backend, params, dir, row, scratch } = c;
  const { p } = dir;
  const H = dir.spec.hiddenSize;
  const R = dir.stateWidth;
  const G = dir.gates;
  const buf = dir.buffers;
  const at = layoutOf(dir);
  const dA = scratch;
  if (dir.spec.cell === "lstm") {
    let dh = c.adjH;
    let dhOff = 0;
    if (p.weightHr >= 0) {
      // r = W_hr m: ν_m = ν_r W_hr
      dh = scratch;
      dhOff = at.dm;
      backend.gemm(false, false, 1, H, R, 1, c.adjH, 0, R, params, p.weightHr, H, 0, dh, dhOff, H);
    }
    const peep = p.peep >= 0;
    if (peep) scratch.fill(0, at.peep, at.peep + 3 * H);
    // ν_c enters as the cell's adjoint from the future; ∂L/∂c_{t−1} lands in scratch and is dropped
    backend.lstmBackward(
      1,
      H,
      buf.gates,
      row * G,
      buf.cIn as FloatArray,
      row * H,
      buf.c as FloatArray,
      row * H,
      peep ? params : null,
      p.peep,
      dh,
      dhOff,
      c.adjC as FloatArray,
      0,
      dA,
      0,
      scratch,
      at.other,
      peep ? scratch : null,
      at.peep,
    );
  } else if (dir.spec.cell === "gru") {
    // ∂/∂gi at [0, G), ∂/∂gh at [G, 2G); the direct ∂h_{t−1} term is dropped
    backend.gruBackward(
      1,
      H,
      buf.gates,
      row * G,
      buf.recurrent as FloatArray,
      row * G,
      buf.hIn,
      row * H,
      c.adjH,
      0,
      dA,
      0,
      scratch,
      at.recurrent,
      scratch,
      at.other,
    );
  } else if (dir.spec.nonlinearity === "sigmoid") {
    for (let j = 0; j < H; j++) {
      const y = buf.h[row * H + j] as number;
      dA[j] = (c.adjH[j] as number) * y * (1 - y);
    }
  } else backend.tanhBackward(H, buf.h, row * H, c.adjH, 0, dA, 0);
  // ν_x = ∂a W_ih
  const I = dir.spec.inputSize;
  if (c.xBar) backend.gemm(false, false, 1, I, G, 1, dA, 0, G, params, p.weightIh, I, 0, c.xBar, 0, I);
}

/** Receives θ' block by block; `at` is the block's offset in the model's flat parameters. */
export interface BlockVisitor {
  /** θ'[at + i·n + j] = a[aOff + i] · b[bOff + j], i < m, j < n. */
  outer(at: number, m: number, n: number, a: FloatArray, aOff: number, b: FloatArray, bOff: number): void;
  /** θ'[at + i] = a[aOff + i], i < n. */
  vector(at: number, n: number, a: FloatArray, aOff: number): void;
}

/** Hands the blocks of the θ' cotangentStep(c) left in c.scratch to `visit`; together they cover the direction's parameters. */
export function visitStepGradient(c: StepCotangent, visit: BlockVisitor): void {
  const { dir, row, scratch } = c;
  const { p } = dir;
  const H = dir.spec.hiddenSize;
  const R = dir.stateWidth;
  const G = dir.gates;
  const I = dir.spec.inputSize;
  const at = layoutOf(dir);
  // ∂W_ih = ∂a ⊗ x, ∂b_ih = ∂a;  ∂W_hh = ∂a_h ⊗ h_{t−1}, ∂b_hh = ∂a_h (∂a_h = ∂gh for GRU, else ∂a)
  visit.outer(p.weightIh, G, I, scratch, 0, c.x, c.xOff);
  visit.vector(p.biasIh, G, scratch, 0);
  visit.outer(p.weightHh, G, R, scratch, at.recurrent, dir.buffers.hIn, row * R);
  visit.vector(p.biasHh, G, scratch, at.recurrent);
  // ∂W_hr = ν_r ⊗ m (LSTMP), and the peepholes' (3H)
  if (p.weightHr >= 0) visit.outer(p.weightHr, R, H, c.adjH, 0, dir.buffers.m as FloatArray, row * H);
  if (p.peep >= 0) visit.vector(p.peep, 3 * H, scratch, at.peep);
}
