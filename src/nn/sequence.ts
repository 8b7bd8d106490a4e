/**
 * Exact BPTT over whole sequences (no truncation): the reference computation that
 * the finite-difference checks test, and the building block the TBPTT oracle reuses.
 * B sequences of possibly unequal length run side by side; a shorter one is masked
 * after its end.
 */
import { assertFinite } from "../core/types.js";
import type { SequenceModel } from "./model.js";

/** Whole sequences, one per stream, for exact BPTT over each (`sequenceLossAndGradient`). */
export interface SequenceBatch {
  /** Per stream: T_b × I features, row-major (or give `symbols` instead). */
  inputs?: ArrayLike<number>[];
  /** Per stream: T_b symbols of one-hot inputs (−1: all zeros), read as a lookup (input.ts). */
  symbols?: ArrayLike<number>[];
  /** Per stream: T_b labels (−1: no loss at that step; ≥ 0 marks a target for a real-valued head). */
  labels: ArrayLike<number>[];
  /** Per stream: T_b × D real-valued targets, row-major (for a head that reads them). */
  targets?: ArrayLike<number>[];
}

/** Writes a batch into the model's tape (slots 0..T−1, all streams reset at slot 0). */
export function loadBatch(model: SequenceModel, batch: SequenceBatch): number {
  const { inputs: features, symbols } = batch;
  if ((features === undefined) === (symbols === undefined))
    throw new Error("batch: give either inputs (features) or symbols (one-hot inputs), not both or neither");
  const B = batch.labels.length;
  const I = model.config.inputSize;
  const given = (features ?? symbols) as ArrayLike<number>[];
  if (given.length !== B) throw new Error(`batch: ${given.length} input streams but ${B} label streams`);
  const width = features ? I : 1;
  let T = 0;
  for (let b = 0; b < B; b++) {
    const steps = (batch.labels[b] as ArrayLike<number>).length;
    const inputs = given[b] as ArrayLike<number>;
    if (inputs.length !== steps * width) {
      throw new Error(
        `batch stream ${b}: ${steps} labels need ${steps * width} input values (${width} per step), got ${inputs.length}`,
      );
    }
    assertFinite(inputs, `batch stream ${b} inputs`);
    if (symbols)
      for (let t = 0; t < steps; t++) {
        const v = inputs[t] as number;
        if (!(Number.isInteger(v) && v >= -1 && v < I))
          throw new Error(
            `batch stream ${b}: input symbol ${v} at step ${t}, expected an integer in [−1, ${I})`,
          );
      }
    T = Math.max(T, steps);
  }
  if (T === 0) throw new Error("batch: every sequence is empty");
  const D = model.head.targetSize;
  if (D > 0) {
    batch.labels.forEach((labels, b) => {
      const n = batch.targets?.[b]?.length;
      if (n !== labels.length * D)
        throw new Error(
          `batch stream ${b}: the model's output needs ${labels.length * D} target values (${D} per step), got ${n ?? "none"}`,
        );
    });
  }
  model.useInputs(symbols ? "index" : "dense");
  model.configure(Math.max(T, model.tape?.capacity ?? 0), B, 1);
  const { tape } = model;
  tape.reset.fill(0);
  tape.active.fill(0);
  tape.labels.fill(-1);
  tape.stop.fill(0);
  if (symbols) model.inputIds.fill(-1);
  else model.inputs.fill(0);
  for (let b = 0; b < B; b++) {
    const labels = batch.labels[b] as ArrayLike<number>;
    const inputs = given[b] as ArrayLike<number>;
    tape.reset[b] = 1;
    for (let t = 0; t < labels.length; t++) {
      tape.active[t * B + b] = 1;
      tape.labels[t * B + b] = labels[t] as number;
      if (symbols) model.inputIds[t * B + b] = inputs[t] as number;
      else for (let i = 0; i < I; i++) model.inputs[(t * B + b) * I + i] = inputs[t * I + i] as number;
      const targets = batch.targets?.[b];
      if (D > 0 && targets)
        for (let d = 0; d < D; d++) tape.targets[(t * B + b) * D + d] = targets[t * D + d] as number;
    }
  }
  return T;
}

/** Σ L over the batch; gradients of that sum are accumulated into model.grads. */
export function sequenceLossAndGradient(model: SequenceModel, batch: SequenceBatch): number {
  const T = loadBatch(model, batch);
  const run = { first: 0, count: T };
  const loss = model.forward(run);
  model.backward([run], [run], 1);
  return loss;
}

/** Σ L over the batch, forward only. */
export function sequenceLoss(model: SequenceModel, batch: SequenceBatch): number {
  const T = loadBatch(model, batch);
  return model.forward({ first: 0, count: T });
}
