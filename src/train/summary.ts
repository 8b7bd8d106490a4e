/**
 * A model summary, as Keras's `model.summary()` and torchinfo print one (isomorphic): the
 * layers and their parameter tensors, the parameter count, the backend, and the memory a
 * run takes — the fixed part (parameters, gradients, optimizer state) and the stored
 * activations of each stream, which the schedule decides: the engine keeps a ring of
 * `capacity` steps per stream (k2 for window truncation, more for per-loss lanes, back
 * to the last reset for k2 = ∞; src/engine/planner.ts).
 *
 * The memory is measured, not estimated: the model is built on a plain backend that
 * counts what it allocates, sized for the schedule with one stream and then with two;
 * the difference is what each stream adds.
 */
import { countingBackend } from "../core/counting-backend.js";
import type { DType } from "../core/types.js";
import { Engine } from "../engine/engine.js";
import { Planner } from "../engine/planner.js";
import type { Schedule } from "../engine/schedule.js";
import { type ModelConfig, SequenceModel } from "../nn/model.js";
import { createOptimizer, type OptimizerConfig } from "./optimizer.js";

/** One parameter tensor in a summary. */
export interface SummaryTensor {
  name: string;
  shape: readonly number[];
  size: number;
}

/** What `modelSummary` reports (sizes in bytes). */
export interface ModelSummary {
  architecture: ModelConfig;
  tensors: SummaryTensor[];
  parameters: number;
  dtype: DType;
  backend: string;
  streams: number;
  /** Steps of activations kept per stream (the engine's ring). */
  storedSteps: number;
  /** Adjoint lanes per stream in a backward sweep (per-loss truncation: min(k1, k2)). */
  lanes: number;
  /** Parameters, gradients and optimizer state. */
  fixedBytes: number;
  /** Activations, inputs and adjoints each stream adds. */
  bytesPerStream: number;
  /** fixedBytes + streams × bytesPerStream. */
  totalBytes: number;
}

/** Options of `modelSummary`. */
export interface SummaryOptions {
  schedule: Schedule;
  streams: number;
  /** The training sequences' lengths (the ring's size depends on them when k1 or k2 is ∞). */
  lengths: readonly number[];
  optimizer: OptimizerConfig;
  dtype?: DType;
  /** The backend's name, for the report (default "plain"). */
  backend?: string;
}

/** The summary of a model of `architecture` trained as `options` say (see the file comment). */
export function modelSummary(architecture: ModelConfig, options: SummaryOptions): ModelSummary {
  const dtype = options.dtype ?? "float32";
  const bytes = dtype === "float32" ? 4 : 8;
  // Streams beyond one per sequence stay empty and change no ring: planning with at most
  // that many keeps an absurd stream count from being laid out before it is refused.
  const planned = Math.min(options.streams, Math.max(1, options.lengths.length));
  const capacity = new Planner(options.schedule, planned, options.lengths).capacity();
  // One model, sized for one stream and then for two: buffers only grow, and each one
  // that depends on the streams is allocated again whole, so the second count less the
  // first is what one stream adds.
  const counter = countingBackend(dtype);
  const model = new SequenceModel(architecture, counter.backend);
  const lanes = new Engine(model, options.schedule, options.streams).lanes;
  const parametersAndGradients = counter.allocated();
  model.configure(capacity, 1, lanes);
  const oneStream = counter.allocated() - parametersAndGradients;
  model.configure(capacity, 2, lanes);
  const twoStreams = counter.allocated() - parametersAndGradients - oneStream;
  const perStream = twoStreams - oneStream;
  // The optimizer's arrays, counted without allocating them (its constructor only keeps them).
  let optimizerState = 0;
  createOptimizer(options.optimizer, model.params.length, (n) => {
    optimizerState += n;
    return dtype === "float32" ? new Float32Array(0) : new Float64Array(0);
  });
  const fixedBytes = (parametersAndGradients + optimizerState + oneStream - perStream) * bytes;
  const bytesPerStream = perStream * bytes;
  return {
    architecture,
    tensors: model.layout.entries.map((e) => ({ name: e.name, shape: e.shape, size: e.size })),
    parameters: model.layout.size,
    dtype,
    backend: options.backend ?? "plain",
    streams: options.streams,
    storedSteps: capacity,
    lanes,
    fixedBytes,
    bytesPerStream,
    totalBytes: fixedBytes + options.streams * bytesPerStream,
  };
}

/** "1.23 MB", "456 KB", "789 B" (powers of 1024). */
export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

/** The architecture in one line: "lstm, 2 layers × 64 cells, bidirectional, peepholes → 61 classes per frame". */
export function describeArchitecture(a: ModelConfig): string {
  const kind = a.output?.kind ?? "softmax";
  const per = a.output?.per ?? "frame";
  const what =
    kind === "mse"
      ? `${a.outputSize} real value${a.outputSize === 1 ? "" : "s"}`
      : `${a.outputSize} classes${kind === "class-softmax" ? " (word classes)" : ""}`;
  return [
    `${a.cell}, ${a.layers} layer${a.layers === 1 ? "" : "s"} × ${a.hiddenSize} ${a.cell === "mlp" ? "units" : "cells"}`,
    a.bidirectional ? "bidirectional" : null,
    a.peepholes ? "peepholes" : null,
    a.projSize ? `projection ${a.projSize}` : null,
    `${a.inputSize} inputs → ${what} per ${per}`,
  ]
    .filter((p) => p !== null)
    .join(", ");
}

/** The summary as lines of text; `tensors` adds the table of parameter tensors. */
export function renderSummary(s: ModelSummary, options: { tensors?: boolean } = {}): string[] {
  const lines = [`model: ${describeArchitecture(s.architecture)}`];
  if (options.tensors) {
    const width = Math.max(...s.tensors.map((t) => t.name.length));
    for (const t of s.tensors)
      lines.push(
        `  ${t.name.padEnd(width)}  ${`(${t.shape.join(", ")})`.padEnd(14)} ${t.size.toLocaleString("en-US").padStart(10)}`,
      );
  }
  lines.push(
    `parameters: ${s.parameters.toLocaleString("en-US")} (${formatBytes(s.parameters * (s.dtype === "float32" ? 4 : 8))} ${s.dtype}); backend ${s.backend}`,
    `memory: ${formatBytes(s.totalBytes)} = ${formatBytes(s.fixedBytes)} parameters, gradients and optimizer state + ${s.streams} stream${s.streams === 1 ? "" : "s"} × ${formatBytes(s.bytesPerStream)} (${s.storedSteps} stored steps${s.lanes > 1 ? ` × ${s.lanes} lanes` : ""} of activations per stream)`,
  );
  return lines;
}
