/**
 * The training loop: epochs over the training sequences through the TBPTT engine,
 * an optimizer step per update, validation after each epoch, early stopping with
 * patience (RNNLIB's maxTestsNoBest), budgets, a NaN guard, and checkpoints taken
 * where a resumed run continues bit for bit (Engine.resumable).
 *
 * Pure: files, signals and terminals reach it through hooks (src/cli wires them).
 */
import { OwnedAllocations } from "../core/allocations.js";
import { Rng } from "../core/random.js";
import type { FloatArray } from "../core/types.js";
import { Engine, type SequenceLike } from "../engine/engine.js";
import { checkSequencesFit } from "../engine/sequence-check.js";
import { SequenceModel } from "../nn/model.js";
import { checkOnlineModel } from "../online/stack.js";
import { checkRestore } from "./checkpoint-check.js";
import { clipGradients } from "./clip.js";
import { evaluateModel, type MetricsSummary } from "./evaluate.js";
import { learningRate } from "./lr-schedule.js";
import { NoisyInputs } from "./noise.js";
import { createOptimizer, type Optimizer } from "./optimizer.js";
import { SplitOptimizer } from "./split-optimizer.js";
import { freshTrainerState } from "./trainer-state.js";
import type {
  Checkpoint,
  EpochSummary,
  StopReason,
  TrainerHooks,
  TrainerOptions,
  TrainerState,
  TrainResult,
  ValidationMetric,
} from "./trainer-types.js";
import { checkEarlyStoppingMetric, chooseValidationMetric, metricValue } from "./validation-metric.js";
import { crossedCadence, labelledSteps, type RunTotals, type ValidationPoint } from "./validation-points.js";

// The trainer's vocabulary, where callers have always imported it from
export type * from "./trainer-types.js";

/**
 * The training loop: epochs of TBPTT updates through the engine, optimizer steps, validation, early
 * stopping, budgets and checkpoints (see the file comment).
 */
export class Trainer {
  readonly optimizer: Optimizer;
  private state: TrainerState;
  private shuffleRng: Rng;
  private noiseRng: Rng;
  private cleanWeights: FloatArray | null = null;
  /** The optimizer's state and the trainer's own buffers, freed by dispose(). */
  private readonly memory: OwnedAllocations;

  constructor(
    readonly model: SequenceModel,
    readonly train: readonly SequenceLike[],
    readonly valid: readonly SequenceLike[] | null,
    readonly options: TrainerOptions,
  ) {
    if (train.length === 0) throw new Error("training data: no sequences");
    checkSequencesFit(model, train, "training data");
    if (valid) checkSequencesFit(model, valid, "validation data");
    this.memory = new OwnedAllocations(model.backend);
    checkEarlyStoppingMetric(options.earlyStopping?.metric, model);
    if (options.schedule.outputUpdate === "step" && (options.noise?.weight ?? 0) > 0)
      throw new Error(
        'noise.weight: weight noise is drawn per update, but with schedule.outputUpdate "step" the output layer changes within an update; use one or the other',
      );
    const algorithm = options.schedule.algorithm ?? "tbptt";
    if (algorithm !== "tbptt") checkOnlineModel(model, algorithm);
    const alloc = (n: number) => this.memory.backend.alloc(n);
    // outputUpdate "step" (rnnlm): the output layer has its own optimizer, stepped after every step.
    this.optimizer =
      options.schedule.outputUpdate === "step"
        ? new SplitOptimizer(options.optimizer, model.outputParams, alloc)
        : createOptimizer(options.optimizer, model.params.length, alloc);
    this.shuffleRng = new Rng(options.seed);
    this.noiseRng = new Rng(options.seed ^ 0x5eed);
    this.state = freshTrainerState(this.shuffleRng.getState(), this.noiseRng.getState());
  }

  /** The validation metric that picks the best model and stops early. */
  validationMetric(): ValidationMetric {
    return chooseValidationMetric(this.options, this.model);
  }

  /**
   * Continues from a checkpoint (parameters, optimizer, RNGs, position, carried state), after
   * checking it belongs to this run: the optimizer's arrays, the streams, the number of
   * training sequences. Errors name `source` and what differs.
   */
  restore(checkpoint: Checkpoint, source = "checkpoint"): void {
    checkRestore(checkpoint, this.optimizer, this.options, this.train.length, source);
    this.model.params.set(checkpoint.params);
    this.optimizer.loadState(checkpoint.optimizer, checkpoint.state.optimizerSteps);
    // Counters added after a checkpoint was written start as in a fresh run (from zero).
    const fresh = freshTrainerState(checkpoint.state.shuffleRng, checkpoint.state.noiseRng);
    this.state = { ...fresh, ...structuredClone(checkpoint.state) };
    this.shuffleRng.setState(this.state.shuffleRng);
    this.noiseRng.setState(this.state.noiseRng);
    this.pendingCarried = checkpoint.carried;
  }

  private pendingCarried: Float64Array | null = null;

  /** A checkpoint of the run as it stands (taken where the engine can resume). */
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

