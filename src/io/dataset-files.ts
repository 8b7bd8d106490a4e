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
  const set =
    dataFileKind(bytes, path) === "jsonl"
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

const isSpace = (b: number | undefined) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

/**
 * Which form a data file is in, by its first bytes: JSON Lines starts with "{" (after white
 * space, and after a UTF-8 byte-order mark, which TextDecoder drops); the binary form is a
 * safetensors file, its 8-byte header length followed by a header that starts with "{".
 * Anything else is named for what it looks like, not reported as a broken binary header.
 */
export function dataFileKind(bytes: Uint8Array, path: string): "jsonl" | "binary" {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let first = bom;
  while (first < bytes.length && isSpace(bytes[first])) first++;
  if (bytes[first] === 0x7b) return "jsonl";
  if (first === bytes.length)
    throw new TbpttError(
      `${path}: only blank lines; expected JSON Lines (one sequence per line) or the binary form`,
    );
  const expected = "expected JSON Lines (UTF-8, one {...} per line) or the binary form (safetensors)";
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    throw new TbpttError(`${path}: UTF-16 text; ${expected}: save it as UTF-8`);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw new TbpttError(`${path}: gzip-compressed; ${expected}: decompress it first (gunzip)`);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b)
    throw new TbpttError(`${path}: a zip archive; ${expected}: extract it first`);
  if (bytes.length >= 9 && bytes[8] === 0x7b) return "binary";
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes.subarray(first, first + 40));
  throw new TbpttError(
    `${path}: starts with ${JSON.stringify(text.split("\n")[0])}; ${expected}${bom ? "" : " (a JSON Lines line starts with {)"}`,
  );
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
