/**
 * The vanilla recurrent step (Elman 1990), tanh, as torch.nn.RNN:
 *   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh).
 */
import type { CellContext, CellKernel } from "./cell.js";

export const rnnCell: CellKernel = {
  type: "rnn",
  gateMultiple: 1,

  forwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, hidden: H, params, p, buf } = ctx;
    const off = slot * B * H;
    backend.addRowBroadcast(B, H, params, p.biasHh, buf.gates, off);
    backend.gemm(false, true, B, H, H, 1, buf.hIn, off, H, params, p.weightHh, H, 1, buf.gates, off, H);
    backend.tanhForward(B * H, buf.gates, off, buf.h, off);
  },

  backwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, lanes: L, hidden: H, params, p, buf } = ctx;
    const off = slot * B * H;
    for (let lane = 0; lane < L; lane++) {
      // ∂L/∂a = ∂L/∂h ⊙ (1 − h²)
      backend.tanhBackward(
        B * H,
        buf.h,
        off,
        buf.dhTotal,
        lane * B * H,
        buf.dGates,
        (slot * L + lane) * B * H,
      );
    }
    backend.gemm(
      false,
      false,
      L * B,
      H,
      H,
      1,
      buf.dGates,
      slot * L * B * H,
      H,
      params,
      p.weightHh,
      H,
      0,
      buf.dhNext,
      0,
      H,
    );
  },
};
