/**
 * A bundled forecasting problem: three noisy oscillators per series, sharing a frequency
 * and phase drawn per series, recorded in "data units" (offsets 20, 10, −5; amplitudes of
 * a few units, like temperatures or prices). The task is next-step prediction: the input
 * at step t is the three readings s_t, the target the next readings s_{t+1}
 * (brain.js's LSTMTimeStep, the Keras time-series tutorials).
 *
 *   s_t = offset + A·(sin(ωt + φ), 0.6·sin(ωt + φ + 2π/3), 0.8·sin(2ωt + φ)) + ε_t,
 *   ω ~ U(0.15, 0.5) rad per step, φ ~ U(0, 2π), A ~ U(3, 7), ε_t ~ N(0, σ²) per channel.
 *
 * Predicting s_{t+1} well needs ω and φ, which no single frame shows: the network has to
 * infer them from the series so far and carry them in its state. The persistence
 * baseline (ŷ_t = s_t) misses by about A·√(1 − cos ω) per channel, plus the noise; a
 * good model approaches the noise level σ√1 (the part no forecast can know).
 * Seeded and deterministic: the same options give the same rows.
 */
import { Rng } from "../../core/random.js";

/** Options of `makeOscillatorSeries`: seed, how many series, their length, the noise. */
export interface OscillatorOptions {
  seed: number;
  /** How many series (rows). */
  series: number;
  /** Steps per series (the row has this many frames; the series itself one more). */
  length: number;
  /** Noise standard deviation per reading, in data units (default 0.1). */
  noise?: number;
}

/** One row of the generic JSON Lines format: readings and the next readings, per frame. */
export interface ForecastRow {
  id: string;
  x: number[][];
  y: number[][];
}

const OFFSETS = [20, 10, -5];

/** Rounds to 3 decimals, as the bundled files store the readings. */
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The bundled forecasting rows (see the file comment): x the readings, y the next readings, per frame. */
export function makeOscillatorSeries(options: OscillatorOptions): ForecastRow[] {
  const rng = new Rng(options.seed);
  const sigma = options.noise ?? 0.1;
  const rows: ForecastRow[] = [];
  for (let n = 0; n < options.series; n++) {
    const omega = rng.uniform(0.15, 0.5);
    const phi = rng.uniform(0, 2 * Math.PI);
    const amplitude = rng.uniform(3, 7);
    const readings: number[][] = [];
    for (let t = 0; t <= options.length; t++) {
      const clean = [
        Math.sin(omega * t + phi),
        0.6 * Math.sin(omega * t + phi + (2 * Math.PI) / 3),
        0.8 * Math.sin(2 * omega * t + phi),
      ];
      readings.push(
        clean.map((v, k) => round3((OFFSETS[k] as number) + amplitude * v + sigma * rng.normal())),
      );
    }
    rows.push({ id: `series-${n}`, x: readings.slice(0, -1), y: readings.slice(1) });
  }
  return rows;
}
