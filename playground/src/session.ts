/**
 * One training session in the Worker: the page's settings turned into a config, a model and
 * a Trainer exactly as the library's `train` and `tbptt train` build them (parseConfig,
 * modelConfigFor, createModelForConfig, trainerOptionsFromConfig: the public entry), run with
 * hooks. Pause and step use TrainerHooks.onUpdate's promise: the loop waits between two
 * updates of any schedule, with the engine's stored history intact, and goes on exactly as
 * if it had never stopped. Samples and the gradient horizon run on a copy of the weights in a
 * second model, so the paused run's model (its tape and carried state) is never touched.
 */
import {
  analyseGradient,
  type Backend,
  createModelForConfig,
  makeSchedule,
  modelConfigFor,
  modelFileText,
  Planner,
  parseConfig,
  renderGradientSvg,
  SequenceModel,
  sampleText,
  savedModelMeta,
  type TrainConfig,
  TrainedModel,
  Trainer,
  trainerOptionsFromConfig,
  type UpdateRecord,
  type ValidationPoint,
} from "tbptt";
import type { FromWorker, RunState, Settings, UpdateInfo, ValidationInfo } from "./protocol.js";
import { buildTask, type PlaygroundTask } from "./tasks.js";

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** The settings as a training config (docs/config.md), validated by the library's own schema. */
export function configFor(settings: Settings, task: PlaygroundTask["configTask"]): TrainConfig {
  const reset = /^every:(\d+)$/.exec(settings.reset);
  const text = task === "text";
  return parseConfig(
    {
      task,
      data: { train: "(in the page)" },
      model: { cell: settings.cell, hiddenSize: settings.hiddenSize, layers: settings.layers },
      schedule: {
        k1: settings.k1,
        k2: settings.k2,
        truncation: settings.truncation,
        reset: reset ? { every: Number(reset[1]) } : settings.reset,
        // a text is a few long streams whose state carries on (char-rnn), as the library's train does
        ...(text ? { layout: "packed" } : {}),
      },
      optimizer: { type: settings.optimizer, lr: settings.lr },
      clip: { norm: 5 },
      streams: settings.streams,
      epochs: settings.epochs,
      seed: settings.seed,
    },
    "playground settings",
  );
}

