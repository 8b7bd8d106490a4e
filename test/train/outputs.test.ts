// Training, evaluating, saving and predicting with the outputs beyond per-frame
// classification: regression metrics against sums computed here, the persistence
// baseline, target statistics and form checks of the generic task, the trainer's choice
// of metric, the model format round trip, and the shapes predict gives.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { parseLabelledJsonl } from "../../src/data/jsonl.js";
import { toEngineSequences } from "../../src/data/labelled.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { labelledTaskData } from "../../src/tasks/task-data.js";
import { persistenceBaseline } from "../../src/train/baselines.js";
import { parseConfig } from "../../src/train/config.js";
import { evaluate, evaluateModel, evaluateRegression } from "../../src/train/evaluate.js";
import { decodeModel, modelWeightsBytes } from "../../src/train/model-format.js";
import { predict } from "../../src/train/predict.js";
import { RegressionMetrics } from "../../src/train/regression-metrics.js";
import { Trainer } from "../../src/train/trainer.js";

function makeModel(output: OutputConfig, outputSize = 2, inputSize = 2): SequenceModel {
  const model = new SequenceModel(
    {
      cell: "gru",
      inputSize,
      hiddenSize: 5,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize,
      output,
    },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(2));
  return model;
}

/** Random sequences with 2 inputs and 2 targets per frame (the last frame of each masked). */
function valueSequences(count: number, seed: number): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 3 + rng.int(5);
    return new ArraySequence(
      Array.from({ length: 2 * T }, () => rng.uniform(-1, 1)),
      Array.from({ length: T }, (_, t) => (t === T - 1 ? -1 : 0)),
      2,
      Array.from({ length: 2 * T }, () => 10 + rng.normal()),
    );
  });
}

test("RMSE and MAE are the root mean square and mean absolute error over every value", () => {
  const m = new RegressionMetrics(2);
  m.add([1, 2], [0, 0], 0.5);
  m.add([3, -1], [1, 1], 1.5);
  // errors: 1, 2, 2, −2
  assert.equal(m.rmse, Math.sqrt((1 + 4 + 4 + 4) / 4));
  assert.equal(m.mae, (1 + 2 + 2 + 2) / 4);
  assert.equal(m.lossPerFrame, 1);
  assert.deepEqual(m.perDimension(), { rmse: [Math.sqrt(5 / 2), Math.sqrt(8 / 2)], mae: [1.5, 2] });
  assert.ok(Number.isNaN(new RegressionMetrics(1).rmse));
});

test("evaluateRegression compares predictions in the data's units with the targets, as computed here", () => {
  const normalisation = { mean: [10, 9], std: [2, 0.5] };
  const model = makeModel({ kind: "mse", per: "frame", normalisation });
  const sequences = valueSequences(5, 1);
  const schedule = makeSchedule({});
  let squared = 0;
  let values = 0;
  let loss = 0;
  const metrics = evaluateRegression(model, sequences, schedule, 2, (frame) => {
    if (frame.label < 0) return;
    const prediction = [0, 0];
    model.head.read(frame.row, prediction);
    const target = new Float64Array(2);
    (sequences[frame.sequence] as ArraySequence).writeTarget(frame.position, target, 0);
    for (let d = 0; d < 2; d++) {
      // the head's raw output z, mapped to the data's units by hand: m + s·z
      const z = model.probs[frame.probsOffset + d] as number;
      assert.ok(
        Math.abs((prediction[d] as number) - (normalisation.mean[d] + normalisation.std[d] * z)) < 1e-12,
      );
      squared += ((prediction[d] as number) - (target[d] as number)) ** 2;
      loss +=
        0.5 * (((prediction[d] as number) - (target[d] as number)) / (normalisation.std[d] as number)) ** 2;
      values++;
    }
  });
  assert.equal(metrics.frames * 2, values);
  assert.ok(Math.abs(metrics.rmse - Math.sqrt(squared / values)) < 1e-12);
  assert.ok(Math.abs(metrics.lossSum - loss) < 1e-9);
  assert.equal((evaluateModel(model, sequences, schedule, 2) as RegressionMetrics).rmse, metrics.rmse);
  assert.throws(() => evaluate(model, sequences, schedule, 2), /real values.*use evaluateModel/);
});

test("the persistence baseline predicts the current input (normalisation undone) for the next value", () => {
  const set = parseLabelledJsonl(
    '{"x": [[1], [3], [6]], "y": [[3], [6], [6]], "mask": [1, 1, 0]}',
    "p.jsonl",
  );
  // inputs normalised with mean 2, std 4: 1 → −0.25 …, and mapped back for the baseline
  for (const s of set.sequences)
    for (let i = 0; i < s.features.length; i++) s.features[i] = ((s.features[i] as number) - 2) / 4;
  const m = persistenceBaseline(toEngineSequences(set), 1, { mean: [2], std: [4] });
  // errors: 1 − 3, 3 − 6
  assert.equal(m.frames, 2);
  assert.ok(Math.abs(m.rmse - Math.sqrt((4 + 9) / 2)) < 1e-12);
  assert.throws(
    () =>
      persistenceBaseline(toEngineSequences(parseLabelledJsonl('{"x": [[1, 2]], "y": [0]}', "c.jsonl")), 2),
    /sequence 0 has 0 targets per step, its inputs 2/,
  );
});

