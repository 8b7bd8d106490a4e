/**
 * Language-model metrics from a summed cross-entropy (natural log) over N predicted symbols:
 *   mean loss      ℓ = (Σ −ln p(x_{t+1} | x_≤t)) / N   nats per symbol,
 *   bits per char  ℓ / ln 2   (Graves 2014 reports bits per character; per byte for unit "byte"),
 *   perplexity     e^ℓ = 2^bpc.
 * `evaluateText` computes them on a text run forward through the engine (train: false)
 * with the training schedule's chunking and resets, so the carried state is the one the
 * model was trained to use.
 */
import { Engine } from "../../engine/engine.js";
import type { Schedule } from "../../engine/schedule.js";
import type { SequenceModel } from "../../nn/model.js";
import { cutStreams } from "./streams.js";
import type { SymbolIds } from "./vocabulary.js";

/** A language model's figures: loss in nats per symbol, bits per symbol, perplexity. */
export interface TextMetrics {
  /** Symbols predicted (labelled steps). */
  symbols: number;
  /** Mean cross-entropy in nats per symbol. */
  nats: number;
  bitsPerSymbol: number;
  perplexity: number;
}

/** Nats, bits and perplexity per symbol from a summed loss (natural log) over `symbols` symbols. */
export function textMetrics(lossSum: number, symbols: number): TextMetrics {
  if (!(symbols > 0)) throw new Error(`text metrics: no symbols were predicted (count ${symbols})`);
  const nats = lossSum / symbols;
  return { symbols, nats, bitsPerSymbol: nats / Math.LN2, perplexity: Math.exp(nats) };
}

/** Options of `evaluateText`. */
export interface EvaluateOptions {
  schedule: Schedule;
  /** Streams to cut the text into (fewer streams: more context per symbol). */
  streams: number;
}

/**
 * Forward-only pass over a text. The model's buffers and carried state are restored
 * afterwards, so evaluating in the middle of a training run does not disturb it.
 */
export function evaluateText(model: SequenceModel, ids: SymbolIds, options: EvaluateOptions): TextMetrics {
  const V = model.config.inputSize;
  const streams = cutStreams(ids, options.streams, V, "validation text");
  const before = model.tape ? { tape: model.tape, state: model.saveState() } : null;
  const engine = new Engine(model, options.schedule, options.streams);
  const summary = engine.run(streams, () => true, { train: false });
  if (before) {
    model.configure(before.tape.capacity, before.tape.streams, before.tape.lanes);
    model.loadState(before.state);
  }
  return textMetrics(summary.lossSum, summary.losses);
}
