/**
 * The adding problem, as Hochreiter & Schmidhuber 1997 ("Long Short-Term Memory",
 * Neural Computation 9(8), section 5.4, Experiment 4) define it:
 *
 *   Each element of each input sequence is a pair: a real value drawn uniformly from
 *   [−1, 1], and a marker, 1.0, 0.0 or −1.0. The minimal length T sets the sequence's
 *   length, an integer drawn uniformly between T and T + T/10. Exactly two pairs are
 *   marked with 1.0: first one of the first ten pairs (its value is X1), then one of the
 *   first T/2 − 1 pairs still unmarked (X2). The remaining pairs' markers are 0, except
 *   the first and the last pair's, which are −1. (If the first pair is marked, X1 is set
 *   to zero.) The only target is at the sequence's end: 0.5 + (X1 + X2)/4, the sum scaled
 *   to [0, 1]. A sequence counts as processed correctly if the absolute error there is
 *   below 0.04.
 *
 * Integer divisions round down: the length is T + a uniform draw from 0 … ⌊T/10⌋, and X2
 * is one of the first ⌊T/2⌋ − 1 pairs. Where the paper's parenthesis names only X1, a
 * marked first pair has value 0 whichever marker lands there (X2 can too). So T ≥ 6 (the
 * two markers need two of the first ⌊T/2⌋ − 1 pairs when X1 falls among them); below
 * T = 11, X1 is one of the first length − 1 pairs (the last pair keeps its −1).
 *
 * Inputs: 2 channels (value, marker); the target is a real value (targetSize 1, an "mse"
 * output), one per sequence at its last step (per "sequence"). The dependency spans from
 * the first marker (one of the first ten steps) to the end: at least ⌊T/2⌋ + 1 steps
 * back, up to the whole sequence.
 * Same options and seed, same set, on every machine (src/core/random.ts).
 */
import { Rng } from "../../core/random.js";
import type { LabelledSequence, LabelledSet } from "../../data/labelled.js";
import { checkInteger } from "./check.js";

/** The adding problem's settings (see the file comment). */
export interface AddingOptions {
  /** T: the minimal sequence length (≥ 6); lengths are drawn from T … T + ⌊T/10⌋. */
  length: number;
  sequences: number;
  seed: number;
}

export const DEFAULT_ADDING: AddingOptions = { length: 100, sequences: 1000, seed: 1 };

/** H&S 1997's criterion: a sequence is processed correctly when |prediction − target| < 0.04. */
export const ADDING_TOLERANCE = 0.04;

/** The adding problem as a labelled set (see the file comment); `source` names it in messages. */
export function makeAddingSet(options: Partial<AddingOptions>, source = "memory:adding"): LabelledSet {
  const o = { ...DEFAULT_ADDING, ...options };
  checkInteger(source, "length", o.length, 6);
  checkInteger(source, "sequences", o.sequences, 1);
  checkInteger(source, "seed", o.seed, Number.MIN_SAFE_INTEGER);
  const T = o.length;
  const rng = new Rng(o.seed);
  const sequences: LabelledSequence[] = [];
  for (let n = 0; n < o.sequences; n++) {
    const length = T + rng.int(Math.floor(T / 10) + 1);
    const features = new Float32Array(length * 2);
    for (let t = 0; t < length; t++) features[t * 2] = rng.uniform(-1, 1);
    features[1] = -1;
    features[(length - 1) * 2 + 1] = -1;
    const first = rng.int(Math.min(10, length - 1));
    // One of the first ⌊T/2⌋ − 1 pairs, not the first marked.
    const span = Math.floor(T / 2) - 1;
    let second = rng.int(first < span ? span - 1 : span);
    if (second >= first && first < span) second++;
    let sum = 0;
    for (const marked of [first, second]) {
      features[marked * 2 + 1] = 1;
      if (marked === 0) features[0] = 0;
      sum += features[marked * 2] as number;
    }
    const labels = new Int32Array(length).fill(-1);
    labels[length - 1] = 0;
    const targets = new Float32Array(length);
    targets[length - 1] = 0.5 + sum / 4;
    sequences.push({ id: `adding-${n}`, features, labels, targets });
  }
  return { source, inputSize: 2, sequences, classes: null, targetSize: 1, per: "sequence" };
}