/** A short, stable checksum of an array's float32 bits (FNV-1a), to show two runs start alike. */
export function checksum(values: ArrayLike<number>): string {
  const bits = new Uint32Array(Float32Array.from(values as ArrayLike<number>).buffer);
  let h = 0x811c9dc5;
  for (const b of bits) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

export class Session {
  state: RunState = "idle";
  private readonly trainer: Trainer;
  private readonly model: SequenceModel;
  private readonly config: TrainConfig;
  /** A second model for samples and the gradient horizon (same architecture, weights copied in). */
  private copy: SequenceModel | null = null;
  private resume: (() => void) | null = null;
  /** close(): set once the session is being freed; resolved when its run is paused or over. */
  private closing = false;
  private settled: (() => void) | null = null;
  /** Pause once the run has made this many updates. */
  private pauseAt = Number.POSITIVE_INFINITY;
  private updates = 0;
  private pending: UpdateInfo[] = [];
  private pendingValidation: ValidationInfo[] = [];
  private lastPost = 0;
  private lastSample = 0;
  /** Forward steps × streams and the training clock (ms, pauses excluded) of the last second or so. */
  private rate = { steps: 0, since: 0, perSecond: 0 };
  private trainingMs = 0;
  private lapStart = 0;
  /** Sampling while training (text only): temperature and length of the samples posted. */
  sampling = { temperature: 0.8, length: 200, everyMs: 2000 };

  constructor(
    readonly backend: Backend,
    readonly settings: Settings,
    readonly task: PlaygroundTask,
    private readonly post: Post,
  ) {
    this.config = configFor(settings, task.configTask);
    this.model = createModelForConfig(this.config, modelConfigFor(this.config, task.data, "playground"), backend);
    const options = trainerOptionsFromConfig(this.config, task.text ? "loss" : "frameError");
    // validation points as the run goes (char-rnn's eval_val_every): about four per epoch
    const every = Math.max(5, Math.round(this.updatesPerEpoch() / 4));
    this.trainer = new Trainer(this.model, task.data.train, task.data.valid, {
      ...options,
      validateEvery: { updates: every },
      validateAtStart: true,
    });
  }

  /** Updates in one epoch: the planner's count over the training sequences' lengths. */
  updatesPerEpoch(): number {
    const planner = new Planner(
      makeSchedule(this.config.schedule),
      this.config.streams,
      this.task.data.train.map((s) => s.length),
    );
    let n = 0;
    while (planner.next()) n++;
    return n;
  }

  describe(): FromWorker {
    return {
      type: "configured",
      describe: this.task.data.describe,
      parameters: this.model.params.length,
      sequenceLength: this.task.sequenceLength,
      initialWeights: checksum(this.model.params),
      taskKind: this.settings.task.kind,
      metricName: this.task.metricName,
    };
  }

  /** Train (or resume), pausing at `settings.stopAfter` updates when set. */
  run(): void {
    const limit = this.settings.stopAfter > 0 ? this.settings.stopAfter : Number.POSITIVE_INFINITY;
    this.pauseAt = this.updates < limit ? limit : Number.POSITIVE_INFINITY;
    this.go();
  }

  /** One update, then pause again. */
  step(): void {
    this.pauseAt = this.updates + 1;
    this.go();
  }

  /** Pause at the next update. */
  pause(): void {
    if (this.state === "running") this.pauseAt = this.updates + 1;
  }

  private go(): void {
    if (this.closing || this.state === "finished" || this.state === "running") return;
    this.state = "running";
    this.lapStart = performance.now();
    if (this.resume) {
      const resume = this.resume;
      this.resume = null;
      resume();
      return;
    }
    this.trainer
      .run({
        onUpdate: (record, info) => this.onUpdate(record, info.epoch, info.updates),
        onValidation: (point) => this.onValidation(point),
      })
      .then((result) => {
        this.state = "finished";
        this.flush(result.reason);
        if (this.task.text) this.postSample(this.sampling.temperature, this.sampling.length);
        this.settle();
      })
      .catch((error: Error) => {
        this.state = "finished";
        this.post({ type: "error", message: error.message, during: "training" });
        this.settle();
      });
  }

  private onUpdate(record: UpdateRecord, epoch: number, updates: number): Promise<void> | undefined {
    this.updates = updates;
    this.pending.push({
      update: updates - 1,
      epoch,
      time: record.time,
      previousTime: record.previousTime,
      windowStart: record.windowStart[0] ?? -1,
      sequenceStart: record.sequenceStart[0] ?? -1,
      backwardSteps: record.backwardSteps,
      forwardSteps: record.forwardSteps,
      loss: record.losses > 0 ? record.lossSum / record.losses : Number.NaN,
    });
    const now = performance.now();
    this.rate.steps += record.forwardSteps * this.config.streams;
    if (this.task.text && now - this.lastSample > this.sampling.everyMs) {
      this.lastSample = now;
      this.postSample(this.sampling.temperature, this.sampling.length);
    }
    if (updates >= this.pauseAt) {
      this.state = "paused";
      this.flush();
      if (this.task.text) this.postSample(this.sampling.temperature, this.sampling.length);
      this.settle();
      return new Promise<void>((resolve) => {
        this.resume = resolve;
      });
    }
    if (now - this.lastPost > 50) this.flush();
    return undefined;
  }

  private onValidation(point: ValidationPoint): void {
    const metricName = this.task.metricName;
    const summary = point.valid as unknown as Record<string, number>;
    this.pendingValidation.push({
      updates: point.updates,
      forwardSteps: point.forwardSteps,
      trainSeconds: point.trainSeconds,
      epochs: point.epochs,
      loss: point.valid.lossPerFrame,
      metric: metricName ? (summary[metricName] ?? null) : null,
      metricName,
    });
  }

  /** Posts what happened since the last post (and the state). */
  flush(reason?: string): void {
    const now = performance.now();
    if (this.state === "running" || this.lapStart > 0) this.trainingMs += now - this.lapStart;
    this.lapStart = this.state === "running" ? now : 0;
    if (this.trainingMs - this.rate.since > 1000 || this.state !== "running") {
      const seconds = (this.trainingMs - this.rate.since) / 1000;
      if (seconds > 0.2) this.rate.perSecond = this.rate.steps / seconds;
      this.rate.steps = 0;
      this.rate.since = this.trainingMs;
    }
    this.lastPost = now;
    this.post({
      type: "progress",
      updates: this.pending,
      validation: this.pendingValidation,
      totalUpdates: this.updates,
      stepsPerSecond: this.rate.perSecond,
      state: this.state,
      ...(reason ? { reason } : {}),
    });
    this.pending = [];
    this.pendingValidation = [];
  }

  /** The second model with the training model's current weights. */
  private weightsCopy(): SequenceModel {
    this.copy ??= new SequenceModel(this.model.config, this.backend);
    this.copy.params.set(this.model.params);
    return this.copy;
  }

  postSample(temperature: number, length: number): void {
    const text = this.task.text;
    if (!text) return;
    const symbols: string[] = [];
    const generator = sampleText(this.weightsCopy(), text.corpus.vocabulary, {
      length,
      temperature,
      seed: this.updates + 1,
    });
    for (const symbol of generator) symbols.push(symbol);
    this.post({ type: "sample", text: symbols.join(""), temperature, updates: this.updates });
  }

  /** The gradient horizon of the current weights (tbptt gradient's analysis), on the training data. */
  gradient(): FromWorker {
    const schedule = makeSchedule(this.config.schedule);
    const report = analyseGradient(this.weightsCopy(), this.task.data.train, {
      schedule,
      streams: Math.min(this.config.streams, 8),
      updates: 10,
      profileSteps: 2 ** 16,
    });
    const norms = report.lagProfile.stateGradient?.meanNorm ?? [];
    const r = report.recommendation;
    return {
      type: "gradient",
      svg: renderGradientSvg(report, `gradient horizon after ${this.updates} updates`),
      rows: report.truncation.map((row) => ({
        k2: row.k2,
        cosine: row.cosine.mean,
        relativeError: row.relativeError.mean,
        backwardPerForward: row.cost.backwardPerForward,
      })),
      lag: norms.map((norm, lag) => ({ lag, norm })),
      recommendation: Number.isFinite(r.k2)
        ? `k2 = ${r.k2} (${r.truncation}) reaches cosine ${r.cosine.toFixed(3)} ≥ ${report.tolerance} of full BPTT's gradient at ${r.cost.backwardPerForward.toFixed(2)} backward steps per forward step (full BPTT: ${report.full.cost.backwardPerForward.toFixed(2)}).`
        : `no measured k2 reaches cosine ${report.tolerance}: keep k2 = ∞ (full BPTT) for this model.`,
    };
  }

  /** The model as tbptt saves it: model.safetensors with model.json in its metadata, and model.json. */
  saved(): { weights: Uint8Array; modelJson: string } {
    const trained = new TrainedModel(this.model, savedModelMeta(this.task.data.meta, this.config));
    return { weights: trained.toBytes(), modelJson: modelFileText(this.model, trained.meta) };
  }

  private settle(): void {
    this.settled?.();
    this.settled = null;
  }

  /**
   * Frees the session. A running run is paused at its next update first: the trainer yields to
   * the worker's messages between updates (Trainer.run breathes), so freeing at once would let
   * its next update run on freed memory.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (this.state === "running") {
      const stopped = new Promise<void>((resolve) => {
        this.settled = resolve;
      });
      this.pauseAt = this.updates + 1;
      await stopped;
    }
    this.dispose();
  }

  /** Frees the models and the optimizer's state; a paused run is abandoned. */
  dispose(): void {
    this.resume = null;
    this.state = "finished";
    this.trainer.dispose();
    this.model.dispose();
    this.copy?.dispose();
  }
}

export async function startSession(backend: Backend, settings: Settings, post: Post): Promise<Session> {
  return new Session(backend, settings, await buildTask(settings), post);
}
