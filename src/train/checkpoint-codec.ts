/**
 * A checkpoint as one safetensors image (so one atomic write holds all of it):
 *   the parameters under their PyTorch names, `optimizer.<array>` for the optimizer's
 *   state, `state.carried` for the streams' carried RNN state, and the trainer's state
 *   (epoch, updates, engine position, RNG states, shuffle order, best metric) as JSON in
 *   the metadata key `tbptt.checkpoint`.
 */
import type { DecodedSafetensors, NamedTensor } from "../io/safetensors-types.js";
import type { SequenceModel } from "../nn/model.js";
import { loadParameterTensors, parameterTensors } from "../nn/weights.js";
import type { Checkpoint, TrainerState } from "./trainer.js";

export function encodeCheckpoint(
  model: SequenceModel,
  checkpoint: Checkpoint,
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
  if (!stateText) throw new Error(`${source}: not a tbptt checkpoint (no tbptt.checkpoint metadata)`);
  const architecture = decoded.metadata["tbptt.architecture"];
  if (architecture && architecture !== JSON.stringify(model.config)) {
    throw new Error(
      `${source}: the checkpoint's model ${architecture} differs from the configured ${JSON.stringify(model.config)}`,
    );
  }
  loadParameterTensors(model, decoded.tensors, source, ["optimizer.", "state."]);
  const optimizer: Record<string, Float32Array | Float64Array> = {};
  for (const [name, tensor] of decoded.tensors) {
    if (name.startsWith("optimizer."))
      optimizer[name.slice("optimizer.".length)] = tensor.data as Float32Array | Float64Array;
  }
  const carried = decoded.tensors.get("state.carried");
  return {
    state: JSON.parse(stateText) as TrainerState,
    params: model.params,
    optimizer,
    carried: carried ? (carried.data as Float64Array) : new Float64Array(0),
  };
}
