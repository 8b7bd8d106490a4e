/**
 * The online engine: trains with RTRL or UORO instead of back-propagation, on the same
 * schedule of updates and resets as the TBPTT engine (src/engine/engine.ts), and with the
 * same interface, so the trainer can use either.
 *
 * The planner lays the sequences onto B streams and says when updates happen (every k1
 * steps, at sequence ends with flush, resets per stream) exactly as for TBPTT; k2 is ∞
 * by definition, since every loss's gradient reaches back to the last reset. For each
 * forward step, one at a time, the engine
 *   1. writes the step into the model's single slot and runs the model forward,
 *   2. has the learner carry each stream's sensitivity ds/dθ through the step,
 *   3. back-propagates the step's losses through the output head only, and has the
 *      learner turn ∂L/∂h_top into the recurrent parameters' gradient;
 * after the update's k1 steps it hands the summed gradient to the update function.
 * Nothing is stored but the current step: memory does not grow with k1 or the sequences.
 *
 * The parameters change between updates while the sensitivities carry on: J_t then mixes
 * Jacobians taken with the parameters of their own steps (Williams & Zipser 1989's
 * "real-time" approximation), where TBPTT's backward pass would use the current ones.
 * With the parameters fixed (or with one update per sequence) both are the same gradient.
 */
import type { FloatArray } from "../core/types.js";
import {
  checkTargets,
  Engine,
  type RunOptions,
  type RunSummary,
  runUpdates,
  type SequenceLike,
  type UpdateFn,
  type UpdateRecord,
  writeTick,
} from "../engine/engine.js";
import { Planner, type PlannerPosition, type UpdatePlan } from "../engine/planner.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import type { OnlineLearner } from "./learner.js";
import { Rtrl } from "./rtrl.js";
import { checkOnlineModel, type OnlineAlgorithmName } from "./stack.js";
import { Uoro } from "./uoro.js";

const SLOT = { first: 0, count: 1 };

/** Trains by RTRL or UORO (schedule.algorithm) on the TBPTT engine's schedule and interface. */
export class OnlineEngine {
  readonly algorithm: OnlineAlgorithmName;
  private planner: Planner | null = null;

  /**
   * `seed` drives UORO's random signs: update u draws from Rng(mix(seed, u)), so a run
   * resumed at an update draws what the uninterrupted run drew.
   */
  constructor(
    readonly model: SequenceModel,
    readonly schedule: Schedule,
    readonly streams: number,
    readonly seed = 0,
  ) {
    const algorithm = schedule.algorithm ?? "tbptt";
    if (algorithm !== "rtrl" && algorithm !== "uoro")
      throw new Error(
        `OnlineEngine: schedule.algorithm must be "rtrl" or "uoro", got "${algorithm}" (TBPTT runs in src/engine's Engine)`,
      );
    this.algorithm = algorithm;
    if (
      schedule.k2 !== Number.POSITIVE_INFINITY ||
      schedule.truncation !== "window" ||
      schedule.outputUpdate !== "k1"
    )
      throw new Error(
        `schedule: algorithm "${algorithm}" needs k2 = Infinity, truncation "window" and outputUpdate "k1" (makeSchedule checks this)`,
      );
    checkOnlineModel(model, algorithm);
  }

  /** Where the run stands between updates (for checkpoints). */
  position(): PlannerPosition {
    if (!this.planner) throw new Error("online engine: no run in progress");
    return this.planner.position();
  }

  /**
   * Whether a checkpoint taken now resumes exactly: where every stream starts afresh (or
   * never resumes), so no sensitivity carries over; the signs are seeded per update.
   */
  resumable(): boolean {
    return this.planner?.resumable() ?? true;
  }

  /** Runs over the sequences, handing each update's gradient to onUpdate (return false to stop). */
  run(sequences: readonly SequenceLike[], onUpdate: UpdateFn, options: RunOptions = {}): RunSummary {
    return runUpdates(this.updates(sequences, options), onUpdate);
  }

  /** One item per update, with its gradient (valid until the generator resumes, which clears it). */
  *updates(
    sequences: readonly SequenceLike[],
    options: RunOptions = {},
  ): Generator<{ grads: FloatArray; record: UpdateRecord }, void, undefined> {
    const { model, streams: B } = this;
    const train = options.train ?? true;
    checkTargets(model, sequences);
    const planner = new Planner(
      this.schedule,
      B,
      sequences.map((s) => s.length),
    );
    this.planner = planner;
    // RTRL and UORO read the inputs as dense rows (their tangent steps multiply by x_t)
    model.useInputs("dense");
    model.configure(1, B, 1);
    if (options.start) planner.restore(options.start);
    if (options.state) model.loadState(options.state);
    else model.clearState();
    model.zeroGrads();
    const learner: OnlineLearner | null = !train
      ? null
      : this.algorithm === "rtrl"
        ? new Rtrl(model, B)
        : new Uoro(model, B);
    const top = model.top;
    const width = B * top.outputSize;
    for (let plan = planner.next(); plan; plan = planner.next()) {
      options.beforeUpdate?.(plan);
      learner?.beginUpdate(mixSeed(this.seed, plan.index));
      let lossSum = 0;
      let losses = 0;
      for (const tick of plan.ticks) {
        writeTick(model, 0, tick, sequences);
        lossSum += model.forward(SLOT);
        const stepLosses = lossesInSlot(model);
        losses += stepLosses;
        if (!learner) continue;
        learner.advance(0);
        if (stepLosses === 0) continue;
        // ∂L/∂θ_out into grads and ∂L/∂h_top into dOutput; the learner does the rest
        top.dOutput.fill(0, 0, width);
        model.head.backward(SLOT, top.output, 1, top.dOutput);
        learner.accumulate(0, top.dOutput, model.grads);
      }
      if (learner && this.schedule.reduction === "mean" && losses > 1) {
        const g = model.grads;
        for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) / losses;
      }
      const record: UpdateRecord = {
        index: plan.index,
        time: plan.time,
        previousTime: plan.previousTime,
        windowStart: plan.windowStart,
        sequenceStart: (plan.ticks[plan.ticks.length - 1] as UpdatePlan["ticks"][number]).steps.map((step) =>
          step ? plan.time - step.position : -1,
        ),
        losses,
        lossSum,
        forwardSteps: plan.ticks.length,
        backwardSteps: 0,
        storedSteps: 1,
      };
      yield { grads: model.grads, record };
      if (train) model.zeroGrads();
    }
  }
}

/** Labelled, active rows of the single slot. */
function lossesInSlot(model: SequenceModel): number {
  const { tape } = model;
  let n = 0;
  for (let b = 0; b < tape.streams; b++) if (tape.active[b] === 1 && (tape.labels[b] as number) >= 0) n++;
  return n;
}

/** A seed for part `index` (an update, an epoch) of something seeded `seed`; Rng's SplitMix32 spreads it. */
export function mixSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
}

/**
 * The engine a training run uses: TBPTT's, or the online one when schedule.algorithm is
 * "rtrl" or "uoro" (`seed` then drives UORO's signs). Both have the same interface.
 */
export function createTrainingEngine(
  model: SequenceModel,
  schedule: Schedule,
  streams: number,
  seed: number,
): Engine | OnlineEngine {
  return (schedule.algorithm ?? "tbptt") === "tbptt"
    ? new Engine(model, schedule, streams)
    : new OnlineEngine(model, schedule, streams, seed);
}
