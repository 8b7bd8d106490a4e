/**
 * Reverse mode through one recurrent step, for one stream, stopping at the entering state:
 * given an adjoint ν on the state leaving the step (h or r, and c), the step's own
 * parameter derivative νᵀ ∂F/∂θ (added into `thetaBar`) and the adjoint it sends to the
 * step's input, νᵀ ∂F/∂x (into `xBar`, for the layer below). Nothing flows to s_{t−1}.
 *
 * This is UORO's "backward" (Tallec & Ollivier 2017, Algorithm 1: θ̃ ← νᵀ ∂F_state/∂θ):
 * one backward step with the adjoint ν, which costs what a TBPTT backward step costs. It
 * reuses the backend's step kernels (lstmBackward, gruBackward, tanhBackward, gemm) on the
 * stream's row, so one stream's parameter derivative stays apart from the others'.
 *
 * Dimension legend: I inputs, H hidden, R recurrent state (P for LSTMP, else H), G gates.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import type { RecurrentDirection } from "../nn/recurrent.js";

export interface StepCotangent {
  backend: Backend;
  params: FloatArray;
  dir: RecurrentDirection;
  /** slot · B + stream: where the step's values sit in the direction's buffers. */
  row: number;
  /** The step's input x_t (I values) at x[xOff…]. */
  x: FloatArray;
  xOff: number;
  /** ν on h_t (or r_t), R values, and on c_t (H values, LSTM; null elsewhere). Read only. */
  adjH: FloatArray;
  adjC: FloatArray | null;
  /** += νᵀ ∂F/∂θ at the direction's parameter offsets (the model's flat layout). */
  thetaBar: FloatArray;
  /** Out (overwritten): νᵀ ∂F/∂x_t, I values; null when nobody needs it (the first layer). */
  xBar: FloatArray | null;
  /** At least cotangentScratchSize(dir) values. */
  scratch: FloatArray;
}

export function cotangentScratchSize(dir: RecurrentDirection): number {
  return 2 * dir.gates + 2 * dir.spec.hiddenSize;
}

/** thetaBar += νᵀ ∂F/∂θ and xBar = νᵀ ∂F/∂x through the step at c.row. */
export function cotangentStep(c: StepCotangent): void {
  const { backend, params, dir, row, scratch } = c;
  const { p } = dir;
  const H = dir.spec.hiddenSize;
  const R = dir.stateWidth;
  const G = dir.gates;
  const buf = dir.buffers;
  // dA: ∂/∂(pre-activations), G values at scratch[0…]; for GRU ∂/∂gh follows at scratch[G…]
  const dA = scratch;
  let dRec = 0;
  if (dir.spec.cell === "lstm") {
    let dh = c.adjH;
    let dhOff = 0;
    if (p.weightHr >= 0) {
      // r = W_hr m: ∂W_hr += ν_r ⊗ m, ν_m = ν_r W_hr (at scratch[G + H…])
      dh = scratch;
      dhOff = G + H;
      backend.gemm(false, false, 1, H, R, 1, c.adjH, 0, R, params, p.weightHr, H, 0, dh, dhOff, H);
      backend.gemm(
        true,
        false,
        R,
        H,
        1,
        1,
        c.adjH,
        0,
        R,
        buf.m as FloatArray,
        row * H,
        H,
        1,
        c.thetaBar,
        p.weightHr,
        H,
      );
    }
    const peep = p.peep >= 0;
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
      G,
      peep ? c.thetaBar : null,
      p.peep,
    );
  } else if (dir.spec.cell === "gru") {
    // ∂/∂gi at scratch[0…], ∂/∂gh at scratch[G…], the direct ∂h_{t−1} term (dropped) after them
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
      G,
      scratch,
      2 * G,
    );
    dRec = G;
  } else if (dir.spec.nonlinearity === "sigmoid") {
    for (let j = 0; j < H; j++) {
      const y = buf.h[row * H + j] as number;
      dA[j] = (c.adjH[j] as number) * y * (1 - y);
    }
  } else backend.tanhBackward(H, buf.h, row * H, c.adjH, 0, dA, 0);
  const I = dir.spec.inputSize;
  // ∂W_ih += ∂a ⊗ x, ∂b_ih += ∂a;  ∂W_hh += ∂a_h ⊗ h_{t−1}, ∂b_hh += ∂a_h (∂a_h = ∂gh for GRU)
  backend.gemm(true, false, G, I, 1, 1, dA, 0, G, c.x, c.xOff, I, 1, c.thetaBar, p.weightIh, I);
  backend.sumRows(1, G, dA, 0, c.thetaBar, p.biasIh);
  backend.gemm(true, false, G, R, 1, 1, dA, dRec, G, buf.hIn, row * R, R, 1, c.thetaBar, p.weightHh, R);
  backend.sumRows(1, G, dA, dRec, c.thetaBar, p.biasHh);
  // ν_x = ∂a W_ih
  if (c.xBar) backend.gemm(false, false, 1, I, G, 1, dA, 0, G, params, p.weightIh, I, 0, c.xBar, 0, I);
}
