// Field changes of safetensors files (the binary dataset, model weights, checkpoints): edit
// the JSON header, or one JSON document kept in its metadata (tbptt.dataset, tbptt.model,
// tbptt.checkpoint), and write the header length back, so the file still opens and the
// edit reaches the checks of whatever reads the tensors and the metadata.
import fc from "fast-check";
import { jsonTextChange, type Mutation } from "./mutate.js";

function split(bytes: Uint8Array): { header: string; data: Uint8Array } | null {
  if (bytes.length < 8) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  if (view.getUint32(4, true) !== 0 || 8 + length > bytes.length) return null;
  return {
    header: new TextDecoder().decode(bytes.subarray(8, 8 + length)),
    data: bytes.subarray(8 + length),
  };
}

function join(header: string, data: Uint8Array): Uint8Array {
  const text = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setUint32(0, text.length, true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

/** A token of the JSON header changed (a dtype, a shape, an offset, a name), the length fixed. */
export const headerChange: fc.Arbitrary<Mutation> = jsonTextChange.map((change) => (bytes) => {
  const parts = split(bytes);
  return parts ? join(change(parts.header), parts.data) : bytes;
});

/** A token of one metadata value (itself JSON, e.g. the trainer state) changed, the header rewritten. */
export const metadataChange: fc.Arbitrary<Mutation> = fc
  .tuple(fc.nat(), jsonTextChange)
  .map(([n, change]) => (bytes) => {
    const parts = split(bytes);
    if (!parts) return bytes;
    let header: Record<string, unknown>;
    try {
      header = JSON.parse(parts.header);
    } catch {
      return bytes;
    }
    const metadata = header.__metadata__ as Record<string, unknown> | undefined;
    const keys = metadata ? Object.keys(metadata).filter((k) => typeof metadata[k] === "string") : [];
    if (!metadata || keys.length === 0) return bytes;
    const key = keys[n % keys.length] as string;
    metadata[key] = change(metadata[key] as string);
    return join(JSON.stringify(header), parts.data);
  });
