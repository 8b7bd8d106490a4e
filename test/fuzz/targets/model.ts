// Fuzz targets of saved models and checkpoints: a model folder's model.json (read, checked,
// loaded with its weights, and used to predict, as `tbptt predict` does), a model's single
// weights file (model.json riding in its metadata), and a checkpoint (its trainer state
// parsed, the model and optimizer loaded, and checked against the run that resumes it).
import { TrainedModel } from "../../../src/api/trained-model.js";
import { createPlainBackend } from "../../../src/core/plain.js";
import { Rng } from "../../../src/core/random.js";
import { ArraySequence } from "../../../src/engine/array-sequence.js";
import { makeSchedule } from "../../../src/engine/schedule.js";
import { decodeSafetensors, encodeSafetensors } from "../../../src/io/safetensors.js";
import { initializeModel } from "../../../src/nn/initialize.js";
import { type ModelConfig, SequenceModel } from "../../../src/nn/model.js";
import { decodeCheckpoint, encodeCheckpoint } from "../../../src/train/checkpoint-codec.js";
import {
  decodeModel,
  type ModelMeta,
  modelFileText,
  modelWeightsBytes,
  parseModelFile,
} from "../../../src/train/model-format.js";
import { Trainer } from "../../../src/train/trainer.js";
import { jsonFieldChange } from "../mutate.js";
import { headerChange, metadataChange } from "../safetensors-mutate.js";
import type { FuzzTarget } from "../target.js";

const MODEL_JSON = "fuzz/model/model.json";
const MODEL_WEIGHTS = "fuzz/model/model.safetensors";
const CHECKPOINT = "fuzz/run/checkpoint.safetensors";

const backend = createPlainBackend("float32");

function network(config: ModelConfig): SequenceModel {
  const model = new SequenceModel(config, backend);
  initializeModel(model, new Rng(5));
  return model;
}

const models: { model: SequenceModel; meta: ModelMeta }[] = [
  {
    model: network({
      cell: "lstm",
      inputSize: 2,
      hiddenSize: 3,
      layers: 1,
      bidirectional: false,
      peepholes: true,
      outputSize: 3,
    }),
    meta: {
      task: "sequences",
      classes: ["a", "b", "c"],
      normalisation: { mean: [0.5, -1], std: [2, 1] },
      schedule: { reset: "sequence", layout: "aligned" },
      validStreams: 2,
    },
  },
  {
    model: network({
      cell: "gru",
      inputSize: 2,
      hiddenSize: 2,
      layers: 2,
      bidirectional: true,
      peepholes: false,
      outputSize: 2,
      output: { kind: "mse", per: "sequence", normalisation: { mean: [0, 1], std: [1, 2] } },
    }),
    meta: { task: "sequences", classes: null, normalisation: null },
  },
];

const weights = models.map(({ model, meta }) => modelWeightsBytes(model, meta));

/** Predicts two frames of zeros with a loaded model, as `tbptt predict` would on a tiny file. */
function predictWith(trained: TrainedModel): unknown {
  const frame = new Array(trained.model.config.inputSize).fill(0);
  return trained.predict([[frame, frame]], { streams: 1 });
}

/** A model's error names its file; one about the rows predicted starts with "data" (their source). */
const namesModelOrRows = (message: string) =>
  message.includes(MODEL_JSON) || message.includes(MODEL_WEIGHTS) || message.startsWith("data");

export const modelJsonTarget: FuzzTarget = {
  name: "model-json",
  title: "parseModelFile (model.json) then decodeModel with its weights, then predict",
  sources: [MODEL_JSON, MODEL_WEIGHTS],
  names: namesModelOrRows,
  seeds: models.map(({ model, meta }) => new TextEncoder().encode(modelFileText(model, meta))),
  fields: [jsonFieldChange],
  run: (bytes) => {
    const file = parseModelFile(new TextDecoder().decode(bytes), MODEL_JSON);
    // The folder's weights: those of the seed whose cell the file names (else the first).
    const which = models.findIndex((m) => m.model.config.cell === file.model?.cell);
    const { model, meta } = decodeModel(weights[Math.max(0, which)] as Uint8Array, {
      file,
      backend,
      source: MODEL_WEIGHTS,
      fileSource: MODEL_JSON,
    });
    return predictWith(new TrainedModel(model, meta));
  },
};

export const modelBytesTarget: FuzzTarget = {
  name: "model-bytes",
  title: "TrainedModel.fromBytes (a weights file with model.json in its metadata), then predict",
  sources: [MODEL_WEIGHTS],
  names: namesModelOrRows,
  seeds: weights,
  fields: [headerChange, metadataChange],
  run: (bytes) => predictWith(TrainedModel.fromBytes(bytes, { backend, source: MODEL_WEIGHTS })),
};

/** Training data of the run that resumes: 4 sequences of 6 steps, 2 inputs, 2 classes. */
function trainingData(): ArraySequence[] {
  const rng = new Rng(9);
  return Array.from({ length: 4 }, () => {
    const x = Array.from({ length: 12 }, () => rng.uniform(-1, 1));
    return new ArraySequence(
      x,
      Array.from({ length: 6 }, (_, t) => ((x[2 * t] as number) > 0 ? 1 : 0)),
      2,
    );
  });
}

const runOptions = (type: "adam" | "sgd") => ({
  schedule: makeSchedule({ k1: 3, k2: 3 }),
  streams: 2,
  optimizer: { type, lr: 0.01 },
  epochs: 2,
  shuffle: true,
  seed: 1,
  maxUpdates: 2,
});

const checkpointConfig: ModelConfig = {
  cell: "gru",
  inputSize: 2,
  hiddenSize: 3,
  layers: 1,
  bidirectional: false,
  peepholes: false,
  outputSize: 2,
};

/** A mid-run checkpoint's bytes (two updates of a `type` run). */
async function checkpointBytes(type: "adam" | "sgd"): Promise<Uint8Array> {
  const model = network(checkpointConfig);
  let bytes: Uint8Array | null = null;
  await new Trainer(model, trainingData(), null, runOptions(type)).run({
    saveCheckpoint(c) {
      const { tensors, metadata } = encodeCheckpoint(model, c, { "tbptt.data": "fuzz" });
      bytes = encodeSafetensors(tensors, metadata);
    },
  });
  if (bytes === null) throw new Error("the fuzz checkpoint run wrote no checkpoint");
  return bytes;
}

/** The checkpoint target: its seeds come from two short training runs (adam and sgd). */
export async function checkpointTarget(): Promise<FuzzTarget> {
  const seeds = [await checkpointBytes("adam"), await checkpointBytes("sgd")];
  const data = trainingData();
  return {
    name: "checkpoint",
    title: "decodeCheckpoint (trainer state, model, optimizer) then Trainer.restore",
    sources: [CHECKPOINT],
    seeds,
    fields: [headerChange, metadataChange],
    run: (bytes) => {
      const model = network(checkpointConfig);
      const checkpoint = decodeCheckpoint(model, decodeSafetensors(bytes, CHECKPOINT), CHECKPOINT);
      new Trainer(model, data, null, runOptions("adam")).restore(checkpoint, CHECKPOINT);
      return checkpoint;
    },
  };
}
