/**
 * Class labels of a set already in memory (the binary form, a LabelledSet handed to the
 * library) checked against the classes they are read with, as JSON Lines labels are while
 * parsing (targets.ts): a class index is an integer in 0…C−1, or −1 for "no loss" (no
 * other negative value means anything); a set that names its own classes is mapped to the
 * model's (or the training set's) classes by name, never by position, so a validation
 * file written with another vocabulary order scores against the right rows. A label
 * outside the classes would otherwise index another frame's row of the output, with no
 * error and a wrong figure.
 */
import { TbpttError } from "../core/errors.js";
import type { LabelledSet } from "./labelled.js";

/** The classes labels are read against: names (index = class) and/or a class count. */
export interface LabelClasses {
  /** The model's (or training set's) class names; a set with its own names is mapped to these. */
  classes?: string[] | null;
  /** Number of classes (default: classes.length, else the set's own names' count). */
  classCount?: number;
}

/** Where a label sits, for messages: "sequence 3 (utt-7), frame 12". */
function where(set: LabelledSet, i: number, t: number): string {
  const s = set.sequences[i];
  const id = s && !s.id.startsWith(`${set.source}#`) ? ` (${s.id})` : "";
  return `sequence ${i}${id}, frame ${t}`;
}

/**
 * Checks (and, for a set with its own class names, maps by name) the labels of `set`.
 * A set with real-valued targets only needs labels 0 or −1. Returns `set`, its labels
 * replaced by mapped copies when the names differ; throws a TbpttError naming the set's
 * source, the sequence and the frame otherwise.
 */
export function checkSetLabels(set: LabelledSet, against: LabelClasses = {}): LabelledSet {
  if ((set.targetSize ?? 0) > 0) {
    forEachLabel(set, (y, i, t) => {
      if (y !== 0 && y !== -1)
        throw new TbpttError(
          `${set.source}: ${where(set, i, t)}: label ${y}; a set of real-valued targets has 0 (a target) or −1 (none)`,
        );
    });
    return set;
  }
  const own = set.classes;
  const target = against.classes ?? null;
  const mapping = own && target && !sameNames(own, target) ? nameMapping(own, target) : null;
  const count = against.classCount ?? target?.length ?? own?.length;
  const checkAgainst = mapping && own ? own.length : (count ?? Number.POSITIVE_INFINITY);
  forEachLabel(set, (y, i, t) => {
    if (y === -1) return;
    if (y < -1)
      throw new TbpttError(
        `${set.source}: ${where(set, i, t)}: label ${y}; a class index is ≥ 0, or −1 for a frame with no loss`,
      );
    if (y >= checkAgainst) {
      const classes = mapping ? `the file's ${own?.length} class names` : `the ${checkAgainst} classes`;
      throw new TbpttError(
        `${set.source}: ${where(set, i, t)}: label ${y} is outside ${classes} (0…${checkAgainst - 1})`,
      );
    }
    if (mapping && mapping[y] === -1)
      throw new TbpttError(
        `${set.source}: ${where(set, i, t)}: class "${own?.[y]}" is not one of the model's ${target?.length} classes`,
      );
  });
  if (!mapping) return set;
  // Mapped copies: the caller's arrays (a set handed to the library) stay as they were.
  return {
    ...set,
    classes: target,
    sequences: set.sequences.map((s) => ({
      ...s,
      labels: s.labels.map((y) => (y < 0 ? y : (mapping[y] as number))),
    })),
  };
}

function forEachLabel(set: LabelledSet, visit: (y: number, i: number, t: number) => void): void {
  set.sequences.forEach((s, i) => {
    for (let t = 0; t < s.labels.length; t++) visit(s.labels[t] as number, i, t);
  });
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

/** For each of the set's class indices, the index of the same name in `target` (−1: not there). */
function nameMapping(own: readonly string[], target: readonly string[]): Int32Array {
  const index = new Map(target.map((name, i) => [name, i]));
  return Int32Array.from(own, (name) => index.get(name) ?? -1);
}
