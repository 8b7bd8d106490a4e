/**
 * The TBPTT(k1, k2) engine: drives a SequenceModel over B streams of sequences by the
 * planner's updates (docs/schedule.md). For each update it
 *   1. writes the update's forward steps (t', t] into the model's ring of slots,
 *   2. runs the model forward over them (carrying each stream's state),
 *   3. runs one backward sweep from t down to the earliest step any stream needs,
 *      with the state entering each stream's window held constant (a stop flag) and
 *      no gradient crossing a reset; per-loss truncation runs min(k1, k2) lanes in
 *      that one sweep, lane s mod L carrying loss s, each cut at its own k2 horizon,
 *   4. hands the gradient and a record to the update function (the optimizer).
 * Stored activations: a ring of planner.capacity() slots per stream — k2 for window
 * truncation, k1 + k2 − 1 for per-loss, back to the last reset when k2 = Infinity —
 * so memory is bounded by the schedule, not by the stream's length.
 * With outputUpdate "step" (the rnnlm toolkit's rule, docs/rnnlm.md) the forward steps
 * run one at a time: after each, the output layer's gradient of that step's losses goes
 * to options.onOutputStep (which changes the output weights) and the error the step sends
 * into the network is stored in the ring; step 3 then injects the stored errors of the
 * update's own steps instead of back-propagating the output layer again.
 */
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";
import type { SlotRun } from "../nn/tape.js";
import { Planner, type PlannerPosition, type UpdatePlan } from "./planner.js";
import {
  type RunOptions,
  type RunSummary,
  runUpdates,
  type UpdateFn,
  type UpdateRecord,
} from "./run-records.js";
import type { Schedule } from "./schedule.js";
import { checkTargets, type SequenceLike, writeTick } from "./tick-writer.js";

// The engine's vocabulary, where callers have always imported it from
export * from "./run-records.js";
export * from "./tick-writer.js";

/**
 * Runs a TBPTT(k1, k2) schedule with a model over sequences on B streams: forward steps, backward
 * windows, one gradient per update (docs/schedule.md).
 */
export class Engine {
  readonly lanes: number;
  private planner: Planner | null = null;
  /** S·L·B·F, outputUpdate "step": each slot's error into the top layer, from when it was forwarded. */
  private stepErrors: FloatArray | null = null;
  /** outputUpdate "step": the ranges of the output layer's gradient one step touches (pairs). */
  private touched = new Int32Array(2);
  private base = 0;
  private capacity = 0;

  constructor(
    readonly model: SequenceModel,
    readonly schedule: Schedule,
    readonly streams: number,
  ) {
    const { k1, k2, truncation, reset, layout, flush } = schedule;
    if (model.config.bidirectional) {
      const ok =
        k1 === Number.POSITIVE_INFINITY &&
        k2 === Number.POSITIVE_INFINITY &&
        truncation === "window" &&
        reset === "sequence" &&
        layout === "aligned" &&
        flush &&
        schedule.outputUpdate === "k1";
      if (!ok) {
        throw new Error(
          'a bidirectional model needs the whole sequence before its first output: it trains with k1 = k2 = Infinity, truncation window, reset sequence, layout aligned, flush on, outputUpdate "k1" (docs/schedule.md)',
        );
      }
    }
    this.lanes =
      truncation === "per-loss" && Number.isFinite(k2) ? Math.min(k2, Number.isFinite(k1) ? k1 : k2) : 1;
  }

  /** The slot that holds step `time` in the current run. */
  slotOf(time: number): number {
    return (((time - this.base) % this.capacity) + this.capacity) % this.capacity;
  }

  /** Where the run stands between updates (for checkpoints). */
  position(): PlannerPosition {
    if (!this.planner) throw new Error("engine: no run in progress");
    return this.planner.position();
  }

  /** Whether a checkpoint taken now resumes exactly (see Planner.resumable). */
  resumable(): boolean {
    return this.planner?.resumable() ?? true;
  }

  /**
   * Runs the schedule over `sequences`, calling `onUpdate` with each update's gradient (return
   * false to stop).
   */
  run(sequences: readonly SequenceLike[], onUpdate: UpdateFn, options: RunOptions = {}): RunSummary {
    return runUpdates(this.updates(sequences, options), onUpdate);
  }

