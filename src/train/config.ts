/**
 * The training configuration: the public interface of `tbptt train CONFIG.json`,
 * validated with zod. Objects are strict: an unknown or misspelled key is an error that
 * names the closest valid key. docs/config.md documents every key.
 */
import { z } from "zod";
import { TbpttError, UsageError } from "../core/errors.js";

const steps = z.union([
  z.number().int().min(1),
  z.literal("Infinity").transform(() => Number.POSITIVE_INFINITY),
  z.literal(Number.POSITIVE_INFINITY),
  z.null().transform(() => Number.POSITIVE_INFINITY),
  // as `tbptt schedule --k1` reads it: inf, infinity or ∞, any case
  z
    .string()
    .regex(/^(inf|infinity|∞)$/i, 'expected an integer ≥ 1 or "Infinity" (also inf, ∞)')
    .transform(() => Number.POSITIVE_INFINITY),
]);

const reset = z.union([
  z.literal("sequence"),
  z.literal("never"),
  z.object({ every: z.number().int().min(1) }).strict(),
  // as `tbptt schedule --reset` reads it: "every:N" (or "every=N")
  z
    .string()
    .regex(/^every[:=][1-9]\d*$/, 'expected "sequence", "never", { "every": N } or "every:N"')
    .transform((text) => ({ every: Number(text.slice(6)) })),
]);

export const modelSchema = z
  .object({
    cell: z.enum(["lstm", "gru", "rnn", "mlp"]).default("lstm"),
    inputSize: z.number().int().min(1).optional(),
    hiddenSize: z.number().int().min(1).default(32),
    layers: z.number().int().min(1).default(1),
    bidirectional: z.boolean().default(false),
    peepholes: z.boolean().default(false),
    nonlinearity: z.enum(["tanh", "sigmoid"]).optional(),
    outputSize: z.number().int().min(1).optional(),
    /** LSTM only: recurrent projection width P (LSTMP, Sak et al. 2014; PyTorch's proj_size); 0: none. */
    projSize: z.number().int().min(0).default(0),
    /** LSTM only: "full" or Hochreiter & Schmidhuber 1997's "truncated-1997" gradient (docs/gradient-1997.md). */
    gradient: z.enum(["full", "truncated-1997"]).default("full"),
    /** The output head (src/nn/head.ts): "softmax" classes or "mse" real values, per frame or per sequence; default: what the data holds. */
    output: z
      .object({
        kind: z.enum(["softmax", "mse", "class-softmax"]).optional(),
        per: z.enum(["frame", "sequence"]).optional(),
        /** class-softmax (text, unit "word"): rnnlm's -class C, its binning ("sqrt", or "frequency" = -old-classes), logit biases. */
        classes: z.number().int().min(1).optional(),
        binning: z.enum(["sqrt", "frequency"]).optional(),
        bias: z.boolean().optional(),
      })
      .strict()
      .optional(),
    init: z
      .object({
        scheme: z.enum(["pytorch", "uniform", "xavier"]).default("pytorch"),
        range: z.number().positive().optional(),
        orthogonal: z.boolean().default(false),
        forgetBias: z.number().default(0),
      })
      .strict()
      .default({}),
  })
  .strict();

export const scheduleSchema = z
  .object({
    k1: steps.default(Number.POSITIVE_INFINITY),
    k2: steps.default(Number.POSITIVE_INFINITY),
    truncation: z.enum(["window", "per-loss"]).default("window"),
    reset: reset.default("sequence"),
    flush: z.boolean().default(true),
    reduction: z.enum(["sum", "mean"]).default("sum"),
    layout: z.enum(["aligned", "packed"]).default("aligned"),
    outputUpdate: z.enum(["k1", "step"]).default("k1"),
    /** "tbptt", or the online algorithms "rtrl" and "uoro" (src/online, docs/online.md; they need k2 = Infinity). */
    algorithm: z.enum(["tbptt", "rtrl", "uoro"]).default("tbptt"),
  })
  .strict();

