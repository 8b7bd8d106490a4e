// The library checks its inputs against the model (issue 10, item 5): features of another
// width, a label past the classes or a negative one other than −1 are errors naming the
// data, never figures computed from another frame's row.
import assert from "node:assert/strict";
import { test } from "node:test";
import { train } from "../../src/api/train.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";

const rows = Array.from({ length: 10 }, (_, i) => ({
  x: Array.from({ length: 4 }, (_, t) => [Math.sin(i + t), Math.cos(i - t)]),
  y: Array.from({ length: 4 }, (_, t) => (i + t) % 3),
}));

test("predict and evaluate refuse rows, sets and sequences that do not fit the model", async () => {
  const trained = await train({
    model: { cell: "rnn", hiddenSize: 4 },
    data: { train: rows },
    epochs: 1,
    backend: "plain",
  });
  assert.equal(trained.model.config.outputSize, 3);
  // Rows: the width and the label range, naming the row.
  assert.throws(
    () => trained.predict([{ x: [[1, 2, 3]] }]),
    /^TbpttError: data\[0\]: ragged features: x\[0\] has 3 values, expected 2/,
  );
  assert.throws(
    () => trained.evaluate([{ x: [[1, 2]], y: [3] }]),
    /^TbpttError: data\[0\]: y\[0\] = 3 is outside the 3 classes/,
  );
  // Sequences in the engine's form: the width once per run, each label as it is read.
  const wide = new ArraySequence(new Float32Array(6), Int32Array.of(0, 1), 3);
  assert.throws(
    () => trained.predictSequences([wide]),
    /^TbpttError: predict: sequence 0 has 3 features per step, the model takes 2/,
  );
  const past = new ArraySequence(new Float32Array(4), Int32Array.of(0, 3), 2);
  assert.throws(
    () => trained.evaluateSequences([past]),
    /^TbpttError: sequence 0, step 1: label 3, expected −1 \(no loss\) or a class in \[0, 3\)/,
  );
  const negative = new ArraySequence(new Float32Array(4), Int32Array.of(-2, 0), 2);
  assert.throws(() => trained.evaluateSequences([negative]), /^TbpttError: sequence 0, step 0: label -2/);
  // Training from sets checks the same way.
  await assert.rejects(
    train({
      model: { cell: "rnn", hiddenSize: 4 },
      data: {
        train: {
          source: "mine",
          inputSize: 1,
          classes: null,
          sequences: [{ id: "a", features: Float32Array.of(0, 1), labels: Int32Array.of(0, -5) }],
        },
      },
      epochs: 1,
      backend: "plain",
    }),
    /^TbpttError: data.train: sequence 0 \(a\), frame 1: label -5; a class index is ≥ 0, or −1/,
  );
});
