/**
 * A model folder on disk (Node-only): `model.json` and `model.safetensors`, the format
 * of src/train/model-format.ts (docs/model-format.md), both written atomically.
 */

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { TrainedModel } from "../api/trained-model.js";
import type { Backend } from "../core/backend.js";
import { TbpttError } from "../core/errors.js";
import type { SequenceModel } from "../nn/model.js";
import {
  decodeModel,
  type LoadedModel,
  type ModelFile,
  type ModelMeta,
  modelFileText,
  modelWeightsBytes,
  parseModelFile,
} from "../train/model-format.js";
import { writeFileAtomicSync } from "./atomic-write.js";

export type { LoadedModel, ModelFile, ModelMeta } from "../train/model-format.js";

/**
 * Writes `dir/model.safetensors` then `dir/model.json` (each atomically), creating `dir`:
 * `saveModelDir(dir, trained)` for a TrainedModel, or `saveModelDir(dir, network, meta)`.
 */
export function saveModelDir(dir: string, trained: LoadedModel): void;
export function saveModelDir(dir: string, model: SequenceModel, meta: ModelMeta): void;
export function saveModelDir(dir: string, first: SequenceModel | LoadedModel, second?: ModelMeta): void {
  const { model, meta } =
    second === undefined ? (first as LoadedModel) : { model: first as SequenceModel, meta: second };
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, "model.safetensors"), modelWeightsBytes(model, meta));
  writeFileAtomicSync(join(dir, "model.json"), new TextEncoder().encode(modelFileText(model, meta)));
}

/** Reads and checks `dir/model.json`. */
export function readModelFile(dir: string): ModelFile {
  const path = join(dir, "model.json");
  if (!existsSync(path))
    throw new TbpttError(
      `${dir}: not a model directory (no model.json; expected model.json and model.safetensors)`,
    );
  return parseModelFile(readFileSync(path, "utf8"), path);
}

/**
 * The model in folder `dir` (as `tbptt train` writes OUT/model and OUT/best), on `backend`
 * (default: plain float32), ready to predict and evaluate.
 */
export function loadModelDir(dir: string, backend?: Backend): TrainedModel {
  const file = readModelFile(dir);
  const weights = join(dir, "model.safetensors");
  if (!existsSync(weights))
    throw new TbpttError(`${dir}: model.json is there but model.safetensors is missing`);
  const bytes = readFileSync(weights);
  const { model, meta } = decodeModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), {
    file,
    source: weights,
    fileSource: join(dir, "model.json"),
    ...(backend ? { backend } : {}),
  });
  return new TrainedModel(model, meta);
}
