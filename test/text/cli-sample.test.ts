// `tbptt sample`: reads a model directory, prints the prime then the sample, reproducibly;
// bad options and non-text models are named.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { sampleCommand } from "../../src/cli/sample.js";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { saveModelDir } from "../../src/io/model-files.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { textModelMeta } from "../../src/tasks/text/meta.js";
import { sampleText } from "../../src/tasks/text/sample.js";
import { Vocabulary } from "../../src/tasks/text/vocabulary.js";

const dir = mkdtempSync(join(tmpdir(), "tbptt-sample-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const vocabulary = Vocabulary.fromTexts("char", ["hello, wörld\n"]);
const V = vocabulary.size;
const model = new SequenceModel(
  {
    cell: "lstm",
    inputSize: V,
    hiddenSize: 8,
    layers: 1,
    bidirectional: false,
    peepholes: false,
    outputSize: V,
  },
  createPlainBackend("float32"),
);
initializeModel(model, new Rng(1), { scheme: "uniform", range: 1 });
const modelDir = join(dir, "model");
saveModelDir(modelDir, model, textModelMeta(vocabulary));

async function run(argv: string[]): Promise<{ out: string; writes: number }> {
  let out = "";
  let writes = 0;
  await sampleCommand(argv, {
    write: (text) => {
      out += text;
      writes++;
      return true;
    },
    drain: async () => {},
  });
  return { out, writes };
}

test("prints the prime, then the symbols one by one, then a newline; seeded", async () => {
  const { out, writes } = await run(["--model", modelDir, "--prime", "hö", "--length", "50", "--seed", "3"]);
  assert.ok(out.startsWith("hö"));
  assert.ok(out.endsWith("\n"));
  assert.ok(writes >= 40, `streamed in ${writes} writes`);
  const expected = [...sampleText(model, vocabulary, { prime: "hö", length: 50, seed: 3 })].join("");
  assert.equal(out, `hö${expected}\n`);
  assert.equal((await run(["--model", modelDir, "--prime", "hö", "--length", "50", "--seed", "3"])).out, out);
  const greedy = await run(["--model", modelDir, "--length", "20", "--prime", "h", "--argmax"]);
  assert.equal(
    greedy.out,
    (await run(["--model", modelDir, "--length", "20", "--prime", "h", "--temperature", "0.0001"])).out,
  );
});

test("errors name the bad value", async () => {
  await assert.rejects(
    run(["--model", modelDir, "--temperature", "0"]),
    /temperature: expected a number > 0.*got 0/,
  );
  await assert.rejects(run(["--model", modelDir, "--temperature=-2"]), /temperature: expected a number > 0/);
  await assert.rejects(
    run(["--model", modelDir, "--temperature", "warm"]),
    /--temperature: expected a number, got "warm"/,
  );
  await assert.rejects(
    run(["--model", modelDir, "--prime", "HELLO"]),
    /prime: 4 symbol\(s\) not in the model's vocabulary: "H" \(U\+0048\), "E" \(U\+0045\), "L" \(U\+004C\), "O" \(U\+004F\)/,
  );
  await assert.rejects(run(["--prime", "x"]), /--model DIR is required/);
  await assert.rejects(run(["--model", join(dir, "missing")]), /not a model directory/);
  const other = join(dir, "speech-model");
  saveModelDir(other, model, { task: "speech", classes: null });
  await assert.rejects(
    run(["--model", other]),
    /speech-model: not a text model \(its meta\.task is "speech"/,
  );
});

test("--help prints the usage", async () => {
  assert.match((await run(["--help"])).out, /Usage: tbptt sample --model DIR/);
});
