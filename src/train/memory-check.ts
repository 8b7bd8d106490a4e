/**
 * A run's memory, checked before anything is allocated (isomorphic). The summary
 * (summary.ts) measures a model on a backend that only counts, so an absurd size — a
 * hiddenSize of a million, a hundred million streams, a class index of 10⁹ that makes
 * the output a billion classes wide — is refused with what needs how much, instead of a
 * JavaScript engine's "Invalid typed array length", a heap abort or a machine swapping.
 */
import { TbpttError } from "../core/errors.js";
import { formatBytes, type ModelSummary } from "./summary.js";

/** The most elements one typed array holds in V8 (Node, Chromium): 2³². */
export const MAX_ARRAY_ELEMENTS = 2 ** 32;

/** Options of `checkRunMemory`. */
export interface MemoryLimit {
  /** The memory the run may take, in bytes (the CLI: the machine's memory). */
  limitBytes: number;
  /** What that limit is, for the message ("this machine's memory"). */
  limitName: string;
  /** Where the sizes come from, for the message ("config.json"). */
  source: string;
  /** A note on where the output size came from when the config does not set it. */
  outputSizeNote?: string;
}

/**
 * Throws a TbpttError saying what needs how much when the run of `summary` would take
 * more than the limit, or a parameter array longer than a typed array can be.
 */
export function checkRunMemory(summary: ModelSummary, limit: MemoryLimit): void {
  const a = summary.architecture;
  const sizes = [
    `model.hiddenSize ${a.hiddenSize}`,
    `model.layers ${a.layers}`,
    `model.outputSize ${a.outputSize}${limit.outputSizeNote ? ` (${limit.outputSizeNote})` : ""}`,
    `streams ${summary.streams}`,
  ].join(", ");
  const largest = [...summary.tensors].sort((x, y) => y.size - x.size).slice(0, 2);
  const tensors = largest.map((t) => `${t.name} (${t.shape.join(", ")})`).join(", ");
  const bytes = summary.dtype === "float32" ? 4 : 8;
  if (summary.parameters > MAX_ARRAY_ELEMENTS || summary.totalBytes > limit.limitBytes) {
    const why =
      summary.parameters > MAX_ARRAY_ELEMENTS
        ? `${summary.parameters.toExponential(2)} parameters, more than one array holds (${MAX_ARRAY_ELEMENTS.toExponential(2)})`
        : `more than ${limit.limitName} (${formatBytes(limit.limitBytes)})`;
    throw new TbpttError(
      `${limit.source}: the run needs ${formatBytes(summary.totalBytes)}, ${why}: ` +
        `${formatBytes(summary.fixedBytes)} for ${summary.parameters.toLocaleString("en-US")} parameters ` +
        `(${formatBytes(summary.parameters * bytes)} each for the weights, their gradients and the optimizer's state; largest ${tensors}) ` +
        `+ ${summary.streams.toLocaleString("en-US")} streams × ${formatBytes(summary.bytesPerStream)} of activations ` +
        `(${summary.storedSteps} stored steps each). Sizes: ${sizes}. Make them smaller.`,
    );
  }
}
