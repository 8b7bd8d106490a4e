/**
 * The bundled examples beyond per-frame classification, as the JSON Lines files that
 * ship in data/examples (written by scripts/make-examples.ts; a test checks the files are
 * exactly what these generators give):
 *   oscillators/  next-step forecasting of 3 noisy oscillators (real values per frame)
 *   waveforms/    which of 4 wave shapes a recording shows (one label per sequence)
 * Each has train, valid and test splits drawn with different seeds.
 */
import { makeOscillatorSeries } from "./oscillators.js";
import { makeWaveforms } from "./waveforms.js";

export { type ForecastRow, makeOscillatorSeries, type OscillatorOptions } from "./oscillators.js";
export {
  makeWaveforms,
  type SequenceClassRow,
  WAVE_SHAPES,
  type WaveformOptions,
  type WaveShape,
  waveAt,
} from "./waveforms.js";

const SPLITS = [
  ["train", 1, 1],
  ["valid", 2, 0.25],
  ["test", 3, 0.25],
] as const;

/** One JSON line per row, keys in the documented order (x, y, id). */
function jsonLines(rows: readonly { id: string; x: unknown; y: unknown }[]): string {
  return rows
    .map((r) => JSON.stringify({ x: r.x, y: r.y, id: r.id }))
    .join("\n")
    .concat("\n");
}

/** Every bundled example file: its path under data/examples and its text. */
export function bundledExampleFiles(): { path: string; text: string }[] {
  const files: { path: string; text: string }[] = [];
  for (const [split, seed, share] of SPLITS) {
    files.push({
      path: `oscillators/${split}.jsonl`,
      text: jsonLines(makeOscillatorSeries({ seed, series: 240 * share, length: 48 })),
    });
    files.push({
      path: `waveforms/${split}.jsonl`,
      text: jsonLines(makeWaveforms({ seed: 10 + seed, sequences: 800 * share })),
    });
  }
  return files;
}
