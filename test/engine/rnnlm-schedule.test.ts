// rnnlm's own schedule (docs/rnnlm.md): the engine with window truncation k1 = K,
// k2 = B + K − 1 and outputUpdate "step" must train a sigmoid RNN language model exactly
// as the rnnlm toolkit's loop does with -bptt B -bptt-block K, here against a float64
// transcription of that loop (rnnlm-reference.ts). Weights after one pass over random
// word streams must agree to a relative error below 1e-9, with rnnlm's class-factorised
// output layer (-class C) or, for C = 1, tbptt's plain softmax head.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule, type Schedule } from "../../src/engine/schedule.js";
import { SequenceModel } from "../../src/nn/model.js";
import { TextStream } from "../../src/tasks/text/streams.js";
import { relativeChange } from "../helpers/compare.js";
import { type RnnlmNet, rnnlmTrainEpoch } from "./rnnlm-reference.js";

interface Case {
  /** rnnlm's -class: 1 runs tbptt's plain softmax head (rnnlm's one class is a plain softmax). */
  classes: number;
  vocabulary: number;
  hidden: number;
  bptt: number;
  block: number;
  /** Blocks of words: the text is block · blocks words long (rnnlm runs no block for a last partial one). */
  blocks: number;
  seed: number;
  alpha: number;
}

/** rnnlm's -bptt B -bptt-block K as a tbptt schedule (B = 0: rnnlm's plain backpropagation). */
function rnnlmSchedule(bptt: number, block: number): Schedule {
  const window = bptt === 0 ? { k1: 1, k2: 1 } : { k1: block, k2: bptt + block - 1 };
  return makeSchedule({ ...window, reset: "never", layout: "packed", outputUpdate: "step" });
}

/** A random net in rnnlm's layout, random classes (runs of word ids), and a random text of word ids. */
function draw(c: Case): { net: RnnlmNet; words: number[] } {
  const rng = new Rng(c.seed);
  const V = c.vocabulary;
  const H = c.hidden;
  const C = Math.min(c.classes, V);
  // Class boundaries: C − 1 distinct cut points in 1 … V − 1.
  const cuts = new Set<number>();
  while (cuts.size < C - 1) cuts.add(1 + rng.int(V - 1));
  const classOf = new Int32Array(V);
  for (let w = 0; w < V; w++) classOf[w] = [...cuts].filter((k) => k <= w).length;
  // As rnnlm's initNet: each weight the sum of three uniforms in ±0.1 (here ±0.5, so the
  // sigmoids leave their linear range in a short run).
  const weight = () => rng.uniform(-0.5, 0.5) + rng.uniform(-0.5, 0.5) + rng.uniform(-0.5, 0.5);
  const net: RnnlmNet = {
    vocabulary: V,
    hidden: H,
    classes: C,
    classOf,
    syn0: Float64Array.from({ length: H * (V + H) }, weight),
    syn1: Float64Array.from({ length: (V + C) * H }, weight),
  };
  const words = Array.from({ length: c.block * c.blocks }, () => rng.int(V));
  return { net, words };
}

/** A tbptt model with rnnlm's weights; its biases are zero and stay zero (rnnlm has none). */
function modelOf(net: RnnlmNet): SequenceModel {
  const V = net.vocabulary;
  const H = net.hidden;
  const classSizes = Array.from({ length: net.classes }, (_, k) => net.classOf.filter((c) => c === k).length);
  const model = new SequenceModel(
    {
      cell: "rnn",
      nonlinearity: "sigmoid",
      inputSize: V,
      hiddenSize: H,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: V,
      ...(net.classes > 1 ? { output: { kind: "class-softmax", per: "frame", classSizes } } : {}),
    },
    createPlainBackend("float64"),
  );
  model.params.set(tbpttWeights(model, net));
  return model;
}

/**
 * rnnlm's syn0 / syn1 as tbptt's flat parameters: syn1's word rows are out.word_weight and
 * its class rows out.class_weight; with one class, the word rows are the plain head's
 * out.weight (the class row then carries no gradient).
 */
function tbpttWeights(model: SequenceModel, net: RnnlmNet): Float64Array {
  const V = net.vocabulary;
  const H = net.hidden;
  const C = net.classes;
  const out = new Float64Array(model.params.length);
  const ih = model.layout.get("rnn.weight_ih_l0").offset;
  const hh = model.layout.get("rnn.weight_hh_l0").offset;
  for (let b = 0; b < H; b++) {
    for (let a = 0; a < V; a++) out[ih + b * V + a] = net.syn0[a + b * (V + H)] as number;
    for (let a = 0; a < H; a++) out[hh + b * H + a] = net.syn0[V + a + b * (V + H)] as number;
  }
  const words = model.layout.get(C > 1 ? "out.word_weight" : "out.weight").offset;
  for (let w = 0; w < V; w++)
    for (let a = 0; a < H; a++) out[words + w * H + a] = net.syn1[a + w * H] as number;
  if (C > 1) {
    const classes = model.layout.get("out.class_weight").offset;
    for (let k = 0; k < C; k++)
      for (let a = 0; a < H; a++) out[classes + k * H + a] = net.syn1[a + (V + k) * H] as number;
  }
  return out;
}

