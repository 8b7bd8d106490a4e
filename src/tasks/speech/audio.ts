/**
 * Audio decoding, bytes in and samples out: NIST SPHERE (the format of the
 * TIMIT distribution, whose audio files are called .WAV but are SPHERE) and
 * RIFF WAV with 16-bit PCM (the usual form of converted corpora). The format is
 * sniffed from the first bytes; the file extension is never trusted.
 *
 * Sources: NIST SPHERE header layout as documented in the NIST SPHERE 2.6
 * package (`doc/sphere.doc`: "NIST_1A\n", the header size in bytes on the
 * second line, then `name -type value` lines up to `end_head`); the RIFF WAVE
 * layout from the Microsoft/IBM Multimedia Programming Interface and Data
 * Specifications 1.0 (1991), `fmt ` and `data` chunks.
 *
 * Samples are returned on the integer scale of the file (a 16-bit sample of
 * value 1000 decodes to 1000.0), which is what HTK and SPTK (`x2x +sf`) work
 * on, so log energies match theirs.
 *
 * Pure: no `node:` imports, so it bundles for a browser.
 */
import { TbpttError } from "../../core/errors.js";

/** A decoded mono recording. */
export interface Audio {
  /** Samples on the file's integer scale (16-bit: -32768 .. 32767). */
  samples: Float32Array;
  sampleRate: number;
  format: "sphere" | "wav";
}

/** Options of `decodeAudio`: the sample rate the caller expects. */
export interface DecodeOptions {
  /** Refuse audio at any other rate; null accepts any rate. Default 16000 (TIMIT). */
  expectedSampleRate?: number | null;
}

/** Decodes SPHERE or WAV bytes; `name` (usually the path) is used in every error message. */
export function decodeAudio(bytes: Uint8Array, name: string, options: DecodeOptions = {}): Audio {
  const expected = options.expectedSampleRate === undefined ? 16000 : options.expectedSampleRate;
  let audio: Audio;
  if (startsWith(bytes, "NIST_1A")) audio = decodeSphere(bytes, name);
  else if (startsWith(bytes, "RIFF") && bytes.length >= 12 && ascii(bytes, 8, 12) === "WAVE")
    audio = decodeWav(bytes, name);
  else {
    const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new TbpttError(
      `${name}: not NIST SPHERE ("NIST_1A") nor RIFF WAV ("RIFF....WAVE"); first bytes are [${head}]`,
    );
  }
  if (expected !== null && audio.sampleRate !== expected)
    throw new TbpttError(`${name}: sample rate is ${audio.sampleRate} Hz, expected ${expected} Hz`);
  return audio;
}

/** The SPHERE header as name → value (numbers for -i and -r fields, strings for -sN). */
export type SphereHeader = Map<string, string | number>;

/** Parses a SPHERE header; returns the fields and the header's size in bytes (where the samples start). */
export function parseSphereHeader(
  bytes: Uint8Array,
  name: string,
): { fields: SphereHeader; headerBytes: number } {
  // Line 1 "NIST_1A", line 2 the header size (conventionally 1024), padded with spaces.
  if (bytes.length < 16) throw new TbpttError(`${name}: truncated SPHERE header (${bytes.length} bytes)`);
  const sizeText = ascii(bytes, 8, 16).trim();
  const headerBytes = Number(sizeText);
  if (!/^\d+$/.test(sizeText) || headerBytes < 16)
    throw new TbpttError(
      `${name}: SPHERE header size line is "${sizeText}", expected a byte count such as 1024`,
    );
  if (bytes.length < headerBytes)
    throw new TbpttError(
      `${name}: truncated SPHERE header: it declares ${headerBytes} bytes but the file has ${bytes.length}`,
    );
  const lines = ascii(bytes, 16, headerBytes).split("\n");
  const fields: SphereHeader = new Map();
  let ended = false;
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "").trim();
    if (line === "") continue;
    if (line === "end_head") {
      ended = true;
      break;
    }
    if (line.startsWith(";")) continue; // comment
    const m = /^(\S+)\s+-(i|r|s\d+)\s+(.*)$/.exec(line);
    if (!m) throw new TbpttError(`${name}: malformed SPHERE header line "${line}"`);
    const [, key, type, value] = m;
    if (type === "i" || type === "r") {
      const v = Number(value.trim());
      if (!Number.isFinite(v))
        throw new TbpttError(`${name}: SPHERE field ${key} is not a number: "${value}"`);
      fields.set(key, v);
    } else {
      // -sN: a string of N characters (it may contain spaces).
      const n = Number(type.slice(1));
      fields.set(key, value.length >= n ? value.slice(0, n) : value);
    }
  }
  if (!ended)
    throw new TbpttError(`${name}: truncated SPHERE header: no end_head within ${headerBytes} bytes`);
  return { fields, headerBytes };
}

