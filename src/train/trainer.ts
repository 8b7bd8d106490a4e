/**
 * The training loop: epochs over the training sequences through the TBPTT engine,
 * an optimizer step per update, validation after each epoch, early stopping with
 * patience (RNNLIB's maxTestsNoBest), budgets, a NaN guard, and checkpoints taken
 * where a resumed run continues bit for bit (Engine.resumable).
 *
 * Pure: files, signals and terminals reach it through hooks (src/cli wires them).
 */
import { Rng } from "../core/random.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceLike, UpdateRecord } from "../engine/engine.js";
import type { PlannerPosition } from "../engine/planner.js";
import type { Schedule } from "../engine/schedule.js";
import type { SequenceModel } from "../nn/model.js";
import { createTrainingEngine, mixSeed } from "../online/online-engine.js";
import { checkOnlineModel } from "../online/stack.js";
import { type ClipConfig, clipGradients } from "./clip.js";
import { evaluateModel, type Metrics, type MetricsSummary } from "./evaluate.js";
import { type LrSchedule, learningRate } from "./lr-schedule.js";
import { NoisyInputs } from "./noise.js";
import { createOptimizer, type Optimizer, type OptimizerConfig } from "./optimizer.js";
import { SplitOptimizer } from "./split-optimizer.js";

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
  maxSeconds?: number;
  /** Take a checkpoint every N updates (at the next resumable update). */
  checkpointEvery?: number;
  /** Stop after this many NaN/infinite updates in a row (each is skipped). */
  maxBadUpdates?: number;
  /** Streams for validation (default: the training streams). */
  validStreams?: number;
}

/** The validation figures a run can be judged by (lower is better). */
export type ValidationMetric = "loss" | "frameError" | "rmse" | "mae";

export interface EpochSummary {
  epoch: number;
  updates: number;
  trainLossPerFrame: number;
  trainFrames: number;
  valid: MetricsSummary | null;
  validMetrics: Metrics | null;
  learningRate: number;
  seconds: number;
  skippedUpdates: number;
  best: boolean;
}

/** Everything a checkpoint must hold besides the parameters, optimizer arrays and carried state. */
export interface TrainerState {
  epoch: number;
  updates: number;
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
}

export interface Checkpoint {
  state: TrainerState;
  params: FloatArray;
  optimizer: Record<string, FloatArray>;
  carried: Float64Array;
}

export interface TrainerHooks {
  onUpdate?(
    record: UpdateRecord,
    info: { epoch: number; updates: number; lr: number; gradNorm: number; stepsInEpoch: number },
  ): void;
  onEpoch?(summary: EpochSummary): void;
  onBadUpdate?(info: {
    epoch: number;
    update: number;
    inARow: number;
    lossSum: number;
    gradNorm: number;
  }): void;
  saveCheckpoint?(checkpoint: Checkpoint): void;
  saveBest?(summary: EpochSummary): void;
  /** Polled after each update: true asks the loop to checkpoint and stop (Ctrl-C). */
  stopRequested?(): boolean;
  now?(): number;
}

export type StopReason =
  | "epochs"
  | "early-stopping"
  | "max-updates"
  | "max-seconds"
  | "interrupted"
  | "bad-updates";

export interface TrainResult {
  reason: StopReason;
  epochs: EpochSummary[];
  state: TrainerState;
}

export class Trainer {
  readonly optimizer: Optimizer;
  private state: TrainerState;
  private shuffleRng: Rng;
  private noiseRng: Rng;
  private cleanWeights: FloatArray | null = null;

  constructor(
    readonly model: SequenceModel,
    readonly train: readonly SequenceLike[],
    readonly valid: readonly SequenceLike[] | null,
    readonly options: TrainerOptions,
  ) {
    if (train.length === 0) throw new Error("training data: no sequences");
    const asked = options.earlyStopping?.metric;
    if (asked && !metricApplies(asked, model))
      throw new Error(
        `earlyStopping.metric: "${asked}" does not apply to a model with ${model.head.targetSize > 0 ? "real-valued outputs (use rmse, mae or loss)" : "class outputs (use frameError or loss)"}`,
      );
    if (options.schedule.outputUpdate === "step" && (options.noise?.weight ?? 0) > 0)
      throw new Error(
        'noise.weight: weight noise is drawn per update, but with schedule.outputUpdate "step" the output layer changes within an update; use one or the other',
      );
    const algorithm = options.schedule.algorithm ?? "tbptt";
    if (algorithm !== "tbptt") checkOnlineModel(model, algorithm);
    const alloc = (n: number) => model.backend.alloc(n);
    // outputUpdate "step" (rnnlm): the output layer has its own optimizer, stepped after every step.
    this.optimizer =
      options.schedule.outputUpdate === "step"
        ? new SplitOptimizer(options.optimizer, model.outputParams, alloc)
        : createOptimizer(options.optimizer, model.params.length, alloc);
    this.shuffleRng = new Rng(options.seed);
    this.noiseRng = new Rng(options.seed ^ 0x5eed);
    this.state = {
      epoch: 0,
      updates: 0,
      order: null,
      position: null,
      shuffleRng: this.shuffleRng.getState(),
      noiseRng: this.noiseRng.getState(),
      optimizerSteps: 0,
      best: null,
      bestEpoch: -1,
      epochsSinceBest: 0,
      epochLossSum: 0,
      epochFrames: 0,
      badInARow: 0,
      skippedUpdates: 0,
      finished: false,
    };
  }

