/**
 * The simple recurrent network of Elman 1990 and of the rnnlm toolkit (Mikolov et al.
 * 2010; Mikolov 2012, eq. 3.1): a logistic hidden layer,
 *   h_t = σ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh),   σ(a) = 1 / (1 + e^{−a}).
 * (torch.nn.RNN offers tanh and relu; `model.nonlinearity: "sigmoid"` selects this cell.)
 * The pointwise σ is a plain loop: it is B·H per step beside the B·H·H recurrent product,
 * and every backend's arrays are typed arrays the loop can read.
 */
import type { CellContext, CellKernel } from "./cell.js";

export const sigmoidRnnCell: CellKernel = {
  type: "rnn",
  gateMultiple: 1,

  forwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, hidden: H, params, p, buf } = ctx;
    const off = slot * B * H;
    backend.addRowBroadcast(B, H, params, p.biasHh, buf.gates, off);
    backend.gemm(false, true, B, H, H, 1, buf.hIn, off, H, params, p.weightHh, H, 1, buf.gates, off, H);
    const { gates: a, h } = buf;
    for (let i = off; i < off + B * H; i++) h[i] = 1 / (1 + Math.exp(-(a[i] as number)));
  },

  backwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, lanes: L, hidden: H, params, p, buf } = ctx;
    const off = slot * B * H;
    const { h, dhTotal, dGates } = buf;
    for (let lane = 0; lane < L; lane++) {
      // ∂L/∂a = ∂L/∂h ⊙ σ'(a), σ'(a) = h (1 − h)
      const dOff = (slot * L + lane) * B * H;
      const gOff = lane * B * H;
      for (let i = 0; i < B * H; i++) {
        const y = h[off + i] as number;
        dGates[dOff + i] = (dhTotal[gOff + i] as number) * y * (1 - y);
      }
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
