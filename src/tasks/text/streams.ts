/**
 * A text as B parallel streams, as char-rnn's CharSplitLMMinibatchLoader cuts it: the
 * symbol ids x_0 … x_{N−1} give N − 1 (input, label) pairs (x_t, x_{t+1}); stream b takes
 * the b-th of B equal contiguous pieces, L = ⌊(N − 1) / B⌋ pairs each (the last few
 * pairs, fewer than B, are dropped). Row b of each chunk of k1 steps therefore continues
 * row b of the chunk before, which is what makes carrying the state meaningful.
 *
 * In tbptt terms: B sequences of equal length L, run with layout "packed" (or
 * "aligned": the same thing here, as all streams are equally long) and reset "never"
 * (char-rnn) or { every: N } (Graves 2014: every 10,000 bytes).
 * Step t of a stream has the one-hot of x_t as input, given to the engine as the symbol x_t
 * itself (inputIndex: the first layer reads a column of its input weights, docs/text.md), and
 * the label x_{t+1}.
 */
import { TbpttError } from "../../core/errors.js";
import type { FloatArray } from "../../core/types.js";
import type { SequenceLike } from "../../engine/engine.js";
import type { SymbolIds } from "./vocabulary.js";

export class TextStream implements SequenceLike {
  constructor(
    /** The whole text's ids (shared by all streams, never copied). */
    readonly ids: SymbolIds,
    /** Where this stream's first input is in `ids`. */
    readonly start: number,
    readonly length: number,
    /** V: the one-hot width. */
    readonly vocabularySize: number,
  ) {
    if (!(start >= 0 && length >= 1 && start + length < ids.length))
      throw new TbpttError(
        `text stream: ${length} steps from ${start} need ids up to index ${start + length}, the text has ${ids.length}`,
      );
  }

  /** The one-hot of symbol x_{start+position}: V entries zeroed, one set. */
  writeInput(position: number, out: FloatArray, offset: number): void {
    out.fill(0, offset, offset + this.vocabularySize);
    out[offset + (this.ids[this.start + position] as number)] = 1;
  }

  /** The input's symbol, x_{start+position}: the engine feeds it as a lookup, not a product. */
  inputIndex(position: number): number {
    return this.ids[this.start + position] as number;
  }

  /** The next symbol, x_{start+position+1}. */
  label(position: number): number {
    return this.ids[this.start + position + 1] as number;
  }
}

/** Cuts a text into B streams of equal length; a clear error when the text is too short. */
export function cutStreams(
  ids: SymbolIds,
  streams: number,
  vocabularySize: number,
  what = "text",
): TextStream[] {
  if (!Number.isInteger(streams) || streams < 1)
    throw new TbpttError(`streams: expected an integer ≥ 1, got ${JSON.stringify(streams)}`);
  const length = Math.floor((ids.length - 1) / streams);
  if (length < 1)
    throw new TbpttError(
      `${what}: ${ids.length} symbols cannot fill ${streams} streams (each needs at least 2 symbols: an input and its label); use fewer streams or more text`,
    );
  return Array.from({ length: streams }, (_, b) => new TextStream(ids, b * length, length, vocabularySize));
}
