/**
 * A trained model with what its task saved beside it (isomorphic; docs/library.md): the
 * network, the class names, the input normalisation, the stream layout it was trained
 * with. Its methods take data as users hold it (rows like the JSON Lines lines, or a
 * text for a language model) and apply the stored normalisation and names themselves,
 * as Keras's `model.predict` / `model.evaluate` do:
 *
 *   const trained = await train({ data: { train: rows }, … });
 *   trained.predict([{ x: frames }]);        // per frame: labels and probabilities
 *   trained.evaluate(testRows);             // loss, frame error, per-class accuracy
 *   const bytes = trained.toBytes();         // one file: weights and model.json
 *   const again = TrainedModel.fromBytes(bytes);
 *
 * What predict and evaluate give follows the model's output (model.output): classes per
 * frame or per sequence, or real values in the data's units.
 */

import type { Backend } from "../core/backend.js";
import { TbpttError } from "../core/errors.js";
import { labelledSetFromRows, type ParseOptions } from "../data/jsonl.js";
import { checkSetLabels } from "../data/label-check.js";
import {
  applyNormalisation,
  copyLabelledSet,
  type LabelledSet,
  toEngineSequences,
} from "../data/labelled.js";
import type { SequenceLike } from "../engine/engine.js";
import type { Schedule } from "../engine/schedule.js";
import { checkSequencesFit } from "../engine/sequence-check.js";
import type { SequenceModel } from "../nn/model.js";
import { speechReport } from "../tasks/speech/task.js";
import { buildCorpus } from "../tasks/text/corpus.js";
import { textReport, vocabularyFromMeta } from "../tasks/text/meta.js";
import { type SampleOptions, sampleText } from "../tasks/text/sample.js";
import { textDataForModel } from "../tasks/text/task.js";
import { evaluateModel, type Metrics } from "../train/evaluate.js";
import { FrameMetrics } from "../train/metrics.js";
import {
  decodeModel,
  type LoadedModel,
  type ModelMeta,
  modelSchedule,
  modelWeightsBytes,
} from "../train/model-format.js";
import { type Prediction, predict } from "../train/predict.js";
import type { TrainResult } from "../train/trainer.js";

/** Sequences as a user gives them: rows `{ x, y?, mask?, id? }` (a JSON Lines line each), or a labelled set. */
export type SequencesInput = readonly unknown[] | LabelledSet;

/** Options of predict and evaluate. */
export interface RunModelOptions {
  /**
   * Streams to run the data on. Default: the validation streams the model was trained
   * with (meta.validStreams), so a figure matches the one training printed; else 8.
   */
  streams?: number;
}

/** What `evaluate` gives: the metrics object and a flat summary of figures. */
export interface Evaluation {
  /** FrameMetrics (classes) or RegressionMetrics (real values), with everything they count. */
  metrics: Metrics;
  /**
   * The figures: lossPerFrame, frames, and frameError (classes) or rmse and mae (real
   * values), plus the task's own (bitsPerChar and perplexity for text, frameError39 for
   * speech).
   */
  summary: Record<string, number>;
  /** Classes only: accuracy per class name (NaN where a class never occurs). */
  perClassAccuracy?: Record<string, number>;
}

/** A trained model and its task's metadata; see the file comment. */
export class TrainedModel implements LoadedModel {
  /** How training ended, when this model comes from `train` (absent for a loaded model). */
  readonly training?: TrainResult;

  constructor(
    /** The network (its parameters, PyTorch names, backend). */
    readonly model: SequenceModel,
    /** What the task saved: class names, normalisation, stream layout… (model.json "meta"). */
    readonly meta: ModelMeta,
    training?: TrainResult,
  ) {
    if (training) this.training = training;
  }

  /** A model from bytes written by `toBytes` (or a model folder's model.safetensors). */
  static fromBytes(bytes: Uint8Array, options: { backend?: Backend; source?: string } = {}): TrainedModel {
    const { model, meta } = decodeModel(bytes, options);
    return new TrainedModel(model, meta);
  }

  /** One file holding the weights (safetensors, PyTorch names) and model.json in its metadata. */
  toBytes(): Uint8Array {
    return modelWeightsBytes(this.model, this.meta);
  }

  /** The class names (index = output class), or null when the data used class indices or real values. */
  get classes(): string[] | null {
    return this.meta.classes;
  }

  /** The resets and stream layout the model was trained with. */
  get schedule(): Schedule {
    return modelSchedule(this.meta);
  }

  /** The streams predict and evaluate use by default (see RunModelOptions.streams). */
  get defaultStreams(): number {
    return (this.meta.validStreams as number | undefined) ?? 8;
  }

  /**
   * Labelled sets from `input`, read as this model needs (its classes, input size and
   * output form) and normalised with its stored statistics; `input` itself is not changed.
   */
  labelledSet(
    input: SequencesInput,
    options: { labelsOptional?: boolean; source?: string } = {},
  ): LabelledSet {
    const { model, meta } = this;
    const values = model.head.targetSize > 0;
    const parse: ParseOptions = {
      inputSize: model.config.inputSize,
      classes: meta.classes,
      ...(values ? { targetSize: model.head.targetSize } : { classCount: model.config.outputSize }),
      form: { kind: model.head.config.kind, per: model.head.config.per },
      labelsOptional: options.labelsOptional ?? false,
    };
    let set: LabelledSet;
    if (Array.isArray(input))
      set = labelledSetFromRows(
        input.map((row) => (Array.isArray(row) ? { x: row } : row)),
        options.source ?? "data",
        parse,
      );
    else {
      set = copyLabelledSet(input as LabelledSet);
      if (set.inputSize !== model.config.inputSize)
        throw new TbpttError(
          `${set.source}: frames have ${set.inputSize} features, the model takes ${model.config.inputSize}`,
        );
      if ((set.targetSize ?? 0) !== model.head.targetSize)
        throw new TbpttError(
          `${set.source}: ${set.targetSize ? `${set.targetSize} real-valued targets` : "class labels"}, the model outputs ${values ? `${model.head.targetSize} real values` : "classes"}`,
        );
      // Labels in range, and a set's own class names mapped to the model's by name.
      set = checkSetLabels(set, { classes: meta.classes, classCount: parse.classCount });
    }
    if (meta.normalisation) applyNormalisation(set, meta.normalisation);
    return set;
  }

