/**
 * Seeded initialisation of a SequenceModel's parameters.
 *   scheme "pytorch" (default): every tensor uniform in ±1/√H, as torch.nn.LSTM/GRU/RNN
 *     (with proj_size too: H is the cell count, and W_hr draws from the same range),
 *     and ±1/√fan_in for the output layer, as torch.nn.Linear;
 *   scheme "uniform": every tensor uniform in ±range (Graves & Schmidhuber 2005: 0.1);
 *   scheme "xavier": weights Glorot-uniform per gate block (Glorot & Bengio 2010), biases 0.
 * `orthogonal: true` makes each H×H gate block of every W_hh orthogonal (Saxe et al. 2014;
 * for LSTMP each H×P block has orthonormal columns; W_hr keeps the scheme's draw).
 * `forgetBias` is added to the forget-gate slice of bias_ih (Gers et al. 2000; Jozefowicz
 * et al. 2015 recommend 1; PyTorch's default is 0).
 */
import { fillOrthogonal, fillUniform, xavierRange } from "../core/init.js";
import type { Rng } from "../core/random.js";
import type { SequenceModel } from "./model.js";

/** How to initialise parameters: the scheme, its range, orthogonal recurrent weights, a forget-gate bias. */
export interface InitOptions {
  scheme: "pytorch" | "uniform" | "xavier";
  range?: number;
  orthogonal?: boolean;
  forgetBias?: number;
}

/** PyTorch's initialisation: uniform in ±1/√H. */
export const DEFAULT_INIT: InitOptions = { scheme: "pytorch", orthogonal: false, forgetBias: 0 };

/** Initialises `model`'s parameters from `rng` as `options` say (see the file comment). */
export function initializeModel(model: SequenceModel, rng: Rng, options: InitOptions = DEFAULT_INIT): void {
  const { params, layout } = model;
  const H = model.config.hiddenSize;
  if (options.scheme === "uniform" && !(options.range && options.range > 0)) {
    throw new Error(`init.range: expected a positive number for scheme "uniform", got ${options.range}`);
  }
  // Entries are visited in layout order so the draws are reproducible.
  for (const entry of layout.entries) {
    const isOut = entry.name.startsWith("out.");
    const isBias = entry.name.includes("bias");
    let range: number;
    if (options.scheme === "uniform") range = options.range as number;
    else if (options.scheme === "pytorch")
      range = 1 / Math.sqrt(isOut ? (model.layout.get("out.weight").shape[1] as number) : H);
    else if (isBias) range = 0;
    else {
      const fanIn = entry.shape[entry.shape.length - 1] as number;
      // Per gate block (H rows) for the gate matrices; the whole (P, H) matrix for a projection.
      const whole = isOut || entry.name.includes("weight_hr");
      const fanOut = whole ? (entry.shape[0] as number) : entry.shape.length === 2 ? H : 1;
      range = xavierRange(fanIn, fanOut);
    }
    fillUniform(rng, params, entry.offset, entry.size, range);
  }
  for (const layer of model.layers) {
    for (const d of layer.directions) {
      if (options.orthogonal) {
        const R = d.stateWidth;
        for (let block = 0; block < d.cell.gateMultiple; block++)
          fillOrthogonal(rng, params, d.p.weightHh + block * H * R, H, R);
      }
      const forgetBias = options.forgetBias ?? 0;
      if (forgetBias !== 0 && d.spec.cell === "lstm") {
        for (let j = 0; j < H; j++) params[d.p.biasIh + H + j] += forgetBias;
      }
    }
  }
}
