/**
 * The Trainer's vocabulary: its options (schedule, streams, optimizer, budgets, validation,
 * checkpoints), the hooks through which files, signals and terminals reach it, its resumable
 * state and checkpoint, and what a run and each epoch report (docs/training.md).
 */
import type { FloatArray } from "../core/types.js";
import type { UpdateRecord } from "../engine/engine.js";
import type { PlannerPosition } from "../engine/planner.js";
import type { Schedule } from "../engine/schedule.js";
import type { ClipConfig } from "./clip.js";
import type { Metrics, MetricsSummary } from "./evaluate.js";
import type { LrSchedule } from "./lr-schedule.js";
import type { OptimizerConfig } from "./optimizer.js";
import type { RunTotals, ValidateEvery, ValidationPoint } from "./validation-points.js";

/**
 * How the Trainer runs: the schedule, streams, optimizer, epochs, budgets, validation and
 * checkpoints (docs/training.md).
 */
export interface TrainerOptions {
  schedule: Schedule;
  streams: number;
  optimizer: OptimizerConfig;
  lrSchedule?: LrSchedule;
  clip?: ClipConfig;
  /** Gaussian noise: `weight` added to every weight for each update (removed before the step), `input` to every input value. */
  noise?: { weight?: number; input?: number };
  epochs: number;
  shuffle: boolean;
  seed: number;
  earlyStopping?: { patience: number; metric?: ValidationMetric };
  /** The validation metric that picks the best model when earlyStopping does not name one (default frameError; rmse for real-valued outputs). */
  bestMetric?: ValidationMetric;
  maxUpdates?: number;
  /** Budget in seconds of training (validation excluded), summed over the run's sessions. */
  maxSeconds?: number;
  /** Budget in forward + backward steps (the engine's counts, summed over updates). */
  maxSteps?: number;
  /** Also validate every N updates and/or N forward + backward steps (onValidation), besides each epoch's end. */
  validateEvery?: ValidateEvery;
  /** Also validate the initial weights, before the first update (a learning curve's first point). */
  validateAtStart?: boolean;
  /** Take a checkpoint every N updates (at the next resumable update). */
  checkpointEvery?: number;
  /** Stop after this many NaN/infinite updates in a row (each is skipped). */
  maxBadUpdates?: number;
  /** Streams for validation (default: the training streams). */
  validStreams?: number;
}

/** The validation figures a run can be judged by (lower is better). */
export type ValidationMetric = "loss" | "frameError" | "rmse" | "mae";

/**
 * One epoch's figures: updates so far, training loss, validation metrics, learning rate, time,
 * whether it is the best.
 */
export interface EpochSummary extends RunTotals {
  /** The epoch's number, counted from 1 (as the console, log.jsonl and every hook count them). */
  epoch: number;
  trainLossPerFrame: number;
  trainFrames: number;
  valid: MetricsSummary | null;
  validMetrics: Metrics | null;
  learningRate: number;
  seconds: number;
  skippedUpdates: number;
  best: boolean;
  /** The most steps one update held in memory so far (the engine's storedSteps). */
  peakStoredSteps: number;
}

/** Everything a checkpoint must hold besides the parameters, optimizer arrays and carried state. */
export interface TrainerState extends RunTotals {
  epoch: number;
  order: number[] | null;
  position: PlannerPosition | null;
  shuffleRng: number[];
  noiseRng: number[];
  optimizerSteps: number;
  best: number | null;
  bestEpoch: number;
  epochsSinceBest: number;
  epochLossSum: number;
  epochFrames: number;
  badInARow: number;
  skippedUpdates: number;
  finished: boolean;
  peakStoredSteps: number;
  /** Labelled steps of the current epoch already trained on (for a point's fractional epochs). */
  epochLabelled: number;
}

/** What resumes a run bit for bit: the trainer's state, parameters, optimizer arrays and carried state. */
export interface Checkpoint {
  state: TrainerState;
  params: FloatArray;
  optimizer: Record<string, FloatArray>;
  carried: Float64Array;
}

/**
 * Where the Trainer reports and asks: each update, each epoch, bad updates, checkpoints, the best
 * model, stop requests, the clock.
 */
export interface TrainerHooks {
  /**
   * After each update: its record, the epoch (from 1), updates so far, learning rate, gradient norm. It
   * may return a promise: the loop then waits for it, between two updates of any schedule, and
   * the wait is not counted as training time (a page's pause and step buttons: the playground).
   */
  onUpdate?(
    record: UpdateRecord,
    info: { epoch: number; updates: number; lr: number; gradNorm: number; stepsInEpoch: number },
  ): void | Promise<void>;
  /** After each epoch's validation. */
  onEpoch?(summary: EpochSummary): void;
  /** Every validation: at each epoch's end (before onEpoch), on the validateEvery cadence, and once when a budget stops the run inside an epoch. */
  onValidation?(point: ValidationPoint): void;
  /** An update with a non-finite loss or gradient, skipped. */
  onBadUpdate?(info: {
    epoch: number;
    update: number;
    inARow: number;
    lossSum: number;
    gradNorm: number;
  }): void;
  /** A checkpoint to keep (at a point where a resumed run continues exactly). */
  saveCheckpoint?(checkpoint: Checkpoint): void;
  /** The model just reached its best validation figure: save it now if wanted. */
  saveBest?(summary: EpochSummary): void;
  /** Polled after each update: true asks the loop to checkpoint and stop (Ctrl-C). */
  stopRequested?(): boolean;
  /** The clock in milliseconds (default Date.now), for budgets and timings. */
  now?(): number;
}

/** Why a run ended. */
export type StopReason =
  | "epochs"
  | "early-stopping"
  | "max-updates"
  | "max-steps"
  | "max-seconds"
  | "interrupted"
  | "bad-updates";

/** How a run ended: the reason, each epoch's summary, the final state. */
export interface TrainResult {
  reason: StopReason;
  epochs: EpochSummary[];
  /** Every validation point of this session, epochs' ends included. */
  points: ValidationPoint[];
  state: TrainerState;
}
