/**
 * The GRU step in PyTorch's formulation (Cho et al. 2014, with the reset gate applied
 * after the recurrent product, as torch.nn.GRU documents), gate order r, z, n:
 *   r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
 *   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h.
 * The recurrent part W_hh h + b_hh is stored per step because n needs it in backward.
 */
import type { CellContext, CellKernel } from "./cell.js";

export const gruCell: CellKernel = {
  type: "gru",
  gateMultiple: 3,

  forwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, hidden: H, params, p, buf } = ctx;
    const G = 3 * H;
    const gOff = slot * B * G;
    const sOff = slot * B * H;
    const recurrent = buf.recurrent!;
    // gh = h_{t−1} W_hhᵀ + b_hh
    backend.gemm(false, true, B, G, H, 1, buf.hIn, sOff, H, params, p.weightHh, H, 0, recurrent, gOff, G);
    backend.addRowBroadcast(B, G, params, p.biasHh, recurrent, gOff);
    backend.gruForward(B, H, buf.gates, gOff, recurrent, gOff, buf.hIn, sOff, buf.gates, gOff, buf.h, sOff);
  },

  backwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, lanes: L, hidden: H, params, p, buf } = ctx;
    const G = 3 * H;
    const gOff = slot * B * G;
    const sOff = slot * B * H;
    for (let lane = 0; lane < L; lane++) {
      const laneOff = lane * B * H;
      const dOff = (slot * L + lane) * B * G;
      // ∂L/∂gi, ∂L/∂gh, and the direct term z ⊙ ∂L/∂h' of ∂L/∂h_{t−1}
      backend.gruBackward(
        B,
        H,
        buf.gates,
        gOff,
        buf.recurrent!,
        gOff,
        buf.hIn,
        sOff,
        buf.dhTotal,
        laneOff,
        buf.dGates,
        dOff,
        buf.dRecurrent!,
        dOff,
        buf.dhNext,
        laneOff,
      );
    }
    // ∂L/∂h_{t−1} += ∂L/∂gh · W_hh
    backend.gemm(
      false,
      false,
      L * B,
      H,
      G,
      1,
      buf.dRecurrent!,
      slot * L * B * G,
      G,
      params,
      p.weightHh,
      H,
      1,
      buf.dhNext,
      0,
      H,
    );
  },
};
