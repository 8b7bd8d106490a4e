/**
 * The recurrent stack as the online algorithms see it: one forward-in-time direction per
 * layer, the layer's input, and how many of the model's parameters its state depends on.
 *
 * The model's layout adds each layer's parameters after the previous layer's and the
 * output head's last (model.ts), so layer l's state depends on parameters [0, cols_l)
 * only: RTRL's sensitivity matrix of layer l needs cols_l columns, not all of them.
 */
import type { Backend } from "../core/backend.js";
import type { FloatArray } from "../core/types.js";
import type { SequenceModel } from "../nn/model.js";
import type { RecurrentDirection } from "../nn/recurrent.js";

/** The online learning algorithms the trainer can use instead of TBPTT. */
export type OnlineAlgorithmName = "rtrl" | "uoro";

/** One layer of the stack as the online algorithms see it. */
export interface OnlineLayer {
  readonly dir: RecurrentDirection;
  /** Parameters [0, cols) can move this layer's state. */
  readonly cols: number;
}

/** Throws unless online learning applies to the model, naming the field that stops it. */
export function checkOnlineModel(model: SequenceModel, algorithm: OnlineAlgorithmName): void {
  const { config } = model;
  const name = algorithm.toUpperCase();
  if (config.cell === "mlp")
    throw new Error(
      `schedule.algorithm "${algorithm}": model.cell "mlp" has no recurrence for ${name} to follow`,
    );
  if (config.bidirectional)
    throw new Error(
      `schedule.algorithm "${algorithm}": a bidirectional model needs the whole sequence before its first output; ${name} learns forward in time only (model.bidirectional must be false)`,
    );
  if ((config.gradient ?? "full") !== "full")
    throw new Error(
      `schedule.algorithm "${algorithm}": ${name} follows the exact gradient; model.gradient "${config.gradient}" is a truncated one (use "full")`,
    );
}

export function onlineStack(model: SequenceModel, algorithm: OnlineAlgorithmName): OnlineLayer[] {
  checkOnlineModel(model, algorithm);
  return model.layers.map((layer) => {
    const dir = layer.directions[0] as RecurrentDirection;
    const names = [
      dir.names.weightIh,
      dir.names.weightHh,
      dir.names.biasIh,
      dir.names.biasHh,
      ...dir.names.peep,
    ];
    if (dir.names.weightHr) names.push(dir.names.weightHr);
    const cols = Math.max(
      ...names.map((n) => {
        const entry = model.layout.get(n);
        return entry.offset + entry.size;
      }),
    );
    return { dir, cols };
  });
}

/** Layer l's input, slot-indexed: the model's inputs, or the layer below's output. */
export function layerInput(model: SequenceModel, l: number): FloatArray {
  return l === 0 ? model.inputs : (model.layers[l - 1] as SequenceModel["layers"][number]).output;
}

/** Where one stream's step sits: its direction, its row in the direction's buffers, its input. */
export interface StepAt {
  backend: Backend;
  params: FloatArray;
  dir: RecurrentDirection;
  /** slot · B + stream: where the step's values sit in the direction's buffers. */
  row: number;
  /** The step's input x_t (I values) at x[xOff…]. */
  x: FloatArray;
  xOff: number;
}

/** A StepAt for a direction of the model, to be placed with placeStep. */
export function stepAt(model: SequenceModel, dir: RecurrentDirection): StepAt {
  return { backend: model.backend, params: model.params, dir, row: 0, x: model.inputs, xOff: 0 };
}

/** Points `at` (layer l's) at row `row` of the step just forwarded. */
export function placeStep(at: StepAt, model: SequenceModel, l: number, row: number): void {
  at.row = row;
  at.x = layerInput(model, l);
  at.xOff = row * at.dir.spec.inputSize;
}
