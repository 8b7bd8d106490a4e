// An independent float64 reference for `tbptt gradient`'s truncation-bias figures,
// written from the definitions (docs/gradient.md and docs/schedule.md) in the style of the
// TBPTT oracle, sharing no code with src/gradient or with the engine and its planner:
// it lays the data out on the streams itself, finds the update times itself, forwards
// every step once (the parameters never change), and for every sampled update and every
// loss runs an independent backward pass through exactly that loss's allowed steps —
// once for full BPTT (back to the last reset), once per measured k2 — then compares the
// sums update by update. Slow on purpose: O(losses × history) backward steps per k2.
import { Rng } from "../../src/core/random.js";
import type { SequenceLike } from "../../src/engine/engine.js";
import type { Schedule } from "../../src/engine/schedule.js";
import type { SequenceModel } from "../../src/nn/model.js";

interface Step {
  sequence: number;
  position: number;
  reset: boolean;
}

/** B streams, one row per clock tick (null: masked), as the contract's streams do (docs/schedule.md). */
function streamsOf(schedule: Schedule, B: number, lengths: readonly number[]): (Step | null)[][] {
  const counted = new Array(B).fill(0); // active steps per stream (for reset every N)
  const isReset = (b: number, position: number) =>
    schedule.reset === "sequence"
      ? position === 0
      : schedule.reset === "never"
        ? counted[b] === 0
        : counted[b] % schedule.reset.every === 0;
  const rows: (Step | null)[][] = [];
  if (schedule.layout === "aligned") {
    for (let first = 0; first < lengths.length; first += B) {
      const group = lengths.slice(first, first + B);
      const longest = Math.max(...group);
      for (let p = 0; p < longest; p++) {
        rows.push(
          Array.from({ length: B }, (_, b) => {
            if (b >= group.length || p >= (group[b] as number)) return null;
            const step = { sequence: first + b, position: p, reset: isReset(b, p) };
            counted[b]++;
            return step;
          }),
        );
      }
    }
    return rows;
  }
  const at = Array.from({ length: B }, () => ({ sequence: -1, position: 0 }));
  let handed = 0;
  for (;;) {
    for (const s of at) {
      if (s.sequence < 0 || s.position >= (lengths[s.sequence] as number)) {
        s.sequence = handed < lengths.length ? handed++ : -1;
        s.position = 0;
      }
    }
    if (at.every((s) => s.sequence < 0)) return rows;
    rows.push(
      at.map((s, b) => {
        if (s.sequence < 0) return null;
        const step = { sequence: s.sequence, position: s.position, reset: isReset(b, s.position) };
        counted[b]++;
        s.position++;
        return step;
      }),
    );
  }
}

/** Update times: every k1 ticks, before a reset point (aligned, flush), and at the end. */
function updateEnds(schedule: Schedule, rows: (Step | null)[][]): number[] {
  const ends: number[] = [];
  let since = 0;
  rows.forEach((_, t) => {
    since++;
    const end = t === rows.length - 1;
    const flush =
      schedule.layout === "aligned" && schedule.flush && !end && (rows[t + 1] ?? []).some((s) => s?.reset);
    if (end || since === schedule.k1 || flush) {
      ends.push(t);
      since = 0;
    }
  });
  return ends;
}

export interface ReferenceFigures {
  /** Per k2, per update with losses: cosine and relative error against full BPTT. */
  cosine: number[][];
  relativeError: number[][];
  /** Per k2: the share of the summed gradient from lags ≥ k2, by projection and by norm. */
  share: number[];
  normShare: number[];
}

