/**
 * Output heads by name: the model's `output.kind` picks one. A new head (a
 * class-factorised softmax, a mixture density…) implements OutputHead (head.ts) and
 * gets a case here and in validateOutputConfig.
 */
import { TbpttError } from "../core/errors.js";
import type { ParamLayout } from "../core/params.js";
import { AffineHead } from "./affine-head.js";
import { ClassSoftmaxHead } from "./class-softmax-head.js";
import type { OutputConfig, OutputHead } from "./head.js";
import { mseRowLoss } from "./mse.js";
import { softmaxRowLoss } from "./softmax-xent.js";

/** Checks an output config against the model's outputSize; throws naming the field. */
export function validateOutputConfig(output: OutputConfig, outputSize: number): void {
  const bad = (field: string, expected: string, got: unknown): never => {
    throw new TbpttError(`model.output.${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof output !== "object" || output === null) bad("", "an object { kind, per }", output);
  if (output.kind !== "softmax" && output.kind !== "mse" && output.kind !== "class-softmax")
    bad("kind", '"softmax", "mse" or "class-softmax"', output.kind);
  if (output.per !== "frame" && output.per !== "sequence") bad("per", '"frame" or "sequence"', output.per);
  if (output.kind === "softmax" && outputSize < 2)
    throw new TbpttError(
      `model.outputSize: expected at least 2 classes for a softmax output, got ${outputSize}`,
    );
  if (output.kind === "class-softmax") {
    const sizes = output.classSizes;
    if (!Array.isArray(sizes) || sizes.length < 1)
      bad("classSizes", "an array with the number of words in each class", sizes);
    (sizes as number[]).forEach((n, c) => {
      if (!Number.isInteger(n) || n < 1) bad(`classSizes[${c}]`, "an integer ≥ 1", n);
    });
    const total = (sizes as number[]).reduce((a, b) => a + b, 0);
    if (total !== outputSize)
      bad("classSizes", `sizes adding up to outputSize ${outputSize} (every word in one class)`, sizes);
    if (output.bias !== undefined && typeof output.bias !== "boolean")
      bad("bias", "true or false", output.bias);
  } else if (output.classSizes !== undefined || output.bias !== undefined)
    bad("classSizes", `nothing for kind "${output.kind}" (classes are class-softmax's)`, output.classSizes);
  const norm = output.normalisation;
  if (norm === undefined || norm === null) return;
  if (output.kind !== "mse") bad("normalisation", 'null (target statistics belong to kind "mse")', norm);
  for (const key of ["mean", "std"] as const) {
    const values = norm[key];
    if (!Array.isArray(values) || values.length !== outputSize)
      bad(`normalisation.${key}`, `${outputSize} numbers (one per target dimension)`, values);
    values.forEach((v, d) => {
      const ok = typeof v === "number" && Number.isFinite(v) && (key === "mean" || v > 0);
      if (!ok) bad(`normalisation.${key}[${d}]`, key === "mean" ? "a finite number" : "a positive number", v);
    });
  }
}

/** The head for `output` over F features with C outputs; adds its parameters to the layout. */
export function createHead(
  output: OutputConfig,
  inputSize: number,
  outputSize: number,
  layout: ParamLayout,
): OutputHead {
  validateOutputConfig(output, outputSize);
  if (output.kind === "class-softmax") return new ClassSoftmaxHead(output, inputSize, outputSize, layout);
  const loss =
    output.kind === "mse" ? mseRowLoss(outputSize, output.normalisation) : softmaxRowLoss(outputSize);
  return new AffineHead(output, inputSize, outputSize, layout, loss);
}
