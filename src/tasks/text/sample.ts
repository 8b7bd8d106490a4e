/**
 * Sampling text from a trained model, as char-rnn's sample.lua: run the prime text
 * through the network (its state carried step to step), then repeatedly draw the next
 * symbol from softmax(z / T) and feed it back in.
 *
 * Temperature. The model leaves p = softmax(z) in model.probs; since log p = z − logsumexp(z),
 * softmax(log p / T) = softmax(z / T). T = 1 samples the model's distribution, T < 1 sharpens
 * it, T → 0 tends to argmax (`argmax: true` takes it exactly: the first most probable
 * symbol), T > 1 flattens it. T ≤ 0 is an error.
 * Without a prime the first symbol is drawn uniformly from the vocabulary (sample.lua does
 * the same; with argmax it is symbol 0).
 *
 * The generator yields one string per symbol as soon as it is drawn; with unit "byte"
 * the bytes are decoded as UTF-8 on the fly, so a multi-byte character comes out whole
 * with its last byte (the bytes before it yield ""), and invalid sequences become U+FFFD.
 * With unit "word" the model first reads `</s>` (rnnlm's start of text), then the prime's
 * words; each drawn word is yielded with a space before it, `</s>` as a line end.
 * The distribution is read through the model's head (head.read), so a class-factorised
 * output gives every word's P(class)·P(word | class).
 */
import { TbpttError } from "../../core/errors.js";
import { Rng } from "../../core/random.js";
import type { SequenceModel } from "../../nn/model.js";
import { describeCode } from "./units.js";
import { forEachCode } from "./vocabulary.js";
import type { TextVocabulary, WordVocabulary } from "./word-vocabulary.js";
import { tokenizeWords } from "./words.js";

/** How `sampleText` generates: the prime, the length, the temperature, the seed, or argmax. */
export interface SampleOptions {
  /** Text run through the model before sampling (not yielded again). */
  prime?: string;
  /** Symbols to generate. */
  length: number;
  /** T > 0; default 1. */
  temperature?: number;
  seed?: number;
  /** Always take the most probable symbol (T → 0). */
  argmax?: boolean;
}

export function checkSampleOptions(options: SampleOptions): Required<SampleOptions> {
  const { prime = "", length, temperature = 1, seed = 1, argmax = false } = options;
  if (!Number.isInteger(length) || length < 0)
    throw new TbpttError(`sample length: expected an integer ≥ 0, got ${JSON.stringify(length)}`);
  if (typeof temperature !== "number" || !(temperature > 0) || !Number.isFinite(temperature))
    throw new TbpttError(
      `temperature: expected a number > 0 (1 samples the model as trained, smaller is more conservative; use --argmax for the limit 0), got ${JSON.stringify(temperature)}`,
    );
  if (!Number.isFinite(seed))
    throw new TbpttError(`seed: expected a finite number, got ${JSON.stringify(seed)}`);
  return { prime, length, temperature, seed, argmax };
}

/**
 * The prime's symbol ids; characters outside the vocabulary are an error that lists them.
 * Words: `</s>` then the prime's words (`<unk>` for unknown ones, when the vocabulary has it).
 */
export function encodePrime(vocabulary: TextVocabulary, prime: string): number[] {
  if (vocabulary.unit === "word") return Array.from(vocabulary.encode(tokenizeWords(prime, false), "prime"));
  const codes: number[] = [];
  if (vocabulary.unit === "byte") for (const b of new TextEncoder().encode(prime)) codes.push(b);
  else forEachCode(prime, (c) => codes.push(c));
  const missing = [...new Set(codes.filter((c) => vocabulary.idOf(c) < 0))];
  if (missing.length > 0)
    throw new TbpttError(
      `prime: ${missing.length} symbol(s) not in the model's vocabulary: ${missing.map((c) => describeCode(vocabulary.unit, c)).join(", ")}`,
    );
  return codes.map((c) => vocabulary.idOf(c));
}

/** The index of the largest entry (the first one on ties). */
export function argmaxOf(p: ArrayLike<number>, offset: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if ((p[offset + j] as number) > (p[offset + best] as number)) best = j;
  return best;
}

/**
 * Draws from softmax(log p / T) given probabilities p (at offset, n entries), using
 * `work` (n entries) as scratch. Symbols with p = 0 are never drawn.
 */
export function drawWithTemperature(
  rng: Rng,
  p: ArrayLike<number>,
  offset: number,
  n: number,
  temperature: number,
  work: Float64Array,
): number {
  const top = argmaxOf(p, offset, n);
  const logTop = Math.log(p[offset + top] as number);
  let total = 0;
  for (let j = 0; j < n; j++) {
    const pj = p[offset + j] as number;
    // (log p_j − log p_max) / T ≤ 0, so exp never overflows; −∞ (p_j = 0) gives 0.
    const w = temperature === 1 ? pj : Math.exp((Math.log(pj) - logTop) / temperature);
    work[j] = w;
    total += w;
  }
  let u = rng.next() * total;
  for (let j = 0; j < n; j++) {
    u -= work[j] as number;
    if (u < 0) return j;
  }
  return top; // rounding left u ≥ 0: the most probable symbol
}

/** Yields `length` sampled symbols as text (see the file comment for unit "byte"). */
export function* sampleText(
  model: SequenceModel,
  vocabulary: TextVocabulary,
  options: SampleOptions,
): Generator<string> {
  const { prime, length, temperature, seed, argmax } = checkSampleOptions(options);
  const V = vocabulary.size;
  if (model.config.inputSize !== V || model.config.outputSize !== V)
    throw new TbpttError(
      `sample: the model has ${model.config.inputSize} inputs and ${model.config.outputSize} outputs, the vocabulary ${V} symbols`,
    );
  if (model.config.bidirectional)
    throw new TbpttError("sample: a bidirectional model needs the whole text first; it cannot generate");
  const primeIds = encodePrime(vocabulary, prime);
  const rng = new Rng(seed);
  const work = new Float64Array(V);
  model.useInputs("index");
  model.configure(1, 1, 1);
  model.clearState();
  const { tape, inputIds } = model;
  tape.active[0] = 1;
  tape.labels[0] = -1;
  let first = true;
  const step = (id: number) => {
    tape.reset[0] = first ? 1 : 0;
    first = false;
    inputIds[0] = id; // the one-hot input as its symbol: the first layer reads a column (docs/text.md)
    model.forward({ first: 0, count: 1 });
  };
  for (const id of primeIds) step(id);
  const decoder = vocabulary.unit === "byte" ? new TextDecoder("utf-8") : null;
  const uniform = new Float64Array(V).fill(1 / V);
  const probs = new Float64Array(V);
  // Words: whether the next word starts a line (after `</s>`, or at the very start).
  let lineStart = primeIds.length === 0 || primeIds[primeIds.length - 1] === 0;
  for (let k = 0; k < length; k++) {
    if (!first) model.head.read(0, probs);
    const p = first ? uniform : probs;
    const id = argmax ? argmaxOf(p, 0, V) : drawWithTemperature(rng, p, 0, V, temperature, work);
    if (vocabulary.unit === "word") {
      yield (vocabulary as WordVocabulary).spell(id, lineStart);
      lineStart = id === 0;
    } else {
      const code = vocabulary.codeOf(id);
      if (decoder) {
        const last = k === length - 1;
        yield decoder.decode(Uint8Array.of(code), { stream: !last });
      } else yield String.fromCodePoint(code);
    }
    if (k < length - 1) step(id);
  }
}
