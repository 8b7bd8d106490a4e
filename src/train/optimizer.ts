/**
 * Optimizers over the model's one flat parameter array (STYLE.md convention 3):
 * each keeps its state in flat arrays of the same layout, so a step is one loop and a
 * checkpoint is a few tensors. `step` applies p ← p − update(g) in place.
 * Weight decay is L2 added to the gradient (g ← g + λp), as torch.optim's weight_decay.
 */
import type { FloatArray } from "../core/types.js";
import { Adagrad } from "./adagrad.js";
import { Adam } from "./adam.js";
import { RmsProp } from "./rmsprop.js";
import { Sgd } from "./sgd.js";

/** An optimizer over a flat parameter array: one step per update, with state a checkpoint can save. */
export interface Optimizer {
  readonly type: string;
  /** One update with learning rate `lr` (the schedule's current value). */
  step(params: FloatArray, grads: FloatArray, lr: number): void;
  /** The state to checkpoint: named arrays and the step count. */
  state(): { arrays: Record<string, FloatArray>; steps: number };
  /** Restores the arrays and step count `state()` returned (resuming a run). */
  loadState(arrays: Record<string, ArrayLike<number>>, steps: number): void;
}

/** Which optimizer and its settings (docs/config.md, optimizer). */
export type OptimizerConfig =
  | { type: "sgd"; lr: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
  | { type: "adam"; lr: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }
  | {
      type: "rmsprop";
      lr: number;
      alpha?: number;
      eps?: number;
      momentum?: number;
      centered?: boolean;
      weightDecay?: number;
    }
  | { type: "adagrad"; lr: number; eps?: number; weightDecay?: number };

/** The optimizer `config` names, for `size` parameters, its state allocated with `alloc` (the backend's). */
export function createOptimizer(
  config: OptimizerConfig,
  size: number,
  alloc: (n: number) => FloatArray,
): Optimizer {
  switch (config.type) {
    case "sgd":
      return new Sgd(size, alloc, config.momentum ?? 0, config.nesterov ?? false, config.weightDecay ?? 0);
    case "adam":
      return new Adam(
        size,
        alloc,
        config.beta1 ?? 0.9,
        config.beta2 ?? 0.999,
        config.eps ?? 1e-8,
        config.weightDecay ?? 0,
      );
    case "rmsprop":
      return new RmsProp(size, alloc, {
        alpha: config.alpha ?? 0.99,
        eps: config.eps ?? 1e-8,
        momentum: config.momentum ?? 0,
        centered: config.centered ?? false,
        weightDecay: config.weightDecay ?? 0,
      });
    case "adagrad":
      return new Adagrad(size, alloc, config.eps ?? 1e-8, config.weightDecay ?? 0);
    default:
      throw new Error(
        `optimizer.type: expected "sgd", "adam", "rmsprop" or "adagrad", got ${JSON.stringify((config as { type: unknown }).type)}`,
      );
  }
}

/** Copies named state arrays back, checking their lengths. */
export function restoreArrays(
  type: string,
  targets: Record<string, FloatArray>,
  arrays: Record<string, ArrayLike<number>>,
): void {
  for (const [name, target] of Object.entries(targets)) {
    const source = arrays[name];
    if (!source) throw new Error(`${type} state: missing array ${name}`);
    if (source.length !== target.length) {
      throw new Error(`${type} state: ${name} has ${source.length} values, expected ${target.length}`);
    }
    for (let i = 0; i < target.length; i++) target[i] = source[i] as number;
  }
}
