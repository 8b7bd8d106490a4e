/**
 * What an online gradient algorithm does inside the online engine (online-engine.ts),
 * once per forward step: carry every stream's sensitivity of the state to the
 * parameters through the step just taken, then turn the step's loss adjoint into a
 * parameter gradient. RTRL carries the exact sensitivity (rtrl.ts); UORO an unbiased
 * rank-one estimate of it (uoro.ts).
 *
 * Dimension legend: B streams, F the top layer's output width.
 */
import type { FloatArray } from "../core/types.js";
import type { OnlineAlgorithmName } from "./stack.js";

/** An online gradient algorithm, as the online engine drives it once per forward step. */
export interface OnlineLearner {
  readonly algorithm: OnlineAlgorithmName;
  /** Random draws of the coming update come from this seed (UORO's signs; RTRL draws none). */
  beginUpdate(seed: number): void;
  /**
   * The step in `slot` was just forwarded: carry each active stream's sensitivity through
   * it, from zero where the step entered s_0 (tape.reset); a masked stream keeps its own.
   */
  advance(slot: number): void;
  /**
   * grads[0, recurrent parameters) += Σ_b δ_b · ∂s_b/∂θ for the step in `slot`, where δ
   * (the top layer's output adjoint, B·F values from delta[slot·B·F…]) is ∂L/∂h_top of the
   * step's losses. The output head adds its own parameters' gradient itself.
   */
  accumulate(slot: number, delta: FloatArray, grads: FloatArray): void;
}
