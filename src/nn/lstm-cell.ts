/**
 * The LSTM step (Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al.
 * 2000; peepholes as Gers & Schmidhuber 2000 and Graves 2013, eq. 7-11), PyTorch's
 * gate order i, f, g, o. The pointwise maths lives in the backend's lstmForward /
 * lstmBackward; this file adds the matrix products around it.
 *   a_t = W_ih x_t + b_ih + W_hh h_{t−1} + b_hh          (4H per stream)
 *
 * LSTMP (Sak, Senior & Beaufays 2014, eq. 1-7; torch.nn.LSTM with proj_size): the cell
 * output m_t = o_t ⊙ tanh(c_t) is projected, r_t = W_hr m_t (P < H values, no bias), and
 * r_t is what the next step's gates, the layer above and the output layer read:
 *   a_t = W_ih x_t + b_ih + W_hh r_{t−1} + b_hh,   W_hh of shape (4H, P).
 * Below, R is the width of the recurrent state: P for LSTMP, H otherwise (then m = h).
 *
 * Gradient "truncated-1997" (Hochreiter & Schmidhuber 1997, appendix A.1; with forget
 * gate Gers et al. 2000; with peepholes Gers, Schraudolph & Schmidhuber 2002): an error
 * that reaches a gate's or the cell input's pre-activation changes that unit's incoming
 * weights and goes no further: not to h_{t−1} through W_hh, and not into the cell state
 * through a peephole. Only the cell state (the constant error carousel) carries error
 * back, ∂L/∂c_{t−1} = ∂L/∂c_t ⊙ f_t. docs/gradient-1997.md states it in full.
 */
import type { FloatArray } from "../core/types.js";
import type { CellContext, CellKernel } from "./cell.js";

export const lstmCell: CellKernel = {
  type: "lstm",
  gateMultiple: 4,

  forwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, hidden: H, state: R, params, p, buf } = ctx;
    const G = 4 * H;
    const gOff = slot * B * G;
    const cOff = slot * B * H;
    const sOff = slot * B * R;
    // a += b_hh + h_{t−1} W_hhᵀ (the input part W_ih x + b_ih is already in place)
    backend.addRowBroadcast(B, G, params, p.biasHh, buf.gates, gOff);
    backend.gemm(false, true, B, G, R, 1, buf.hIn, sOff, R, params, p.weightHh, R, 1, buf.gates, gOff, G);
    // c_t and the cell output m_t (= h_t without a projection)
    const m = buf.m ?? buf.h;
    const peep = p.peep >= 0 ? params : null;
    backend.lstmForward(B, H, buf.gates, gOff, buf.cIn!, cOff, peep, p.peep, buf.c!, cOff, m, cOff);
    // r_t = m_t W_hrᵀ
    if (p.weightHr >= 0)
      backend.gemm(false, true, B, R, H, 1, m, cOff, H, params, p.weightHr, H, 0, buf.h, sOff, R);
  },

  backwardStep(ctx: CellContext, slot: number): void {
    const { backend, streams: B, lanes: L, hidden: H, state: R, params, grads, p, buf } = ctx;
    const G = 4 * H;
    const gOff = slot * B * G;
    const cOff = slot * B * H;
    let dh = buf.dhTotal;
    if (p.weightHr >= 0) {
      // ∂L/∂r_t is kept for ∂W_hr (one product per run, recurrent.ts); ∂L/∂m_t = ∂L/∂r_t · W_hr
      const dProj = buf.dProj!;
      const at = slot * L * B * R;
      for (let i = 0; i < L * B * R; i++) dProj[at + i] = buf.dhTotal[i] as number;
      backend.gemm(false, false, L * B, H, R, 1, buf.dhTotal, 0, R, params, p.weightHr, H, 0, buf.dm!, 0, H);
      dh = buf.dm!;
    }
    const full = ctx.gradient === "full";
    // Truncated: the kernel runs as if there were no peepholes. The gates keep the values the
    // peepholes gave them (they are read from the forward pass), but no error flows back
    // through a peephole into the cell; the peephole weights' own gradient is added below.
    const peep = full && p.peep >= 0 ? params : null;
    const dPeep = full && p.peep >= 0 ? grads : null;
    for (let lane = 0; lane < L; lane++) {
      const laneOff = lane * B * H;
      // ∂L/∂a for this lane; ∂L/∂c_{t−1} replaces ∂L/∂c_t in dcNext
      backend.lstmBackward(
        B,
        H,
        buf.gates,
        gOff,
        buf.cIn!,
        cOff,
        buf.c!,
        cOff,
        peep,
        p.peep,
        dh,
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
    if (!full) {
      if (p.peep >= 0) accumulatePeepholeGradients(ctx, slot);
      // The 1997 cut: no error leaves the gates towards h_{t−1}.
      buf.dhNext.fill(0, 0, L * B * R);
      return;
    }
    // ∂L/∂h_{t−1} = ∂L/∂a · W_hh, all lanes in one product
    backend.gemm(
      false,
      false,
      L * B,
      R,
      G,
      1,
      buf.dGates,
      slot * L * B * G,
      G,
      params,
      p.weightHh,
      R,
      0,
      buf.dhNext,
      0,
      R,
    );
  },
};

/**
 * ∂p_i += Σ ∂a_i ⊙ c_{t−1}, ∂p_f += Σ ∂a_f ⊙ c_{t−1}, ∂p_o += Σ ∂a_o ⊙ c_t over the step's
 * lanes and streams: the peephole weights' gradient from the gates' errors, which the
 * backend kernel accumulates itself on the full gradient's path.
 */
function accumulatePeepholeGradients(ctx: CellContext, slot: number): void {
  const { streams: B, lanes: L, hidden: H, grads, p, buf } = ctx;
  const G = 4 * H;
  const cIn = buf.cIn as FloatArray;
  const c = buf.c as FloatArray;
  for (let lane = 0; lane < L; lane++) {
    for (let b = 0; b < B; b++) {
      const d0 = ((slot * L + lane) * B + b) * G;
      const s0 = (slot * B + b) * H;
      for (let j = 0; j < H; j++) {
        const cp = cIn[s0 + j] as number;
        grads[p.peep + j] += (buf.dGates[d0 + j] as number) * cp;
        grads[p.peep + H + j] += (buf.dGates[d0 + H + j] as number) * cp;
        grads[p.peep + 2 * H + j] += (buf.dGates[d0 + 3 * H + j] as number) * (c[s0 + j] as number);
      }
    }
  }
}
