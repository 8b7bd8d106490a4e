/**
 * Public types of the safetensors codec (src/io/safetensors.ts).
 *
 * Each dtype name is the one the format uses; the typed array that carries it
 * in tbptt is fixed by the dtype. F16, BF16 and the 8-bit floats have no
 * JavaScript number type, so they travel as their raw bit patterns.
 */

/** The element types of the safetensors format. */
export type SafetensorsDtype =
  | "F64"
  | "F32"
  | "F16"
  | "BF16"
  | "F8_E4M3"
  | "F8_E5M2"
  | "I64"
  | "U64"
  | "I32"
  | "U32"
  | "I16"
  | "U16"
  | "I8"
  | "U8"
  | "BOOL";

/**
 * The typed array for each dtype: F64 Float64Array, F32 Float32Array,
 * I64 BigInt64Array, U64 BigUint64Array, I32 Int32Array, U32 Uint32Array,
 * I16 Int16Array, U16 Uint16Array, I8 Int8Array, U8 and BOOL Uint8Array;
 * F16 and BF16 Uint16Array of bit patterns; F8_E4M3 and F8_E5M2 Uint8Array of bit patterns.
 */
export type TensorData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array;

/** A tensor to encode: row-major `data` of `shape` (product of `shape` elements; `[]` is a scalar). */
export interface NamedTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: TensorData;
}

/** A decoded tensor; `data` is a fresh, aligned typed array owned by the caller. */
export interface DecodedTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

/** What `decodeSafetensors` returns: tensors in file (data offset) order, and the `__metadata__` strings ({} when absent). */
export interface DecodedSafetensors {
  tensors: Map<string, DecodedTensor>;
  metadata: Record<string, string>;
}
