/**
 * A checkpoint as one safetensors image (so one atomic write holds all of it):
 *   the parameters under their PyTorch names, `optimizer.<array>` for the optimizer's
 *   state, `state.carried` for the streams' carried RNN state, and the trainer's state
 *   (epoch, updates, engine position, RNG states, shuffle order, best metric) as JSON in
 *   the metadata key `tbptt.checkpoint`; callers may add their own keys (the CLI records
 *   the data's fingerprint, `tbptt.data`).
 * Decoding checks what it reads: the trainer state's shape (a file that does not parse,
 * or a field of the wrong type, is an error naming the file and the field), and the model;
 * Trainer.restore checks the rest against the run (optimizer, streams, data size).
 */
import { z } from "zod";
import { TbpttError } from "../core/errors.js";
import type { DecodedSafetensors, NamedTensor } from "../io/safetensors-types.js";
import type { SequenceModel } from "../nn/model.js";
import { loadParameterTensors, parameterTensors } from "../nn/weights.js";
import { configDifferences, showValue } from "./config-diff.js";
import type { Checkpoint, TrainerState } from "./trainer.js";

const count = z.number().int().min(0);
const finite = z.number().finite();
/** Rng.getState(): four 32-bit words and the spare normal deviate (NaN, written as null, when none). */
const rngState = z.tuple([count, count, count, count, z.number().nullable()]);
const positionSchema = z.object({
  nextTime: z.number().int(),
  previousUpdate: z.number().int(),
  updates: count,
  nextSequence: count,
  streams: z.array(z.object({ sequence: z.number().int(), position: z.number().int(), count: count })),
  batchStart: z.number().int(),
  batchLength: count,
});

/** The trainer state a checkpoint must hold; counters added later may be absent (they start at 0). */
const trainerStateSchema = z
  .object({
    epoch: count,
    updates: count,
    order: z.array(count).nullable(),
    position: positionSchema.nullable(),
    shuffleRng: rngState,
    noiseRng: rngState,
    optimizerSteps: count,
    best: finite.nullable(),
    bestEpoch: z.number().int().min(-1),
    epochsSinceBest: count,
    epochLossSum: z.number(),
    epochFrames: count,
    badInARow: count,
    skippedUpdates: count,
    finished: z.boolean(),
    forwardSteps: count.optional(),
    backwardSteps: count.optional(),
    trainSeconds: z.number().min(0).optional(),
    peakStoredSteps: count.optional(),
    epochLabelled: count.optional(),
  })
  .passthrough();

/** Parses and checks a checkpoint's trainer state; errors name `source` and the field. */
export function parseTrainerState(text: string, source: string): TrainerState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TbpttError(
      `${source}: the trainer state (metadata tbptt.checkpoint) is not JSON: ${(e as Error).message}`,
    );
  }
  const parsed = trainerStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(top level)"}: ${i.message}`);
    throw new TbpttError(
      `${source}: the trainer state (metadata tbptt.checkpoint) is not one tbptt writes:\n  ${issues.slice(0, 8).join("\n  ")}`,
    );
  }
  return parsed.data as unknown as TrainerState;
}

export function encodeCheckpoint(
  model: SequenceModel,
  checkpoint: Checkpoint,
  /** More metadata to keep with it (strings), e.g. the data's fingerprint. */
  extra: Record<string, string> = {},
): { tensors: NamedTensor[]; metadata: Record<string, string> } {
  const tensors = parameterTensors(model);
  const f64 = model.backend.dtype === "float64";
  for (const [name, array] of Object.entries(checkpoint.optimizer)) {
    tensors.push({
      name: `optimizer.${name}`,
      dtype: f64 ? "F64" : "F32",
      shape: [array.length],
      data: f64 ? Float64Array.from(array) : Float32Array.from(array),
    });
  }
  tensors.push({
    name: "state.carried",
    dtype: "F64",
    shape: [checkpoint.carried.length],
    data: checkpoint.carried,
  });
  return {
    tensors,
    metadata: {
      ...extra,
      "tbptt.checkpoint": JSON.stringify(checkpoint.state),
      "tbptt.architecture": JSON.stringify(model.config),
    },
  };
}

export function decodeCheckpoint(
  model: SequenceModel,
  decoded: DecodedSafetensors,
  source: string,
): Checkpoint {
  const stateText = decoded.metadata["tbptt.checkpoint"];
  if (!stateText) throw new TbpttError(`${source}: not a tbptt checkpoint (no tbptt.checkpoint metadata)`);
  const state = parseTrainerState(stateText, source);
  const architecture = decoded.metadata["tbptt.architecture"];
  if (architecture && architecture !== JSON.stringify(model.config)) {
    let saved: unknown = architecture;
    try {
      saved = JSON.parse(architecture);
    } catch {
      // shown as it is
    }
    const lines = configDifferences(saved, model.config, "model").map(
      (d) => `${d.key}: the checkpoint has ${showValue(d.run)}, the configuration ${showValue(d.now)}`,
    );
    throw new TbpttError(
      `${source}: the checkpoint's model differs from the configured one:\n  ${lines.join("\n  ")}`,
    );
  }
  loadParameterTensors(model, decoded.tensors, source, ["optimizer.", "state."]);
  const optimizer: Record<string, Float32Array | Float64Array> = {};
  for (const [name, tensor] of decoded.tensors) {
    if (!name.startsWith("optimizer.")) continue;
    if (tensor.dtype !== "F32" && tensor.dtype !== "F64")
      throw new TbpttError(`${source}: tensor ${name} is ${tensor.dtype}, expected F32 or F64`);
    optimizer[name.slice("optimizer.".length)] = tensor.data as Float32Array | Float64Array;
  }
  const carried = decoded.tensors.get("state.carried");
  if (carried && carried.dtype !== "F64")
    throw new TbpttError(`${source}: tensor state.carried is ${carried.dtype}, expected F64`);
  return {
    state,
    params: model.params,
    optimizer,
    carried: carried ? (carried.data as Float64Array) : new Float64Array(0),
  };
}