  /**
   * The same run as a generator: one item per update, with the update's gradient (valid
   * until the generator resumes, which clears it). Lets a caller return to its event loop
   * between updates (signals, progress) without the engine knowing about it.
   */
  *updates(
    sequences: readonly SequenceLike[],
    options: RunOptions = {},
  ): Generator<{ grads: FloatArray; record: UpdateRecord }, void, undefined> {
    const { model, streams: B } = this;
    const train = options.train ?? true;
    const algorithm = this.schedule.algorithm ?? "tbptt";
    if (train && algorithm !== "tbptt")
      throw new Error(
        `schedule.algorithm "${algorithm}": this engine back-propagates (TBPTT); ${algorithm.toUpperCase()} runs in the online engine (src/online, as the trainer does)`,
      );
    checkTargets(model, sequences);
    const perStep = train && this.schedule.outputUpdate === "step";
    if (perStep && !options.onOutputStep)
      throw new Error(
        'schedule.outputUpdate "step": the run needs onOutputStep, which changes the output weights after every step (the trainer passes its optimizer)',
      );
    const planner = new Planner(
      this.schedule,
      B,
      sequences.map((s) => s.length),
    );
    this.planner = planner;
    this.capacity = planner.capacity();
    model.useInputs(sequences.length > 0 && sequences.every((s) => s.inputIndex) ? "index" : "dense");
    model.configure(this.capacity, B, train ? this.lanes : 1);
    if (options.start) planner.restore(options.start);
    if (options.state) model.loadState(options.state);
    else model.clearState();
    if (train) model.zeroGrads(); // gradients accumulate: start from zero even after a stopped run
    if (perStep) {
      const n = this.capacity * model.tape.lanes * B * model.top.outputSize;
      this.stepErrors = model.scratch("engine.stepErrors", n);
    }
    for (let plan = planner.next(); plan; plan = planner.next()) {
      const first = (plan.ticks[0] as { time: number }).time;
      // Nothing before this update is needed, now or later: start the ring afresh, so whole
      // sequences are one run.
      if (this.canRestartRing(plan, first)) this.base = first;
      options.beforeUpdate?.(plan);
      this.writeTicks(plan, sequences);
      const chunk = this.runsOf(plan.previousTime + 1, plan.time);
      let lossSum = 0;
      if (perStep) lossSum = this.forwardStepwise(plan, options.onOutputStep!);
      else for (const run of chunk) lossSum += model.forward(run);
      options.onForward?.(plan);
      const losses = this.countLosses(plan);
      if (train) {
        const scale = this.schedule.reduction === "mean" && losses > 0 ? 1 / losses : 1;
        this.backward(plan, chunk, scale, perStep ? this.stepErrors : null);
      }
      const record: UpdateRecord = {
        index: plan.index,
        time: plan.time,
        previousTime: plan.previousTime,
        windowStart: plan.windowStart,
        sequenceStart: sequenceStarts(plan, B),
        losses,
        lossSum,
        forwardSteps: plan.ticks.length,
        backwardSteps: train ? plan.backwardSteps : 0,
        storedSteps: plan.storedSteps,
      };
      yield { grads: model.grads, record };
      if (train) model.zeroGrads();
    }
  }

  /**
   * Whether the ring may start afresh at this update's first tick: nothing before it is
   * needed by this update (sweepStart ≥ first) nor by any later one. A later window reaches
   * back past `first` only through a stream that carries its state over it: one active there
   * without a reset, or one masked there that resumes later without a reset (aligned layout,
   * reset every N or never: its window then reaches back over the masked ticks).
   */
  private canRestartRing(plan: UpdatePlan, first: number): boolean {
    if (plan.sweepStart < first) return false;
    const { truncation, k1, k2, reset, layout } = this.schedule;
    // Windows that never reach before their own update's first step.
    if (Number.isFinite(k2) && (truncation === "window" ? k2 === k1 : k2 === 1)) return true;
    // A masked stream resumes, if ever, with a reset (reset at each sequence) or never (packed).
    const tick = plan.ticks[0] as UpdatePlan["ticks"][number];
    return tick.steps.every((s) => (s ? s.reset : reset === "sequence" || layout === "packed"));
  }

  /** Slot runs covering steps [from, to], oldest first (the ring may wrap once). */
  private runsOf(from: number, to: number): SlotRun[] {
    const count = to - from + 1;
    if (count > this.capacity) {
      throw new Error(
        `engine: ${count} steps needed but the ring holds ${this.capacity} (a planner bound was wrong)`,
      );
    }
    const first = this.slotOf(from);
    if (first + count <= this.capacity) return [{ first, count }];
    const head = this.capacity - first;
    return [
      { first, count: head },
      { first: 0, count: count - head },
    ];
  }