export const optimizerSchema = z
  .object({
    type: z.enum(["sgd", "adam", "rmsprop", "adagrad"]).default("sgd"),
    lr: z.number().positive(),
    momentum: z.number().min(0).max(1).optional(),
    nesterov: z.boolean().optional(),
    beta1: z.number().min(0).max(1).optional(),
    beta2: z.number().min(0).max(1).optional(),
    alpha: z.number().min(0).max(1).optional(),
    centered: z.boolean().optional(),
    eps: z.number().positive().optional(),
    weightDecay: z.number().min(0).optional(),
  })
  .strict();

export const lrScheduleSchema = z.union([
  z.object({ type: z.literal("constant") }).strict(),
  z
    .object({ type: z.literal("step"), after: z.number().int().min(0), factor: z.number().positive() })
    .strict(),
  z.object({ type: z.literal("exponential"), gamma: z.number().positive() }).strict(),
  z
    .object({ type: z.literal("cosine"), epochs: z.number().int().min(1), min: z.number().min(0).optional() })
    .strict(),
]);

export const dataSchema = z
  .object({
    train: z.string(),
    valid: z.string().optional(),
    test: z.string().optional(),
    /** Normalise features with the training set's mean and standard deviation. */
    normalise: z.boolean().default(false),
    /** Real-valued targets: learn them normalised, the statistics kept with the model (default true). */
    normaliseTargets: z.boolean().optional(),
    /** text: read as bytes or Unicode characters; the share of the text held out for validation. */
    unit: z.enum(["byte", "char", "word"]).optional(),
    validFraction: z.number().min(0).max(0.5).optional(),
    /** text, unit "word": words seen fewer times become <unk>; at most this many words (</s> and <unk> included). */
    minCount: z.number().int().min(1).optional(),
    maxVocabulary: z.number().int().min(2).optional(),
    /** speech: frames of target delay (the output at t learns the label of t − delay). */
    delay: z.number().int().min(0).optional(),
    /** speech: validation speakers held out of TRAIN, and whether TEST is the 24-speaker core set. */
    validSpeakers: z.number().int().min(0).optional(),
    coreTest: z.boolean().optional(),
    /** speech: read the rest of a corpus when a file is bad, and report what was skipped (--data.skipBad true, or --skip-bad). */
    skipBad: z.boolean().optional(),
    /** speech: the feature cache folder. */
    cache: z.string().optional(),
    /** speech: frames of context each side for the MLP recipe. */
    context: z.number().int().min(0).optional(),
    /** speech: "mfcc" (default, 26 inputs) or "fbank" (40 log mel filterbank channels, Sak et al. 2014), or either with options. */
    frontEnd: z
      .union([
        z.enum(["mfcc", "fbank"]),
        z
          .object({
            type: z.enum(["mfcc", "fbank"]),
            channels: z.number().int().min(1).optional(),
            power: z.boolean().optional(),
            energy: z.enum(["energy", "c0", "none"]).optional(),
            deltas: z.boolean().optional(),
            accelerations: z.boolean().optional(),
          })
          .strict(),
      ])
      .optional(),
  })
  .strict();

/**
 * The zod schema of a training config (docs/config.md); `parseConfig` validates with it and names
 * each problem's key.
 */
