/**
 * Reads a labelled set from a file (Node-only): JSON Lines or the binary form
 * (src/data/binary.ts), told apart by the first bytes, never by the extension.
 * A path "memory:KIND?…" is one of the synthetic memory tasks, generated in memory
 * (src/tasks/memory/spec.ts).
 */

import { existsSync, readFileSync } from "node:fs";
import { TbpttError } from "../core/errors.js";
import { decodeLabelledSet, encodeLabelledSet } from "../data/binary.js";
import { type ParseOptions, parseLabelledJsonl } from "../data/jsonl.js";
import { checkSetLabels } from "../data/label-check.js";
import type { LabelledSet } from "../data/labelled.js";
import { isMemorySpec, memoryTaskSet } from "../tasks/memory/spec.js";
import { writeFileAtomicSync } from "./atomic-write.js";

/** A labelled set from a JSON Lines or binary file (told apart by content), checked as `options` say. */
export function readLabelledFile(path: string, options: ParseOptions = {}): LabelledSet {
  if (isMemorySpec(path)) return checkInputSize(memoryTaskSet(path), path, options);
  if (!existsSync(path)) throw new TbpttError(`${path}: no such file`);
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new TbpttError(`${path}: the file is empty`);
  // JSON Lines starts with "{" (after white space); a safetensors file with its 8-byte length.
  let first = 0;
  while (
    first < bytes.length &&
    (bytes[first] === 0x20 || bytes[first] === 0x0a || bytes[first] === 0x0d || bytes[first] === 0x09)
  )
    first++;
  const set =
    bytes[first] === 0x7b
      ? parseLabelledJsonl(new TextDecoder("utf-8", { fatal: false }).decode(bytes), path, options)
      : checkSetLabels(
          decodeLabelledSet(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), path),
          {
            classes: options.classes,
            classCount: options.classCount,
          },
        );
  return checkInputSize(set, path, options);
}

function checkInputSize(set: LabelledSet, path: string, options: ParseOptions): LabelledSet {
  if (options.inputSize !== undefined && set.inputSize !== options.inputSize) {
    throw new TbpttError(
      `${path}: frames have ${set.inputSize} features, expected ${options.inputSize} (model.inputSize)`,
    );
  }
  return set;
}

/** Writes `set` in the binary form, atomically. */
export function writeLabelledBinary(path: string, set: LabelledSet): void {
  writeFileAtomicSync(path, encodeLabelledSet(set));
}
