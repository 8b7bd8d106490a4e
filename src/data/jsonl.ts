/**
 * The generic labelled-sequence format, JSON Lines: one sequence per line,
 *   {"x": [[f1, …, fd], …], "y": [label, …], "mask": [1, 0, …], "id": "name"}
 * labels all class indices (integers ≥ 0) or all strings (a vocabulary is built from the
 * training set, sorted, and saved with the model); "y" may instead hold one label for the
 * sequence, or real values per frame or per sequence (targets.ts); "mask" (optional, 0/1
 * or booleans) turns a step's loss off; "id" is optional. Blank lines are skipped.
 * Every error names the source, the line and what was expected.
 * `labelledSetFromRows` takes the same rows as objects in memory (the library's way in),
 * where frames may also be typed arrays; its errors name the row as source[i].
 */
import { TbpttError } from "../core/errors.js";
import { float32Problem, type LabelledSequence, type LabelledSet } from "./labelled.js";
import { convertTargets, type TargetForm } from "./targets.js";

const KEYS = new Set(["x", "y", "mask", "id"]);

interface RawRow {
  /** Where the row is, for errors: "file:line" or "source[i]". */
  at: string;
  id: string;
  x: number[][];
  /** The raw "y" (targets.ts reads it); null: unlabelled. */
  y: unknown;
  mask: boolean[] | null;
}

function fail(at: string, message: string): never {
  throw new TbpttError(`${at}: ${message}`);
}

function parseRow(
  source: string,
  line: number,
  text: string,
  expectedDim: number | null,
  labelsOptional: boolean,
): RawRow {
  const at = `${source}:${line}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const hint = /NaN|Infinity/.test(text)
      ? " (NaN and Infinity are not JSON numbers: features must be finite)"
      : "";
    fail(at, `invalid JSON: ${(e as Error).message}${hint}`);
  }
  return checkRow(at, value, expectedDim, labelsOptional);
}

const isFrame = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || ArrayBuffer.isView(v);

function checkRow(at: string, value: unknown, expectedDim: number | null, labelsOptional: boolean): RawRow {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(at, 'expected an object {"x": [...], "y": [...]}');
  }
  const row = value as Record<string, unknown>;
  for (const key of Object.keys(row)) {
    if (!KEYS.has(key)) fail(at, `unknown key "${key}"; expected x, y, mask or id`);
  }
  const { x, y, mask, id } = row;
  if (!Array.isArray(x)) fail(at, '"x" must be an array of frames (arrays of numbers)');
  if (y === undefined && labelsOptional) {
    // unlabelled: every step is "no label" (what predict needs)
  } else if (y === undefined || y === null)
    fail(at, '"y" must be an array of labels, one label for the sequence, or real-valued targets');
  if (x.length === 0) fail(at, "empty sequence: x has no frames");
  const dim = expectedDim ?? (isFrame(x[0]) ? x[0].length : -1);
  x.forEach((frame, t) => {
    if (!isFrame(frame)) fail(at, `x[${t}] must be an array of numbers`);
    if (frame.length !== dim)
      fail(at, `ragged features: x[${t}] has ${frame.length} values, expected ${dim}`);
    for (let i = 0; i < frame.length; i++) {
      const v = frame[i];
      const problem = float32Problem(v);
      if (problem) fail(at, `x[${t}][${i}] is ${JSON.stringify(v)}, ${problem}`);
    }
  });
  if (dim < 1) fail(at, "frames must have at least one feature");
  let maskOut: boolean[] | null = null;
  if (mask !== undefined) {
    if (!Array.isArray(mask) || mask.length !== x.length)
      fail(at, `"mask" must be an array of ${x.length} 0/1 values`);
    maskOut = mask.map((m, t) => {
      if (m === 1 || m === true) return true;
      if (m === 0 || m === false) return false;
      return fail(at, `mask[${t}] is ${JSON.stringify(m)}, expected 0 or 1`);
    });
  }
  if (id !== undefined && typeof id !== "string") fail(at, '"id" must be a string');
  return {
    at,
    id: (id as string | undefined) ?? at,
    x: x as number[][],
    y: y ?? null,
    mask: maskOut,
  };
}

/**
 * How to read labelled sequences: against a model's (or the training set's) classes, sizes and
 * output form.
 */
export interface ParseOptions {
  /** Class names to map string labels to (validation data uses the training vocabulary). */
  classes?: string[] | null;
  /** Feature dimension the data must have (the model's inputSize). */
  inputSize?: number;
  /** Number of classes for index labels (a label ≥ this is an error). */
  classCount?: number;
  /** Accept rows without "y" (unlabelled: every step "no label"), as `predict` does. Default false. */
  labelsOptional?: boolean;
  /** How to read "y" (a trained model's output kind and placement); default: from the first labelled row (targets.ts). */
  form?: TargetForm;
  /** Real values per target the data must have (the model's outputSize, for an mse output). */
  targetSize?: number;
}

/** Parses JSON Lines text (one sequence per line; see the file comment); `source` names it in errors. */
export function parseLabelledJsonl(text: string, source: string, options: ParseOptions = {}): LabelledSet {
  const rows: RawRow[] = [];
  let dim: number | null = options.inputSize ?? null;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const t = raw.trim();
    if (t === "") return;
    const row = parseRow(source, i + 1, t, dim, options.labelsOptional ?? false);
    dim = row.x[0]?.length ?? dim;
    rows.push(row);
  });
  if (rows.length === 0) throw new TbpttError(`${source}: no sequences (the file is empty)`);
  return toLabelledSet(rows, source, dim as number, options);
}

/**
 * Labelled sequences from rows in memory, each `{ x, y, mask?, id? }` as one JSON Lines
 * line (frames may be arrays or typed arrays); `source` names the rows in errors.
 */
export function labelledSetFromRows(
  rows: readonly unknown[],
  source = "rows",
  options: ParseOptions = {},
): LabelledSet {
  let dim: number | null = options.inputSize ?? null;
  const checked = rows.map((value, i) => {
    const row = checkRow(`${source}[${i}]`, value, dim, options.labelsOptional ?? false);
    dim = row.x[0]?.length ?? dim;
    return row;
  });
  if (checked.length === 0) throw new TbpttError(`${source}: no sequences`);
  return toLabelledSet(checked, source, dim as number, options);
}

function toLabelledSet(rows: RawRow[], source: string, dim: number, options: ParseOptions): LabelledSet {
  const converted = convertTargets(
    rows.map((r) => ({ at: r.at, frames: r.x.length, y: r.y, mask: r.mask })),
    {
      form: options.form,
      classes: options.classes,
      classCount: options.classCount,
      targetSize: options.targetSize,
    },
  );
  const sequences: LabelledSequence[] = rows.map((r, i) => {
    const T = r.x.length;
    const features = new Float32Array(T * dim);
    r.x.forEach((frame, t) => {
      features.set(frame, t * dim);
    });
    const labels = converted.labels[i] as Int32Array;
    const targets = converted.targets?.[i];
    return targets ? { id: r.id, features, labels, targets } : { id: r.id, features, labels };
  });
  return {
    source,
    inputSize: dim,
    sequences,
    classes: converted.classes,
    ...(converted.form.per === "sequence" ? { per: "sequence" as const } : {}),
    ...(converted.targetSize > 0 ? { targetSize: converted.targetSize } : {}),
  };
}
