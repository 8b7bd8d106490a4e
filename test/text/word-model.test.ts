// A word-level language model end to end through the CLI: rnnlm's network (a sigmoid RNN)
// and rule (outputUpdate "step", window k1 = 10, k2 = 14) on a synthetic word text, with
// <unk> for the rarest words; it learns the word chain (bits per word near the source's rate,
// far below a model without context), samples words of the lexicon, and evaluates another
// text with the model's vocabulary.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { entropyRate, makeWordSource } from "../../src/tasks/text/synthetic.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "tbptt-words-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const spec = "synthetic:words?seed=1&words=16&successors=3&chars=40000";
const config = {
  task: "text",
  model: { cell: "rnn", nonlinearity: "sigmoid", hiddenSize: 16, init: { scheme: "uniform", range: 0.1 } },
  schedule: { k1: 10, k2: 14, reset: "never", layout: "packed", outputUpdate: "step" },
  optimizer: { type: "sgd", lr: 0.1 },
  streams: 1,
  data: { train: spec, unit: "word", validFraction: 0.1, maxVocabulary: 12 },
  earlyStopping: { patience: 3, metric: "loss" },
  epochs: 8,
  out: join(dir, "run"),
};

/** Trains `config` (with `model.output` when given) into dir/NAME; checks learning, sampling and eval. */
function trainSampleEval(name: string, output?: object): string {
  const run = join(dir, name);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...config, model: { ...config.model, output }, out: run }));
  const trained = runCli(["train", path]);
  assert.equal(trained.status, 0, trained.stderr);
  const last = readFileSync(join(run, "log.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .filter((e) => e.event === "epoch")
    .at(-1);
  const bpw = last.bitsPerWord;
  const source = makeWordSource({ seed: 1, words: 16, successors: 3 });
  // Without context (the chain's stationary distribution) a model pays H(π) bits per word.
  const unigram = Array.from(entropyRate(source).stationary).reduce(
    (h, p) => h - (p > 0 ? p * Math.log2(p) : 0),
    0,
  );
  const line = `bits per word ${bpw}, entropy rate ${last.entropyRate}, unigram ${unigram}`;
  assert.ok(bpw < 1.35, line);
  assert.ok(bpw < unigram - 1, line);

  const sample = runCli(["sample", "--model", join(run, "best"), "--length", "40", "--seed", "4"]);
  assert.equal(sample.status, 0, sample.stderr);
  const words = sample.stdout.split(/\s+/).filter((w) => w.length > 0);
  assert.ok(words.length >= 30, sample.stdout);
  const known = words.filter((w) => source.words.includes(w) || w === "<unk>").length;
  assert.equal(known, words.length, sample.stdout);

  writeFileSync(join(dir, "other.txt"), `${source.words.slice(0, 6).join(" ")} qwerty\n`);
  const evaluated = runCli(["eval", "--model", join(run, "best"), "--data", join(dir, "other.txt")]);
  assert.equal(evaluated.status, 0, evaluated.stderr);
  assert.match(evaluated.stdout, /perplexity/);
  return readFileSync(join(run, "log.jsonl"), "utf8");
}

test("a sigmoid RNN trained by rnnlm's rule learns a word chain, samples its words, evaluates other text", () => {
  trainSampleEval("plain");
});

test("the same with rnnlm's class-factorised output layer (-class 4): P(w) = P(c)·P(w | c)", () => {
  const log = trainSampleEval("classes", { kind: "class-softmax", classes: 4 });
  assert.match(log, /4 word classes \(rnnlm's -class 4\)/);
  const saved = JSON.parse(readFileSync(join(dir, "classes", "best", "model.json"), "utf8"));
  assert.equal(saved.model.output.kind, "class-softmax");
  assert.equal(saved.model.output.classSizes.length, 4);
  assert.equal(
    saved.model.output.classSizes.reduce((a: number, b: number) => a + b, 0),
    saved.meta.vocabulary.words.length,
  );
});

test("a class-factorised output is refused for characters, by name", () => {
  const path = join(dir, "chars.json");
  const chars = { ...config, model: { ...config.model, output: { kind: "class-softmax" } } };
  writeFileSync(
    path,
    JSON.stringify({ ...chars, data: { train: spec, unit: "char" }, out: join(dir, "chars") }),
  );
  const r = runCli(["train", path]);
  assert.notEqual(r.status, 0);
  assert.match(
    r.stderr,
    /model\.output\.kind "class-softmax" needs task "text" with data\.unit "word".*unit "char"/,
  );
});
