// Hochreiter & Schmidhuber 1997's truncated LSTM gradient (model.gradient "truncated-1997",
// docs/gradient-1997.md) against a naive reference written from that definition: finite
// differences of a scalar-loop LSTM (test/helpers/naive-lstm.ts) in which the recurrent
// input of the gates and the peepholes' cell are held at their unperturbed values. Also:
// the same reference unfrozen gives the full gradient (an independent check of LSTMP),
// the two gradients differ, and the truncation composes with TBPTT windows and per-loss lanes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import type { GradientMode } from "../../src/nn/cell.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../src/nn/model.js";
import { sequenceLossAndGradient } from "../../src/nn/sequence.js";
import { checkGradient } from "../helpers/gradcheck.js";
import { type NaiveOptions, type NaiveSequence, naiveLoss } from "../helpers/naive-lstm.js";

type Arch = Pick<ModelConfig, "peepholes" | "projSize" | "layers" | "bidirectional">;

function setup(arch: Arch, gradient: GradientMode, lengths: number[], maskRate: number, seed: number) {
  const config: ModelConfig = { cell: "lstm", inputSize: 3, hiddenSize: 4, outputSize: 3, gradient, ...arch };
  const model = new SequenceModel(config, createPlainBackend("float64"));
  const rng = new Rng(seed);
  initializeModel(model, rng, { scheme: "uniform", range: 0.5, forgetBias: 0.3 });
  const sequences: NaiveSequence[] = lengths.map((T) => ({
    inputs: Array.from({ length: T * 3 }, () => rng.uniform(-1, 1)),
    labels: Array.from({ length: T }, () => (rng.next() < maskRate ? -1 : rng.int(3))),
  }));
  return { model, sequences };
}

/** Worst relative error of the model's whole-sequence gradient against the naive reference's finite differences. */
function against(model: SequenceModel, sequences: NaiveSequence[], options: NaiveOptions): number {
  model.zeroGrads();
  const loss = sequenceLossAndGradient(model, {
    inputs: sequences.map((s) => s.inputs),
    labels: sequences.map((s) => s.labels),
  });
  const analytic = Float64Array.from(model.grads);
  const memo = new Map<string, Float64Array>();
  const reference = naiveLoss(model, sequences, options, memo);
  assert.ok(Math.abs(loss - reference) < 1e-12 * Math.abs(reference), `loss ${loss} vs naive ${reference}`);
  return checkGradient(model.params, analytic, () => naiveLoss(model, sequences, options, memo)).worst;
}

const architectures: [string, Arch][] = [
  ["LSTM", { peepholes: false, projSize: 0, layers: 1, bidirectional: false }],
  ["LSTM with peepholes", { peepholes: true, projSize: 0, layers: 1, bidirectional: false }],
  ["LSTMP with peepholes", { peepholes: true, projSize: 2, layers: 1, bidirectional: false }],
  ["2-layer LSTM with peepholes", { peepholes: true, projSize: 0, layers: 2, bidirectional: false }],
  ["2-layer BLSTM with peepholes", { peepholes: true, projSize: 0, layers: 2, bidirectional: true }],
  ["2-layer BLSTMP", { peepholes: false, projSize: 3, layers: 2, bidirectional: true }],
];

for (const [name, arch] of architectures) {
  test(`truncated-1997 equals the naive reference's frozen finite differences: ${name}`, () => {
    const { model, sequences } = setup(arch, "truncated-1997", [6, 3, 5], 0.25, 11);
    const worst = against(model, sequences, { freeze1997: true });
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });

  test(`the full gradient equals the naive reference's finite differences: ${name}`, () => {
    const { model, sequences } = setup(arch, "full", [6, 3, 5], 0.25, 12);
    const worst = against(model, sequences, {});
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  });
}

