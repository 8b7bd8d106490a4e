/**
 * What a row's "y" holds, and its conversion to the trainer's labels and targets. Four
 * forms, one per set (docs/data.md):
 *
 *   per frame, classes     "y": ["sil", "aa", …] or [0, 3, …]     one label per frame
 *   per sequence, class    "y": "cat" or 2                        one label, at the last frame
 *   per frame, values      "y": [[0.1, 2.0], …]                   D real numbers per frame
 *   per sequence, values   "y": [0.1, 2.0]                        D real numbers, at the last frame
 *
 * Without a model to follow (training data), the form is read from the first labelled
 * row: a string or a number is a sequence's class, an array of arrays is values per
 * frame, any other array is classes per frame. Values per sequence look like classes per
 * frame, so they need the model's `output` ({kind: "mse", per: "sequence"}) to be read.
 * A real-valued row marks each frame with a target as label 0 (−1: none), so masks,
 * loss counts and the engine treat both kinds alike (src/nn/tape.ts).
 */
import { TbpttError } from "../core/errors.js";
import type { LossPlacement, OutputKind } from "../nn/head.js";
import { float32Problem } from "./labelled.js";

/** How y is read: the model's output kind and where its targets sit. */
export interface TargetForm {
  kind: OutputKind;
  per: LossPlacement;
}

/** A row as parsed: where it is, its frame count, its raw y (null: unlabelled) and mask. */
export interface TargetRow {
  at: string;
  frames: number;
  y: unknown;
  mask: boolean[] | null;
}

export interface TargetOptions {
  /** The form to expect (a trained model's output); default: read from the data. */
  form?: TargetForm;
  /** Class names string labels map to (default: a vocabulary built from the rows, sorted). */
  classes?: string[] | null;
  /** Class indices must be below this. */
  classCount?: number;
  /** Values per target (default: the first row's). */
  targetSize?: number;
}

export interface ConvertedTargets {
  form: TargetForm;
  classes: string[] | null;
  /** D real values per target; 0 for class labels. */
  targetSize: number;
  labels: Int32Array[];
  /** Per row T × D values (rows with a label); null for class labels. */
  targets: Float32Array[] | null;
}

const isArrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || ArrayBuffer.isView(v);

function fail(at: string, message: string): never {
  throw new TbpttError(`${at}: ${message}`);
}

/** The form of the data from its first labelled row (see the file comment). */
export function inferTargetForm(rows: readonly TargetRow[]): TargetForm {
  const first = rows.find((r) => r.y !== null && r.y !== undefined);
  if (!first) return { kind: "softmax", per: "frame" };
  const y = first.y;
  if (typeof y === "string" || typeof y === "number") return { kind: "softmax", per: "sequence" };
  if (isArrayLike(y) && isArrayLike(y[0])) return { kind: "mse", per: "frame" };
  return { kind: "softmax", per: "frame" };
}

function describe(form: TargetForm, frames: number, D: number | null): string {
  const d = D === null ? "D" : String(D);
  if (form.kind === "mse")
    return form.per === "frame"
      ? `an array of ${frames} frames of ${d} numbers (real values per frame)`
      : `an array of ${d} numbers (real values for the sequence)`;
  return form.per === "frame"
    ? `an array of ${frames} labels (a class per frame)`
    : "one label, a string or a class index (a class for the sequence)";
}

/** Converts every row's y by `options.form` or the inferred form; errors name the row. */
export function convertTargets(rows: readonly TargetRow[], options: TargetOptions = {}): ConvertedTargets {
  const form = options.form ?? inferTargetForm(rows);
  if (form.kind === "mse") return convertValues(rows, form, options.targetSize ?? null);
  return convertClasses(rows, form, options);
}