export function referenceBias(
  model: SequenceModel,
  sequences: readonly SequenceLike[],
  schedule: Schedule,
  B: number,
  updates: number,
  seed: number,
  k2s: readonly number[],
  keepOrder = false,
): ReferenceFigures {
  // The order: a seeded shuffle where every sequence starts from a reset, else as given.
  const order = sequences.map((_, i) => i);
  if (schedule.reset === "sequence" && !keepOrder) new Rng(seed).shuffle(order);
  const data = order.map((i) => sequences[i] as SequenceLike);
  const rows = streamsOf(
    schedule,
    B,
    data.map((s) => s.length),
  );
  const ends = updateEnds(schedule, rows).slice(0, updates);
  const T = rows.length;
  const I = model.config.inputSize;
  model.configure(T, B, 1);
  model.clearState();
  const { tape } = model;
  tape.stop.fill(0);
  rows.forEach((row, t) => {
    row.forEach((step, b) => {
      const r = t * B + b;
      tape.active[r] = step ? 1 : 0;
      tape.reset[r] = step?.reset ? 1 : 0;
      tape.labels[r] = step ? (data[step.sequence] as SequenceLike).label(step.position) : -1;
      if (step) (data[step.sequence] as SequenceLike).writeInput(step.position, model.inputs, r * I);
      else model.inputs.fill(0, r * I, (r + 1) * I);
    });
  });
  model.forward({ first: 0, count: T });
  const lastReset = (b: number, s: number) => {
    for (let t = s; t >= 0; t--) if ((rows[t] as (Step | null)[])[b]?.reset) return t;
    return 0;
  };
  const P = model.params.length;
  /** Σ over `losses` of ∇L_s through the steps start(s, b) … s, times `scale`. */
  const gradientOf = (losses: [number, number][], start: (s: number, b: number) => number, scale: number) => {
    model.zeroGrads();
    for (const [s, b] of losses) {
      const from = Math.max(0, start(s, b));
      const labels = Int32Array.from(tape.labels.subarray(s * B, (s + 1) * B));
      for (let other = 0; other < B; other++) if (other !== b) tape.labels[s * B + other] = -1;
      tape.stop[from * B + b] = 1;
      model.backward([{ first: from, count: s - from + 1 }], [{ first: s, count: 1 }], scale);
      tape.stop[from * B + b] = 0;
      tape.labels.set(labels, s * B);
    }
    return Float64Array.from(model.grads);
  };
  const perLoss = (k2: number) => (s: number, b: number) => Math.max(s - k2 + 1, lastReset(b, s));
  const out: ReferenceFigures = {
    cosine: k2s.map(() => []),
    relativeError: k2s.map(() => []),
    share: [],
    normShare: [],
  };
  const fullSum = new Float64Array(P);
  const truncatedSums = k2s.map(() => new Float64Array(P));
  let previous = -1;
  for (const t of ends) {
    const losses: [number, number][] = [];
    for (let s = previous + 1; s <= t; s++)
      for (let b = 0; b < B; b++)
        if (tape.active[s * B + b] === 1 && (tape.labels[s * B + b] as number) >= 0) losses.push([s, b]);
    const scale = schedule.reduction === "mean" && losses.length > 0 ? 1 / losses.length : 1;
    const full = gradientOf(losses, (s, b) => lastReset(b, s), scale);
    const unscaled = gradientOf(losses, (s, b) => lastReset(b, s), 1);
    for (let i = 0; i < P; i++) fullSum[i] += unscaled[i] as number;
    const windowStart = previous + 1;
    k2s.forEach((k2, row) => {
      // Window truncation cannot have k2 < k1: then each loss goes back k2 steps (per-loss).
      const window = schedule.truncation === "window" && k2 >= schedule.k1;
      const start = window
        ? (s: number, b: number) => Math.max(windowStart - (k2 - schedule.k1), lastReset(b, s))
        : perLoss(k2);
      const g = gradientOf(losses, start, scale);
      const lagged = gradientOf(losses, perLoss(k2), 1);
      for (let i = 0; i < P; i++) (truncatedSums[row] as Float64Array)[i] += lagged[i] as number;
      if (losses.length === 0) return;
      let gf = 0;
      let gg = 0;
      let ff = 0;
      let dd = 0;
      for (let i = 0; i < P; i++) {
        gf += (g[i] as number) * (full[i] as number);
        gg += (g[i] as number) ** 2;
        ff += (full[i] as number) ** 2;
        dd += ((g[i] as number) - (full[i] as number)) ** 2;
      }
      (out.cosine[row] as number[]).push(gf / Math.sqrt(gg * ff));
      (out.relativeError[row] as number[]).push(Math.sqrt(dd / ff));
    });
    previous = t;
  }
  let GG = 0;
  for (let i = 0; i < P; i++) GG += (fullSum[i] as number) ** 2;
  for (const sum of truncatedSums) {
    let projection = 0;
    let rest = 0;
    for (let i = 0; i < P; i++) {
      const beyond = (fullSum[i] as number) - (sum[i] as number);
      projection += beyond * (fullSum[i] as number);
      rest += beyond * beyond;
    }
    out.share.push(projection / GG);
    out.normShare.push(Math.sqrt(rest / GG));
  }
  return out;
}