test("the checks are sharp: the 1997 gradient is not the full one, nor the frozen reference's the full model's", () => {
  const arch: Arch = { peepholes: true, projSize: 2, layers: 2, bidirectional: false };
  const truncated = setup(arch, "truncated-1997", [7], 0, 5);
  const full = setup(arch, "full", [7], 0, 5);
  assert.ok(against(truncated.model, truncated.sequences, {}) > 1e-3);
  assert.ok(against(full.model, full.sequences, { freeze1997: true }) > 1e-3);
});

test("with peepholes the cut includes them: a reference that holds only the recurrent input does not match", () => {
  const arch: Arch = { peepholes: true, projSize: 0, layers: 1, bidirectional: false };
  const { model, sequences } = setup(arch, "truncated-1997", [7], 0, 6);
  assert.ok(against(model, sequences, { freeze1997: "recurrent-only" }) > 1e-3);
  // without peepholes the two readings coincide
  const plain = setup({ ...arch, peepholes: false }, "truncated-1997", [7], 0, 6);
  assert.ok(against(plain.model, plain.sequences, { freeze1997: "recurrent-only" }) < 1e-6);
});

/** The gradient of update number `which` (from 0) of an engine run on one stream, parameters unchanged. */
function engineGradient(model: SequenceModel, schedule: Schedule, seq: NaiveSequence, which: number) {
  const engine = new Engine(model, schedule, 1);
  let grads: Float64Array | null = null;
  let time = -1;
  let previous = -1;
  engine.run([new ArraySequence(seq.inputs, seq.labels, 3)], (g, record) => {
    if (record.index < which) return true;
    grads = Float64Array.from(g);
    time = record.time;
    previous = record.previousTime;
    return false;
  });
  if (!grads) throw new Error("the run ended before that update");
  return { grads: grads as Float64Array, time, previous };
}

test("composes with TBPTT: an update of TBPTT(3, 5) window truncation equals the frozen reference cut at its window", () => {
  const arch: Arch = { peepholes: true, projSize: 2, layers: 2, bidirectional: false };
  const { model, sequences } = setup(arch, "truncated-1997", [14], 0, 21);
  const seq = sequences[0] as NaiveSequence;
  const { grads, time, previous } = engineGradient(model, makeSchedule({ k1: 3, k2: 5 }), seq, 2);
  assert.equal(time, 8);
  // window: max(t' + 1 − (k2 − k1), reset) … t = 4 … 8, the losses of t' + 1 … t = 6 … 8
  const options: NaiveOptions = {
    freeze1997: true,
    cutAt: [previous + 1 - 2],
    lossSteps: [[previous + 1, time]],
  };
  const memo = new Map<string, Float64Array>();
  naiveLoss(model, [seq], options, memo);
  const worst = checkGradient(model.params, grads, () => naiveLoss(model, [seq], options, memo)).worst;
  assert.ok(worst < 1e-6, `worst relative error ${worst}`);
});

test("composes with TBPTT: per-loss truncation (k1 = 4, k2 = 2, two lanes) equals the frozen reference summed per loss", () => {
  const arch: Arch = { peepholes: true, projSize: 0, layers: 1, bidirectional: false };
  const { model, sequences } = setup(arch, "truncated-1997", [13], 0, 22);
  const seq = sequences[0] as NaiveSequence;
  const { grads, time, previous } = engineGradient(
    model,
    makeSchedule({ k1: 4, k2: 2, truncation: "per-loss" }),
    seq,
    1,
  );
  const memo = new Map<string, Float64Array>();
  // each loss s back through its own last k2 = 2 steps: state entering s − 1 held
  const loss = () => {
    let sum = 0;
    for (let s = previous + 1; s <= time; s++)
      sum += naiveLoss(model, [seq], { freeze1997: true, cutAt: [s - 1], lossSteps: [[s, s]] }, memo);
    return sum;
  };
  loss();
  const worst = checkGradient(model.params, grads, loss).worst;
  assert.ok(worst < 1e-6, `worst relative error ${worst}`);
});
