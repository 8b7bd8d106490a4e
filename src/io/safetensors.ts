/**
 * The safetensors format, encoded and decoded in memory (Uint8Array in, Uint8Array out;
 * no Node APIs, so it bundles for a browser). Files: src/io/atomic-write.ts.
 *
 * Layout (huggingface/safetensors, README "Format" and src/tensor.rs):
 *
 *     [8 bytes]  N, unsigned 64-bit little-endian: the header length
 *     [N bytes]  UTF-8 JSON object, padded with spaces (0x20) to a multiple of 8:
 *                  { "__metadata__": { "key": "value", ... },          optional, strings only
 *                    "<name>": { "dtype": "F32", "shape": [2, 3],
 *                                "data_offsets": [begin, end] }, ... }
 *     [rest]     the tensors' bytes, row-major, little-endian; offsets count from
 *                the first byte after the header, and the ranges tile the rest exactly
 *
 * Like the reference writer we order the tensors by element size, largest first, then
 * by name, so that with the 8-byte-aligned header every tensor starts aligned to its
 * element size. Readers cannot rely on that (other writers do not align), so decoding
 * copies each tensor into a fresh typed array.
 */
import { TbpttError } from "../core/errors.js";
import type {
  DecodedSafetensors,
  DecodedTensor,
  NamedTensor,
  SafetensorsDtype,
  TensorData,
} from "./safetensors-types.js";

export type {
  DecodedSafetensors,
  DecodedTensor,
  NamedTensor,
  SafetensorsDtype,
  TensorData,
} from "./safetensors-types.js";

interface DtypeInfo {
  bytes: number;
  /** The typed array's `Object.prototype.toString` tag, e.g. "Float32Array". */
  tag: string;
  make: (length: number) => TensorData;
}

const DTYPES: Record<SafetensorsDtype, DtypeInfo> = {
  F64: { bytes: 8, tag: "Float64Array", make: (n) => new Float64Array(n) },
  F32: { bytes: 4, tag: "Float32Array", make: (n) => new Float32Array(n) },
  F16: { bytes: 2, tag: "Uint16Array", make: (n) => new Uint16Array(n) },
  BF16: { bytes: 2, tag: "Uint16Array", make: (n) => new Uint16Array(n) },
  F8_E4M3: { bytes: 1, tag: "Uint8Array", make: (n) => new Uint8Array(n) },
  F8_E5M2: { bytes: 1, tag: "Uint8Array", make: (n) => new Uint8Array(n) },
  I64: { bytes: 8, tag: "BigInt64Array", make: (n) => new BigInt64Array(n) },
  U64: { bytes: 8, tag: "BigUint64Array", make: (n) => new BigUint64Array(n) },
  I32: { bytes: 4, tag: "Int32Array", make: (n) => new Int32Array(n) },
  U32: { bytes: 4, tag: "Uint32Array", make: (n) => new Uint32Array(n) },
  I16: { bytes: 2, tag: "Int16Array", make: (n) => new Int16Array(n) },
  U16: { bytes: 2, tag: "Uint16Array", make: (n) => new Uint16Array(n) },
  I8: { bytes: 1, tag: "Int8Array", make: (n) => new Int8Array(n) },
  U8: { bytes: 1, tag: "Uint8Array", make: (n) => new Uint8Array(n) },
  BOOL: { bytes: 1, tag: "Uint8Array", make: (n) => new Uint8Array(n) },
};

/** The dtype names this codec knows, in the order its messages list them. */
export const SAFETENSORS_DTYPES = Object.keys(DTYPES) as SafetensorsDtype[];

