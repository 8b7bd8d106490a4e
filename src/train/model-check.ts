/**
 * A model.json checked against itself before a model is built from it (isomorphic;
 * docs/model-format.md): the architecture's keys, the class names (one per output of a
 * classifier, none for real-valued outputs) and the input statistics (one mean and one
 * standard deviation per input). An edited or mismatched model.json would otherwise load
 * and give labels by the wrong names, or fail later naming the data instead of the model.
 */
import { TbpttError } from "../core/errors.js";
import { validateModelConfig } from "../nn/model.js";
import type { ModelFile } from "./model-format.js";

/** Throws a TbpttError naming `source` (model.json) and the key when `file` does not hold together. */
export function checkModelFile(file: ModelFile, source: string): void {
  try {
    validateModelConfig(file.model);
  } catch (e) {
    if (e instanceof TbpttError) throw new TbpttError(`${source}: ${e.message}`);
    throw e;
  }
  const { model, meta } = file;
  const bad = (key: string, message: string): never => {
    throw new TbpttError(`${source}: meta.${key}: ${message}`);
  };
  if (typeof meta.task !== "string")
    bad("task", `expected the task's name, got ${JSON.stringify(meta.task)}`);
  if (!("classes" in meta))
    bad("classes", "missing (the class names, index = output; null when the classes are indices)");
  const classes: unknown = meta.classes;
  if (classes !== null) {
    if (!Array.isArray(classes) || classes.some((c) => typeof c !== "string"))
      bad("classes", "expected an array of class names or null");
    const kind = model.output?.kind ?? "softmax";
    if (kind === "mse")
      bad("classes", "a model with real-valued outputs (mse) has no class names: expected null");
    if ((classes as string[]).length !== model.outputSize)
      bad(
        "classes",
        `${(classes as string[]).length} class names, but the model has ${model.outputSize} outputs (model.outputSize)`,
      );
  }
  const norm = meta.normalisation as { mean?: unknown; std?: unknown } | null | undefined;
  if (norm !== null && norm !== undefined) {
    for (const key of ["mean", "std"] as const) {
      const values = norm[key];
      if (
        !Array.isArray(values) ||
        values.length !== model.inputSize ||
        values.some((v) => typeof v !== "number" || !Number.isFinite(v) || (key === "std" && v <= 0))
      )
        bad(
          `normalisation.${key}`,
          `expected ${model.inputSize} finite numbers${key === "std" ? " > 0" : ""} (one per input, model.inputSize), got ${Array.isArray(values) ? `${values.length} values` : JSON.stringify(values)}`,
        );
    }
  }
}
