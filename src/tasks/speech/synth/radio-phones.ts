/**
 * Festival's `radio` phone set (festival/lib/radio_phones.scm; used by the
 * kal, ked and slt voices) mapped onto TIMIT's 61 phone labels (TIMIT
 * documentation, PHONCODE.DOC).
 *
 * Most radio phones are TIMIT labels already (both descend from ARPAbet).
 * The differences:
 *   - silence: `pau` (and `h#`, `brth`) becomes `h#` when it begins or ends the
 *     utterance and `pau` inside it;
 *   - stops and affricates: Festival gives one segment, TIMIT a closure and a
 *     release (`p` -> `pcl p`, `ch` -> `tcl ch`, `jh` -> `dcl jh`); the caller
 *     supplies where the release begins (see stops.ts);
 *   - `er` followed by an `r` that belongs to no syllable (the ked voice's
 *     lexicon inserts it after every `er`) becomes one `er`.
 * TIMIT labels the synthesiser never produces (ax-h, ix, ux, eng, epi, q, ...)
 * simply do not occur in the synthetic corpus.
 */

/** Every phone of Festival's radio phone set, including its silences. */
// biome-ignore format: a phone list, kept compact
export const RADIO_PHONES = [
  "aa", "ae", "ah", "ao", "aw", "ax", "axr", "ay", "b", "ch", "d", "dh", "dx", "eh", "el", "em", "en",
  "er", "ey", "f", "g", "hh", "hv", "ih", "iy", "jh", "k", "l", "m", "n", "nx", "ng", "ow", "oy", "p", "r",
  "s", "sh", "t", "th", "uh", "uw", "v", "w", "y", "z", "zh", "pau", "h#", "brth",
] as const;

export type RadioPhone = (typeof RADIO_PHONES)[number];

/**
 * TIMIT's 61 labels. A private copy: the shared phone inventory belongs to
 * src/tasks/speech/phones.ts, which this module does not import so that the
 * two could be written independently; test/speech/synth-phones.test.ts
 * checks that they agree.
 */
// biome-ignore format: a phone list, kept compact
export const TIMIT_61 = [
  "b", "d", "g", "p", "t", "k", "dx", "q", "bcl", "dcl", "gcl", "pcl", "tcl", "kcl", "jh", "ch", "s", "sh",
  "z", "zh", "f", "th", "v", "dh", "m", "n", "ng", "em", "en", "eng", "nx", "l", "r", "w", "y", "hh", "hv",
  "el", "iy", "ih", "eh", "ey", "ae", "aa", "aw", "ay", "ah", "ao", "oy", "ow", "uh", "uw", "ux", "er",
  "ax", "ix", "axr", "ax-h", "pau", "epi", "h#",
] as const;

export type TimitPhone = (typeof TIMIT_61)[number];

const SILENCES: ReadonlySet<string> = new Set(["pau", "h#", "brth"]);

/** Stops and affricates: the radio phone -> [TIMIT closure, TIMIT release]. */
export const CLOSURES: Readonly<Record<string, readonly [TimitPhone, TimitPhone]>> = {
  b: ["bcl", "b"],
  d: ["dcl", "d"],
  g: ["gcl", "g"],
  p: ["pcl", "p"],
  t: ["tcl", "t"],
  k: ["kcl", "k"],
  ch: ["tcl", "ch"],
  jh: ["dcl", "jh"],
};

/**
 * The mapping as a table, one row per radio phone, for the docs and tests:
 * what a segment becomes (silences shown as in the middle of an utterance).
 */
export function radioToTimitTable(): Array<{ radio: RadioPhone; timit: readonly TimitPhone[] }> {
  return RADIO_PHONES.map((radio) => {
    if (SILENCES.has(radio)) return { radio, timit: ["pau"] as const };
    const split = CLOSURES[radio];
    if (split) return { radio, timit: split };
    return { radio, timit: [radio as TimitPhone] };
  });
}

/** One segment as Festival's Segment relation gives it, with its end in samples. */
export interface RadioSegment {
  phone: string;
  /** End, in samples from the start of the audio. */
  end: number;
  /** Identity of the word whose syllable holds the segment; null for pauses and inserted segments. */
  wordId: string | null;
}

/** A labelled interval [start, end) in samples, as in a TIMIT .PHN or .WRD line. */
export interface LabelledSegment {
  start: number;
  end: number;
  label: string;
}

