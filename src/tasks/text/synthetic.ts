/**
 * A synthetic text with known structure and an exactly known entropy rate: words of a
 * seeded made-up lexicon ("kobe", "tasu", …) follow each other by a first-order Markov
 * chain (a regular grammar), each word followed by one separator (a space).
 *
 * Entropy rate. The characters are a one-to-one function of the word sequence (the
 * separator never occurs inside a word), so n characters carry the information of the
 * ≈ n / E|w + sep| words they spell. With π the stationary distribution of the chain
 * (π P = π), H_i = −Σ_j P_ij log2 P_ij the entropy of the word after word i, and ℓ_i the
 * length of word i plus the separator, the entropy rate per character is (Cover & Thomas
 * 2006, thm. 4.2.4 for the chain; the renewal-reward theorem for the division)
 *
 *     H = Σ_i π_i H_i / Σ_i π_i ℓ_i   bits per character,
 *
 * the best bits-per-character any model can reach on a long sample. A model has to
 * learn the spelling (deterministic inside a word) and keep the previous word in its
 * state across the current one to predict the next.
 *
 * The chain is irreducible by construction: word i can always be followed by word
 * i + 1 (mod W), plus `successors − 1` other words drawn at random, with weights
 * −ln u (normalised: a flat Dirichlet draw).
 */
import { Rng } from "../../core/random.js";

/** Options of `makeWordSource`: how many words, successors per word, word lengths, the seed. */
export interface WordSourceOptions {
  seed: number;
  /** W: the size of the lexicon (≥ 2). */
  words?: number;
  /** How many different words may follow each word (1 … W). */
  successors?: number;
  /** Syllables per word, inclusive range. */
  minSyllables?: number;
  maxSyllables?: number;
}

/** A word-Markov source: its words and each word's successors with their probabilities. */
export interface WordSource {
  words: string[];
  separator: string;
  /** P, W × W row-major: P[i·W + j] = probability that word j follows word i. */
  transitions: Float64Array;
}

/** A word source's entropy rate, per word and per character of its text. */
export interface EntropyRate {
  /** H: the entropy rate in bits per character. */
  bitsPerChar: number;
  /** Σ π_i H_i: bits per word. */
  bitsPerWord: number;
  /** Σ π_i ℓ_i: mean characters per word, separator included. */
  charsPerWord: number;
  /** π. */
  stationary: Float64Array;
}

const CONSONANTS = "bdfgklmnprstvz";
const VOWELS = "aeiou";

export const DEFAULT_WORD_SOURCE: Required<Omit<WordSourceOptions, "seed">> = {
  words: 16,
  successors: 3,
  minSyllables: 1,
  maxSyllables: 3,
};

/**
 * A seeded word-Markov source: words of random letters, each followed by a few successors with
 * fixed probabilities.
 */
export function makeWordSource(options: WordSourceOptions): WordSource {
  const { words: W, successors: S, minSyllables, maxSyllables } = { ...DEFAULT_WORD_SOURCE, ...options };
  if (!Number.isInteger(W) || W < 2) throw new Error(`word source: words must be an integer ≥ 2, got ${W}`);
  if (!Number.isInteger(S) || S < 1 || S > W)
    throw new Error(`word source: successors must be an integer in 1 … ${W}, got ${S}`);
  if (!(Number.isInteger(minSyllables) && minSyllables >= 1 && maxSyllables >= minSyllables))
    throw new Error(
      `word source: syllables must satisfy 1 ≤ min ≤ max, got ${minSyllables} … ${maxSyllables}`,
    );
  const rng = new Rng(options.seed);
  const lexicon = new Set<string>();
  const capacity = (CONSONANTS.length * VOWELS.length) ** maxSyllables;
  if (W > capacity / 2) throw new Error(`word source: ${W} words is too many for ${maxSyllables} syllables`);
  while (lexicon.size < W) {
    const n = minSyllables + rng.int(maxSyllables - minSyllables + 1);
    let w = "";
    for (let k = 0; k < n; k++) w += CONSONANTS[rng.int(CONSONANTS.length)] + VOWELS[rng.int(VOWELS.length)];
    lexicon.add(w);
  }
  const words = [...lexicon];
  const transitions = new Float64Array(W * W);
  for (let i = 0; i < W; i++) {
    const next = new Set<number>([(i + 1) % W]);
    while (next.size < S) next.add(rng.int(W));
    let total = 0;
    for (const j of next) {
      const w = -Math.log(1 - rng.next());
      transitions[i * W + j] = w;
      total += w;
    }
    for (const j of next) transitions[i * W + j] /= total;
  }
  return { words, separator: " ", transitions };
}

