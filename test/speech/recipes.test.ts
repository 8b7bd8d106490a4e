// The Graves & Schmidhuber (2005) recipes in recipes/speech/: each parses with the config
// schema, builds a model of about 100,000 weights (the paper's budget, ±10%) whose count
// its description states, and trains for a few updates through the command line on the
// bundled synthetic corpus, so the documented recipes keep running.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { featureCacheFor } from "../../src/io/speech-task.js";
import { SequenceModel } from "../../src/nn/model.js";
import { parseConfig } from "../../src/train/config.js";
import { ROOT, runCli } from "../helpers/cli.js";

const DIR = join(ROOT, "recipes", "speech");
const RECIPES = readdirSync(DIR)
  .filter((f) => f.startsWith("graves2005-") && f.endsWith(".json"))
  .sort();
/** 26 MFCC-based inputs per frame (HTK's MFCC_E_D), 61 TIMIT phones. */
const FEATURES = 26;
const PHONES = 61;

describe("Graves & Schmidhuber 2005 recipes", () => {
  it("are all there", () => {
    assert.deepEqual(RECIPES, [
      "graves2005-blstm.json",
      "graves2005-brnn.json",
      "graves2005-lstm-tbptt20.json",
      "graves2005-lstm.json",
      "graves2005-mlp.json",
      "graves2005-rnn.json",
    ]);
  });

  for (const file of RECIPES) {
    it(`${file}: parses, about 100,000 weights as its description says, the paper's training setup`, () => {
      const config = parseConfig(JSON.parse(readFileSync(join(DIR, file), "utf8")), file);
      assert.equal(config.task, "speech");
      const context = config.data.context ?? 0;
      const model = new SequenceModel(
        {
          cell: config.model.cell,
          inputSize: FEATURES * (2 * context + 1),
          hiddenSize: config.model.hiddenSize,
          layers: config.model.layers,
          bidirectional: config.model.bidirectional,
          peepholes: config.model.peepholes,
          outputSize: PHONES,
        },
        createPlainBackend("float32"),
      );
      const weights = model.layout.size;
      assert.ok(Math.abs(weights - 100_000) <= 10_000, `${file}: ${weights} weights, expected 100,000 ± 10%`);
      const description = config.description ?? "";
      assert.match(description, /Graves & Schmidhuber 2005/);
      assert.ok(
        description.includes(weights.toLocaleString("en-US")),
        `${file}: the description should state the weight count ${weights.toLocaleString("en-US")}`,
      );
      assert.deepEqual(config.optimizer, { type: "sgd", lr: 1e-5, momentum: 0.9 });
      assert.equal(config.streams, 1);
      const k = file.includes("tbptt20") ? 20 : Number.POSITIVE_INFINITY;
      assert.equal(config.schedule.k1, k);
      assert.equal(config.schedule.k2, k);
      assert.deepEqual(config.model.init, {
        scheme: "uniform",
        range: 0.1,
        orthogonal: false,
        forgetBias: 0,
      });
      assert.ok(config.earlyStopping, `${file}: early stopping on the validation set`);
    });
  }

  const out = mkdtempSync(join(tmpdir(), "tbptt-recipes-"));
  for (const file of RECIPES) {
    it(`${file}: trains 3 updates through the CLI on the bundled corpus`, () => {
      const run = join(out, file.replace(/\.json$/, ""));
      const result = runCli([
        "train",
        join(DIR, file),
        "--quiet",
        "--maxUpdates",
        "3",
        "--data.train",
        "data/synth-timit-small",
        "--data.coreTest",
        "false",
        "--data.validSpeakers",
        "1",
        "--out",
        run,
      ]);
      assert.equal(result.status, 0, result.stderr);
      assert.ok(existsSync(join(run, "model", "model.safetensors")), `${run}: no final model`);
      // the model remembers where its features are cached, for eval and predict
      const meta = JSON.parse(readFileSync(join(run, "model", "model.json"), "utf8")).meta;
      assert.equal(meta.featureCache, join(ROOT, ".cache", "tbptt-features"));
      assert.equal(featureCacheFor(meta), meta.featureCache);
    });
  }
});
