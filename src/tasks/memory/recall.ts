/**
 * Delayed recall: reproduce a symbol seen `lag` steps earlier, among distractors.
 *
 * One trial per sequence. With K symbols, D distractors and lag L, a sequence is
 *
 *   b distractors · the symbol c · L − 1 distractors · the cue
 *
 * (b drawn uniformly from 0 … `before`, c from 0 … K − 1, each distractor from D; with
 * D = 0 a distractor step is all zeros), so its length is b + L + 1. Inputs are one-hot
 * over K + D + 1 channels: the K symbols, the D distractors, the cue. The only loss is at
 * the cue, whose target is c (K classes; chance is 1/K): the dependency spans exactly L
 * steps, from the symbol at step b to the cue at step b + L.
 *
 * Which schedules can learn it: the cue's loss reaches the symbol's input only through
 * a backward pass that covers steps b … b + L, i.e. L + 1 steps; with per-loss
 * truncation that is k2 ≥ L + 1. A shorter horizon leaves the network nothing but what
 * its untrained dynamics happen to keep about c (docs/memory-tasks.md).
 * Same options and seed, same set, on every machine (src/core/random.ts).
 */
import { Rng } from "../../core/random.js";
import type { LabelledSequence, LabelledSet } from "../../data/labelled.js";
import { checkInteger } from "./check.js";

/** The delayed-recall task's settings (see the file comment). */
export interface RecallOptions {
  /** L: steps from the symbol to the cue (≥ 1). */
  lag: number;
  /** K: symbols to remember, the classes (≥ 2). */
  symbols: number;
  /** D: distractor symbols shown between (≥ 0; 0 shows all-zero inputs). */
  distractors: number;
  /** The most distractor steps before the symbol (the count is uniform in 0 … before). */
  before: number;
  /** How many sequences (trials). */
  sequences: number;
  seed: number;
}

/** The delayed-recall task's defaults. */
export const DEFAULT_RECALL: RecallOptions = {
  lag: 10,
  symbols: 4,
  distractors: 4,
  before: 0,
  sequences: 1000,
  seed: 1,
};

/** The delayed-recall task as a labelled set (see the file comment); `source` names it in messages. */
export function makeRecallSet(options: Partial<RecallOptions>, source = "memory:recall"): LabelledSet {
  const o = { ...DEFAULT_RECALL, ...options };
  checkInteger(source, "lag", o.lag, 1);
  checkInteger(source, "symbols", o.symbols, 2);
  checkInteger(source, "distractors", o.distractors, 0);
  checkInteger(source, "before", o.before, 0);
  checkInteger(source, "sequences", o.sequences, 1);
  checkInteger(source, "seed", o.seed, Number.MIN_SAFE_INTEGER);
  const K = o.symbols;
  const D = o.distractors;
  const I = K + D + 1;
  const cue = K + D;
  const rng = new Rng(o.seed);
  const sequences: LabelledSequence[] = [];
  for (let n = 0; n < o.sequences; n++) {
    const b = rng.int(o.before + 1);
    const symbol = rng.int(K);
    const T = b + o.lag + 1;
    const features = new Float32Array(T * I);
    const labels = new Int32Array(T).fill(-1);
    for (let t = 0; t < T; t++) {
      if (t === b) features[t * I + symbol] = 1;
      else if (t === T - 1) {
        features[t * I + cue] = 1;
        labels[t] = symbol;
      } else if (D > 0) features[t * I + K + rng.int(D)] = 1;
    }
    sequences.push({ id: `recall-${n}`, features, labels });
  }
  return { source, inputSize: I, sequences, classes: null };
}
