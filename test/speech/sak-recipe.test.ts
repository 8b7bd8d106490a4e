// The Sak, Senior & Beaufays 2014 recipe (recipes/speech/sak2014-lstmp.json) and its LSTM
// baseline at equal weights: both parse, state their weight counts, differ only in the
// layer, follow the paper's schedule (TBPTT(20, 20), 4 packed streams reset per
// utterance, targets delayed 5 frames, 40 log mel filterbank channels), and run shortened
// through the CLI on the bundled corpus: a few dozen updates, then `tbptt eval` of the
// saved model, which must read the corpus with the same front end.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { SequenceModel } from "../../src/nn/model.js";
import { parseConfig } from "../../src/train/config.js";
import { ROOT, runCli } from "../helpers/cli.js";

const DIR = join(ROOT, "recipes", "speech");
const FILTERBANK = 40;
const PHONES = 61;
const read = (file: string) => parseConfig(JSON.parse(readFileSync(join(DIR, file), "utf8")), file);

describe("Sak et al. 2014 recipe", () => {
  it("LSTMP and LSTM at equal weights (within 1%), each stating its count, otherwise the same", () => {
    const counts: number[] = [];
    for (const file of ["sak2014-lstmp.json", "sak2014-lstm.json"]) {
      const config = read(file);
      const model = new SequenceModel(
        {
          cell: config.model.cell,
          inputSize: FILTERBANK,
          hiddenSize: config.model.hiddenSize,
          projSize: config.model.projSize,
          layers: config.model.layers,
          bidirectional: config.model.bidirectional,
          peepholes: config.model.peepholes,
          outputSize: PHONES,
        },
        createPlainBackend("float32"),
      );
      const weights = model.layout.size;
      assert.ok(
        (config.description ?? "").includes(weights.toLocaleString("en-US")),
        `${file}: the description should state ${weights.toLocaleString("en-US")} weights`,
      );
      counts.push(weights);
    }
    const [lstmp, lstm] = counts as [number, number];
    assert.ok(Math.abs(lstmp - lstm) / lstm < 0.01, `${lstmp} against ${lstm} weights`);
    const a = read("sak2014-lstmp.json");
    const b = read("sak2014-lstm.json");
    assert.ok(a.model.projSize > 0 && b.model.projSize === 0);
    const rest = (c: typeof a) => ({
      ...c,
      description: "",
      out: "",
      model: { ...c.model, hiddenSize: 0, projSize: 0 },
    });
    assert.deepEqual(rest(a), rest(b));
  });

  it("follows the paper: 2 layers, TBPTT(20, 20), 4 packed streams reset per utterance, delay 5, fbank 40", () => {
    const config = read("sak2014-lstmp.json");
    assert.equal(config.model.layers, 2);
    assert.equal(config.model.peepholes, true);
    assert.deepEqual(
      {
        k1: config.schedule.k1,
        k2: config.schedule.k2,
        reset: config.schedule.reset,
        layout: config.schedule.layout,
      },
      { k1: 20, k2: 20, reset: "sequence", layout: "packed" },
    );
    assert.equal(config.streams, 4);
    assert.equal(config.data.delay, 5);
    assert.equal(config.data.frontEnd, "fbank");
  });

  const out = mkdtempSync(join(tmpdir(), "tbptt-sak-"));
  it("trains shortened through the CLI on the bundled corpus, and the saved model evaluates on fbank features", () => {
    const run = join(out, "lstmp");
    const train = runCli([
      "train",
      join(DIR, "sak2014-lstmp.json"),
      "--quiet",
      "--maxUpdates",
      "40",
      "--data.train",
      "data/synth-timit-small",
      "--data.validSpeakers",
      "1",
      "--out",
      run,
    ]);
    assert.equal(train.status, 0, train.stderr);
    const saved = JSON.parse(readFileSync(join(run, "model", "model.json"), "utf8"));
    assert.equal(saved.model.projSize, 53);
    assert.equal(saved.model.inputSize, FILTERBANK);
    assert.equal(saved.meta.frontEnd, "fbank");
    assert.ok(existsSync(join(run, "model", "model.safetensors")));
    const evaluation = runCli([
      "eval",
      "--model",
      join(run, "model"),
      "--data",
      "data/synth-timit-small",
      "--json",
    ]);
    assert.equal(evaluation.status, 0, evaluation.stderr);
    const report = JSON.parse(evaluation.stdout);
    assert.ok(report.frames > 0 && report.frameError >= 0 && report.frameError <= 1, evaluation.stdout);
  });
});
