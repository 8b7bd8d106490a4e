/**
 * The TBPTT oracle: a slow reference written straight from the contract (docs/schedule.md),
 * sharing nothing with the engine and its planner but the model's layers (whose
 * exact BPTT the finite-difference checks prove). It stores every step, and for
 * every update, for every loss in it, runs an independent backward pass through
 * exactly that loss's allowed steps, then sums. Cost: O(losses × k2) backward steps.
 * Use it to check the engine (test/engine), never to train.
 *
 * outputUpdate "step" (docs/rnnlm.md), from its definition: after every step the output
 * layer moves by the gradient of that step's losses alone, and the error each loss sends
 * into the network is taken at that moment; at the update each loss's stored error is
 * back-propagated, alone, through its allowed steps.
 */
import type { SequenceModel } from "../nn/model.js";
import { checkTargets, type SequenceLike } from "./engine.js";
import type { Schedule } from "./schedule.js";

interface Step {
  sequence: number;
  position: number;
  reset: boolean;
}

/** Lays sequences onto B streams, one row per clock tick (null: the stream is masked). */
function layOut(schedule: Schedule, B: number, lengths: readonly number[]): (Step | null)[][] {
  const rows: (Step | null)[][] = [];
  const counts = new Array(B).fill(0);
  const resetAt = (b: number, position: number): boolean => {
    const { reset } = schedule;
    if (reset === "sequence") return position === 0;
    if (reset === "never") return counts[b] === 0;
    return counts[b] % reset.every === 0;
  };
  if (schedule.layout === "aligned") {
    // "B sequences start together; each stream is masked after its sequence ends."
    for (let first = 0; first < lengths.length; first += B) {
      let longest = 0;
      for (let b = 0; b < B && first + b < lengths.length; b++)
        longest = Math.max(longest, lengths[first + b] as number);
      for (let p = 0; p < longest; p++) {
        const row: (Step | null)[] = [];
        for (let b = 0; b < B; b++) {
          const seq = first + b;
          if (seq < lengths.length && p < (lengths[seq] as number)) {
            row.push({ sequence: seq, position: p, reset: resetAt(b, p) });
            counts[b]++;
          } else row.push(null);
        }
        rows.push(row);
      }
    }
  } else {
    // "A stream takes its next sequence as soon as its last one ends."
    const cur = Array.from({ length: B }, () => ({ seq: -1, pos: 0 }));
    let next = 0;
    for (;;) {
      for (let b = 0; b < B; b++) {
        const c = cur[b] as { seq: number; pos: number };
        if (c.seq < 0 || c.pos >= (lengths[c.seq] as number)) {
          c.seq = next < lengths.length ? next++ : -1;
          c.pos = 0;
        }
      }
      if (cur.every((c) => c.seq < 0)) break;
      const row: (Step | null)[] = [];
      for (let b = 0; b < B; b++) {
        const c = cur[b] as { seq: number; pos: number };
        if (c.seq < 0) {
          row.push(null);
          continue;
        }
        row.push({ sequence: c.seq, position: c.pos, reset: resetAt(b, c.pos) });
        counts[b]++;
        c.pos++;
      }
      rows.push(row);
    }
  }
  return rows;
}

/** The update times t: every k1 steps, at reset points (aligned, flush on), and at the end. */
function updateTimes(schedule: Schedule, rows: (Step | null)[][]): number[] {
  const times: number[] = [];
  let since = 0;
  for (let t = 0; t < rows.length; t++) {
    since++;
    const last = t === rows.length - 1;
    const resetNext = !last && (rows[t + 1] as (Step | null)[]).some((s) => s?.reset);
    if (last || since === schedule.k1 || (schedule.layout === "aligned" && schedule.flush && resetNext)) {
      times.push(t);
      since = 0;
    }
  }
  return times;
}

/** Options of `trainWithOracle`. */
export interface OracleOptions {
  /** Plain SGD step size between updates. */
  learningRate: number;
  /** Stop after this many updates. */
  maxUpdates?: number;
}

/**
 * Trains `model` (float64 recommended) by the schedule with plain SGD, the slow way.
 * Returns the number of updates made.
 */