/** π with π P = π and Σ π = 1, by Gaussian elimination with partial pivoting (float64). */
export function stationaryDistribution(transitions: Float64Array, W: number): Float64Array {
  // Rows 0 … W−2: (Pᵀ − I) π = 0; row W−1: Σ π = 1.
  const a = new Float64Array(W * (W + 1));
  for (let r = 0; r < W; r++) {
    for (let c = 0; c < W; c++)
      a[r * (W + 1) + c] = r === W - 1 ? 1 : (transitions[c * W + r] as number) - (r === c ? 1 : 0);
    a[r * (W + 1) + W] = r === W - 1 ? 1 : 0;
  }
  for (let col = 0; col < W; col++) {
    let pivot = col;
    for (let r = col + 1; r < W; r++)
      if (Math.abs(a[r * (W + 1) + col] as number) > Math.abs(a[pivot * (W + 1) + col] as number)) pivot = r;
    if (Math.abs(a[pivot * (W + 1) + col] as number) < 1e-14)
      throw new Error("stationary distribution: the chain is not irreducible");
    for (let c = 0; c <= W; c++) {
      const t = a[col * (W + 1) + c] as number;
      a[col * (W + 1) + c] = a[pivot * (W + 1) + c] as number;
      a[pivot * (W + 1) + c] = t;
    }
    for (let r = 0; r < W; r++) {
      if (r === col) continue;
      const f = (a[r * (W + 1) + col] as number) / (a[col * (W + 1) + col] as number);
      if (f === 0) continue;
      for (let c = col; c <= W; c++) a[r * (W + 1) + c] -= f * (a[col * (W + 1) + c] as number);
    }
  }
  const pi = new Float64Array(W);
  for (let i = 0; i < W; i++) pi[i] = (a[i * (W + 1) + W] as number) / (a[i * (W + 1) + i] as number);
  return pi;
}

/**
 * The source's entropy rate (bits per word and per character): the best loss any model can reach on
 * its text.
 */
export function entropyRate(source: WordSource): EntropyRate {
  const W = source.words.length;
  const pi = stationaryDistribution(source.transitions, W);
  let bitsPerWord = 0;
  let charsPerWord = 0;
  for (let i = 0; i < W; i++) {
    let h = 0;
    for (let j = 0; j < W; j++) {
      const p = source.transitions[i * W + j] as number;
      if (p > 0) h -= p * Math.log2(p);
    }
    bitsPerWord += (pi[i] as number) * h;
    charsPerWord +=
      (pi[i] as number) * (symbolLength(source.words[i] as string) + symbolLength(source.separator));
  }
  return { bitsPerChar: bitsPerWord / charsPerWord, bitsPerWord, charsPerWord, stationary: pi };
}

function symbolLength(s: string): number {
  return [...s].length;
}

function draw(rng: Rng, probs: Float64Array, offset: number, n: number): number {
  let u = rng.next();
  for (let j = 0; j < n; j++) {
    u -= probs[offset + j] as number;
    if (u < 0) return j;
  }
  // Rounding left u ≥ 0 after the last term: take the last word with probability > 0.
  for (let j = n - 1; j >= 0; j--) if ((probs[offset + j] as number) > 0) return j;
  return n - 1;
}

