/**
 * The vanilla recurrent step (Elman 1990), tanh, as torch.nn.RNN:
 *   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh);
 * or with logistic units, as Elman's and the rnnlm toolkit's (Mikolov 2012, eq. 3.1;
 * `model.nonlinearity: "sigmoid"`; torch.nn.RNN offers tanh and relu):
 *   h_t = σ(W_ih x_t + b_ih + W_hh h_{t−1} + b_hh),   σ(a) = 1 / (1 + e^{−a}).
 * σ is a plain loop: B·H per step beside the B·H·H recurrent product, and every backend's
 * arrays are typed arrays the loop can read.
 */
import type { CellContext, CellKernel } from "./cell.js";

/** h = f(a) for the step's B·H entries at `off`; dGates (at dOff) = dh (at hOff, the lane's) ⊙ f'(a). */
interface Nonlinearity {
  forward(ctx: CellContext, off: number, n: number): void;
  backward(ctx: CellContext, off: number, dhOff: number, dOff: number, n: number): void;
}

const tanh: Nonlinearity = {
  forward: ({ backend, buf }, off, n) => backend.tanhForward(n, buf.gates, off, buf.h, off),
  // ∂L/∂a = ∂L/∂h ⊙ (1 − h²)
  backward: ({ backend, buf }, off, dhOff, dOff, n) =>
    backend.tanhBackward(n, buf.h, off, buf.dhTotal, dhOff, buf.dGates, dOff),
};

const sigmoid: Nonlinearity = {
  forward({ buf }, off, n) {
    const { gates: a, h } = buf;
    for (let i = off; i < off + n; i++) h[i] = 1 / (1 + Math.exp(-(a[i] as number)));
  },
  // ∂L/∂a = ∂L/∂h ⊙ σ'(a), σ'(a) = h (1 − h)
  backward({ buf }, off, dhOff, dOff, n) {
    const { h, dhTotal, dGates } = buf;
    for (let i = 0; i < n; i++) {
      const y = h[off + i] as number;
      dGates[dOff + i] = (dhTotal[dhOff + i] as number) * y * (1 - y);
    }
  },
};

function simpleRnnCell(f: Nonlinearity): CellKernel {
  return {
    type: "rnn",
    gateMultiple: 1,

    forwardStep(ctx: CellContext, slot: number): void {
      const { backend, streams: B, hidden: H, params, p, buf } = ctx;
      const off = slot * B * H;
      backend.addRowBroadcast(B, H, params, p.biasHh, buf.gates, off);
      backend.gemm(false, true, B, H, H, 1, buf.hIn, off, H, params, p.weightHh, H, 1, buf.gates, off, H);
      f.forward(ctx, off, B * H);
    },

    backwardStep(ctx: CellContext, slot: number): void {
      const { backend, streams: B, lanes: L, hidden: H, params, p, buf } = ctx;
      const off = slot * B * H;
      for (let lane = 0; lane < L; lane++)
        f.backward(ctx, off, lane * B * H, (slot * L + lane) * B * H, B * H);
      // ∂L/∂h_{t−1} = ∂L/∂a W_hh, every lane at once
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
}

export const rnnCell: CellKernel = simpleRnnCell(tanh);
export const sigmoidRnnCell: CellKernel = simpleRnnCell(sigmoid);
