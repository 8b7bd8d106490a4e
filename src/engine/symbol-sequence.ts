/**
 * A SequenceLike over symbols: step t's input is the one-hot of symbols[t] (I wide; −1: all
 * zeros) and its label labels[t]. It writes the dense one-hot when asked (writeInput) and gives
 * the symbol itself (inputIndex), so the engine feeds the first layer a lookup of its input
 * weights instead of a product (docs/architecture.md, "One-hot inputs as symbols").
 */
import type { FloatArray } from "../core/types.js";
import type { SequenceLike } from "./engine.js";

export class SymbolSequence implements SequenceLike {
  readonly length: number;

  constructor(
    readonly symbols: ArrayLike<number>,
    readonly labels: ArrayLike<number>,
    readonly inputSize: number,
  ) {
    this.length = labels.length;
    if (symbols.length !== this.length)
      throw new Error(
        `sequence: ${this.length} labels need ${this.length} input symbols, got ${symbols.length}`,
      );
    for (let t = 0; t < symbols.length; t++) {
      const v = symbols[t] as number;
      if (!(Number.isInteger(v) && v >= -1 && v < inputSize))
        throw new Error(
          `sequence: input symbol ${v} at step ${t}, expected an integer in [−1, ${inputSize})`,
        );
    }
  }

  writeInput(position: number, out: FloatArray, offset: number): void {
    out.fill(0, offset, offset + this.inputSize);
    const v = this.symbols[position] as number;
    if (v >= 0) out[offset + v] = 1;
  }

  inputIndex(position: number): number {
    return this.symbols[position] as number;
  }

  label(position: number): number {
    return this.labels[position] as number;
  }
}
