/**
 * The generic labelled-sequence format, JSON Lines: one sequence per line,
 *   {"x": [[f1, …, fd], …], "y": [label, …], "mask": [1, 0, …], "id": "name"}
 * labels all class indices (integers ≥ 0) or all strings (a vocabulary is built from the
 * training set, sorted, and saved with the model); "mask" (optional, 0/1 or booleans)
 * turns a step's loss off; "id" is optional. Blank lines are skipped.
 * Every error names the source, the line and what was expected.
 */
import type { LabelledSequence, LabelledSet } from "./labelled.js";

const KEYS = new Set(["x", "y", "mask", "id"]);

interface RawRow {
  line: number;
  id: string;
  x: number[][];
  y: (number | string)[];
  mask: boolean[] | null;
}

function fail(source: string, line: number, message: string): never {
  throw new Error(`${source}:${line}: ${message}`);
}

function parseRow(source: string, line: number, text: string, expectedDim: number | null): RawRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const hint = /NaN|Infinity/.test(text)
      ? " (NaN and Infinity are not JSON numbers: features must be finite)"
      : "";
    fail(source, line, `invalid JSON: ${(e as Error).message}${hint}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(source, line, 'expected an object {"x": [...], "y": [...]}');
  }
  const row = value as Record<string, unknown>;
  for (const key of Object.keys(row)) {
    if (!KEYS.has(key)) fail(source, line, `unknown key "${key}"; expected x, y, mask or id`);
  }
  const { x, y, mask, id } = row;
  if (!Array.isArray(x)) fail(source, line, '"x" must be an array of frames (arrays of numbers)');
  if (!Array.isArray(y)) fail(source, line, '"y" must be an array of labels');
  if (x.length === 0) fail(source, line, "empty sequence: x has no frames");
  if (y.length !== x.length)
    fail(source, line, `label count ${y.length} does not match frame count ${x.length}`);
  const dim = expectedDim ?? (Array.isArray(x[0]) ? x[0].length : -1);
  x.forEach((frame, t) => {
    if (!Array.isArray(frame)) fail(source, line, `x[${t}] must be an array of numbers`);
    if (frame.length !== dim)
      fail(source, line, `ragged features: x[${t}] has ${frame.length} values, expected ${dim}`);
    frame.forEach((v, i) => {
      if (typeof v !== "number" || !Number.isFinite(v))
        fail(source, line, `x[${t}][${i}] is ${JSON.stringify(v)}, expected a finite number`);
    });
  });
  if (dim < 1) fail(source, line, "frames must have at least one feature");
  let maskOut: boolean[] | null = null;
  if (mask !== undefined) {
    if (!Array.isArray(mask) || mask.length !== x.length)
      fail(source, line, `"mask" must be an array of ${x.length} 0/1 values`);
    maskOut = mask.map((m, t) => {
      if (m === 1 || m === true) return true;
      if (m === 0 || m === false) return false;
      return fail(source, line, `mask[${t}] is ${JSON.stringify(m)}, expected 0 or 1`);
    });
  }
  if (id !== undefined && typeof id !== "string") fail(source, line, '"id" must be a string');
  return {
    line,
    id: (id as string | undefined) ?? `${source}:${line}`,
    x: x as number[][],
    y: y as (number | string)[],
    mask: maskOut,
  };
}

export interface ParseOptions {
  /** Class names to map string labels to (validation data uses the training vocabulary). */
  classes?: string[] | null;
  /** Feature dimension the data must have (the model's inputSize). */
  inputSize?: number;
  /** Number of classes for index labels (a label ≥ this is an error). */
  classCount?: number;
}

export function parseLabelledJsonl(text: string, source: string, options: ParseOptions = {}): LabelledSet {
  const rows: RawRow[] = [];
  let dim: number | null = options.inputSize ?? null;
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const t = raw.trim();
    if (t === "") return;
    const row = parseRow(source, i + 1, t, dim);
    dim = row.x[0]?.length ?? dim;
    rows.push(row);
  });
  if (rows.length === 0) throw new Error(`${source}: no sequences (the file is empty)`);
  const stringLabels = typeof rows[0]?.y[0] === "string";
  let classes: string[] | null = options.classes ?? null;
  if (stringLabels && !classes) {
    const names = new Set<string>();
    for (const r of rows) for (const y of r.y) if (typeof y === "string") names.add(y);
    classes = [...names].sort();
  }
  const index = new Map((classes ?? []).map((c, i) => [c, i]));
  const sequences: LabelledSequence[] = rows.map((r) => {
    const T = r.x.length;
    const features = new Float32Array(T * (dim as number));
    r.x.forEach((frame, t) => {
      features.set(frame, t * (dim as number));
    });
    const labels = new Int32Array(T);
    r.y.forEach((y, t) => {
      let label: number;
      if (stringLabels) {
        if (typeof y !== "string")
          fail(
            source,
            r.line,
            `y[${t}] is ${JSON.stringify(y)}: labels must be all strings or all class indices`,
          );
        const found = index.get(y);
        if (found === undefined)
          fail(
            source,
            r.line,
            `y[${t}] = "${y}" is not in the vocabulary (${classes?.length} classes from the training set)`,
          );
        label = found;
      } else {
        if (typeof y !== "number" || !Number.isInteger(y) || y < 0) {
          fail(
            source,
            r.line,
            `y[${t}] is ${JSON.stringify(y)}: expected a class index (integer ≥ 0) or a string`,
          );
        }
        const limit = options.classCount ?? (classes ? classes.length : undefined);
        if (limit !== undefined && y >= limit)
          fail(source, r.line, `y[${t}] = ${y} is outside the ${limit} classes (0…${limit - 1})`);
        label = y;
      }
      labels[t] = r.mask && !r.mask[t] ? -1 : label;
    });
    return { id: r.id, features, labels };
  });
  return { source, inputSize: dim as number, sequences, classes };
}