  /** The validation metric that picks the best model and stops early. */
  validationMetric(): ValidationMetric {
    const { earlyStopping, bestMetric } = this.options;
    if (earlyStopping?.metric) return earlyStopping.metric;
    if (bestMetric && metricApplies(bestMetric, this.model)) return bestMetric;
    return this.model.head.targetSize > 0 ? "rmse" : "frameError";
  }

  /** Continues from a checkpoint (parameters, optimizer, RNGs, position, carried state). */
  restore(checkpoint: Checkpoint): void {
    this.model.params.set(checkpoint.params);
    this.optimizer.loadState(checkpoint.optimizer, checkpoint.state.optimizerSteps);
    this.state = structuredClone(checkpoint.state);
    this.shuffleRng.setState(this.state.shuffleRng);
    this.noiseRng.setState(this.state.noiseRng);
    this.pendingCarried = checkpoint.carried;
  }

  private pendingCarried: Float64Array | null = null;

  checkpoint(): Checkpoint {
    const opt = this.optimizer.state();
    this.state.optimizerSteps = opt.steps;
    this.state.shuffleRng = this.shuffleRng.getState();
    this.state.noiseRng = this.noiseRng.getState();
    return {
      state: structuredClone(this.state),
      params: this.model.params,
      optimizer: opt.arrays,
      carried: this.model.saveState(),
    };
  }

