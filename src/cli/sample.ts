/**
 * `tbptt sample --model DIR [--prime TEXT] [--length N] [--temperature T] [--seed S] [--argmax]`:
 * generates text from a model trained with "task": "text", as char-rnn's sample.lua —
 * the prime is printed, then each sampled symbol as soon as it is drawn.
 */
import { UsageError } from "../core/errors.js";
import { loadModelDir } from "../io/model-files.js";
import { vocabularyFromMeta } from "../tasks/text/meta.js";
import { checkSampleOptions, sampleText } from "../tasks/text/sample.js";
import { parseOptions } from "./args.js";
import { docsLine } from "./help.js";

export const SAMPLE_USAGE = `Usage: tbptt sample --model DIR [options]

Generates text from a character (or byte) model, one symbol at a time (char-rnn's sample.lua).

Options:
  --model DIR          a model directory written by tbptt train (model.json + model.safetensors)
  --prime TEXT         text run through the model first, and printed (default: none; the first
                       symbol is then drawn uniformly)
  --length N           symbols to generate (default 2000)
  --temperature T      T > 0: divide the logits by T before the softmax; 1 samples the model as
                       trained, lower is more conservative, higher more varied (default 1)
  --seed S             seed of the sampler (default 1): the same seed gives the same text
  --argmax             always take the most probable symbol (the limit T → 0)
  -h, --help           this help

${docsLine("text.md")}`;

/** Where the text goes: stdout by default; resolves when the sink can take more. */
export interface SampleIo {
  write(text: string): boolean | Promise<void>;
  drain(): Promise<void>;
}

const stdoutIo: SampleIo = {
  write: (text) => process.stdout.write(text),
  drain: () => new Promise((resolve) => process.stdout.once("drain", () => resolve())),
};

function numberOption(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || Number.isNaN(value))
    throw new UsageError(`--${name}: expected a number, got ${JSON.stringify(text)}`);
  return value;
}

export async function sampleCommand(argv: string[], io: SampleIo = stdoutIo): Promise<void> {
  const { values } = parseOptions(
    {
      args: argv,
      options: {
        model: { type: "string" },
        prime: { type: "string" },
        length: { type: "string" },
        temperature: { type: "string" },
        seed: { type: "string" },
        argmax: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    SAMPLE_USAGE,
  );
  if (values.help) {
    await io.write(`${SAMPLE_USAGE}\n`);
    return;
  }
  if (!values.model) throw new UsageError(`sample: --model DIR is required\n\n${SAMPLE_USAGE}`);
  // Options first, so a bad value is reported before the model is read.
  let options: ReturnType<typeof checkSampleOptions>;
  try {
    options = checkSampleOptions({
      prime: values.prime ?? "",
      length: numberOption("length", values.length, 2000),
      temperature: numberOption("temperature", values.temperature, 1),
      seed: numberOption("seed", values.seed, 1),
      argmax: values.argmax ?? false,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${SAMPLE_USAGE}`);
  }
  const { model, meta } = loadModelDir(values.model);
  const vocabulary = vocabularyFromMeta(meta, values.model);
  const generator = sampleText(model, vocabulary, options); // checks the prime before anything is printed
  const first = generator.next();
  const emit = async (text: string) => {
    if (text !== "" && (await io.write(text)) === false) await io.drain();
  };
  await emit(options.prime);
  if (!first.done) await emit(first.value);
  for (const piece of generator) await emit(piece);
  await emit("\n");
}
