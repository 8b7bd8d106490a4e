/**
 * An on-disk cache of front-end features, so a second run does not recompute
 * them. One file per utterance, named by a SHA-256 of
 *   { cache format version, the resolved front-end settings, the audio file's
 *     absolute path, size and modification time }
 * so changing any setting, or touching the audio, misses the cache. Files are
 * written atomically: to a temporary name in the same folder, then renamed,
 * so a crash or a concurrent run never leaves a half-written entry under the
 * final name (the temporary file a killed write leaves is removed by a later run,
 * stray-temps.ts). A file that does not read back whole, or holds a value that is not
 * finite, is ignored and rewritten.
 *
 * File layout (little endian): "TBFC", u32 version, u32 frames, u32 dim,
 * u32 audio length in samples (so label checks need not read the audio),
 * then frames × dim float32.
 */

import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { TbpttError } from "../core/errors.js";
import type { Features, FrontEndOptions } from "../tasks/speech/mfcc.js";
import { removeAbandonedTemps } from "./stray-temps.js";

const MAGIC = 0x43464254; // "TBFC" read as a little-endian u32
const VERSION = 1;
const HEADER = 20;

/** The identity of one audio file as the cache sees it. */
export interface AudioFileStamp {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** The cache key (hex SHA-256) for these settings and this file. */
export function featureCacheKey(settings: FrontEndOptions, file: AudioFileStamp): string {
  const keyed = {
    version: VERSION,
    settings: Object.fromEntries(Object.entries(settings).sort(([a], [b]) => a.localeCompare(b))),
    path: resolve(file.path),
    bytes: file.bytes,
    mtimeMs: file.mtimeMs,
  };
  return createHash("sha256").update(JSON.stringify(keyed)).digest("hex");
}

export class FeatureCache {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    removeAbandonedTemps(dir, /^[0-9a-f]+\.feat\.(\d+)\.[0-9a-f]+\.tmp$/);
  }

  private file(key: string): string {
    return join(this.dir, `${key}.feat`);
  }

  /** The cached features and the audio's length in samples, or null when absent or unreadable. */
  get(key: string): { features: Features; samples: number } | null {
    let buf: Buffer;
    try {
      buf = readFileSync(this.file(key));
    } catch {
      return null;
    }
    if (buf.length < HEADER) return null;
    const head = new DataView(buf.buffer, buf.byteOffset, HEADER);
    if (head.getUint32(0, true) !== MAGIC || head.getUint32(4, true) !== VERSION) return null;
    const frames = head.getUint32(8, true);
    const dim = head.getUint32(12, true);
    const samples = head.getUint32(16, true);
    if (buf.length !== HEADER + frames * dim * 4) return null;
    const data = new Float32Array(frames * dim);
    new Uint8Array(data.buffer).set(buf.subarray(HEADER));
    // A NaN or an infinity (a damaged file; the front end never writes one) is a miss too:
    // the features are computed again from the audio and the entry rewritten.
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i] as number)) return null;
    return { features: { data, frames, dim }, samples };
  }

  /** Stores features (of audio `samples` long) under `key`, atomically (temp file + rename). */
  put(key: string, features: Features, samples: number): void {
    const out = Buffer.alloc(HEADER + features.data.length * 4);
    out.writeUInt32LE(MAGIC, 0);
    out.writeUInt32LE(VERSION, 4);
    out.writeUInt32LE(features.frames, 8);
    out.writeUInt32LE(features.dim, 12);
    out.writeUInt32LE(samples, 16);
    const data = new Float32Array(features.data); // a copy starting at byte 0 (native order: little endian on x86 and ARM)
    Buffer.from(data.buffer).copy(out, HEADER);
    const final = this.file(key);
    const tmp = `${final}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      writeFileSync(tmp, out);
      renameSync(tmp, final);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new TbpttError(`feature cache: cannot write ${final}: ${(e as Error).message}`);
    }
  }
}