/** The reference implementation refuses headers longer than this (safetensors src/tensor.rs, MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;

const METADATA_KEY = "__metadata__";
const HEADER_ALIGN = 8;

/** True on every platform we know of; typed arrays use the platform's byte order. */
/** Sets an own property even for the name "__proto__", which plain assignment would swallow. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const PLATFORM_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isDtype(name: unknown): name is SafetensorsDtype {
  return typeof name === "string" && Object.hasOwn(DTYPES, name);
}

function bytesOf(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Copies `src` into `dst` (same length), swapping each element's bytes when the platform is big-endian. */
function copyLittleEndian(dst: Uint8Array, dstOffset: number, src: Uint8Array, elementBytes: number): void {
  if (PLATFORM_LITTLE_ENDIAN || elementBytes === 1) {
    dst.set(src, dstOffset);
    return;
  }
  for (let e = 0; e < src.length; e += elementBytes) {
    for (let k = 0; k < elementBytes; k++) dst[dstOffset + e + k] = src[e + elementBytes - 1 - k]!;
  }
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function isCount(x: unknown): x is number {
  return typeof x === "number" && Number.isSafeInteger(x) && x >= 0;
}

/** Product of the dimensions; `[]` is a scalar of one element. */
function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Encodes `tensors` (and optional string `metadata`) as a safetensors byte image.
 * Throws, naming the tensor, on a duplicate or reserved name, an unknown dtype, a
 * typed array that does not carry the dtype, or data whose length is not the shape's product.
 */
export function encodeSafetensors(
  tensors: readonly NamedTensor[],
  metadata?: Record<string, string>,
): Uint8Array {
  const seen = new Set<string>();
  for (const t of tensors) {
    const where = `safetensors: tensor "${t.name}"`;
    if (t.name === METADATA_KEY)
      throw new TbpttError(`${where}: the name ${METADATA_KEY} is reserved for metadata`);
    if (seen.has(t.name)) throw new TbpttError(`${where}: the name appears twice`);
    seen.add(t.name);
    if (!isDtype(t.dtype)) {
      throw new TbpttError(
        `${where}: unknown dtype "${t.dtype}", expected one of ${SAFETENSORS_DTYPES.join(", ")}`,
      );
    }
    const info = DTYPES[t.dtype];
    const tag = Object.prototype.toString.call(t.data).slice(8, -1);
    if (tag !== info.tag)
      throw new TbpttError(`${where}: dtype ${t.dtype} needs a ${info.tag}, got a ${tag}`);
    if (!t.shape.every(isCount))
      throw new TbpttError(`${where}: shape ${shapeText(t.shape)} has a non-count dimension`);
    const n = elementCount(t.shape);
    if (t.data.length !== n) {
      throw new TbpttError(
        `${where}: shape ${shapeText(t.shape)} holds ${n} elements, data has ${t.data.length}`,
      );
    }
  }
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") {
        throw new TbpttError(`safetensors: metadata "${key}" must be a string, got ${typeof value}`);
      }
    }
  }

  // Largest elements first, then by name: every tensor starts aligned (see the file comment).
  const ordered = [...tensors].sort(
    (a, b) =>
      DTYPES[b.dtype].bytes - DTYPES[a.dtype].bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && Object.keys(metadata).length > 0)
    setOwn(header, METADATA_KEY, { ...metadata });
  let offset = 0;
  for (const t of ordered) {
    const end = offset + t.data.byteLength;
    setOwn(header, t.name, { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, end] });
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / HEADER_ALIGN) * HEADER_ALIGN;
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes, true);
  view.setUint32(4, Math.floor(headerBytes / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  let at = 8 + headerBytes;
  for (const t of ordered) {
    copyLittleEndian(out, at, bytesOf(t.data), DTYPES[t.dtype].bytes);
    at += t.data.byteLength;
  }
  return out;
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

function parseEntry(name: string, value: unknown, dataBytes: number, fail: (msg: string) => never): Entry {
  const where = `tensor "${name}"`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`${where}: expected an object {dtype, shape, data_offsets}, got ${JSON.stringify(value)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (!isDtype(dtype)) {
    fail(
      `${where}: unknown dtype ${JSON.stringify(dtype)}, expected one of ${SAFETENSORS_DTYPES.join(", ")}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(
      `${where}: data_offsets must be [begin, end] of non-negative integers, got ${JSON.stringify(offsets)}`,
    );
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(`${where}: data_offsets [${begin}, ${end}] end before they begin`);
  if (end > dataBytes) {
    fail(`${where}: data_offsets [${begin}, ${end}] reach beyond the ${dataBytes}-byte data section`);
  }
  const n = elementCount(shape);
  const need = n * DTYPES[dtype].bytes;
  if (need !== end - begin) {
    fail(
      `${where}: shape ${shapeText(shape)} of ${dtype} needs ${need} bytes ` +
        `(${n} × ${DTYPES[dtype].bytes}) but data_offsets [${begin}, ${end}] hold ${end - begin}`,
    );
  }
  return { name, dtype, shape, begin, end };
}

function parseMetadata(value: unknown, fail: (msg: string) => never): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`${METADATA_KEY} must be an object of strings, got ${JSON.stringify(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") fail(`${METADATA_KEY} "${key}" must be a string, got ${JSON.stringify(v)}`);
    setOwn(out, key, v);
  }
  return out;
}

/**
 * Decodes a safetensors byte image. `source` (a path, usually) starts every error
 * message, which then says what is wrong and what was expected: a file shorter than
 * the 8-byte length, a header longer than the file, a header that is not a JSON
 * object, an unknown dtype, offsets out of range, overlapping or leaving bytes
 * uncovered, or a shape whose size disagrees with its byte range.
 */
export function decodeSafetensors(bytes: Uint8Array, source = "<bytes>"): DecodedSafetensors {
  const fail = (msg: string): never => {
    throw new TbpttError(`${source}: ${msg}`);
  };
  if (bytes.length < 8) {
    fail(
      `not a safetensors file: ${bytes.length} bytes, fewer than the 8-byte header length that starts one`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerBytes > bytes.length - 8) {
    fail(
      `safetensors header length ${headerBytes} reaches beyond the file: ` +
        `only ${bytes.length - 8} bytes follow the 8-byte length`,
    );
  }
  if (headerBytes > MAX_HEADER_BYTES) {
    fail(`safetensors header length ${headerBytes} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  }
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerBytes));
  } catch {
    fail(`safetensors header (${headerBytes} bytes) is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    const head = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    fail(`safetensors header is not valid JSON (${(e as Error).message}); it starts ${JSON.stringify(head)}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    fail(`safetensors header must be a JSON object, got ${JSON.stringify(header)?.slice(0, 40)}`);
  }

  const dataStart = 8 + headerBytes;
  const dataBytes = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) metadata = parseMetadata(value, fail);
    else entries.push(parseEntry(name, value, dataBytes, fail));
  }

  // The ranges, in order, must tile [0, dataBytes) with no overlap and no hole.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of entries) {
    if (e.begin < covered) {
      fail(
        `tensor "${e.name}" data_offsets [${e.begin}, ${e.end}] overlap tensor "${previous!.name}" ` +
          `[${previous!.begin}, ${previous!.end}]`,
      );
    }
    if (e.begin > covered) {
      fail(
        `data bytes [${covered}, ${e.begin}) belong to no tensor; tensor "${e.name}" begins at ${e.begin}`,
      );
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataBytes) {
    fail(
      `the data section is ${dataBytes} bytes but the tensors cover only [0, ${covered}); ` +
        `${dataBytes - covered} trailing bytes belong to no tensor`,
    );
  }

  const tensors = new Map<string, DecodedTensor>();
  for (const e of entries) {
    const info = DTYPES[e.dtype];
    const data = info.make(elementCount(e.shape));
    copyLittleEndian(bytesOf(data), 0, bytes.subarray(dataStart + e.begin, dataStart + e.end), info.bytes);
    tensors.set(e.name, { dtype: e.dtype, shape: e.shape, data });
  }
  return { tensors, metadata };
}
