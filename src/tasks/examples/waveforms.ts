/**
 * A bundled sequence-classification problem: which of four wave shapes — sine, square,
 * triangle, sawtooth — a short noisy recording shows, one label per sequence. Each
 * sequence has its own length (24 … 48 steps), period (6 … 14 steps), phase, amplitude
 * (0.5 … 2), offset (−1 … 1) and Gaussian noise (0.1 of the amplitude), so no single
 * frame tells the shape: the network reads the whole sequence and answers at its end.
 * Chance is 25%. Seeded and deterministic: the same options give the same rows.
 */
import { Rng } from "../../core/random.js";

/** The four classes of the waveforms example, in class-index order. */
export const WAVE_SHAPES = ["sawtooth", "sine", "square", "triangle"] as const;
/** One of the four wave shapes. */
export type WaveShape = (typeof WAVE_SHAPES)[number];

/** Options of `makeWaveforms`: seed, how many sequences, the noise. */
export interface WaveformOptions {
  seed: number;
  /** How many sequences (rows); the shapes take turns, so the classes are balanced. */
  sequences: number;
  /** Noise standard deviation relative to the amplitude (default 0.1). */
  noise?: number;
}

/** One row of the generic JSON Lines format: one reading per frame, one label for the sequence. */
export interface SequenceClassRow {
  id: string;
  x: number[][];
  y: WaveShape;
}

/** The shape at phase u (in cycles), between −1 and 1. */
export function waveAt(shape: WaveShape, u: number): number {
  const f = u - Math.floor(u);
  switch (shape) {
    case "sine":
      return Math.sin(2 * Math.PI * f);
    case "square":
      return f < 0.5 ? 1 : -1;
    case "triangle":
      return f < 0.5 ? 4 * f - 1 : 3 - 4 * f;
    case "sawtooth":
      return 2 * f - 1;
  }
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The bundled sequence-classification rows (see the file comment): a noisy recording and its shape. */
export function makeWaveforms(options: WaveformOptions): SequenceClassRow[] {
  const rng = new Rng(options.seed);
  const noise = options.noise ?? 0.1;
  const rows: SequenceClassRow[] = [];
  for (let n = 0; n < options.sequences; n++) {
    const shape = WAVE_SHAPES[n % WAVE_SHAPES.length] as WaveShape;
    const length = 24 + rng.int(25);
    const period = rng.uniform(6, 14);
    const phase = rng.next();
    const amplitude = rng.uniform(0.5, 2);
    const offset = rng.uniform(-1, 1);
    const x: number[][] = [];
    for (let t = 0; t < length; t++)
      x.push([round3(offset + amplitude * (waveAt(shape, t / period + phase) + noise * rng.normal()))]);
    rows.push({ id: `wave-${n}`, x, y: shape });
  }
  // Shuffled, so a file's order says nothing about the class.
  return rng.shuffle(rows);
}
