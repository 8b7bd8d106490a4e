// Small training problems for trainer tests: sequences whose label needs the previous
// input (so a recurrent net has something to learn), and a small float64 model.
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import type { CellType } from "../../src/nn/cell.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";

/** `count` sequences of 5 … 4 + `spread` steps, 2 inputs; label 1 where x_t[0] + x_{t−1}[1] > 0. */
export function previousSumData(count: number, seed: number, spread = 10): ArraySequence[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const T = 5 + rng.int(spread);
    const x = Array.from({ length: T * 2 }, () => rng.uniform(-1, 1));
    const y = Array.from({ length: T }, (_, t) => ((x[2 * t] as number) + (x[2 * t - 1] ?? 0) > 0 ? 1 : 0));
    return new ArraySequence(x, y, 2);
  });
}

/** A 1-layer float64 model for previousSumData, initialised from seed 3. */
export function tinyModel(cell: CellType, hiddenSize: number): SequenceModel {
  const m = new SequenceModel(
    { cell, inputSize: 2, hiddenSize, layers: 1, bidirectional: false, peepholes: false, outputSize: 2 },
    createPlainBackend("float64"),
  );
  initializeModel(m, new Rng(3));
  return m;
}
