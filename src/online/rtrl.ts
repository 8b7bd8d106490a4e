/**
 * Real-time recurrent learning (Williams & Zipser 1989): the exact gradient of every
 * step's loss, computed forward in time, with no stored history.
 *
 * Per stream it carries the sensitivity matrix J_t = ds_t/dθ of every layer's state
 * (h or r, and c) to the parameters, updated after each step by the chain rule
 * (Williams & Zipser 1989, eq. 8-10; here by tangent.ts):
 *
 *   J_t = ∂F/∂s_{t−1} · J_{t−1} + ∂F/∂θ,     J = 0 where the state is reset to s_0,
 *
 * and a step's loss L_t = ℓ(g(h_top,t), y_t) has the gradient ∂L_t/∂θ = δ_t · J_t^(h_top)
 * (δ_t = ∂L_t/∂h_top,t) plus the output head's own. With the parameters held fixed, the
 * sum of these over an update's steps is exactly the gradient TBPTT(k1, ∞) computes by
 * back-propagation (test/online/rtrl.test.ts checks it to 1e-9 against the engine).
 *
 * Cost per step and stream: the products ∂F/∂s · J, O(G·R·K) for a layer with K
 * parameter columns — for one LSTM layer of H cells and I inputs about 16·H²·(H + I)
 * multiply-adds, against TBPTT's O(H·(H + I)) per step. Memory: (R + H)·K values per
 * layer and stream, twice (J_{t−1} and J_t). Practical for small networks only
 * (docs/online.md gives measured sizes).
 *
 * Dimension legend: B streams, R recurrent state width, H hidden, K parameter columns.
 */
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";
import { takeArray } from "./array-pool.js";
import type { OnlineLearner } from "./learner.js";
import { type OnlineLayer, onlineStack, placeStep, stepAt } from "./stack.js";
import { type StepTangent, scratchSize } from "./step-tangent.js";
import { tangentStep } from "./tangent.js";

/** One layer's sensitivity for one stream: R × K for h (or r), H × K for c (LSTM). */
interface Sensitivity {
  h: FloatArray;
  c: FloatArray | null;
}

/** RTRL as an online learner: per stream and layer, the exact sensitivity ds/dθ (see the file comment). */
export class Rtrl implements OnlineLearner {
  readonly algorithm = "rtrl" as const;
  private readonly layers: OnlineLayer[];
  /** [layer][stream]: J_t (current) and the buffer J_{t+1} is written into (swapped after each step). */
  private current: Sensitivity[][];
  private next: Sensitivity[][];
  private tangents: StepTangent[];

  constructor(
    readonly model: SequenceModel,
    readonly streams: number,
  ) {
    this.layers = onlineStack(model, "rtrl");
    const make = (which: string) =>
      this.layers.map(({ dir, cols }, l) =>
        Array.from({ length: streams }, (_, b) => ({
          h: takeArray(model, `rtrl.${which}.h.${l}.${b}`, dir.stateWidth * cols),
          c:
            dir.spec.cell === "lstm"
              ? takeArray(model, `rtrl.${which}.c.${l}.${b}`, dir.spec.hiddenSize * cols)
              : null,
        })),
      );
    this.current = make("a");
    this.next = make("b");
    this.tangents = this.layers.map(({ dir, cols }, l) => ({
      ...stepAt(model, dir),
      cols,
      immediate: true,
      prevH: null,
      prevC: null,
      dx: null,
      dxCols: l > 0 ? (this.layers[l - 1] as OnlineLayer).cols : 0,
      outH: model.params,
      outC: null,
      scratch: takeArray(model, `rtrl.scratch.${l}`, scratchSize(dir, cols)),
    }));
  }

  beginUpdate(): void {}

  advance(slot: number): void {
    const { tape } = this.model;
    const B = this.streams;
    for (let b = 0; b < B; b++) {
      const row = slot * B + b;
      if (tape.active[row] === 0) continue;
      const fresh = tape.reset[row] === 1;
      this.layers.forEach((_, l) => {
        const t = this.tangents[l] as StepTangent;
        const prev = (this.current[l] as Sensitivity[])[b] as Sensitivity;
        const out = (this.next[l] as Sensitivity[])[b] as Sensitivity;
        placeStep(t, this.model, l, row);
        t.prevH = fresh ? null : prev.h;
        t.prevC = fresh ? null : prev.c;
        t.dx = l > 0 ? ((this.next[l - 1] as Sensitivity[])[b] as Sensitivity).h : null;
        t.outH = out.h;
        t.outC = out.c;
        tangentStep(t);
      });
      for (let l = 0; l < this.layers.length; l++) {
        const cur = this.current[l] as Sensitivity[];
        const nxt = this.next[l] as Sensitivity[];
        const held = cur[b] as Sensitivity;
        cur[b] = nxt[b] as Sensitivity;
        nxt[b] = held;
      }
    }
  }

  accumulate(slot: number, delta: FloatArray, grads: FloatArray): void {
    const { tape, backend } = this.model;
    const B = this.streams;
    const top = this.layers.length - 1;
    const { dir, cols } = this.layers[top] as OnlineLayer;
    const R = dir.stateWidth;
    for (let b = 0; b < B; b++) {
      const row = slot * B + b;
      if (tape.active[row] === 0 || (tape.labels[row] as number) < 0) continue;
      // ∂L/∂θ += δ · J^(h_top)
      const J = ((this.current[top] as Sensitivity[])[b] as Sensitivity).h;
      backend.gemm(false, false, 1, cols, R, 1, delta, row * R, R, J, 0, cols, 1, grads, 0, cols);
    }
  }
}
