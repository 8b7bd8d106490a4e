/**
 * The compact binary form of a labelled set: one safetensors file (docs/data.md) with
 *   features F32 [frames, I], labels I32 [frames] (−1: no loss), lengths I32 [sequences],
 * and metadata "tbptt.dataset" = JSON {"classes": [...] | null, "ids": [...]}; a set with
 * real-valued targets adds targets F32 [frames, D] (labels 0 where a frame has one), and
 * a set with one label per sequence adds "per": "sequence" to the metadata.
 * A million 26-dimensional frames is ~110 MB and decodes in well under a second.
 */
import { TbpttError } from "../core/errors.js";
import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { checkSetLabels } from "./label-check.js";
import type { LabelledSet } from "./labelled.js";

/** The compact binary form of a labelled set (a safetensors file; docs/data.md). */
export function encodeLabelledSet(set: LabelledSet): Uint8Array {
  const frames = set.sequences.reduce((n, s) => n + s.labels.length, 0);
  const features = new Float32Array(frames * set.inputSize);
  const labels = new Int32Array(frames);
  const lengths = new Int32Array(set.sequences.length);
  const D = set.targetSize ?? 0;
  const targets = new Float32Array(frames * D);
  let at = 0;
  set.sequences.forEach((s, i) => {
    features.set(s.features, at * set.inputSize);
    labels.set(s.labels, at);
    if (D > 0) targets.set(s.targets as Float32Array, at * D);
    lengths[i] = s.labels.length;
    at += s.labels.length;
  });
  return encodeSafetensors(
    [
      { name: "features", dtype: "F32", shape: [frames, set.inputSize], data: features },
      { name: "labels", dtype: "I32", shape: [frames], data: labels },
      { name: "lengths", dtype: "I32", shape: [set.sequences.length], data: lengths },
      ...(D > 0 ? [{ name: "targets", dtype: "F32" as const, shape: [frames, D], data: targets }] : []),
    ],
    {
      "tbptt.dataset": JSON.stringify({
        classes: set.classes,
        ids: set.sequences.map((s) => s.id),
        ...(set.per === "sequence" ? { per: "sequence" } : {}),
      }),
    },
  );
}

/** A labelled set from its binary form; `source` names it in errors. */
export function decodeLabelledSet(bytes: Uint8Array, source: string): LabelledSet {
  const { tensors, metadata } = decodeSafetensors(bytes, source);
  const get = (name: string, dtype: string) => {
    const t = tensors.get(name);
    if (!t)
      throw new TbpttError(
        `${source}: missing tensor "${name}" (a tbptt dataset has features, labels, lengths)`,
      );
    if (t.dtype !== dtype)
      throw new TbpttError(`${source}: tensor "${name}" is ${t.dtype}, expected ${dtype}`);
    return t;
  };
  const features = get("features", "F32");
  const labels = get("labels", "I32").data as Int32Array;
  const lengths = get("lengths", "I32").data as Int32Array;
  if (features.shape.length !== 2)
    throw new TbpttError(`${source}: features must be [frames, inputs], got [${features.shape}]`);
  const [frames, inputSize] = features.shape as [number, number];
  if (labels.length !== frames)
    throw new TbpttError(`${source}: ${labels.length} labels for ${frames} frames`);
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== frames)
    throw new TbpttError(`${source}: sequence lengths add up to ${total}, but there are ${frames} frames`);
  const meta = datasetMeta(metadata["tbptt.dataset"], source);
  const ids: unknown = meta.ids ?? [];
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string"))
    throw new TbpttError(`${source}: metadata "tbptt.dataset": "ids" must be an array of sequence names`);
  const per: "frame" | "sequence" = meta.per === "sequence" ? "sequence" : "frame";
  const data = features.data as Float32Array;
  const targetTensor = tensors.has("targets") ? get("targets", "F32") : null;
  const D = targetTensor ? (targetTensor.shape[1] ?? 0) : 0;
  if (targetTensor && (targetTensor.shape.length !== 2 || targetTensor.shape[0] !== frames || D < 1))
    throw new TbpttError(
      `${source}: targets must be [${frames}, D ≥ 1] (one row per frame), got [${targetTensor.shape}]`,
    );
  const targets = targetTensor ? (targetTensor.data as Float32Array) : null;
  if (targets) checkFinite(targets, D, source, "target");
  let at = 0;
  const sequences = Array.from(lengths, (T, i) => {
    if (T < 1) throw new TbpttError(`${source}: sequence ${i} is empty`);
    const s = {
      id: (ids[i] as string | undefined) ?? `${source}#${i}`,
      features: data.subarray(at * inputSize, (at + T) * inputSize),
      labels: labels.subarray(at, at + T),
      ...(targets ? { targets: targets.subarray(at * D, (at + T) * D) } : {}),
    };
    if (per === "sequence" && s.labels.subarray(0, T - 1).some((y) => y >= 0))
      throw new TbpttError(
        `${source}: sequence ${i} has labels before its last frame, but the set has one per sequence`,
      );
    at += T;
    return s;
  });
  checkFinite(data, inputSize, source, "feature");
  const classes: unknown = meta.classes ?? null;
  if (classes !== null && (!Array.isArray(classes) || classes.some((c) => typeof c !== "string")))
    throw new TbpttError(`${source}: metadata "tbptt.dataset": "classes" must be an array of names or null`);
  // Labels are −1 or a class index, below the file's own class count when it names its classes.
  return checkSetLabels({
    source,
    inputSize,
    sequences,
    classes: classes as string[] | null,
    ...(per === "sequence" ? { per } : {}),
    ...(D > 0 ? { targetSize: D } : {}),
  });
}

/** The "tbptt.dataset" metadata: a JSON object (absent: no names, no ids). */
function datasetMeta(
  text: string | undefined,
  source: string,
): { classes?: unknown; ids?: string[]; per?: unknown } {
  if (text === undefined) return {};
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (e) {
    throw new TbpttError(`${source}: metadata "tbptt.dataset" is not JSON: ${(e as Error).message}`);
  }
  if (typeof meta !== "object" || meta === null || Array.isArray(meta))
    throw new TbpttError(`${source}: metadata "tbptt.dataset" must be a JSON object`);
  return meta;
}

function checkFinite(values: Float32Array, width: number, source: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new TbpttError(
        `${source}: ${what} ${i % width} of frame ${Math.floor(i / width)} is ${values[i]}, expected a finite number`,
      );
    }
  }
}