  async run(hooks: TrainerHooks = {}): Promise<TrainResult> {
    const o = this.options;
    const now = hooks.now ?? (() => Date.now());
    const started = now();
    const epochs: EpochSummary[] = [];
    const s = this.state;
    const weightNoise = o.noise?.weight ?? 0;
    const inputNoise = o.noise?.input ?? 0;
    let reason: StopReason = "epochs";
    if (s.finished) return { reason, epochs, state: s };
    // Give signals and timers a turn now and then (Ctrl-C, progress redraws), across epochs too.
    let lastYield = now();
    const breathe = async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = now();
    };
    while (s.epoch < o.epochs) {
      const epochStart = now();
      if (!s.order) {
        s.order = this.train.map((_, i) => i);
        if (o.shuffle) this.shuffleRng.shuffle(s.order);
        s.epochLossSum = 0;
        s.epochFrames = 0;
      }
      const lr = learningRate(o.optimizer.lr, o.lrSchedule, s.epoch);
      const ordered = s.order.map((i) => this.train[i] as SequenceLike);
      const sequences =
        inputNoise > 0
          ? ordered.map((q) => new NoisyInputs(q, this.model.config.inputSize, this.noiseRng, inputNoise))
          : ordered;
      // TBPTT, or RTRL / UORO (schedule.algorithm; UORO's signs drawn from the seed and epoch)
      const engine = createTrainingEngine(this.model, o.schedule, o.streams, mixSeed(o.seed, s.epoch));
      let stepsInEpoch = 0;
      let sinceCheckpoint = 0;
      let stop: StopReason | null = null;
      const optimizer = this.optimizer;
      const { offset, length } = this.model.outputParams;
      const updates = engine.updates(sequences, {
        onOutputStep:
          optimizer instanceof SplitOptimizer
            ? (grads, step) => {
                // A step whose gradient is not finite is skipped; its update reports the bad loss.
                const norm = clipGradients(grads.subarray(offset, offset + length), o.clip);
                if (Number.isFinite(norm) && Number.isFinite(step.lossSum))
                  optimizer.stepOutput(this.model.params, grads, lr);
              }
            : undefined,
        start: s.position ?? undefined,
        state: s.position && this.pendingCarried ? this.pendingCarried : undefined,
        beforeUpdate:
          weightNoise > 0
            ? () => {
                // Gaussian weight noise (Graves 2011; RNNLIB's weightNoise): forward and backward see noisy weights.
                this.cleanWeights ??= this.model.backend.alloc(this.model.params.length);
                this.cleanWeights.set(this.model.params);
                for (let i = 0; i < this.model.params.length; i++)
                  this.model.params[i] += weightNoise * this.noiseRng.normal();
              }
            : undefined,
      });
      for (const { grads, record } of updates) {
        if (this.cleanWeights) this.model.params.set(this.cleanWeights); // weight noise off before the step
        stepsInEpoch += record.forwardSteps;
        const gradNorm = clipGradients(grads, o.clip);
        if (!Number.isFinite(gradNorm) || !Number.isFinite(record.lossSum)) {
          // Skip the update, keep the last good weights; stop after too many in a row.
          s.badInARow++;
          s.skippedUpdates++;
          hooks.onBadUpdate?.({
            epoch: s.epoch,
            update: s.updates,
            inARow: s.badInARow,
            lossSum: record.lossSum,
            gradNorm,
          });
          if (s.badInARow >= (o.maxBadUpdates ?? 10)) {
            stop = "bad-updates";
            break;
          }
        } else {
          s.badInARow = 0;
          this.optimizer.step(this.model.params, grads, lr);
          s.epochLossSum += record.lossSum;
          s.epochFrames += record.losses;
        }
        s.updates++;
        sinceCheckpoint++;
        hooks.onUpdate?.(record, { epoch: s.epoch, updates: s.updates, lr, gradNorm, stepsInEpoch });
        if (now() - lastYield > 100) await breathe();
        const resumable = engine.resumable();
        if (o.maxUpdates !== undefined && s.updates >= o.maxUpdates) stop = "max-updates";
        else if (o.maxSeconds !== undefined && (now() - started) / 1000 >= o.maxSeconds) stop = "max-seconds";
        else if (hooks.stopRequested?.() && resumable) stop = "interrupted";
        if (
          resumable &&
          (stop !== null || (o.checkpointEvery !== undefined && sinceCheckpoint >= o.checkpointEvery))
        ) {
          s.position = engine.position();
          hooks.saveCheckpoint?.(this.checkpoint());
          sinceCheckpoint = 0;
        }
        if (stop !== null) break;
      }
      this.pendingCarried = null;
      if (stop !== null) {
        reason = stop;
        break;
      }
      // The epoch is complete: validate, keep the best, decide whether to go on.
      const validMetrics = this.valid
        ? evaluateModel(this.model, this.valid, o.schedule, o.validStreams ?? o.streams)
        : null;
      const valid: MetricsSummary | null = validMetrics?.summary() ?? null;
      const metricName = this.validationMetric();
      const value = valid ? (metricName === "loss" ? valid.lossPerFrame : (valid[metricName] ?? null)) : null;
      const best = value !== null && Number.isFinite(value) && (s.best === null || value < s.best);
      if (best) {
        s.best = value;
        s.bestEpoch = s.epoch;
        s.epochsSinceBest = 0;
      } else s.epochsSinceBest++;
      const summary: EpochSummary = {
        epoch: s.epoch,
        updates: s.updates,
        trainLossPerFrame: s.epochFrames > 0 ? s.epochLossSum / s.epochFrames : Number.NaN,
        trainFrames: s.epochFrames,
        valid,
        validMetrics,
        learningRate: lr,
        seconds: (now() - epochStart) / 1000,
        skippedUpdates: s.skippedUpdates,
        best,
      };
      epochs.push(summary);
      if (best) hooks.saveBest?.(summary);
      hooks.onEpoch?.(summary);
      s.epoch++;
      s.order = null;
      s.position = null;
      const patience = o.earlyStopping?.patience;
      const early = patience !== undefined && validMetrics !== null && s.epochsSinceBest >= patience;
      if (early) reason = "early-stopping";
      if (early || s.epoch >= o.epochs) s.finished = true;
      hooks.saveCheckpoint?.(this.checkpoint());
      if (early) break;
      await breathe();
      if (hooks.stopRequested?.()) {
        reason = "interrupted";
        break;
      }
    }
    return { reason, epochs, state: s };
  }
}

/** Frame error judges class outputs; RMSE and MAE real values; the loss both. */
function metricApplies(metric: ValidationMetric, model: SequenceModel): boolean {
  const values = model.head.targetSize > 0;
  return values ? metric !== "frameError" : metric !== "rmse" && metric !== "mae";
}