/** `count` words of the chain, the first drawn from π (so the sample is stationary). */
export function generateWords(source: WordSource, count: number, rng: Rng): Int32Array {
  const W = source.words.length;
  const pi = stationaryDistribution(source.transitions, W);
  const out = new Int32Array(count);
  let w = draw(rng, pi, 0, W);
  for (let k = 0; k < count; k++) {
    out[k] = w;
    w = draw(rng, source.transitions, w * W, W);
  }
  return out;
}

export function wordsToText(source: WordSource, words: ArrayLike<number>): string {
  const parts: string[] = [];
  for (let k = 0; k < words.length; k++)
    parts.push(source.words[words[k] as number] as string, source.separator);
  return parts.join("");
}

/** Exactly `chars` characters of the source's text, from the chain started in π (the last word may be cut). */
export function generateText(source: WordSource, chars: number, seed: number): string {
  if (!Number.isInteger(chars) || chars < 1)
    throw new Error(`generateText: chars must be a positive integer, got ${chars}`);
  const W = source.words.length;
  const pi = stationaryDistribution(source.transitions, W);
  const rng = new Rng(seed);
  const parts: string[] = [];
  let length = 0;
  for (let w = draw(rng, pi, 0, W); length < chars; w = draw(rng, source.transitions, w * W, W)) {
    const word = source.words[w] as string;
    parts.push(word, source.separator);
    length += word.length + source.separator.length;
  }
  return parts.join("").slice(0, chars);
}

/** −log2 P(words) under the source, the first word scored by π: the ideal code length in bits. */
export function codeLengthBits(source: WordSource, words: ArrayLike<number>): number {
  const W = source.words.length;
  const pi = stationaryDistribution(source.transitions, W);
  let bits = 0;
  for (let k = 0; k < words.length; k++) {
    const w = words[k] as number;
    const p = k === 0 ? (pi[w] as number) : (source.transitions[(words[k - 1] as number) * W + w] as number);
    bits -= Math.log2(p);
  }
  return bits;
}

/** A synthetic text named in a config: "synthetic:words?seed=1&words=16&successors=3&chars=200000". */
export interface SyntheticSpec extends Required<WordSourceOptions> {
  chars: number;
  /** Seed of the text drawn from the source (the source itself uses `seed`). */
  textSeed: number;
}

export const SYNTHETIC_PREFIX = "synthetic:";

export function isSyntheticSpec(path: string): boolean {
  return path.startsWith(SYNTHETIC_PREFIX);
}

export function parseSyntheticSpec(spec: string): SyntheticSpec {
  const body = spec.slice(SYNTHETIC_PREFIX.length);
  const [kind, query = ""] = body.split("?", 2) as [string, string?];
  if (kind !== "words")
    throw new Error(
      `${JSON.stringify(spec)}: unknown synthetic text "${kind}"; expected "synthetic:words?seed=1&words=16&successors=3&chars=200000"`,
    );
  const out: SyntheticSpec = { seed: 1, ...DEFAULT_WORD_SOURCE, chars: 200_000, textSeed: 1 };
  const keys = ["seed", "words", "successors", "minSyllables", "maxSyllables", "chars", "textSeed"] as const;
  for (const part of query.split("&").filter((p) => p !== "")) {
    const [key, value = ""] = part.split("=", 2) as [string, string?];
    const n = Number(value);
    if (!(keys as readonly string[]).includes(key))
      throw new Error(`${JSON.stringify(spec)}: unknown parameter "${key}"; expected ${keys.join(", ")}`);
    if (value === "" || !Number.isInteger(n))
      throw new Error(`${JSON.stringify(spec)}: ${key} must be an integer, got ${JSON.stringify(value)}`);
    out[key as (typeof keys)[number]] = n;
  }
  if (out.chars < 2) throw new Error(`${JSON.stringify(spec)}: chars must be at least 2, got ${out.chars}`);
  return out;
}

/** The text a spec names, its source and the source's entropy rate. */
export function syntheticText(spec: string): { text: string; source: WordSource; entropy: EntropyRate } {
  const s = parseSyntheticSpec(spec);
  const source = makeWordSource(s);
  return { text: generateText(source, s.chars, s.textSeed), source, entropy: entropyRate(source) };
}