export function trainWithOracle(
  model: SequenceModel,
  schedule: Schedule,
  streams: number,
  sequences: readonly SequenceLike[],
  options: OracleOptions,
): number {
  const B = streams;
  const rows = layOut(
    schedule,
    B,
    sequences.map((s) => s.length),
  );
  const T = rows.length;
  const I = model.config.inputSize;
  checkTargets(model, sequences);
  // The reference reads every input as dense rows, one-hot or not (writeInput).
  model.useInputs("dense");
  model.configure(T, B, 1);
  model.clearState();
  const { tape } = model;
  tape.stop.fill(0);
  // Every step is stored: slot = time.
  rows.forEach((row, t) => {
    row.forEach((step, b) => {
      const i = t * B + b;
      tape.active[i] = step ? 1 : 0;
      tape.reset[i] = step?.reset ? 1 : 0;
      const seq = step ? (sequences[step.sequence] as SequenceLike) : null;
      tape.labels[i] = step && seq ? seq.label(step.position) : -1;
      if (step && seq) seq.writeInput(step.position, model.inputs, i * I);
      else model.inputs.fill(0, i * I, (i + 1) * I);
      const D = tape.targetSize;
      if (step && seq?.writeTarget && (tape.labels[i] as number) >= 0)
        seq.writeTarget(step.position, tape.targets, i * D);
    });
  });
  const lastReset = (b: number, s: number): number => {
    for (let r = s; r >= 0; r--) if ((rows[r] as (Step | null)[])[b]?.reset) return r;
    return 0;
  };
  const { k1, k2 } = schedule;
  const perStep = schedule.outputUpdate === "step";
  const F = model.top.outputSize;
  // outputUpdate "step": every loss's error into the top layer (slot = time, one lane), and
  // a buffer that injects one of them alone.
  const errors = perStep ? new Float64Array(T * B * F) : null;
  const single = perStep ? new Float64Array(T * B * F) : null;
  const out = model.outputParams;
  let previous = -1;
  let updates = 0;
  for (const t of updateTimes(schedule, rows)) {
    if (options.maxUpdates !== undefined && updates >= options.maxUpdates) break;
    // Forward the update's own steps with the current parameters.
    if (errors) {
      for (let s = previous + 1; s <= t; s++) {
        model.forward({ first: s, count: 1 });
        model.zeroGrads();
        model.outputStep(s, errors);
        let n = 0;
        for (let b = 0; b < B; b++)
          if (tape.active[s * B + b] === 1 && (tape.labels[s * B + b] as number) >= 0) n++;
        // "after every step the output layer moves by the gradient of that step's losses"
        const step = options.learningRate * (schedule.reduction === "mean" && n > 0 ? 1 / n : 1);
        for (let i = out.offset; i < out.offset + out.length; i++)
          model.params[i] -= step * (model.grads[i] as number);
      }
    } else model.forward({ first: previous + 1, count: t - previous });
    const losses: [number, number][] = [];
    for (let s = previous + 1; s <= t; s++) {
      for (let b = 0; b < B; b++)
        if (tape.active[s * B + b] === 1 && (tape.labels[s * B + b] as number) >= 0) losses.push([s, b]);
    }
    const scale = schedule.reduction === "mean" && losses.length > 0 ? 1 / losses.length : 1;
    model.zeroGrads();
    for (const [s, b] of losses) {
      // The steps this loss may back-propagate through.
      let start: number;
      if (schedule.truncation === "window") {
        // "max(t'+1-(k2-k1), reset) … t", the state entering the first held constant
        start =
          k2 === Number.POSITIVE_INFINITY
            ? lastReset(b, s)
            : Math.max(previous + 1 - (k2 - k1), lastReset(b, s));
      } else {
        // "exactly its own last k2 steps (s-k2+1 … s, cut at a reset)"
        start = k2 === Number.POSITIVE_INFINITY ? lastReset(b, s) : Math.max(s - k2 + 1, lastReset(b, s));
      }
      start = Math.max(start, 0);
      // An independent backward pass: only this loss, only these steps, only this stream.
      const savedLabels = Int32Array.from(tape.labels.subarray(s * B, (s + 1) * B));
      for (let other = 0; other < B; other++) if (other !== b) tape.labels[s * B + other] = -1;
      tape.stop[start * B + b] = 1;
      // A bidirectional net's loss at s also depends on every later step of the sequence
      // (its reverse direction), which the update's own steps reach to.
      const end = model.config.bidirectional ? t : s;
      if (errors && single) {
        // The error this loss sent into the network when step s was forwarded, alone.
        const row = (s * B + b) * F;
        single.set(errors.subarray(row, row + F), row);
        model.backward([{ first: start, count: end - start + 1 }], [{ first: s, count: 1 }], scale, single);
        single.fill(0, row, row + F);
      } else {
        model.backward([{ first: start, count: end - start + 1 }], [{ first: s, count: 1 }], scale);
      }
      tape.stop[start * B + b] = 0;
      tape.labels.set(savedLabels, s * B);
    }
    for (let i = 0; i < model.params.length; i++)
      model.params[i] -= options.learningRate * (model.grads[i] as number);
    model.zeroGrads();
    previous = t;
    updates++;
  }
  return updates;
}
