/**
 * Output heads by name: the model's `output.kind` picks one. A new head (a
 * class-factorised softmax, a mixture density…) implements OutputHead (head.ts) and
 * gets a case here and in validateOutputConfig.
 */
import type { ParamLayout } from "../core/params.js";
import { AffineHead } from "./affine-head.js";
import type { OutputConfig, OutputHead } from "./head.js";
import { softmaxRowLoss } from "./softmax-xent.js";

/** Checks an output config against the model's outputSize; throws naming the field. */
export function validateOutputConfig(output: OutputConfig, outputSize: number): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new Error(`model.output.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (output.kind !== "softmax") bad("kind", '"softmax"', output.kind);
  if (output.per !== "frame" && output.per !== "sequence") bad("per", '"frame" or "sequence"', output.per);
  if (outputSize < 2)
    throw new Error(`model.outputSize: expected at least 2 classes for a softmax output, got ${outputSize}`);
}

/** The head for `output` over F features with C outputs; adds its parameters to the layout. */
export function createHead(
  output: OutputConfig,
  inputSize: number,
  outputSize: number,
  layout: ParamLayout,
): OutputHead {
  validateOutputConfig(output, outputSize);
  return new AffineHead(output, inputSize, outputSize, layout, softmaxRowLoss(outputSize));
}
