/**
 * Parsing of TIMIT phone transcriptions (.PHN): one segment a line,
 * `start end label`, start and end in samples (end exclusive: the next
 * segment starts where this one ends). Format as described in the TIMIT
 * documentation (`DOC/` of the LDC distribution, LDC93S1).
 *
 * Checks, each reported with the file and the 1-based line: a malformed line,
 * an empty or reversed segment, a segment that starts before the previous one
 * (out of order), starts before the previous one ends (overlap) or after it
 * ends (gap), ends beyond the audio (when its length is given), and a label
 * not in the phone set. Time before the first segment and after the last is
 * allowed (those frames get no label); the TIMIT .PHN files start at 0.
 *
 * Pure: no `node:` imports.
 */

import { TIMIT_PHONES_61 } from "./phones.js";

/** One transcribed segment: samples [start, end) carry `label` (an index into the phone set). */
export interface PhoneSegment {
  start: number;
  end: number;
  label: number;
}

/** Options of `parsePhn`: the audio's length, to check segments against. */
export interface PhnOptions {
  /** The audio's length in samples; segments ending beyond it are errors. Omit to skip that check. */
  audioLength?: number;
  /** The phone set labels are looked up in. Default: the 61 TIMIT labels. */
  phones?: readonly string[];
}

/** Parses .PHN text; `name` (usually the path) prefixes every error. */
export function parsePhn(text: string, name: string, options: PhnOptions = {}): PhoneSegment[] {
  const phones = options.phones ?? TIMIT_PHONES_61;
  const index = new Map(phones.map((p, i) => [p, i]));
  const segments: PhoneSegment[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, "").trim();
    if (line === "") continue;
    const where = `${name}:${i + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length !== 3 || !/^\d+$/.test(parts[0]) || !/^\d+$/.test(parts[1]))
      throw new Error(`${where}: malformed line "${line}", expected "start end label" with integer samples`);
    const start = Number(parts[0]);
    const end = Number(parts[1]);
    const label = parts[2].toLowerCase();
    if (end <= start) throw new Error(`${where}: segment ends at ${end}, not after its start ${start}`);
    const prev = segments[segments.length - 1];
    if (prev !== undefined) {
      if (start < prev.start)
        throw new Error(
          `${where}: out of order: starts at ${start}, before the previous segment's start ${prev.start}`,
        );
      if (start < prev.end)
        throw new Error(
          `${where}: overlap: starts at ${start}, before the previous segment ends at ${prev.end}`,
        );
      if (start > prev.end)
        throw new Error(`${where}: gap: starts at ${start}, but the previous segment ends at ${prev.end}`);
    }
    if (options.audioLength !== undefined && end > options.audioLength)
      throw new Error(
        `${where}: out of range: segment ends at ${end}, beyond the audio's ${options.audioLength} samples`,
      );
    const id = index.get(label);
    if (id === undefined) throw new Error(`${where}: unknown phone label "${parts[2]}"`);
    segments.push({ start, end, label: id });
  }
  if (segments.length === 0) throw new Error(`${name}: no segments`);
  return segments;
}
