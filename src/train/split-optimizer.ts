/**
 * Two optimizers over one flat parameter array, for schedule outputUpdate "step" (the
 * rnnlm toolkit's rule, docs/rnnlm.md): the output layer's parameters (the array's tail,
 * model.outputParams) change after every step, the rest at each update of the schedule.
 * Each part has its own optimizer state and step count (Adam's bias correction counts
 * each part's own steps). A checkpoint holds the body's arrays under their names, the
 * output layer's under `output.<name>`, and the output layer's step count as
 * `output.steps` = [⌊n / 2²⁰⌋, n mod 2²⁰], two values a float32 tensor holds exactly.
 * For plain SGD (no momentum, no weight decay) a parameter whose gradient is zero does not
 * move, so an output step may update only the ranges the step touched (a class-factorised
 * output: the classes and the target's class of words, rnnlm's own sparse update).
 */
import type { FloatArray } from "../core/types.js";
import { createOptimizer, type Optimizer, type OptimizerConfig } from "./optimizer.js";

const SPLIT = 2 ** 20;

export class SplitOptimizer implements Optimizer {
  readonly type: string;
  private readonly body: Optimizer;
  private readonly output: Optimizer;
  /** Whether untouched parameters provably stay put (plain SGD). */
  private readonly sparse: boolean;

  constructor(
    config: OptimizerConfig,
    readonly outputParams: { offset: number; length: number },
    private readonly alloc: (n: number) => FloatArray,
  ) {
    this.type = config.type;
    this.body = createOptimizer(config, outputParams.offset, alloc);
    this.output = createOptimizer(config, outputParams.length, alloc);
    this.sparse = config.type === "sgd" && !config.momentum && !config.weightDecay;
  }

  /** The schedule's update: every parameter but the output layer's. */
  step(params: FloatArray, grads: FloatArray, lr: number): void {
    const end = this.outputParams.offset;
    this.body.step(params.subarray(0, end), grads.subarray(0, end), lr);
  }

  /**
   * After a step: the output layer's parameters only; with `ranges` (pairs of offsets, the
   * only parts of grads that may be non-zero) plain SGD updates just those.
   */
  stepOutput(
    params: FloatArray,
    grads: FloatArray,
    lr: number,
    ranges?: { ranges: Int32Array; count: number },
  ): void {
    if (ranges && this.sparse) {
      for (let r = 0; r < ranges.count; r++) {
        const to = ranges.ranges[2 * r + 1] as number;
        for (let i = ranges.ranges[2 * r] as number; i < to; i++) params[i] -= lr * (grads[i] as number);
      }
      return;
    }
    const { offset, length } = this.outputParams;
    this.output.step(params.subarray(offset, offset + length), grads.subarray(offset, offset + length), lr);
  }

  state() {
    const body = this.body.state();
    const output = this.output.state();
    const arrays: Record<string, FloatArray> = { ...body.arrays };
    for (const [name, array] of Object.entries(output.arrays)) arrays[`output.${name}`] = array;
    const steps = this.alloc(2);
    steps[0] = Math.floor(output.steps / SPLIT);
    steps[1] = output.steps % SPLIT;
    arrays["output.steps"] = steps;
    return { arrays, steps: body.steps };
  }

  loadState(arrays: Record<string, ArrayLike<number>>, steps: number): void {
    const body: Record<string, ArrayLike<number>> = {};
    const output: Record<string, ArrayLike<number>> = {};
    for (const [name, array] of Object.entries(arrays)) {
      if (name === "output.steps") continue;
      if (name.startsWith("output.")) output[name.slice("output.".length)] = array;
      else body[name] = array;
    }
    const count = arrays["output.steps"];
    if (count?.length !== 2)
      throw new Error(`${this.type} state: missing output.steps (the output layer's step count)`);
    this.body.loadState(body, steps);
    this.output.loadState(output, (count[0] as number) * SPLIT + (count[1] as number));
  }
}
