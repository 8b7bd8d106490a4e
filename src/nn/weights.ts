/**
 * Parameters to and from named tensors (safetensors), with PyTorch's names and shapes:
 * `rnn.weight_ih_l{k}` (G, I), `rnn.weight_hh_l{k}` (G, H), `rnn.bias_ih_l{k}`,
 * `rnn.bias_hh_l{k}` (G), `_reverse` for the backward direction, gate order i,f,g,o (LSTM)
 * and r,z,n (GRU); `out.weight` (C, F), `out.bias` (C). Peepholes, which PyTorch lacks:
 * `rnn.weight_ci_l{k}`, `rnn.weight_cf_l{k}`, `rnn.weight_co_l{k}`, each (H) (Graves 2013's w_ci, w_cf, w_co).
 * A file from PyTorch's `state_dict()` (with the LSTM under `rnn.` and the Linear under
 * `out.`) loads with no conversion.
 */
import { TbpttError } from "../core/errors.js";
import { type ParamLayout, shapeString } from "../core/params.js";
import type { DecodedTensor, NamedTensor } from "../io/safetensors-types.js";
import type { SequenceModel } from "./model.js";

/** The model's parameters as tensors, in layout order, in the model's dtype. */
export function parameterTensors(model: SequenceModel): NamedTensor[] {
  const f64 = model.backend.dtype === "float64";
  return model.layout.entries.map((e) => {
    const data = f64 ? new Float64Array(e.size) : new Float32Array(e.size);
    for (let i = 0; i < e.size; i++) data[i] = model.params[e.offset + i] as number;
    return { name: e.name, dtype: f64 ? "F64" : "F32", shape: [...e.shape], data };
  });
}

/**
 * Copies named tensors into the model's parameters. Every parameter must be present
 * with its exact shape, and nothing else may be (tensors under `ignorePrefixes`, such
 * as a fixture's inputs, are skipped). Float tensors of either precision load.
 */
export function loadParameterTensors(
  model: SequenceModel,
  tensors: ReadonlyMap<string, DecodedTensor>,
  source: string,
  ignorePrefixes: readonly string[] = [],
): void {
  checkParameterTensors(model.layout, tensors, source, ignorePrefixes);
  for (const e of model.layout.entries) {
    const data = (tensors.get(e.name) as DecodedTensor).data as Float32Array | Float64Array;
    for (let i = 0; i < e.size; i++) {
      const v = data[i] as number;
      if (!Number.isFinite(v))
        throw new TbpttError(`${source}: ${e.name}[${i}] is ${v}, expected a finite number`);
      model.params[e.offset + i] = v;
    }
  }
}

/**
 * Throws, listing every difference, unless `tensors` hold exactly the parameters of
 * `layout` with their shapes (tensors under `ignorePrefixes` aside). Reads only the
 * layout, so a model can be checked before its parameters are allocated.
 */
export function checkParameterTensors(
  layout: ParamLayout,
  tensors: ReadonlyMap<string, DecodedTensor>,
  source: string,
  ignorePrefixes: readonly string[] = [],
): void {
  const problems: string[] = [];
  for (const e of layout.entries) {
    const t = tensors.get(e.name);
    if (!t) {
      problems.push(`missing tensor ${e.name} (expected shape ${shapeString(e.shape)})`);
      continue;
    }
    if (t.dtype !== "F32" && t.dtype !== "F64")
      problems.push(`${e.name} has dtype ${t.dtype}, expected F32 or F64`);
    else if (t.shape.length !== e.shape.length || t.shape.some((d, i) => d !== e.shape[i])) {
      problems.push(`${e.name} has shape ${shapeString(t.shape)}, expected ${shapeString(e.shape)}`);
    }
  }
  for (const name of tensors.keys()) {
    if (!layout.has(name) && !ignorePrefixes.some((p) => name.startsWith(p))) {
      problems.push(
        `unexpected tensor ${name} (this model has ${layout.entries.length} parameters: ${layout.entries.map((e) => e.name).join(", ")})`,
      );
    }
  }
  if (problems.length > 0)
    throw new TbpttError(`${source}: weights do not fit the model:\n  ${problems.join("\n  ")}`);
}
