/**
 * The planner: what a TBPTT(k1, k2) schedule does to a set of sequences, without a
 * model. It lays the sequences onto B streams (aligned or packed), marks reset points,
 * decides when updates happen, and for each update which steps every stream's backward
 * pass covers (docs/schedule.md).
 * The engine executes these plans with a model; `tbptt schedule` prints them.
 *
 * Time: one clock for all streams, steps 0, 1, 2, …; t is an update's last step and
 * t' the previous update's (−1 before the first).
 */
import type { Schedule } from "./schedule.js";

/** A stream's step at one tick: which sequence, which position, and whether the state resets there. */
export interface StreamStep {
  sequence: number;
  position: number;
  /** The state entering this step is s_0: a reset point. */
  reset: boolean;
}

/** One time step of the B streams. */
export interface Tick {
  time: number;
  /** Per stream: its step, or null where the stream is masked (no data). */
  steps: (StreamStep | null)[];
}

/**
 * One update of a schedule: its forward steps and, per stream and loss, how far its backward pass
 * reaches.
 */
export interface UpdatePlan {
  index: number;
  /** t: the last step of this update. */
  time: number;
  /** t': the last step of the previous update (−1 for the first). */
  previousTime: number;
  /** The forward steps (t', t]. */
  ticks: Tick[];
  /** Per stream, the first step of its backward sweep (window truncation), or its earliest loss start (per-loss). */
  windowStart: number[];
  /**
   * Per tick of this update and stream (k·B + b), the first step the loss at that step
   * back-propagates through; −1 where the stream has no step. For window truncation
   * this is max(windowStart, the step's last reset), for per-loss max(s − k2 + 1, reset).
   */
  lossStart: Int32Array;
  /** The earliest step any stream's sweep needs. */
  sweepStart: number;
  /** Backward step evaluations: the sweep's length (window) or Σ over losses of their spans (per-loss); the maximum over streams. */
  backwardSteps: number;
  /** Steps that must be stored for this update: t − sweepStart + 1. */
  storedSteps: number;
}

/** The planner's position, enough to continue a plan exactly (checkpoints). */
export interface PlannerPosition {
  nextTime: number;
  previousUpdate: number;
  updates: number;
  nextSequence: number;
  streams: { sequence: number; position: number; count: number }[];
  batchStart: number;
  batchLength: number;
}

/**
 * Turns a schedule and sequences on B streams into update plans: which steps, which resets, which
 * backward windows (the engine executes them).
 */
export class Planner {
  private readonly streams: number;
  private readonly lengths: readonly number[];
  private time = 0;
  private previousUpdate = -1;
  private updates = 0;
  /** Next sequence to hand out (packed) or first sequence of the next batch (aligned). */
  private nextSequence = 0;
  /** Per stream: current sequence (−1 none), position in it, and active steps so far (for every: N). */
  private current: { sequence: number; position: number; count: number }[];
  /** Aligned: the batch's first tick and its length. */
  private batchStart = 0;
  private batchLength = 0;
  /** Per stream: the reset times that may still bound a window, ascending. */
  private resets: number[][];
  private lookahead: Tick | null = null;
  /** The position before the lookahead tick was made (what a checkpoint must record). */
  private beforeLookahead: PlannerPosition | null = null;

