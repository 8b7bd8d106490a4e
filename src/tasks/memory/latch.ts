/**
 * A latch (a one-bit flip-flop, the memory unit Sussillo & Barak 2013 train RNNs to be
 * with three bits): hold the last bit you were told, and say it at every step.
 *
 * A pulse every `gap` steps, at steps 0, G, 2G, … of each sequence, sets the bit: the
 * pulse's bit is drawn uniformly (so half the pulses repeat the bit held). Inputs have
 * two channels, one per value: a pulse for bit v puts 1 on channel v; other steps are
 * zeros. With `noise` σ > 0 every input value also gets Gaussian noise N(0, σ²), as
 * Bengio, Simard & Frasconi 1994 add noise to their latch's input. Every step is
 * labelled with the bit held (2 classes): the output at step t depends on the pulse at
 * t − (t mod G), up to G − 1 steps back.
 *
 * Which schedules can learn it: the losses at d < k2 steps after a pulse reach it (per-
 * loss truncation), so even k2 < G teaches the network to latch for k2 − 1 steps; whether
 * it then holds the bit for the whole gap is the question "is the network's memory
 * limited to k2?" (docs/memory-tasks.md).
 * Same options and seed, same set, on every machine (src/core/random.ts).
 */
import { Rng } from "../../core/random.js";
import type { LabelledSequence, LabelledSet } from "../../data/labelled.js";
import { checkInteger } from "./check.js";

/** The latch task's settings (see the file comment). */
export interface LatchOptions {
  /** G: steps from one pulse to the next (≥ 1). */
  gap: number;
  /** T: steps per sequence (≥ 1). */
  length: number;
  /** σ: standard deviation of the Gaussian noise on every input value (≥ 0). */
  noise: number;
  sequences: number;
  seed: number;
}

/** The latch's defaults: a pulse every 10 steps, 50 steps, 200 sequences. */
export const DEFAULT_LATCH: LatchOptions = { gap: 10, length: 50, noise: 0, sequences: 200, seed: 1 };

/** The latch task as a labelled set (see the file comment); `source` names it in messages. */
export function makeLatchSet(options: Partial<LatchOptions>, source = "memory:latch"): LabelledSet {
  const o = { ...DEFAULT_LATCH, ...options };
  checkInteger(source, "gap", o.gap, 1);
  checkInteger(source, "length", o.length, 1);
  checkInteger(source, "sequences", o.sequences, 1);
  checkInteger(source, "seed", o.seed, Number.MIN_SAFE_INTEGER);
  if (!(Number.isFinite(o.noise) && o.noise >= 0))
    throw new Error(`${source}: noise must be a number ≥ 0, got ${JSON.stringify(o.noise)}`);
  const T = o.length;
  const rng = new Rng(o.seed);
  const sequences: LabelledSequence[] = [];
  for (let n = 0; n < o.sequences; n++) {
    const features = new Float32Array(T * 2);
    const labels = new Int32Array(T);
    let bit = 0;
    for (let t = 0; t < T; t++) {
      if (t % o.gap === 0) {
        bit = rng.int(2);
        features[t * 2 + bit] = 1;
      }
      labels[t] = bit;
      if (o.noise > 0) {
        features[t * 2] += o.noise * rng.normal();
        features[t * 2 + 1] += o.noise * rng.normal();
      }
    }
    sequences.push({ id: `latch-${n}`, features, labels });
  }
  return { source, inputSize: 2, sequences, classes: null };
}
