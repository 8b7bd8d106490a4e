/**
 * Loading a model from bytes or a URL (isomorphic): what `TrainedModel.toBytes` wrote, or a
 * model folder's model.safetensors (model.json rides in its metadata), as a Uint8Array,
 * an ArrayBuffer, a Blob (a file input, IndexedDB), a fetch Response, or a URL to fetch.
 * In Node, a model folder on disk is `loadModelDir` from "tbptt/node".
 */
import type { Backend } from "../core/backend.js";
import { selectBackend } from "../core/select.js";
import { TrainedModel } from "./trained-model.js";

/** Where a model's bytes come from. */
export type ModelSource = Uint8Array | ArrayBuffer | Blob | Response | URL | string;

/** Options of `loadModel`. */
export interface LoadModelOptions {
  /** The backend to run on (default: the fastest available for float32, as training picks). */
  backend?: Backend;
  /** Passed to fetch when `source` is a URL (headers, credentials…). */
  fetchInit?: RequestInit;
}

async function bytesOf(
  source: ModelSource,
  init?: RequestInit,
): Promise<{ bytes: Uint8Array; name: string }> {
  if (source instanceof Uint8Array) return { bytes: source, name: "<model bytes>" };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), name: "<model bytes>" };
  if (typeof Blob !== "undefined" && source instanceof Blob)
    return { bytes: new Uint8Array(await source.arrayBuffer()), name: "<model blob>" };
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (!source.ok)
      throw new Error(`${source.url || "model response"}: HTTP ${source.status} ${source.statusText}`);
    return { bytes: new Uint8Array(await source.arrayBuffer()), name: source.url || "<model response>" };
  }
  const url = String(source);
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${response.statusText}`);
  return { bytes: new Uint8Array(await response.arrayBuffer()), name: url };
}

/** A trained model from its bytes or a URL (see the file comment). */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<TrainedModel> {
  const { bytes, name } = await bytesOf(source, options.fetchInit);
  const backend = options.backend ?? (await selectBackend({ dtype: "float32" })).backend;
  return TrainedModel.fromBytes(bytes, { backend, source: name });
}
