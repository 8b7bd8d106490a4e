/**
 * Whether a checkpoint belongs to the run about to continue from it: the same optimizer
 * (its arrays by name and size), the same number of streams, the same number of training
 * sequences. A checkpoint copied from another run, or a run whose config was edited by
 * hand, is refused with what differs, before anything is loaded.
 */
import { TbpttError } from "../core/errors.js";
import type { Optimizer } from "./optimizer.js";
import type { Checkpoint } from "./trainer.js";

const OPTIMIZER_ARRAYS: Record<string, string> = {
  velocity: "sgd",
  "m,v": "adam",
  "delta,mean,square": "rmsprop",
  sum: "adagrad",
};

function describeArrays(names: string[]): string {
  const key = names
    .filter((n) => !n.startsWith("output."))
    .sort()
    .join(",");
  const type = OPTIMIZER_ARRAYS[key];
  return `${names.length === 0 ? "none" : names.sort().join(", ")}${type ? ` (${type}'s)` : ""}`;
}

export function checkRestore(
  checkpoint: Checkpoint,
  optimizer: Optimizer,
  options: { streams: number; optimizer: { type: string } },
  sequences: number,
  source: string,
): void {
  const expected = optimizer.state().arrays;
  const wanted = Object.keys(expected);
  const held = Object.keys(checkpoint.optimizer);
  if (wanted.length !== held.length || wanted.some((n) => !held.includes(n))) {
    throw new TbpttError(
      `${source}: the checkpoint holds optimizer state ${describeArrays(held)}, but the configured optimizer ${options.optimizer.type} keeps ${describeArrays(wanted)}: it was written by another optimizer`,
    );
  }
  for (const name of wanted) {
    const have = checkpoint.optimizer[name]?.length ?? 0;
    const want = expected[name]?.length ?? 0;
    if (have !== want)
      throw new TbpttError(
        `${source}: optimizer array ${name} has ${have} values, the model's optimizer needs ${want}`,
      );
  }
  const { order, position } = checkpoint.state;
  if (order !== null) {
    const sorted = [...order].sort((a, b) => a - b);
    if (order.length !== sequences || sorted.some((v, i) => v !== i))
      throw new TbpttError(
        `${source}: the checkpoint's epoch order covers ${order.length} training sequences; the training data has ${sequences}`,
      );
  }
  if (position !== null) {
    if (position.streams.length !== options.streams)
      throw new TbpttError(
        `${source}: the checkpoint was taken with ${position.streams.length} streams; the configuration has streams = ${options.streams}`,
      );
    const beyond = position.streams.find((c) => c.sequence >= sequences || c.sequence < -1);
    if (beyond)
      throw new TbpttError(
        `${source}: the checkpoint's position is in sequence ${beyond.sequence}; the training data has ${sequences}`,
      );
    if (position.nextSequence > sequences)
      throw new TbpttError(
        `${source}: the checkpoint's position is past sequence ${position.nextSequence}; the training data has ${sequences}`,
      );
  }
}