  constructor(
    readonly schedule: Schedule,
    streams: number,
    lengths: readonly number[],
  ) {
    if (!Number.isInteger(streams) || streams < 1)
      throw new Error(`streams: expected an integer ≥ 1, got ${streams}`);
    lengths.forEach((n, i) => {
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`sequence ${i}: expected at least one step, got length ${n}`);
    });
    this.streams = streams;
    this.lengths = lengths;
    this.current = Array.from({ length: streams }, () => ({ sequence: -1, position: 0, count: 0 }));
    this.resets = Array.from({ length: streams }, () => []);
  }

  /** The longest stretch of steps any update can need stored: the engine's ring size. */
  capacity(): number {
    const { k1, k2, truncation, reset, layout, flush } = this.schedule;
    const longest = this.lengths.reduce((a, b) => Math.max(a, b), 1);
    const clock = layout === "aligned" ? this.alignedTotal() : this.packedTotal();
    // The span back to the last reset, in ticks: a sequence, a segment of N active steps, or everything.
    // Aligned streams are masked between their sequences without counting toward N, so there a
    // segment can outlast N ticks; packed streams are never masked before their data ends.
    const span =
      reset === "sequence"
        ? longest
        : reset === "never"
          ? clock
          : layout === "aligned"
            ? this.longestSegment(reset.every)
            : Math.min(reset.every, clock);
    // Aligned and flushed, every update ends before a reset point. With a reset at each
    // sequence (all streams together at a batch start) or with one stream (no masked steps,
    // so `every: N` resets are N ticks apart), every update and every window then lie inside
    // one reset segment of at most `span` steps. (With B > 1 and every: N, masked streams
    // can delay a stream's reset, so a segment is not bounded by N ticks.)
    const withinSegments = layout === "aligned" && flush && (reset === "sequence" || this.streams === 1);
    // The longest update: k1 steps, or up to the next reset (within segments), or all the data.
    const chunk = Number.isFinite(k1) ? k1 : withinSegments ? span : clock;
    let bound: number;
    if (k2 === Number.POSITIVE_INFINITY) bound = withinSegments ? span : span + chunk;
    else if (truncation === "window") bound = k2;
    else bound = chunk + k2 - 1;
    if (withinSegments) bound = Math.min(bound, span);
    return Math.max(1, Math.min(bound, clock));
  }

  /**
   * Aligned layout, reset every N: the most ticks from a stream's reset to its last active
   * step before its next reset (masked ticks in between count on the clock, not toward N).
   */
  private longestSegment(every: number): number {
    const B = this.streams;
    const count = new Array<number>(B).fill(0);
    const segmentStart = new Array<number>(B).fill(0);
    let longest = 1;
    let time = 0;
    for (let first = 0; first < this.lengths.length; first += B) {
      let batch = 0;
      for (let b = 0; b < B && first + b < this.lengths.length; b++) {
        const length = this.lengths[first + b] as number;
        batch = Math.max(batch, length);
        // The stream is active at ticks time … time + length − 1, in runs between its resets.
        for (let tick = time, left = length; left > 0; ) {
          const done = count[b] as number;
          if (done % every === 0) segmentStart[b] = tick;
          const run = Math.min(left, every - (done % every));
          longest = Math.max(longest, tick + run - (segmentStart[b] as number));
          count[b] = done + run;
          tick += run;
          left -= run;
        }
      }
      time += batch;
    }
    return longest;
  }

  /**
   * Ticks of the packed layout: each sequence goes, in order, to the stream that frees
   * first (the lowest index on a tie), as next() hands them out.
   */
  private packedTotal(): number {
    const ends = new Array<number>(this.streams).fill(0);
    for (const length of this.lengths) {
      let first = 0;
      for (let b = 1; b < this.streams; b++) if ((ends[b] as number) < (ends[first] as number)) first = b;
      ends[first] = (ends[first] as number) + length;
    }
    return Math.max(...ends);
  }

  private alignedTotal(): number {
    let total = 0;
    for (let i = 0; i < this.lengths.length; i += this.streams) {
      total += Math.max(...this.lengths.slice(i, i + this.streams));
    }
    return total;
  }

  /** The next update's plan, or null at the end of the data. */
  next(): UpdatePlan | null {
    const { k1 } = this.schedule;
    const ticks: Tick[] = [];
    for (;;) {
      const tick = this.takeTick();
      if (!tick) break;
      ticks.push(tick);
      const following = this.peekTick();
      if (!following) break; // end of the data: always update
      if (ticks.length >= k1) break;
      if (this.schedule.layout === "aligned" && this.schedule.flush && following.steps.some((s) => s?.reset))
        break;
    }
    if (ticks.length === 0) return null;
    return this.plan(ticks);
  }

  /** Where the plan stands between updates: enough to continue it exactly. */
  position(): PlannerPosition {
    // The lookahead tick moved the streams on; the update counters are current.
    if (this.beforeLookahead) {
      return {
        ...structuredClone(this.beforeLookahead),
        previousUpdate: this.previousUpdate,
        updates: this.updates,
      };
    }
    return this.snapshot();
  }

  /**
   * Whether a run restored at this position continues exactly: no later window reaches
   * back before it. True where every stream's next step starts afresh (a reset, or no
   * data), or where windows have no history (window truncation with k2 = k1).
   */
  resumable(): boolean {
    const { truncation, k1, k2, reset, layout } = this.schedule;
    if (truncation === "window" && Number.isFinite(k2) && k2 === k1) return true;
    const next = this.peekTick();
    // A stream without data next resumes, if ever, with a reset (reset at each sequence) or
    // never (packed); in the aligned layout with every: N or never it may resume without
    // one, its window reaching back over its masked ticks to before this position.
    return !next || next.steps.every((s) => (s ? s.reset : reset === "sequence" || layout === "packed"));
  }

  private snapshot(): PlannerPosition {
    return {
      nextTime: this.time,
      previousUpdate: this.previousUpdate,
      updates: this.updates,
      nextSequence: this.nextSequence,
      streams: this.current.map((c) => ({ ...c })),
      batchStart: this.batchStart,
      batchLength: this.batchLength,
    };
  }

  /** Continues from a saved position. Windows never reach back past it: valid where no history is needed. */
  restore(p: PlannerPosition): void {
    this.time = p.nextTime;
    this.previousUpdate = p.previousUpdate;
    this.updates = p.updates;
    this.nextSequence = p.nextSequence;
    this.current = p.streams.map((c) => ({ ...c }));
    this.batchStart = p.batchStart;
    this.batchLength = p.batchLength;
    this.lookahead = null;
    this.beforeLookahead = null;
    this.resets = Array.from({ length: this.streams }, () => []);
  }

  private peekTick(): Tick | null {
    if (!this.lookahead) {
      this.beforeLookahead = this.snapshot();
      this.lookahead = this.makeTick();
    }
    return this.lookahead;
  }

  private takeTick(): Tick | null {
    const tick = this.peekTick();
    this.lookahead = null;
    this.beforeLookahead = null;
    if (tick) {
      tick.steps.forEach((s, b) => {
        if (s?.reset) (this.resets[b] as number[]).push(tick.time);
      });
    }
    return tick;
  }

  /** Builds the tick at this.time, advancing the stream positions. */
  private makeTick(): Tick | null {
    const B = this.streams;
    if (this.schedule.layout === "aligned") {
      if (this.time >= this.batchStart + this.batchLength) {
        // The next B sequences start together.
        if (this.nextSequence >= this.lengths.length) return null;
        this.batchStart = this.time;
        this.batchLength = 0;
        for (let b = 0; b < B; b++) {
          const seq = this.nextSequence + b;
          const c = this.current[b] as { sequence: number; position: number; count: number };
          c.sequence = seq < this.lengths.length ? seq : -1;
          c.position = 0;
          if (c.sequence >= 0) this.batchLength = Math.max(this.batchLength, this.lengths[seq] as number);
        }
        this.nextSequence += B;
      }
    } else {
      for (let b = 0; b < B; b++) {
        const c = this.current[b] as { sequence: number; position: number; count: number };
        if (c.sequence >= 0 && c.position < (this.lengths[c.sequence] as number)) continue;
        // A stream takes its next sequence as soon as its last one ends.
        if (this.nextSequence < this.lengths.length) {
          c.sequence = this.nextSequence++;
          c.position = 0;
        } else c.sequence = -1;
      }
      if (this.current.every((c) => c.sequence < 0)) return null;
    }
    const steps: (StreamStep | null)[] = [];
    for (let b = 0; b < B; b++) {
      const c = this.current[b] as { sequence: number; position: number; count: number };
      if (c.sequence < 0 || c.position >= (this.lengths[c.sequence] as number)) {
        steps.push(null);
        continue;
      }
      const { reset } = this.schedule;
      const isReset =
        reset === "sequence"
          ? c.position === 0
          : reset === "never"
            ? c.count === 0
            : c.count % reset.every === 0;
      steps.push({ sequence: c.sequence, position: c.position, reset: isReset });
      c.position++;
      c.count++;
    }
    return { time: this.time++, steps };
  }

  /** The latest reset of stream b at or before `time`, or −1. */
  private lastReset(b: number, time: number): number {
    const list = this.resets[b] as number[];
    for (let i = list.length - 1; i >= 0; i--) if ((list[i] as number) <= time) return list[i] as number;
    return -1;
  }

  private plan(ticks: Tick[]): UpdatePlan {
    const { k1, k2, truncation } = this.schedule;
    const B = this.streams;
    const t = (ticks[ticks.length - 1] as Tick).time;
    const tPrev = this.previousUpdate;
    const lossStart = new Int32Array(ticks.length * B).fill(-1);
    const windowStart: number[] = new Array(B).fill(-1);
    let sweepStart = t;
    let backwardSteps = 0;
    for (let b = 0; b < B; b++) {
      // Window truncation: the update's own steps plus k2 − k1 steps of history, cut at resets.
      const history = k2 === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : k2 - k1;
      const windowFloor = history === Number.POSITIVE_INFINITY ? -1 : tPrev + 1 - history;
      let streamSteps = 0;
      let earliest = Number.POSITIVE_INFINITY;
      ticks.forEach((tick, k) => {
        if (!tick.steps[b]) return;
        const s = tick.time;
        const reset = this.lastReset(b, s);
        const start =
          truncation === "window"
            ? Math.max(windowFloor, reset, 0)
            : Math.max(k2 === Number.POSITIVE_INFINITY ? -1 : s - k2 + 1, reset, 0);
        lossStart[k * B + b] = start;
        earliest = Math.min(earliest, start);
        if (truncation === "per-loss") streamSteps += s - start + 1;
      });
      if (earliest === Number.POSITIVE_INFINITY) continue;
      windowStart[b] = earliest;
      sweepStart = Math.min(sweepStart, earliest);
      if (truncation === "per-loss") backwardSteps = Math.max(backwardSteps, streamSteps);
    }
    if (truncation === "window") backwardSteps = t - sweepStart + 1;
    // Forget resets that no later window can reach back to (keep the last one before the horizon).
    for (let b = 0; b < B; b++) {
      const list = this.resets[b] as number[];
      while (list.length > 1 && (list[1] as number) <= sweepStart) list.shift();
    }
    this.previousUpdate = t;
    return {
      index: this.updates++,
      time: t,
      previousTime: tPrev,
      ticks,
      windowStart,
      lossStart,
      sweepStart,
      backwardSteps,
      storedSteps: t - sweepStart + 1,
    };
  }
}