export const configSchema = z
  .object({
    task: z.enum(["sequences", "text", "speech"]).default("sequences"),
    description: z.string().optional(),
    model: modelSchema.default({}),
    schedule: scheduleSchema.default({}),
    optimizer: optimizerSchema.default({ type: "sgd", lr: 0.01 }),
    lrSchedule: lrScheduleSchema.optional(),
    clip: z
      .object({ norm: z.number().positive().optional(), value: z.number().positive().optional() })
      .strict()
      .optional(),
    noise: z
      .object({ weight: z.number().min(0).optional(), input: z.number().min(0).optional() })
      .strict()
      .optional(),
    streams: z.number().int().min(1).default(1),
    validStreams: z.number().int().min(1).optional(),
    data: dataSchema,
    init: z.string().optional(),
    seed: z.number().int().default(1),
    epochs: z.number().int().min(1).default(10),
    shuffle: z.boolean().default(true),
    out: z.string().default("runs/latest"),
    earlyStopping: z
      .object({
        patience: z.number().int().min(1),
        /** Default: frameError for class outputs, rmse for real values (the trainer's bestMetric). */
        metric: z.enum(["loss", "frameError", "rmse", "mae"]).optional(),
      })
      .strict()
      .nullable()
      .optional(),
    maxUpdates: z.number().int().min(1).nullable().optional(),
    /** Seconds of training, validation excluded, over all sessions of the run. */
    maxSeconds: z.number().positive().nullable().optional(),
    checkpointEvery: z.number().int().min(1).optional(),
    logEvery: z.number().int().min(1).default(50),
    maxBadUpdates: z.number().int().min(1).default(10),
    dtype: z.enum(["float32", "float64"]).default("float32"),
    backend: z.enum(["auto", "native", "wasm", "plain"]).default("auto"),
    /** Budget in forward + backward steps (null: none; `tbptt compare --budget steps=N`). */
    maxSteps: z.number().int().min(1).nullable().optional(),
    /** Also validate every N updates and/or N forward + backward steps. */
    validateEvery: z
      .object({
        updates: z.number().int().min(1).optional(),
        steps: z.number().int().min(1).optional(),
        epochs: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    /** Also validate the initial weights, before the first update. */
    validateAtStart: z.boolean().optional(),
  })
  .strict();

/** A validated training config, defaults filled in. */
export type TrainConfig = z.output<typeof configSchema>;
/** A training config as written: every key with a default may be left out. */
export type TrainConfigInput = z.input<typeof configSchema>;

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number;
      row[j] = Math.min(
        (row[j] as number) + 1,
        (row[j - 1] as number) + 1,
        previous + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1),
      );
      previous = current;
    }
  }
  return row[b.length] as number;
}

export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(word.length / 2)) ? best : null;
}

/** The keys a strict object schema accepts at `path` (through defaults and optionals). */
function keysAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): string[] {
  let s: z.ZodTypeAny = schema;
  const unwrap = () => {
    for (;;) {
      if (s instanceof z.ZodDefault) s = s._def.innerType;
      else if (s instanceof z.ZodOptional) s = s._def.innerType;
      else if (s instanceof z.ZodEffects) s = s._def.schema;
      else break;
    }
  };
  unwrap();
  for (const key of path) {
    if (s instanceof z.ZodObject) s = s.shape[key as string];
    else return [];
    if (!s) return [];
    unwrap();
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** Validates a raw config; errors list every problem with its key path, and a suggestion for misspelled keys. */
export function parseConfig(raw: unknown, source = "config"): TrainConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    if (issue.code === "unrecognized_keys") {
      const valid = keysAt(configSchema, issue.path);
      return issue.keys
        .map((key) => {
          const guess = closest(key, valid);
          const at = [...issue.path, key].join(".");
          return `${at}: unknown key${guess ? `; did you mean "${[...issue.path, guess].join(".")}"?` : ""} (valid here: ${valid.join(", ")})`;
        })
        .join("\n  ");
    }
    return `${where}: ${issue.message}`;
  });
  throw new TbpttError(`${source}: invalid configuration:\n  ${lines.join("\n  ")}`);
}

/**
 * Applies command-line overrides `--a.b value` to a raw config (before validation).
 * Values are parsed as JSON where they parse (numbers, booleans, objects), else kept as
 * strings; an undefined value (`--unset a.b`) removes the key.
 */
export function applyOverrides(
  raw: Record<string, unknown>,
  overrides: readonly (readonly [string, string | undefined])[],
): Record<string, unknown> {
  const out = structuredClone(raw);
  for (const [path, text] of overrides) {
    let value: unknown = text;
    if (text !== undefined) {
      try {
        value = JSON.parse(text);
      } catch {
        // a plain string
      }
    }
    const keys = path.split(".");
    // No config key has these names; following them would change every object's prototype.
    const reserved = keys.find((k) => k === "__proto__" || k === "constructor" || k === "prototype");
    if (reserved !== undefined)
      throw new UsageError(`--${path}: "${reserved}" is not a config key (docs/config.md lists them)`);
    let node: Record<string, unknown> = out;
    keys.slice(0, -1).forEach((key) => {
      if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    });
    // An undefined value (--unset KEY.PATH) removes the key: its default applies again.
    if (value === undefined) delete node[keys[keys.length - 1] as string];
    else node[keys[keys.length - 1] as string] = value;
  }
  return out;
}
