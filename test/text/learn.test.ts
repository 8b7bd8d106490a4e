// The key test: a small char LSTM, trained with TBPTT(16, 16) on char-rnn-style streams
// (packed, state never reset, Adam, element-wise clip 5), reaches bits per character
// close to the exact entropy of a text with known structure, in a few seconds.
//
// The text: 12 made-up words following each other by a first-order Markov chain, 3
// possible successors per word (synthetic.ts). Knowing the spelling but not the previous
// word costs H(π) / E|w + 1| ≈ 0.53 bits per character; the entropy rate is ≈ 0.196, and
// the exact code length of the validation sample under the true source is its floor.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { Engine } from "../../src/engine/engine.js";
import { makeSchedule } from "../../src/engine/schedule.js";
import { loadTextTask } from "../../src/io/text-files.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import { buildCorpus } from "../../src/tasks/text/corpus.js";
import { evaluateText } from "../../src/tasks/text/metrics.js";
import { sampleText } from "../../src/tasks/text/sample.js";
import { cutStreams } from "../../src/tasks/text/streams.js";
import {
  codeLengthBits,
  entropyRate,
  generateText,
  generateWords,
  makeWordSource,
  wordsToText,
} from "../../src/tasks/text/synthetic.js";
import type { Vocabulary } from "../../src/tasks/text/vocabulary.js";
import { clipGradients } from "../../src/train/clip.js";
import { createOptimizer } from "../../src/train/optimizer.js";
import { Trainer } from "../../src/train/trainer.js";

test("a char LSTM learns a word-Markov text to within 0.04 bits per character of its entropy", () => {
  const started = Date.now();
  const source = makeWordSource({ seed: 1, words: 12, successors: 3 });
  const truth = entropyRate(source);
  let unigramBits = 0; // H(π): the next word without knowing the previous one
  for (const p of truth.stationary) unigramBits -= p * Math.log2(p);
  const unigram = unigramBits / truth.charsPerWord;

  const trainText = generateText(source, 30_000, 7);
  const validWords = generateWords(source, Math.round(8000 / truth.charsPerWord), new Rng(99));
  const validText = wordsToText(source, validWords);
  const floor = codeLengthBits(source, validWords) / validText.length; // this sample's exact bits per char

  const corpus = buildCorpus([{ name: "synthetic", bytes: new TextEncoder().encode(trainText) }], {
    unit: "char",
    validFraction: 0,
  });
  const V = corpus.vocabulary.size;
  assert.equal(V, new Set(trainText).size);
  const valid = (corpus.vocabulary as Vocabulary).encode(validText, "validation");
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: V,
      hiddenSize: 24,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: V,
    },
    createPlainBackend("float32"),
  );
  initializeModel(model, new Rng(3), { scheme: "pytorch", forgetBias: 1 });
  const schedule = makeSchedule({ k1: 16, k2: 16, reset: "never", layout: "packed", reduction: "mean" });
  const streams = cutStreams(corpus.train, 16, V);
  const optimizer = createOptimizer(
    { type: "adam", lr: 0.02 },
    model.params.length,
    (n) => new Float32Array(n),
  );
  const epochs = 4;
  const curve: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const lr = epoch === epochs - 1 ? 0.005 : 0.02;
    new Engine(model, schedule, streams.length).run(streams, (grads) => {
      clipGradients(grads, { value: 5 });
      optimizer.step(model.params, grads, lr);
      return true;
    });
    curve.push(evaluateText(model, valid, { schedule, streams: 2 }).bitsPerSymbol);
  }
  const final = evaluateText(model, valid, { schedule, streams: 2 });
  const seconds = (Date.now() - started) / 1000;
  const report = `validation bpc by epoch ${curve.map((b) => b.toFixed(4)).join(" ")}; entropy rate ${truth.bitsPerChar.toFixed(4)}, this sample's floor ${floor.toFixed(4)}, word-unigram ${unigram.toFixed(4)}; ${seconds.toFixed(1)} s`;
  console.log(report);
  assert.ok(final.bitsPerSymbol < floor + 0.04, `not close to the entropy: ${report}`);
  assert.ok(final.bitsPerSymbol > floor - 0.01, `better than the true source, impossible: ${report}`);
  assert.ok(final.bitsPerSymbol < unigram / 2, `the state must carry the previous word: ${report}`);
  assert.ok(Math.abs(final.perplexity - 2 ** final.bitsPerSymbol) < 1e-9);

  // What it generates is spelled from the lexicon, and follows the chain's transitions.
  const text = [
    ...sampleText(model, corpus.vocabulary, { prime: `${source.words[0]} `, length: 400, seed: 5 }),
  ].join("");
  const words = `${source.words[0]} ${text}`.split(" ").slice(0, -1);
  const known = words.filter((w) => source.words.includes(w)).length;
  assert.ok(
    known >= 0.95 * words.length,
    `${known} of ${words.length} sampled words are in the lexicon: ${text}`,
  );
  const W = source.words.length;
  let allowed = 0;
  for (let k = 1; k < words.length; k++) {
    const i = source.words.indexOf(words[k - 1] as string);
    const j = source.words.indexOf(words[k] as string);
    if (i >= 0 && j >= 0 && (source.transitions[i * W + j] as number) > 0) allowed++;
  }
  assert.ok(
    allowed >= 0.9 * (words.length - 1),
    `${allowed} of ${words.length - 1} sampled word pairs are possible`,
  );
});

test("the same through the trainer: loadTextTask on a synthetic spec, Trainer, bits per char from the report", async () => {
  const task = await loadTextTask({
    data: {
      train: "synthetic:words?seed=1&words=12&successors=3&chars=33000&textSeed=7",
      validFraction: 0.1,
    },
    streams: 16,
    validStreams: 2,
  });
  const model = new SequenceModel(
    {
      cell: "lstm",
      inputSize: task.inputSize,
      hiddenSize: 24,
      layers: 1,
      bidirectional: false,
      peepholes: false,
      outputSize: task.outputSize,
    },
    createPlainBackend("float32"),
  );
  initializeModel(model, new Rng(3), { scheme: "pytorch", forgetBias: 1 });
  const trainer = new Trainer(model, task.train, task.valid, {
    schedule: makeSchedule({ k1: 16, k2: 16, reset: "never", layout: "packed", reduction: "mean" }),
    streams: 16,
    validStreams: 2,
    optimizer: { type: "adam", lr: 0.02 },
    lrSchedule: { type: "step", after: 2, factor: 0.25 },
    clip: { value: 5 },
    epochs: 4,
    shuffle: true,
    seed: 1,
  });
  const result = await trainer.run();
  const last = result.epochs[result.epochs.length - 1];
  assert.ok(last?.validMetrics);
  const report = task.report(last.validMetrics);
  const line = `bits per char ${report.bitsPerChar?.toFixed(4)}, entropy rate ${report.entropyRate?.toFixed(4)}`;
  console.log(line);
  assert.ok((report.bitsPerChar as number) < (report.entropyRate as number) + 0.05, line);
  assert.ok(Math.abs((report.perplexity as number) - 2 ** (report.bitsPerChar as number)) < 1e-9);
});