/** One pass of the engine over the text, SGD on every weight (never on a bias); returns Σ ln P. */
function trainEngine(model: SequenceModel, words: number[], schedule: Schedule, alpha: number): number {
  const V = model.config.inputSize;
  const biases = model.layout.entries.filter((e) => e.name.includes("bias"));
  const sgd = (grads: ArrayLike<number>) => {
    for (let i = 0; i < grads.length; i++) model.params[i] -= alpha * (grads[i] as number);
    for (const e of biases) model.params.fill(0, e.offset, e.offset + e.size);
  };
  // rnnlm's first input is word 0 (</s>): N words give N steps.
  const ids = Int32Array.from([0, ...words]);
  const stream = new TextStream(ids, 0, words.length, V);
  let lossSum = 0;
  new Engine(model, schedule, 1).run(
    [stream],
    (grads, record) => {
      sgd(grads);
      lossSum += record.lossSum;
      return true;
    },
    { onOutputStep: sgd },
  );
  return -lossSum;
}

function compare(c: Case, schedule = rnnlmSchedule(c.bptt, c.block)) {
  const { net, words } = draw(c);
  const model = modelOf(net);
  const initial = Float64Array.from(model.params);
  const engineLogp = trainEngine(model, words, schedule, c.alpha);
  const rnnlmLogp = rnnlmTrainEpoch(net, words, {
    alpha: c.alpha,
    beta: 0,
    bptt: c.bptt,
    bpttBlock: c.block,
    gradientCutoff: Number.POSITIVE_INFINITY,
    initialHidden: 0,
  });
  return {
    relative: relativeChange(initial, model.params, tbpttWeights(model, net)),
    logp: [engineLogp, rnnlmLogp] as const,
  };
}

const base: Case = {
  classes: 3,
  vocabulary: 7,
  hidden: 5,
  bptt: 4,
  block: 3,
  blocks: 6,
  seed: 11,
  alpha: 0.3,
};

test("rnnlm -class 3 -bptt 4 -bptt-block 3 = window k1 = 3, k2 = 6, the class-factorised output updated every word", () => {
  const r = compare(base);
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
  // The log-probability of the training words as each model saw them, step by step.
  assert.ok(Math.abs(r.logp[0] - r.logp[1]) < 1e-9 * Math.abs(r.logp[1]), `${r.logp}`);
});

test("rnnlm's defaults as in its examples: -bptt 4 -bptt-block 10, over 20 words in 4 classes", () => {
  const r = compare({ ...base, classes: 4, vocabulary: 20, bptt: 4, block: 10, blocks: 4 });
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("rnnlm -class 1 is a plain softmax: tbptt's softmax head follows it", () => {
  const r = compare({ ...base, classes: 1 });
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("rnnlm without -bptt (plain backpropagation) = TBPTT(1, 1)", () => {
  const r = compare({ ...base, bptt: 0, block: 1, blocks: 20 });
  assert.ok(r.relative < 1e-9, `relative error ${r.relative}`);
});

test("the comparison is sharp: one step less of history, or the output layer updated per block, differ", () => {
  const { k1, k2 } = rnnlmSchedule(base.bptt, base.block);
  const shorter = makeSchedule({ k1, k2: k2 - 1, reset: "never", layout: "packed", outputUpdate: "step" });
  assert.ok(compare(base, shorter).relative > 1e-4);
  const perBlock = makeSchedule({ k1, k2, reset: "never", layout: "packed", outputUpdate: "k1" });
  assert.ok(compare(base, perBlock).relative > 1e-4);
});

test("the engine follows rnnlm on 40 random vocabularies, classes, sizes, -bptt and -bptt-block values", () => {
  fc.assert(
    fc.property(
      fc.record({
        classes: fc.integer({ min: 1, max: 5 }),
        vocabulary: fc.integer({ min: 2, max: 9 }),
        hidden: fc.integer({ min: 1, max: 6 }),
        bptt: fc.integer({ min: 0, max: 7 }),
        block: fc.integer({ min: 1, max: 6 }),
        blocks: fc.integer({ min: 1, max: 6 }),
        seed: fc.integer({ min: 1, max: 1 << 30 }),
        alpha: fc.constantFrom(0.1, 0.5),
      }),
      (r) => {
        const c = r.bptt === 0 ? { ...r, block: 1, blocks: r.blocks * r.block } : r;
        const { relative } = compare(c);
        assert.ok(relative < 1e-9, `relative error ${relative}`);
      },
    ),
    { numRuns: 40, seed: 2012 },
  );
});