  /**
   * Predictions for sequences: rows `{ x }` (labels not needed), bare sequences of frames
   * (`number[][]` each), or a labelled set. Per sequence, in order: `{ labels, probs }`
   * (classes per frame, by name when the model has names), `{ label, probs }` (one class
   * per sequence), `{ predictions }` or `{ prediction }` (real values, the data's units).
   */
  predict(
    input: SequencesInput | readonly (readonly (readonly number[])[])[],
    options: RunModelOptions = {},
  ): Prediction[] {
    this.refuseText("predict");
    const set = this.labelledSet(input as SequencesInput, { labelsOptional: true });
    return this.predictSequences(toEngineSequences(set), options);
  }

  /** Predictions for sequences already in the engine's form (normalised as the model expects). */
  predictSequences(sequences: readonly SequenceLike[], options: RunModelOptions = {}): Prediction[] {
    checkSequencesFit(this.model, sequences, "predict");
    return predict(this.model, this.meta.classes, sequences, this.schedule, this.streams(options, sequences));
  }

  /**
   * The model's figures on labelled data: rows or a labelled set, or, for a language
   * model, a text (bits per character or word, perplexity). See Evaluation.
   */
  evaluate(input: SequencesInput | string, options: RunModelOptions = {}): Evaluation {
    if (typeof input === "string") return this.evaluateText(input, options);
    this.refuseText("evaluate rows of");
    const set = this.labelledSet(input);
    const report = this.meta.task === "speech" ? speechReport : undefined;
    return this.evaluateSequences(toEngineSequences(set), { ...options, ...(report ? { report } : {}) });
  }

  /**
   * The figures on sequences already in the engine's form; `report` adds the task's own
   * figures from the metrics (the CLI passes what it read the data with).
   */
  evaluateSequences(
    sequences: readonly SequenceLike[],
    options: RunModelOptions & { report?(metrics: Metrics): Record<string, number> } = {},
  ): Evaluation {
    checkSequencesFit(this.model, sequences, "evaluate");
    const metrics = evaluateModel(this.model, sequences, this.schedule, this.streams(options, sequences));
    const summary: Record<string, number> = {
      ...(metrics.summary() as unknown as Record<string, number>),
      ...(options.report ? options.report(metrics) : {}),
    };
    if (!(metrics instanceof FrameMetrics)) return { metrics, summary };
    const names = this.meta.classes ?? Array.from({ length: metrics.classes }, (_, i) => String(i));
    const accuracy = metrics.perClassAccuracy();
    return {
      metrics,
      summary,
      perClassAccuracy: Object.fromEntries(names.map((n, i) => [n, accuracy[i] as number])),
    };
  }

  /**
   * Text generated by a language model (char-rnn's sample.lua): the prime, run through the
   * model first, is not repeated in the result; `length` symbols follow, drawn at
   * `temperature` (default 1) from `seed` (default 1), or the most probable with `argmax`.
   */
  sample(options: SampleOptions): string {
    if (this.meta.task !== "text")
      throw new TbpttError(
        `sample: only a language model (task "text") generates text; this one's task is "${this.meta.task}"`,
      );
    return [...sampleText(this.model, vocabularyFromMeta(this.meta, "sample"), options)].join("");
  }

  private evaluateText(text: string, options: RunModelOptions): Evaluation {
    if (this.meta.task !== "text")
      throw new TbpttError(
        `evaluate: a string is a text, for a language model; this model's task is "${this.meta.task}" (give rows { x, y })`,
      );
    const vocabulary = vocabularyFromMeta(this.meta, "evaluate");
    const corpus = buildCorpus([{ name: "text", bytes: new TextEncoder().encode(text) }], {
      unit: vocabulary.unit,
      validFraction: 0,
      vocabulary,
    });
    const streams = options.streams ?? this.defaultStreams;
    const data = textDataForModel(corpus, vocabulary, streams, "text");
    const unit = vocabulary.unit;
    return this.evaluateSequences(data.sequences, {
      streams,
      report: (metrics) => textReport(metrics.lossPerFrame, unit),
    });
  }

  /**
   * Frees the network's memory on its backend (the wasm and native arenas reuse it for the
   * next model); the model must not be used afterwards.
   */
  dispose(): void {
    this.model.dispose();
  }

  private refuseText(what: string): void {
    if (this.meta.task === "text")
      throw new TbpttError(
        `${what} sequences: this is a language model (task "text"); evaluate it on a string, or generate with sampleText`,
      );
  }

  private streams(options: RunModelOptions, sequences: readonly SequenceLike[]): number {
    const streams = options.streams ?? this.defaultStreams;
    if (!Number.isInteger(streams) || streams < 1)
      throw new TbpttError(`streams: expected an integer ≥ 1, got ${streams}`);
    return Math.max(1, Math.min(streams, sequences.length));
  }
}