  /**
   * Trains until the epochs, a budget, early stopping or a stop request end the run; `hooks` see it
   * happen.
   */
  async run(hooks: TrainerHooks = {}): Promise<TrainResult> {
    if (this.memory.disposed) throw new Error("trainer: run after dispose()");
    const o = this.options;
    const now = hooks.now ?? (() => Date.now());
    const epochs: EpochSummary[] = [];
    const points: ValidationPoint[] = [];
    const s = this.state;
    const weightNoise = o.noise?.weight ?? 0;
    const inputNoise = o.noise?.input ?? 0;
    let reason: StopReason = "epochs";
    // A run that has reached its limits has nothing to do; one resumed with wider limits
    // (more epochs, a bigger budget, more patience: docs/training.md) goes on.
    const done = this.limitReached();
    s.finished = done !== null;
    if (done !== null) return { reason: done, epochs, points, state: s };
    // Training time: laps between validations (which are not counted), summed into the state.
    let lapStart = now();
    const lap = () => {
      const t = now();
      s.trainSeconds += (t - lapStart) / 1000;
      lapStart = t;
    };
    const perEpoch = labelledSteps(this.train);
    /** Where the run stands now: its totals and the epochs of data it has seen. */
    const epochsSeen = () => s.epoch + (perEpoch > 0 ? s.epochLabelled / perEpoch : 0);
    const here = (at: ValidationPoint["at"]) => {
      // The initial weights are a curve's origin: no training time at all (setup is not training).
      if (at !== "start") lap();
      return { ...this.totals(), epochs: at === "epoch" ? s.epoch + 1 : epochsSeen(), at };
    };
    const validate = (model: SequenceModel, where: ReturnType<typeof here>): ValidationPoint | null => {
      if (!this.valid) return null;
      if (where.at !== "start") lap();
      const validMetrics = evaluateModel(model, this.valid, o.schedule, o.validStreams ?? o.streams);
      const point: ValidationPoint = { ...where, valid: validMetrics.summary(), validMetrics };
      points.push(point);
      hooks.onValidation?.(point);
      lapStart = now();
      return point;
    };
    // Give signals and timers a turn now and then (Ctrl-C, progress redraws), across epochs too.
    let lastYield = now();
    const breathe = async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      lastYield = now();
    };
    if (o.validateAtStart && s.updates === 0 && s.epoch === 0 && s.position === null)
      validate(this.model, here("start"));
    while (s.epoch < o.epochs) {
      const epochStart = now();
      if (!s.order) {
        s.order = this.train.map((_, i) => i);
        if (o.shuffle) this.shuffleRng.shuffle(s.order);
        s.epochLossSum = 0;
        s.epochFrames = 0;
        s.epochLabelled = 0;
      }
      const lr = learningRate(o.optimizer.lr, o.lrSchedule, s.epoch);
      const ordered = s.order.map((i) => this.train[i] as SequenceLike);
      const sequences =
        inputNoise > 0
          ? ordered.map((q) => new NoisyInputs(q, this.model.config.inputSize, this.noiseRng, inputNoise))
          : ordered;
      // TBPTT, or RTRL / UORO (schedule.algorithm), loaded on demand so that a page training with
      // TBPTT does not fetch them; UORO's signs are drawn from the seed and the epoch.
      const online =
        o.schedule.algorithm && o.schedule.algorithm !== "tbptt"
          ? await import("../online/online-engine.js")
          : null;
      const engine = online
        ? new online.OnlineEngine(this.model, o.schedule, o.streams, online.mixSeed(o.seed, s.epoch))
        : new Engine(this.model, o.schedule, o.streams);
      let stepsInEpoch = 0;
      let sinceCheckpoint = 0;
      let stop: StopReason | null = null;
      const optimizer = this.optimizer;
      const { offset, length } = this.model.outputParams;
      const updates = engine.updates(sequences, {
        onOutputStep:
          optimizer instanceof SplitOptimizer
            ? (grads, step) => {
                // A step whose loss or gradient is not finite is skipped; its update reports the bad loss.
                if (!Number.isFinite(step.lossSum)) return;
                if (!o.clip) return optimizer.stepOutput(this.model.params, grads, lr, step);
                const norm = clipGradients(grads.subarray(offset, offset + length), o.clip);
                if (Number.isFinite(norm)) optimizer.stepOutput(this.model.params, grads, lr);
              }
            : undefined,
        start: s.position ?? undefined,
        state: s.position && this.pendingCarried ? this.pendingCarried : undefined,
        beforeUpdate:
          weightNoise > 0
            ? () => {
                // Gaussian weight noise (Graves 2011; RNNLIB's weightNoise): forward and backward see noisy weights.
                this.cleanWeights ??= this.memory.backend.alloc(this.model.params.length);
                this.cleanWeights.set(this.model.params);
                for (let i = 0; i < this.model.params.length; i++)
                  this.model.params[i] += weightNoise * this.noiseRng.normal();
              }
            : undefined,
      });
      let cadenceDue: ReturnType<typeof here> | null = null;
      for (const { grads, record } of updates) {
        if (this.cleanWeights) this.model.params.set(this.cleanWeights); // weight noise off before the step
        // A cadence point crossed by the previous update is validated now, on a copy of the
        // weights taken then, so that one at an epoch's last update is left to the epoch's
        // own validation (same weights, same totals).
        if (cadenceDue) validate(this.validationModel(), cadenceDue);
        cadenceDue = null;
        stepsInEpoch += record.forwardSteps;
        const before = { ...this.totals(), epochs: epochsSeen() };
        s.forwardSteps += record.forwardSteps;
        s.backwardSteps += record.backwardSteps;
        s.peakStoredSteps = Math.max(s.peakStoredSteps, record.storedSteps);
        s.epochLabelled += record.losses;
        const gradNorm = clipGradients(grads, o.clip);
        if (!Number.isFinite(gradNorm) || !Number.isFinite(record.lossSum)) {
          // Skip the update, keep the last good weights; stop after too many in a row.
          s.badInARow++;
          s.skippedUpdates++;
          hooks.onBadUpdate?.({
            epoch: s.epoch + 1,
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
        const waiting = hooks.onUpdate?.(record, {
          epoch: s.epoch + 1,
          updates: s.updates,
          lr,
          gradNorm,
          stepsInEpoch,
        });
        if (waiting) {
          lap();
          await waiting;
          lapStart = now();
        }
        if (now() - lastYield > 100) await breathe();
        lap();
        const crossed = crossedCadence(o.validateEvery, before, { ...s, epochs: epochsSeen() });
        const resumable = engine.resumable();
        if (o.maxUpdates !== undefined && s.updates >= o.maxUpdates) stop = "max-updates";
        else if (o.maxSteps !== undefined && s.forwardSteps + s.backwardSteps >= o.maxSteps)
          stop = "max-steps";
        else if (o.maxSeconds !== undefined && s.trainSeconds >= o.maxSeconds) stop = "max-seconds";
        else if (hooks.stopRequested?.() && resumable) stop = "interrupted";
        if (
          resumable &&
          (stop !== null || (o.checkpointEvery !== undefined && sinceCheckpoint >= o.checkpointEvery))
        ) {
          s.position = engine.position();
          hooks.saveCheckpoint?.(this.checkpoint());
          sinceCheckpoint = 0;
        }
        if (stop !== null) {
          // A budget ends the run inside an epoch: validate once, so the run has a final figure;
          // an interrupted run keeps a cadence point it just crossed.
          if (stop !== "interrupted") cadenceDue = here("final");
          else if (crossed) cadenceDue = here("every");
          break;
        }
        if (crossed) {
          cadenceDue = here("every");
          this.validationModel().params.set(this.model.params);
        }
      }
      this.pendingCarried = null;
      if (stop !== null) {
        reason = stop;
        if (cadenceDue) validate(this.model, cadenceDue);
        break;
      }
      // The epoch is complete: validate, keep the best, decide whether to go on.
      const validMetrics = validate(this.model, here("epoch"))?.validMetrics ?? null;
      const valid: MetricsSummary | null = validMetrics?.summary() ?? null;
      const value = valid ? metricValue(valid, this.validationMetric()) : null;
      const best = value !== null && Number.isFinite(value) && (s.best === null || value < s.best);
      if (best) {
        s.best = value;
        s.bestEpoch = s.epoch;
        s.epochsSinceBest = 0;
      } else s.epochsSinceBest++;
      const summary: EpochSummary = {
        epoch: s.epoch + 1,
        ...this.totals(),
        peakStoredSteps: s.peakStoredSteps,
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
    lap();
    return { reason, epochs, points, state: s };
  }

  /** Why the run cannot go on as configured, or null. */
  private limitReached(): StopReason | null {
    const o = this.options;
    const s = this.state;
    const patience = o.earlyStopping?.patience;
    if (patience !== undefined && this.valid !== null && s.epoch > 0 && s.epochsSinceBest >= patience)
      return "early-stopping";
    if (s.epoch >= o.epochs) return "epochs";
    if (o.maxUpdates !== undefined && s.updates >= o.maxUpdates) return "max-updates";
    if (o.maxSteps !== undefined && s.forwardSteps + s.backwardSteps >= o.maxSteps) return "max-steps";
    if (o.maxSeconds !== undefined && s.trainSeconds >= o.maxSeconds) return "max-seconds";
    return null;
  }

  private totals(): RunTotals {
    const s = this.state;
    return {
      updates: s.updates,
      forwardSteps: s.forwardSteps,
      backwardSteps: s.backwardSteps,
      trainSeconds: s.trainSeconds,
    };
  }

  private evalModel: SequenceModel | null = null;

  /**
   * Frees what the trainer allocated on the model's backend (the optimizer's state, the copy of
   * the weights for validations inside an epoch), so the next trainer on the same backend reuses
   * it. The model stays usable (dispose it on its own); the trainer does not.
   */
  dispose(): void {
    this.memory.freeAll();
    this.evalModel?.dispose();
    this.evalModel = null;
    this.cleanWeights = null;
  }

  /** A second model for validations inside an epoch, so the training model's tape and carried state stay untouched. */
  private validationModel(): SequenceModel {
    this.evalModel ??= new SequenceModel(this.model.config, this.model.backend);
    return this.evalModel;
  }
}