function convertClasses(
  rows: readonly TargetRow[],
  form: TargetForm,
  options: TargetOptions,
): ConvertedTargets {
  const perFrame = form.per === "frame";
  const labelsOf = (r: TargetRow): unknown[] => {
    if (r.y === null || r.y === undefined) return [];
    if (perFrame) {
      if (!Array.isArray(r.y))
        fail(r.at, `"y" is ${JSON.stringify(r.y)}: expected ${describe(form, r.frames, null)}`);
      if (r.y.length !== r.frames)
        fail(r.at, `label count ${r.y.length} does not match frame count ${r.frames}`);
      return r.y;
    }
    if (typeof r.y !== "string" && typeof r.y !== "number")
      fail(r.at, `"y" is ${JSON.stringify(r.y)}: expected ${describe(form, r.frames, null)}`);
    if (r.mask) fail(r.at, '"mask" marks frames; a row with one label for the sequence has none');
    return [r.y];
  };
  const firstLabel = rows.map(labelsOf).find((ys) => ys.length > 0)?.[0];
  const stringLabels = typeof firstLabel === "string";
  let classes: string[] | null = options.classes ?? null;
  // classes null (not absent): read against a model or training set whose classes are
  // indices; names would be numbered here by their sorted order, not by the model's.
  if (stringLabels && options.classes === null) {
    const first = rows.find((r) => labelsOf(r).length > 0) as TargetRow;
    fail(
      first.at,
      `labels are class names (${JSON.stringify(firstLabel)}), but the model's classes are indices (its training data gave indices): give class indices`,
    );
  }
  if (stringLabels && !classes) {
    const names = new Set<string>();
    for (const r of rows) for (const y of labelsOf(r)) if (typeof y === "string") names.add(y);
    classes = [...names].sort();
  }
  const index = new Map((classes ?? []).map((c, i) => [c, i]));
  const limit = options.classCount ?? (classes ? classes.length : undefined);
  const labels = rows.map((r) => {
    const out = new Int32Array(r.frames).fill(-1);
    labelsOf(r).forEach((y, k) => {
      const name = perFrame ? `y[${k}]` : "y";
      let label: number;
      if (stringLabels) {
        if (typeof y !== "string")
          fail(r.at, `${name} is ${JSON.stringify(y)}: labels must be all strings or all class indices`);
        const found = index.get(y);
        if (found === undefined)
          fail(
            r.at,
            `${name} = "${y}" is not in the vocabulary (${classes?.length} classes from the training set)`,
          );
        label = found;
      } else {
        if (typeof y !== "number" || !Number.isInteger(y) || y < 0)
          fail(r.at, `${name} is ${JSON.stringify(y)}: expected a class index (integer ≥ 0) or a string`);
        if (limit !== undefined && y >= limit)
          fail(r.at, `${name} = ${y} is outside the ${limit} classes (0…${limit - 1})`);
        label = y;
      }
      const t = perFrame ? k : r.frames - 1;
      out[t] = r.mask && !r.mask[t] ? -1 : label;
    });
    return out;
  });
  return { form, classes, targetSize: 0, labels, targets: null };
}

function convertValues(
  rows: readonly TargetRow[],
  form: TargetForm,
  expectedSize: number | null,
): ConvertedTargets {
  const perFrame = form.per === "frame";
  let D = expectedSize;
  /** Checks one target vector (D finite numbers) and returns it. */
  const vector = (r: TargetRow, v: unknown, name: string): ArrayLike<number> => {
    if (!isArrayLike(v))
      fail(r.at, `${name} is ${JSON.stringify(v)}: expected ${describe(form, r.frames, D)}`);
    D ??= v.length;
    if (v.length !== D || D < 1)
      fail(r.at, `${name} has ${v.length} values, expected ${D} (every target has the same size)`);
    for (let d = 0; d < v.length; d++) {
      const x = v[d];
      const problem = float32Problem(x);
      if (problem) fail(r.at, `${name}[${d}] is ${JSON.stringify(x)}, ${problem}`);
    }
    return v as ArrayLike<number>;
  };
  const checked = rows.map((r) => {
    if (r.y === null || r.y === undefined) return [];
    if (!perFrame) {
      if (r.mask) fail(r.at, '"mask" marks frames; a row with one target for the sequence has none');
      return [vector(r, r.y, "y")];
    }
    if (!isArrayLike(r.y))
      fail(r.at, `"y" is ${JSON.stringify(r.y)}: expected ${describe(form, r.frames, D)}`);
    if (r.y.length !== r.frames)
      fail(r.at, `target count ${r.y.length} does not match frame count ${r.frames}`);
    return Array.from(r.y, (v, t) => vector(r, v, `y[${t}]`));
  });
  const size = D ?? 1;
  const labels: Int32Array[] = [];
  const targets: Float32Array[] = [];
  rows.forEach((r, i) => {
    const l = new Int32Array(r.frames).fill(-1);
    const v = new Float32Array(r.frames * size);
    (checked[i] as ArrayLike<number>[]).forEach((values, k) => {
      const t = perFrame ? k : r.frames - 1;
      v.set(values, t * size);
      l[t] = r.mask && !r.mask[t] ? -1 : 0;
    });
    labels.push(l);
    targets.push(v);
  });
  return { form, classes: null, targetSize: size, labels, targets };
}
