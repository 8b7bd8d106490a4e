// Shared by the online tests: small random float64 models and data, and every update's
// gradient from the TBPTT engine or the online engine, with the parameters held fixed.
import { createPlainBackend } from "../../src/core/plain.js";
import { Rng } from "../../src/core/random.js";
import { ArraySequence } from "../../src/engine/array-sequence.js";
import { Engine } from "../../src/engine/engine.js";
import type { Schedule } from "../../src/engine/schedule.js";
import type { CellType } from "../../src/nn/cell.js";
import type { OutputConfig } from "../../src/nn/head.js";
import { initializeModel } from "../../src/nn/initialize.js";
import { SequenceModel } from "../../src/nn/model.js";
import type { Nonlinearity } from "../../src/nn/recurrent.js";
import { OnlineEngine } from "../../src/online/online-engine.js";

export interface NetCase {
  cell: CellType;
  nonlinearity?: Nonlinearity;
  peepholes?: boolean;
  projSize?: number;
  layers: number;
  bidirectional?: boolean;
  hidden: number;
  inputSize: number;
  classes: number;
  output?: OutputConfig;
  seed: number;
}

export function makeModel(c: NetCase): SequenceModel {
  const model = new SequenceModel(
    {
      cell: c.cell,
      nonlinearity: c.nonlinearity,
      inputSize: c.inputSize,
      hiddenSize: c.hidden,
      layers: c.layers,
      bidirectional: c.bidirectional ?? false,
      peepholes: c.peepholes ?? false,
      projSize: c.projSize ?? 0,
      outputSize: c.classes,
      output: c.output,
    },
    createPlainBackend("float64"),
  );
  initializeModel(model, new Rng(c.seed), { scheme: "uniform", range: 0.5 });
  return model;
}

/** Random inputs in [−1, 1), labels uniform over the classes, a share of steps without a loss. */
export function randomSequences(
  rng: Rng,
  lengths: readonly number[],
  inputSize: number,
  classes: number,
  maskRate: number,
  targetSize = 0,
): ArraySequence[] {
  return lengths.map(
    (T) =>
      new ArraySequence(
        Array.from({ length: T * inputSize }, () => rng.uniform(-1, 1)),
        Array.from({ length: T }, () => (rng.next() < maskRate ? -1 : targetSize > 0 ? 0 : rng.int(classes))),
        inputSize,
        targetSize > 0 ? Array.from({ length: T * targetSize }, () => rng.uniform(-1, 1)) : null,
      ),
  );
}

/** Every update's gradient (a copy) with the parameters never changed. */
export function gradientsOf(
  engine: Engine | OnlineEngine,
  sequences: readonly ArraySequence[],
): { grads: Float64Array[]; losses: number[] } {
  const grads: Float64Array[] = [];
  const losses: number[] = [];
  for (const u of engine.updates(sequences)) {
    grads.push(Float64Array.from(u.grads));
    losses.push(u.record.lossSum);
  }
  return { grads, losses };
}

/** The engine's and RTRL's gradients of every update on the same model, data and schedule. */
export function engineAndRtrl(
  model: SequenceModel,
  schedule: Schedule,
  streams: number,
  sequences: readonly ArraySequence[],
) {
  const reference = gradientsOf(new Engine(model, { ...schedule, algorithm: "tbptt" }, streams), sequences);
  const rtrl = gradientsOf(new OnlineEngine(model, { ...schedule, algorithm: "rtrl" }, streams), sequences);
  return { reference, rtrl };
}

/** The largest, over updates, of ‖a − b‖ / ‖b‖ (‖a − b‖ where b = 0). */
export function worstRelative(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  if (a.length !== b.length) throw new Error(`${a.length} updates against ${b.length}`);
  let worst = 0;
  a.forEach((x, u) => {
    const y = b[u] as Float64Array;
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < y.length; i++) {
      diff += ((x[i] as number) - (y[i] as number)) ** 2;
      norm += (y[i] as number) ** 2;
    }
    worst = Math.max(worst, norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm));
  });
  return worst;
}

/** The same sequence with one label, at its last step (a per-sequence output). */
export function lastLabelOnly(s: ArraySequence): ArraySequence {
  const labels = Array.from({ length: s.length }, (_, t) =>
    t === s.length - 1 ? Math.max(0, s.label(t)) : -1,
  );
  return new ArraySequence(s.features, labels, s.inputSize, s.targetSize > 0 ? s.targets : null);
}