function decodeSphere(bytes: Uint8Array, name: string): Audio {
  const { fields, headerBytes } = parseSphereHeader(bytes, name);
  const num = (key: string, fallback?: number): number => {
    const v = fields.get(key);
    if (v === undefined) {
      if (fallback !== undefined) return fallback;
      throw new TbpttError(`${name}: SPHERE header has no ${key} field`);
    }
    if (typeof v !== "number") throw new TbpttError(`${name}: SPHERE field ${key} should be -i, got "${v}"`);
    // -i fields are integers; a fraction or a negative count would reach the sample reader.
    if (!Number.isSafeInteger(v) || v < 0)
      throw new TbpttError(`${name}: SPHERE field ${key} is ${v}, expected a whole number ≥ 0`);
    return v;
  };
  const coding = String(fields.get("sample_coding") ?? "pcm");
  if (coding !== "pcm") {
    const hint = coding.includes("shorten")
      ? " (shorten-compressed; decompress first, e.g. `sph2pipe -f wav` or `w_decode`)"
      : "";
    throw new TbpttError(
      `${name}: unsupported SPHERE sample_coding "${coding}"${hint}; only plain "pcm" is read`,
    );
  }
  const channels = num("channel_count", 1);
  if (channels !== 1) throw new TbpttError(`${name}: ${channels} channels; only mono audio is read`);
  const width = num("sample_n_bytes");
  if (width !== 2)
    throw new TbpttError(`${name}: sample_n_bytes is ${width}; only 16-bit (2-byte) PCM is read`);
  const order = String(fields.get("sample_byte_format") ?? "01");
  if (order !== "01" && order !== "10")
    throw new TbpttError(
      `${name}: sample_byte_format "${order}", expected "01" (little endian) or "10" (big endian)`,
    );
  const count = num("sample_count");
  const sampleRate = num("sample_rate");
  const dataBytes = bytes.length - headerBytes;
  if (count * width !== dataBytes)
    throw new TbpttError(
      `${name}: header says sample_count ${count} × ${width} bytes = ${count * width} bytes of samples, ` +
        `but the file holds ${dataBytes} bytes after the ${headerBytes}-byte header`,
    );
  return { samples: readInt16(bytes, headerBytes, count, order === "01"), sampleRate, format: "sphere" };
}

function decodeWav(bytes: Uint8Array, name: string): Audio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, offset + 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === "fmt ") {
      if (size < 16 || body + 16 > bytes.length) throw new TbpttError(`${name}: truncated WAV fmt chunk`);
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (format === 0xfffe && size >= 40 && body + 26 <= bytes.length)
        format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === "data") {
      if (fmt === null) throw new TbpttError(`${name}: WAV data chunk comes before any fmt chunk`);
      if (fmt.format !== 1)
        throw new TbpttError(`${name}: WAV format tag ${fmt.format}; only PCM (1) is read`);
      if (fmt.channels !== 1)
        throw new TbpttError(`${name}: ${fmt.channels} channels; only mono audio is read`);
      if (fmt.bits !== 16) throw new TbpttError(`${name}: ${fmt.bits}-bit WAV; only 16-bit PCM is read`);
      const available = bytes.length - body;
      if (size > available)
        throw new TbpttError(
          `${name}: WAV data chunk declares ${size} bytes but only ${available} follow (truncated file)`,
        );
      if (size % 2 !== 0)
        throw new TbpttError(`${name}: WAV data chunk has an odd byte count ${size} for 16-bit samples`);
      return { samples: readInt16(bytes, body, size / 2, true), sampleRate: fmt.rate, format: "wav" };
    }
    offset = body + size + (size % 2); // chunks are padded to even sizes
  }
  throw new TbpttError(`${name}: truncated WAV: no ${fmt === null ? "fmt " : "data"} chunk found`);
}

function readInt16(bytes: Uint8Array, offset: number, count: number, littleEndian: boolean): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 2);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, littleEndian);
  return out;
}

function startsWith(bytes: Uint8Array, text: string): boolean {
  return bytes.length >= text.length && ascii(bytes, 0, text.length) === text;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  const stop = Math.min(end, bytes.length);
  for (let i = start; i < stop; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