  private writeTicks(plan: UpdatePlan, sequences: readonly SequenceLike[]): void {
    for (const tick of plan.ticks) writeTick(this.model, this.slotOf(tick.time), tick, sequences);
  }

  private countLosses(plan: UpdatePlan): number {
    let n = 0;
    for (const tick of plan.ticks) n += this.lossesAt(this.slotOf(tick.time));
    return n;
  }

  private lossesAt(slot: number): number {
    const { tape } = this.model;
    const B = this.streams;
    let n = 0;
    for (let b = 0; b < B; b++)
      if (tape.active[slot * B + b] === 1 && (tape.labels[slot * B + b] as number) >= 0) n++;
    return n;
  }

  /**
   * outputUpdate "step": forwards the update's steps one at a time; after each step with a
   * loss, hands the output layer's gradient of that step to onOutputStep (which changes the
   * output weights before the next step) and keeps the step's error into the network.
   * Returns Σ L over the update's steps.
   */
  private forwardStepwise(plan: UpdatePlan, onOutputStep: NonNullable<RunOptions["onOutputStep"]>): number {
    const { model, lanes: L } = this;
    const { head, grads } = model;
    const { offset, length } = model.outputParams;
    const errors = this.stepErrors as FloatArray;
    const size = 2 * (head.touched ? (head.maxTouched ?? 1) : 1);
    if (this.touched.length < size) this.touched = new Int32Array(size);
    const ranges = this.touched;
    let lossSum = 0;
    for (const tick of plan.ticks) {
      const slot = this.slotOf(tick.time);
      // The lane that will carry this step's loss in the update's sweep (per-loss truncation).
      if (L > 1) model.tape.laneOfSlot[slot] = tick.time % L;
      const stepLoss = model.forward({ first: slot, count: 1 });
      lossSum += stepLoss;
      model.outputStep(slot, errors);
      let count = 1;
      if (head.touched) count = head.touched(slot, ranges);
      else {
        ranges[0] = offset;
        ranges[1] = offset + length;
      }
      const losses = this.lossesAt(slot);
      if (losses > 0) {
        if (this.schedule.reduction === "mean" && losses > 1) {
          for (let r = 0; r < count; r++)
            for (let i = ranges[2 * r] as number; i < (ranges[2 * r + 1] as number); i++) grads[i] /= losses;
        }
        onOutputStep(grads, { time: tick.time, losses, lossSum: stepLoss, ranges, count });
      }
      for (let r = 0; r < count; r++) grads.fill(0, ranges[2 * r] as number, ranges[2 * r + 1] as number);
    }
    return lossSum;
  }

  private backward(plan: UpdatePlan, lossRuns: SlotRun[], scale: number, injected: FloatArray | null): void {
    const { model, streams: B, lanes: L } = this;
    const { tape } = model;
    const sweep = this.runsOf(plan.sweepStart, plan.time);
    const clearStops = () => {
      for (const run of sweep) tape.stop.fill(0, run.first * L * B, (run.first + run.count) * L * B);
    };
    clearStops();
    if (this.schedule.truncation === "window") {
      // One adjoint per stream, cut where its window starts.
      plan.windowStart.forEach((start, b) => {
        if (start >= 0) tape.stop[this.slotOf(start) * B + b] = 1;
      });
    } else {
      // Per-loss: loss s rides lane s mod L and is cut at its own horizon.
      plan.ticks.forEach((tick, k) => {
        const lane = tick.time % L;
        tape.laneOfSlot[this.slotOf(tick.time)] = lane;
        for (let b = 0; b < B; b++) {
          const start = plan.lossStart[k * B + b] as number;
          if (start >= 0) tape.stop[(this.slotOf(start) * L + lane) * B + b] = 1;
        }
      });
    }
    model.backward(sweep, lossRuns, scale, injected);
    clearStops();
  }
}

/** UpdateRecord.sequenceStart: per stream, where its last sequence in this update began. */
function sequenceStarts(plan: UpdatePlan, streams: number): number[] {
  const starts: number[] = new Array(streams).fill(-1);
  for (let b = 0; b < streams; b++) {
    for (let k = plan.ticks.length - 1; k >= 0; k--) {
      const tick = plan.ticks[k] as UpdatePlan["ticks"][number];
      const step = tick.steps[b];
      if (step) {
        starts[b] = tick.time - step.position;
        break;
      }
    }
  }
  return starts;
}
