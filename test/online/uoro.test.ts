// UORO's estimate is unbiased (Tallec & Ollivier 2017, section 3): averaged over its
// random signs, the estimated gradient of each update is the true one. The test draws N
// estimates (N runs of the online engine with seeds 1 … N, the parameters held fixed),
// takes each coordinate's mean and sample variance, and requires the mean to lie within
// z·σ̂/√N of the gradient back-propagated by the TBPTT engine, with z the two-sided normal
// quantile at a family-wise level of 10⁻³ over all coordinates (Bonferroni): a tolerance
// from the measured variance, not a guess. The same statistic must reject the gradient
// truncated to each loss's own step (the test can fail: with 15 times the samples its |z|
// grows about √15-fold while the true gradient's stays near 3, docs/notes/online.md), and
// the coordinates UORO does not estimate (the output head's) must be exact.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Rng } from "../../src/core/random.js";
import type { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import type { SequenceModel } from "../../src/nn/model.js";
import { OnlineEngine } from "../../src/online/online-engine.js";
import { gradientsOf, makeModel, type NetCase, randomSequences } from "./helpers.js";
import { normalQuantile } from "./normal.js";

interface Sample {
  truth: Float64Array;
  mean: Float64Array;
  variance: Float64Array;
  n: number;
  /** Coordinates of the output head (UORO computes them exactly). */
  exact: (p: number) => boolean;
  sequences: ArraySequence[];
}

const concat = (gs: Float64Array[]) => Float64Array.from(gs.flatMap((g) => Array.from(g)));

/** N UORO estimates of every update's gradient, concatenated, against the engine's. */
function sample(
  model: SequenceModel,
  schedule: Schedule,
  streams: number,
  lengths: number[],
  n: number,
): Sample {
  const sequences = randomSequences(
    new Rng(77),
    lengths,
    model.config.inputSize,
    model.config.outputSize,
    0.25,
  );
  const truth = concat(gradientsOf(new Engine(model, schedule, streams), sequences).grads);
  const uoro = { ...schedule, algorithm: "uoro" as const };
  const sum = new Float64Array(truth.length);
  const sumSq = new Float64Array(truth.length);
  for (let seed = 1; seed <= n; seed++) {
    const g = concat(gradientsOf(new OnlineEngine(model, uoro, streams, seed), sequences).grads);
    for (let p = 0; p < g.length; p++) {
      sum[p] += g[p] as number;
      sumSq[p] += (g[p] as number) ** 2;
    }
  }
  const mean = sum.map((s) => s / n);
  const variance = sumSq.map((s, p) => Math.max(0, (s - n * (mean[p] as number) ** 2) / (n - 1)));
  const P = model.params.length;
  const { offset } = model.outputParams;
  return { truth, mean, variance, n, exact: (p) => p % P >= offset, sequences };
}

/** The largest |z| over estimated coordinates, against `truth`; and the Bonferroni bound. */
function worstZ(s: Sample, truth: Float64Array): { worst: number; bound: number; coordinates: number } {
  let worst = 0;
  let coordinates = 0;
  for (let p = 0; p < truth.length; p++) {
    if (s.exact(p)) continue;
    coordinates++;
    const se = Math.sqrt((s.variance[p] as number) / s.n);
    const gap = Math.abs((s.mean[p] as number) - (truth[p] as number));
    if (se === 0) assert.ok(gap < 1e-12, `coordinate ${p}: no variance, but mean is off by ${gap}`);
    else worst = Math.max(worst, gap / se);
  }
  return { worst, bound: normalQuantile(1 - 1e-3 / (2 * coordinates)), coordinates };
}

const cases: [string, NetCase, number, number[], Schedule][] = [
  [
    "LSTM, one sequence, k1 = ∞",
    { cell: "lstm", layers: 1, hidden: 3, inputSize: 2, classes: 3, seed: 21 },
    1,
    [8],
    makeSchedule({}),
  ],
  [
    "tanh RNN, frame-wise k1 = 1, two streams with resets",
    { cell: "rnn", layers: 1, hidden: 3, inputSize: 2, classes: 2, seed: 22 },
    2,
    [5, 3, 4],
    makeSchedule({ k1: 1 }),
  ],
  [
    "2-layer GRU, k1 = 3, packed streams",
    { cell: "gru", layers: 2, hidden: 2, inputSize: 2, classes: 2, seed: 23 },
    2,
    [4, 5, 3],
    makeSchedule({ k1: 3, layout: "packed" }),
  ],
  [
    "LSTMP with peepholes, k1 = 4",
    { cell: "lstm", peepholes: true, projSize: 2, layers: 1, hidden: 3, inputSize: 2, classes: 2, seed: 24 },
    1,
    [9],
    makeSchedule({ k1: 4 }),
  ],
];

// TBPTT_UORO_SAMPLES (default 2000) draws more estimates, to watch the statistics grow or not.
const SAMPLES = Number(process.env.TBPTT_UORO_SAMPLES ?? 2000);

for (const [name, net, streams, lengths, schedule] of cases) {
  test(`${name}: the mean of ${SAMPLES} UORO estimates is the true gradient within its measured variance`, (t) => {
    const model = makeModel(net);
    const s = sample(model, schedule, streams, lengths, SAMPLES);
    for (let p = 0; p < s.truth.length; p++)
      if (s.exact(p)) assert.ok(Math.abs((s.mean[p] as number) - (s.truth[p] as number)) < 1e-12);
    const { worst, bound, coordinates } = worstZ(s, s.truth);
    assert.ok(coordinates > 20, `only ${coordinates} estimated coordinates`);
    assert.ok(
      worst < bound,
      `largest |z| ${worst.toFixed(2)} ≥ ${bound.toFixed(2)} over ${coordinates} coordinates`,
    );
    // Power: the same statistic rejects the gradient truncated to each loss's own step (k2 = 1).
    const truncated = concat(
      gradientsOf(new Engine(model, { ...schedule, k2: 1, truncation: "per-loss" }, streams), s.sequences)
        .grads,
    );
    const against = worstZ(s, truncated);
    t.diagnostic(
      `largest |z|: ${worst.toFixed(2)} against the true gradient, ${against.worst.toFixed(2)} against the truncated one; bound ${bound.toFixed(2)} over ${coordinates} coordinates`,
    );
    assert.ok(
      against.worst > bound,
      `the truncated gradient passes too (largest |z| ${against.worst.toFixed(2)})`,
    );
  });
}
