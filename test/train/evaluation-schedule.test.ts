// Evaluation of a model trained on packed streams (the Sak et al. 2014 recipe: 4 streams,
// one utterance after another, reset at each) holds a bounded ring, not the whole data
// set, and gives the same metrics as evaluating the same sequences aligned.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Planner } from "../../src/engine/planner.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { evaluate, evaluationSchedule } from "../../src/train/evaluate.js";

test("packed streams with k1 = Infinity are evaluated in chunks: the ring stays bounded", () => {
  const lengths = Array.from({ length: 40 }, (_, i) => 200 + 7 * i);
  const packed = evaluationSchedule(makeSchedule({ layout: "packed" }), false);
  assert.equal(packed.k1, 256);
  assert.ok(new Planner(packed, 4, lengths).capacity() <= 256);
  // aligned streams still go a sequence at a time, bounded by the longest
  const aligned = evaluationSchedule(makeSchedule({}), false);
  assert.equal(aligned.k1, Number.POSITIVE_INFINITY);
  assert.ok(new Planner(aligned, 4, lengths).capacity() <= Math.max(...lengths));
  // the control: without chunks the packed ring would hold every step of a stream
  const unchunked = makeSchedule({ layout: "packed" });
  assert.ok(new Planner(unchunked, 4, lengths).capacity() > 2000);
});

test("with a reset at every sequence, packed and aligned evaluation give the same metrics", () => {
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: 3,
      hiddenSize: 5,
      projSize: 2,
      layers: 2,
      bidirectional: false,
      peepholes: true,
      outputSize: 4,
    },
    createPlainBackend("float64"),
  );
  const rng = new Rng(4);
  initializeModel(model, rng, { scheme: "uniform", range: 0.5 });
  const sequences = [37, 300, 5, 120, 61].map(
    (T) =>
      new ArraySequence(
        Array.from({ length: 3 * T }, () => rng.uniform(-1, 1)),
        Array.from({ length: T }, () => rng.int(4)),
        3,
      ),
  );
  const a = evaluate(model, sequences, makeSchedule({ layout: "packed" }), 2).summary();
  const b = evaluate(model, sequences, makeSchedule({}), 2).summary();
  assert.equal(a.frames, b.frames);
  assert.equal(a.frameError, b.frameError);
  assert.ok(Math.abs(a.lossPerFrame - b.lossPerFrame) < 1e-12 * b.lossPerFrame);
});
