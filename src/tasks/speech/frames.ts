/**
 * Frame labels from segment times, and the target delay for unidirectional
 * networks.
 *
 * Frame t covers samples [t·hop, t·hop + window). Its label is the label of
 * the segment containing its centre sample c(t) = t·hop + ⌊window/2⌋
 * (segments are [start, end), so a centre on a boundary takes the later
 * segment). A centre inside no segment gives -1 (unlabelled).
 *
 * Target delay d (Graves & Schmidhuber 2005 give unidirectional nets some
 * future context by delaying the targets by a few frames): the output at frame t is trained
 * on the label of frame t − d, i.e. `delayed[t] = labels[t − d]` for t ≥ d and
 * `delayed[t] = -1` (masked) for t < d. The sequence keeps its length T, so
 * the labels of the last d frames (T−d .. T−1) are never targets. d = 0 is the
 * identity. To score, compare output t with `delayed[t]`, or equivalently
 * output t + d with `labels[t]`.
 *
 * Pure: no `node:` imports.
 */

import { TbpttError } from "../../core/errors.js";
import type { PhoneSegment } from "./phn.js";

/** Frame geometry in samples. */
export interface FrameGeometry {
  window: number;
  hop: number;
}

/** The number of whole frames in n samples: ⌊(n − window)/hop⌋ + 1, or 0 when n < window (HTK's count). */
export function frameCount(n: number, geometry: FrameGeometry): number {
  return n < geometry.window ? 0 : Math.floor((n - geometry.window) / geometry.hop) + 1;
}

/** The label at each frame's centre sample; -1 where no segment covers it. Segments must be sorted. */
export function frameLabels(
  segments: readonly PhoneSegment[],
  frames: number,
  geometry: FrameGeometry,
): Int32Array {
  const out = new Int32Array(frames).fill(-1);
  const half = Math.floor(geometry.window / 2);
  let s = 0;
  for (let t = 0; t < frames; t++) {
    const c = t * geometry.hop + half;
    while (s < segments.length && segments[s].end <= c) s++;
    if (s < segments.length && segments[s].start <= c) out[t] = segments[s].label;
  }
  return out;
}

/** Target delay d ≥ 0: `out[t] = labels[t − d]` for t ≥ d, -1 (masked) for t < d. */
export function delayLabels(labels: Int32Array, delay: number): Int32Array {
  if (!Number.isInteger(delay) || delay < 0)
    throw new TbpttError(`delayLabels: delay must be an integer ≥ 0, got ${delay}`);
  const out = new Int32Array(labels.length).fill(-1);
  for (let t = delay; t < labels.length; t++) out[t] = labels[t - delay];
  return out;
}
