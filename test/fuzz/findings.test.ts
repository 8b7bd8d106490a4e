// What the fuzzer found, each kept as a named case: the smallest input that showed it and
// the error the parser gives now (docs/notes/fuzz.md lists them).
import assert from "node:assert/strict";
import { test } from "node:test";
import { TbpttError, UsageError } from "../../src/core/errors.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { decodeLabelledSet, encodeLabelledSet } from "../../src/data/binary.js";
import { applyNormalisation, type LabelledSet } from "../../src/data/labelled.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { configFromText } from "../../src/io/config-file.js";
import { decodeSafetensors, encodeSafetensors } from "../../src/io/safetensors.js";
import { validateOutputConfig } from "../../src/nn/heads.js";
import { SequenceModel } from "../../src/nn/model.js";
import { buildCorpus } from "../../src/tasks/text/corpus.js";
import { applyOverrides } from "../../src/train/config.js";
import { decodeModel, modelWeightsBytes, parseModelFile } from "../../src/train/model-format.js";

const projectError = (pattern: RegExp) => (e: unknown) => e instanceof TbpttError && pattern.test(e.message);

test("an override through __proto__, constructor or prototype is refused and changes no object", () => {
  for (const path of ["__proto__.polluted", "model.__proto__.hiddenSize", "constructor.prototype.polluted"]) {
    assert.throws(
      () => applyOverrides({ data: { train: "x" } }, [[path, "1"]]),
      (e: unknown) => e instanceof UsageError && e.message.startsWith(`--${path}: `),
    );
    assert.equal("polluted" in {}, false);
    assert.equal("hiddenSize" in {}, false);
  }
  // Through the config file's reader too (a UsageError: exit status 2).
  assert.throws(
    () => configFromText('{"data": {"train": "x"}}', "c.json", [["__proto__.epochs", "3"]]),
    (e: unknown) => e instanceof UsageError && /--__proto__\.epochs/.test((e as Error).message),
  );
});

test("an output head or schedule that does not validate is a TbpttError (was a plain Error)", () => {
  assert.throws(
    () => validateOutputConfig({ kind: "softmax", per: "sequenge" as "sequence" }, 3),
    projectError(/model\.output\.per: expected "frame" or "sequence", got "sequenge"/),
  );
  assert.throws(
    () => makeSchedule({ layout: "Infinity" as "aligned" }),
    projectError(/schedule\.layout: expected "aligned" or "packed"/),
  );
});

test("validation words missing from a vocabulary without <unk> name the file they came from", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  assert.throws(
    () =>
      buildCorpus([{ name: "train.txt", bytes: bytes("a b\n") }], {
        unit: "word",
        validFraction: 0,
        valid: [{ name: "valid.txt", bytes: bytes("a dog\n") }],
      }),
    projectError(/^valid\.txt: 1 word\(s\) not in the model's vocabulary .*"dog"/),
  );
});

test("a model.json whose saved schedule does not validate is refused naming the file", () => {
  const file = (schedule: unknown) =>
    JSON.stringify({
      format: "tbptt-model",
      version: 1,
      model: {},
      meta: { task: "x", classes: null, schedule },
    });
  assert.throws(
    () => parseModelFile(file({ reset: "sequence", layout: 1e308 }), "m/model.json"),
    projectError(/^m\/model\.json: meta\.schedule\.layout: expected "aligned" or "packed", got 1e\+308/),
  );
  assert.throws(
    () => parseModelFile(file({ reset: { every: "a" } }), "m/model.json"),
    projectError(/^m\/model\.json: meta\.schedule\.reset/),
  );
  assert.equal(parseModelFile(file({ reset: { every: 3 }, layout: "packed" }), "m/model.json").version, 1);
});

test("features that normalising takes past float32 are an error naming the set, not Infinity", () => {
  const set: LabelledSet = {
    source: "rows",
    inputSize: 2,
    classes: null,
    sequences: [{ id: "s1", features: Float32Array.of(0, 1, 2, 3), labels: Int32Array.of(0, 1) }],
  };
  assert.throws(
    () => applyNormalisation(set, { mean: [0, 1e30], std: [1, 1e-20] }),
    projectError(
      /^rows: sequence s1, feature 1 of frame 0 is 1, which normalised with mean 1e\+30 and std 1e-20 is -Infinity/,
    ),
  );
});

test("a binary dataset whose sequence ids are not names is refused naming the file (was a TypeError)", () => {
  const set: LabelledSet = {
    source: "x",
    inputSize: 1,
    classes: null,
    sequences: [{ id: "s1", features: Float32Array.of(1), labels: Int32Array.of(0) }],
  };
  const { tensors, metadata } = decodeSafetensors(encodeLabelledSet(set));
  const named = [...tensors].map(([name, t]) => ({ name, ...t }));
  const bytes = encodeSafetensors(named, { ...metadata, "tbptt.dataset": '{"classes":null,"ids":[7]}' });
  assert.throws(
    () => decodeLabelledSet(bytes, "d.safetensors"),
    projectError(/^d\.safetensors: metadata "tbptt\.dataset": "ids" must be an array of sequence names/),
  );
});

test("a model.json with sizes its weights cannot hold is refused at once (was a hang, a RangeError, an abort)", () => {
  const config = {
    cell: "gru" as const,
    inputSize: 2,
    hiddenSize: 2,
    layers: 1,
    bidirectional: false,
    peepholes: false,
    outputSize: 2,
  };
  const meta = { task: "sequences", classes: null };
  const weights = modelWeightsBytes(new SequenceModel(config, createPlainBackend("float32")), meta);
  const file = parseModelFile(
    JSON.stringify({ format: "tbptt-model", version: 1, model: { ...config, layers: 2.4e94 }, meta }),
    "m/model.json",
  );
  assert.throws(
    () => decodeModel(weights, { file, source: "m/model.safetensors", fileSource: "m/model.json" }),
    projectError(/^m\/model\.json: model\.layers: expected at most 10,000, got 2\.4e\+94/),
  );
  // Below that cap, more layers than the weights have tensors for is refused before building them.
  const deep = parseModelFile(
    JSON.stringify({ format: "tbptt-model", version: 1, model: { ...config, layers: 5000 }, meta }),
    "m/model.json",
  );
  assert.throws(
    () => decodeModel(weights, { file: deep, source: "m/model.safetensors", fileSource: "m/model.json" }),
    projectError(/^m\/model\.json: model\.layers is 5000, but m\/model\.safetensors holds 6 tensors/),
  );
  // An mse output of 1e300 values (its loss's buffers were allocated before the weights were compared).
  const mse = { ...config, outputSize: 1e300, output: { kind: "mse", per: "frame" } };
  const huge = parseModelFile(
    JSON.stringify({ format: "tbptt-model", version: 1, model: mse, meta }),
    "m/model.json",
  );
  assert.throws(
    () => decodeModel(weights, { file: huge, source: "m/model.safetensors", fileSource: "m/model.json" }),
    projectError(
      /^m\/model\.json: model\.outputSize is 1e\+300, but the largest tensor of m\/model\.safetensors holds 12 values/,
    ),
  );
});
