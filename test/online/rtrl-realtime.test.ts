// What RTRL computes while the weights change (Williams & Zipser 1989's real-time
// learning): at step t the sensitivity J_t mixes the Jacobians of each past step s taken
// with that step's weights θ_s. So the gradient it hands over is the derivative of L_t
// along the trajectory actually run, with every step's weights moved together:
//   g_t · d = d/dε L_t(θ_1 + εd, …, θ_t + εd) at ε = 0.
// The reference replays the run's recorded weights step by step and differentiates by
// central differences; it shares no derivative code with RTRL.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/core/random.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import type { SequenceModel } from "../../src/nn/model.js";
import { OnlineEngine } from "../../src/online/online-engine.js";
import { makeModel, type NetCase, randomSequences } from "./helpers.js";

/** L_t of the single stream when step s ≤ t runs with weights[s] + ε·d. */
function replayLoss(
  model: SequenceModel,
  weights: readonly Float64Array[],
  sequence: ReturnType<typeof randomSequences>[number],
  t: number,
  d: Float64Array,
  epsilon: number,
): number {
  model.configure(1, 1, 1);
  model.clearState();
  const { tape } = model;
  let loss = 0;
  for (let s = 0; s <= t; s++) {
    const w = weights[s] as Float64Array;
    for (let i = 0; i < w.length; i++) model.params[i] = (w[i] as number) + epsilon * (d[i] as number);
    tape.reset[0] = s === 0 ? 1 : 0;
    tape.active[0] = 1;
    tape.labels[0] = s === t ? sequence.label(s) : -1;
    sequence.writeInput(s, model.inputs, 0);
    loss = model.forward({ first: 0, count: 1 });
  }
  return loss;
}

for (const net of [
  { cell: "lstm", peepholes: true, layers: 2, hidden: 3, inputSize: 2, classes: 3, seed: 31 },
  { cell: "gru", layers: 1, hidden: 4, inputSize: 2, classes: 3, seed: 32 },
] as NetCase[]) {
  test(`${net.cell}: frame-wise RTRL under SGD is the derivative along the run's own weights`, () => {
    const model = makeModel(net);
    const T = 10;
    const [sequence] = randomSequences(new Rng(5), [T], net.inputSize, net.classes, 0);
    const weights: Float64Array[] = [];
    const gradients: Float64Array[] = [];
    const engine = new OnlineEngine(model, makeSchedule({ k1: 1, algorithm: "rtrl" }), 1);
    engine.run(
      [sequence as NonNullable<typeof sequence>],
      (grads) => {
        gradients.push(Float64Array.from(grads));
        for (let i = 0; i < grads.length; i++) model.params[i] -= 0.3 * (grads[i] as number);
        return true;
      },
      { beforeUpdate: () => weights.push(Float64Array.from(model.params)) },
    );
    assert.equal(gradients.length, T);
    const rng = new Rng(9);
    for (const t of [2, 5, 9]) {
      const d = Float64Array.from(model.params, () => rng.uniform(-1, 1));
      const h = 1e-5;
      const numeric =
        (replayLoss(model, weights, sequence as NonNullable<typeof sequence>, t, d, h) -
          replayLoss(model, weights, sequence as NonNullable<typeof sequence>, t, d, -h)) /
        (2 * h);
      const g = gradients[t] as Float64Array;
      const analytic = g.reduce((sum, gi, i) => sum + gi * (d[i] as number), 0);
      const relative = Math.abs(analytic - numeric) / Math.abs(numeric);
      assert.ok(relative < 1e-6, `t = ${t}: RTRL ${analytic}, finite differences ${numeric}`);
    }
    // The weights did move: a replay with the final weights throughout gives another derivative.
    const last = weights[T - 1] as Float64Array;
    const frozen = weights.map(() => last);
    const d = Float64Array.from(model.params, () => rng.uniform(-1, 1));
    const s = sequence as NonNullable<typeof sequence>;
    const moved =
      (replayLoss(model, frozen, s, 9, d, 1e-5) - replayLoss(model, frozen, s, 9, d, -1e-5)) / 2e-5;
    const analytic = (gradients[9] as Float64Array).reduce((sum, gi, i) => sum + gi * (d[i] as number), 0);
    assert.ok(Math.abs(analytic - moved) / Math.abs(moved) > 1e-4, "the check cannot tell the two apart");
  });
}
