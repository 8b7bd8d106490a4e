/**
 * The LSTM step (Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al.
 * 2000; peepholes as Gers & Schmidhuber 2000 and Graves 2013, eq. 7-11), PyTorch's
 * gate order i, f, g, o. The pointwise maths lives in the backend's lstmForward /
 * lstmBackward; this file adds the recurrent product around it.
 *   a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh          (4H per stream)
 */
import type { CellContext, CellKernel } from "./cell.js";

export const lstmCell: CellKernel = {
  type: "lstm",
  gateMultiple: 4,

  forwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, hidden: H, params, p, buf } = ctx;
    const G = 4 * H;
    const gOff = slot * B * G;
    const sOff = slot * B * H;
    // a += b_hh + h_{t−1} W_hhᵀ (the input part W_ih x + b_ih is already in place)
    backend.addRowBroadcast(B, G, params, p.biasHh, buf.gates, gOff);
    backend.gemm(false, true, B, G, H, 1, buf.hIn, sOff, H, params, p.weightHh, H, 1, buf.gates, gOff, G);
    backend.lstmForward(
      B,
      H,
      buf.gates,
      gOff,
      buf.cIn!,
      sOff,
      p.peep >= 0 ? params : null,
      p.peep,
      buf.c!,
      sOff,
      buf.h,
      sOff,
    );
  },

  backwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, lanes: L, hidden: H, params, grads, p, buf } = ctx;
    const G = 4 * H;
    const gOff = slot * B * G;
    const sOff = slot * B * H;
    const peep = p.peep >= 0 ? params : null;
    const dPeep = p.peep >= 0 ? grads : null;
    for (let lane = 0; lane < L; lane++) {
      const laneOff = lane * B * H;
      // ∂L/∂a for this lane; ∂L/∂c_{t−1} replaces ∂L/∂c_t in dcNext
      backend.lstmBackward(
        B,
        H,
        buf.gates,
        gOff,
        buf.cIn!,
        sOff,
        buf.c!,
        sOff,
        peep,
        p.peep,
        buf.dhTotal,
        laneOff,
        buf.dcNext!,
        laneOff,
        buf.dGates,
        (slot * L + lane) * B * G,
        buf.dcNext!,
        laneOff,
        dPeep,
        p.peep,
      );
    }
    // ∂L/∂h_{t−1} = ∂L/∂a · W_hh, all lanes in one product
    backend.gemm(
      false,
      false,
      L * B,
      H,
      G,
      1,
      buf.dGates,
      slot * L * B * G,
      G,
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