/** Where the release of a stop occupying [start, end) begins; start < result < end. */
export type StopSplitter = (start: number, end: number, phone: string) => number;

/**
 * Turn Festival's segments into TIMIT's contiguous .PHN segments covering
 * [0, totalSamples): ends clamped to the audio, the last segment stretched to
 * its end, empty segments dropped, inserted `r` merged into `er`, silences
 * named, and stops split by `splitStop`.
 */
export function radioToTimit(
  segments: readonly RadioSegment[],
  totalSamples: number,
  splitStop: StopSplitter,
): LabelledSegment[] {
  if (segments.length === 0) throw new Error("radioToTimit: no segments");
  if (!(Number.isInteger(totalSamples) && totalSamples > 0)) {
    throw new Error(`radioToTimit: totalSamples must be a positive integer, got ${totalSamples}`);
  }
  // 1. Intervals in samples, contiguous, clamped, covering the audio.
  const spans: Array<{ phone: string; start: number; end: number; wordId: string | null }> = [];
  let start = 0;
  segments.forEach((segment, i) => {
    if (!(RADIO_PHONES as readonly string[]).includes(segment.phone)) {
      throw new Error(`radioToTimit: "${segment.phone}" is not a radio phone (segment ${i})`);
    }
    const end = i === segments.length - 1 ? totalSamples : Math.min(Math.round(segment.end), totalSamples);
    if (end <= start) return; // empty after rounding or past the audio's end
    const previous = spans[spans.length - 1];
    const inserted = segment.phone === "r" && segment.wordId === null;
    if (
      previous &&
      ((inserted && previous.phone === "er") || (SILENCES.has(segment.phone) && SILENCES.has(previous.phone)))
    ) {
      previous.end = end; // er + inserted r -> er; adjacent silences -> one
    } else {
      spans.push({ phone: segment.phone, start, end, wordId: segment.wordId });
    }
    start = end;
  });
  const last = spans[spans.length - 1];
  if (last && last.end < totalSamples) last.end = totalSamples;

  // 2. Labels.
  const out: LabelledSegment[] = [];
  spans.forEach((span, i) => {
    if (SILENCES.has(span.phone)) {
      const edge = i === 0 || i === spans.length - 1;
      out.push({ start: span.start, end: span.end, label: edge ? "h#" : "pau" });
      return;
    }
    const split = CLOSURES[span.phone];
    if (!split) {
      out.push({ start: span.start, end: span.end, label: span.phone });
      return;
    }
    if (span.end - span.start < 2) {
      out.push({ start: span.start, end: span.end, label: split[1] });
      return;
    }
    const boundary = splitStop(span.start, span.end, span.phone);
    if (!(Number.isInteger(boundary) && boundary > span.start && boundary < span.end)) {
      throw new Error(
        `radioToTimit: stop split for "${span.phone}" in [${span.start}, ${span.end}) must be an integer strictly inside, got ${boundary}`,
      );
    }
    out.push({ start: span.start, end: boundary, label: split[0] });
    out.push({ start: boundary, end: span.end, label: split[1] });
  });
  return out;
}

/**
 * TIMIT's .WRD segments: each word spans its segments' first start to last
 * end. `words` maps a word id to its spelling (lower-cased here).
 */
export function wordSegments(
  segments: readonly RadioSegment[],
  words: ReadonlyMap<string, string>,
  totalSamples: number,
): LabelledSegment[] {
  const out: LabelledSegment[] = [];
  let start = 0;
  let currentId: string | null = null;
  let previousPhone = "";
  for (const segment of segments) {
    const end = Math.min(Math.round(segment.end), totalSamples);
    const last = out[out.length - 1];
    if (segment.wordId === null && segment.phone === "r" && previousPhone === "er" && currentId !== null) {
      if (last && end > last.end) last.end = end; // the inserted r belongs to the er merged into the word
    } else if (segment.wordId === null) {
      currentId = null;
    } else if (end > start) {
      if (last && currentId === segment.wordId) last.end = end;
      else {
        const spelling = words.get(segment.wordId);
        if (spelling === undefined)
          throw new Error(`wordSegments: no spelling for word id ${segment.wordId}`);
        const label = spelling.toLowerCase().replace(/[^a-z']/g, "");
        if (label !== "") {
          out.push({ start, end, label });
          currentId = segment.wordId;
        }
      }
    }
    previousPhone = segment.phone;
    start = Math.max(start, end);
  }
  return out;
}
