// UpdateRecord.sequenceStart: per stream, the step at which its current sequence began, or −1
// where the stream is masked at the update's last step. Aligned layout, B = 2, sequences of
// lengths 5, 3, 4, 2: the first batch (sequences 0 and 1) starts at step 0, the second at step 5
// (after the longest of the first), and stream 1 is masked at steps 3-4 and 7-8.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";

test("each update says where each stream's sequence began", () => {
  const model = new SequenceModel(
    {
      cell: "gru",
      inputSize: 1,
      hiddenSize: 3,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: 2,
    },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(1));
  const sequences = [5, 3, 4, 2].map(
    (n) => new ArraySequence(new Array(n).fill(0.5), new Array(n).fill(1), 1),
  );
  const expected = (t: number): number[] => [t < 5 ? 0 : 5, t < 3 ? 0 : t < 5 ? -1 : t < 7 ? 5 : -1];
  const seen: number[] = [];
  new Engine(model, makeSchedule({ k1: 1, k2: 2 }), 2).run(sequences, (_, record) => {
    assert.deepEqual(record.sequenceStart, expected(record.time), `update at t = ${record.time}`);
    seen.push(record.time);
    return true;
  });
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
});