test("the generic task: real-valued targets get the mse output with their statistics; forms are checked", () => {
  const train = () => parseLabelledJsonl('{"x": [[0], [1]], "y": [[1, 10], [3, 10]]}', "t.jsonl");
  const data = labelledTaskData(train(), null);
  assert.equal(data.outputSize, 2);
  assert.deepEqual(data.output, { kind: "mse", per: "frame", normalisation: { mean: [2, 10], std: [1, 1] } });
  assert.match(data.describe, /2 real-valued targets/);
  assert.equal(labelledTaskData(train(), null, { normaliseTargets: false }).output?.normalisation, null);
  assert.throws(
    () => labelledTaskData(train(), null, { output: { kind: "softmax" } }),
    /t\.jsonl: model\.output\.kind is "softmax", but the data holds real-valued targets per frame/,
  );
  assert.throws(
    () => labelledTaskData(train(), null, { outputSize: 3 }),
    /model\.outputSize is 3, but the targets have 2 values/,
  );
  const classes = parseLabelledJsonl('{"x": [[0]], "y": "a"}', "v.jsonl");
  assert.throws(
    () => labelledTaskData(train(), classes),
    /v\.jsonl: the validation data holds class labels per sequence, the training data real-valued targets \(2 values\) per frame/,
  );
  const perSequence = labelledTaskData(
    parseLabelledJsonl('{"x": [[0]], "y": "a"}\n{"x": [[0]], "y": "b"}', "s.jsonl"),
    null,
  );
  assert.deepEqual(perSequence.output, { kind: "softmax", per: "sequence" });
  // Per-frame classes keep the model config as it always was: no output key.
  assert.equal(
    labelledTaskData(parseLabelledJsonl('{"x": [[0]], "y": [1]}', "f.jsonl"), null).output,
    undefined,
  );
});

test("the trainer judges a regressor by RMSE and refuses a metric that does not apply", () => {
  const base = {
    schedule: makeSchedule({}),
    streams: 2,
    optimizer: { type: "adam" as const, lr: 0.01 },
    epochs: 2,
    shuffle: false,
    seed: 1,
  };
  const model = makeModel({ kind: "mse", per: "frame" });
  const trainer = new Trainer(model, valueSequences(6, 3), valueSequences(3, 4), {
    ...base,
    bestMetric: "frameError",
  });
  assert.equal(trainer.validationMetric(), "rmse");
  assert.throws(
    () =>
      new Trainer(model, valueSequences(2, 3), null, {
        ...base,
        earlyStopping: { patience: 2, metric: "frameError" },
      }),
    /earlyStopping\.metric: "frameError" does not apply to a model with real-valued outputs/,
  );
  const classifier = makeModel({ kind: "softmax", per: "frame" });
  assert.throws(
    () =>
      new Trainer(classifier, [new ArraySequence([0, 0], [1], 2)], null, {
        ...base,
        earlyStopping: { patience: 2, metric: "rmse" },
      }),
    /"rmse" does not apply to a model with class outputs/,
  );
  return trainer.run().then((result) => {
    const last = result.epochs[1];
    assert.ok(last?.valid?.rmse !== undefined && last.valid.frameError === undefined);
    assert.ok((last?.valid?.rmse as number) > 0);
  });
});

test("a model with an mse output round-trips through the model format and predicts the same values", () => {
  const model = makeModel({ kind: "mse", per: "frame", normalisation: { mean: [10, 9], std: [2, 0.5] } });
  const meta = { task: "sequences", classes: null };
  const loaded = decodeModel(modelWeightsBytes(model, meta), { backend: createPlainBackend("float64") });
  assert.deepEqual(loaded.model.config.output, model.config.output);
  const sequences = valueSequences(3, 5);
  const schedule = makeSchedule({});
  assert.deepEqual(
    predict(loaded.model, null, sequences, schedule, 2),
    predict(model, null, sequences, schedule, 2),
  );
});

test("predict gives each output its shape: values per frame or per sequence, one class per sequence", () => {
  const schedule = makeSchedule({});
  const sequences = valueSequences(3, 6);
  const frame = predict(makeModel({ kind: "mse", per: "frame" }), null, sequences, schedule, 2);
  assert.equal(frame.length, 3);
  frame.forEach((p, i) => {
    assert.ok("predictions" in p);
    assert.equal(p.predictions.length, sequences[i]?.length);
    assert.equal(p.predictions[0]?.length, 2);
  });
  const perSequence = predict(makeModel({ kind: "mse", per: "sequence" }), null, sequences, schedule, 2);
  assert.ok(perSequence.every((p) => "prediction" in p && p.prediction.length === 2));
  const classes = predict(
    makeModel({ kind: "softmax", per: "sequence" }, 3),
    ["a", "b", "c"],
    sequences,
    schedule,
    2,
  );
  for (const p of classes) {
    assert.ok("label" in p && "probs" in p);
    assert.equal(p.probs.length, 3);
    assert.ok(Math.abs(p.probs.reduce((s, v) => s + v, 0) - 1) < 1e-5);
    assert.equal(p.label, ["a", "b", "c"][p.probs.indexOf(Math.max(...p.probs))]);
  }
});

test("the config's model.output and the regression metrics are part of the schema", () => {
  const config = parseConfig({
    data: { train: "x.jsonl", normaliseTargets: false },
    model: { output: { kind: "mse", per: "sequence" }, outputSize: 1 },
    earlyStopping: { patience: 3, metric: "rmse" },
  });
  assert.deepEqual(config.model.output, { kind: "mse", per: "sequence" });
  assert.throws(
    () => parseConfig({ data: { train: "x" }, model: { output: { kind: "gaussian" } } }),
    /model\.output\.kind/,
  );
  assert.throws(
    () => parseConfig({ data: { train: "x" }, model: { output: { pre: "frame" } } }),
    /did you mean "model\.output\.per"/,
  );
});
