/**
 * The playground's Worker: all training happens here, so the page never blocks. It picks the
 * fastest backend the page allows (the wasm backend with one thread per core when the page is
 * cross-origin isolated, else one thread, saying why), then runs one Session at a time.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { type Backend, loadModel, type Selection, selectBackend } from "tbptt";
import type { FromWorker, Settings, ToWorker } from "./protocol.js";
import { type Session, startSession } from "./session.js";

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
};

const post = (message: FromWorker, transfer: Transferable[] = []) => scope.postMessage(message, transfer);

async function chooseBackend(): Promise<Selection> {
  const isolated = scope.crossOriginIsolated === true;
  const threads = isolated ? Math.max(1, scope.navigator.hardwareConcurrency ?? 1) : 1;
  return selectBackend({ dtype: "float32", wasm: { threads } });
}

const selection = chooseBackend();
let backend: Backend | null = null;
let session: Session | null = null;
/** Messages run one at a time, in order (configure awaits the task's data). */
let queue: Promise<void> = Promise.resolve();

selection.then(
  ({ backend: chosen, fallbackReasons }) => {
    backend = chosen;
    post({
      type: "ready",
      backend: chosen.name,
      threads: (chosen as { threads?: number }).threads ?? 1,
      isolated: scope.crossOriginIsolated === true,
      fallbackReasons,
    });
  },
  (error: Error) => post({ type: "error", message: error.message, during: "starting the backend" }),
);

/** The model folder (model.json and model.safetensors) as a zip, as `tbptt` reads it once unzipped. */
function modelZip(current: Session): Uint8Array {
  const { weights, modelJson } = current.saved();
  return zipSync({ "tbptt-model": { "model.json": strToU8(modelJson), "model.safetensors": weights } });
}

/** model.safetensors from a zip of a model folder, or the bytes themselves. */
function weightsOf(bytes: Uint8Array, name: string): Uint8Array {
  if (!name.endsWith(".zip")) return bytes;
  const files = unzipSync(bytes);
  const key = Object.keys(files).find((k) => k.endsWith("model.safetensors"));
  if (!key) throw new Error(`${name}: no model.safetensors in the zip (expected a tbptt model folder)`);
  const json = Object.keys(files).find((k) => k.endsWith("model.json"));
  if (json) JSON.parse(strFromU8(files[json] as Uint8Array)); // a broken model.json is named here
  return files[key] as Uint8Array;
}

async function handle(message: ToWorker): Promise<void> {
  const chosen = backend ?? (await selection).backend;
  switch (message.type) {
    case "configure": {
      const previous = session;
      session = null;
      await previous?.close();
      session = await startSession(chosen, message.settings as Settings, post);
      post(session.describe());
      session.flush();
      return;
    }
    case "run":
      return session?.run();
    case "pause":
      return session?.pause();
    case "step":
      return session?.step();
    case "sample":
      if (session) {
        session.sampling.temperature = message.temperature;
        session.postSample(message.temperature, message.length);
      }
      return;
    case "gradient":
      if (session) post(session.gradient());
      return;
    case "save":
      if (session) {
        const zip = modelZip(session);
        post({ type: "model", bytes: zip, name: "tbptt-model.zip" }, [zip.buffer as ArrayBuffer]);
      }
      return;
    case "load": {
      const trained = await loadModel(weightsOf(message.bytes, message.name), { backend: chosen });
      const c = trained.model.config;
      const text = trained.meta.task === "text";
      const valid = session?.task.data.valid ?? null;
      const fits =
        !text &&
        valid !== null &&
        c.inputSize === session?.task.data.inputSize &&
        c.outputSize === session?.task.data.outputSize;
      let evaluation: Extract<FromWorker, { type: "loaded" }>["evaluation"] = null;
      if (fits && valid) {
        // the figures on the current task's validation data, and the class predicted at the last
        // step of its first 20 sequences (where the memory tasks ask their question)
        const { summary } = trained.evaluateSequences(valid);
        const predictions = trained.predictSequences(valid.slice(0, 20)) as { labels?: (string | number)[]; probs: number[][] }[];
        evaluation = {
          loss: summary.lossPerFrame as number,
          frameError: summary.frameError ?? null,
          lastLabels: predictions.map((p) => p.labels?.at(-1) ?? -1),
          lastProbs: predictions.map((p) => p.probs.at(-1) ?? []),
        };
      }
      post({
        type: "loaded",
        describe: `${message.name}: ${c.cell.toUpperCase()} ${c.hiddenSize} × ${c.layers}, ${c.inputSize} inputs, ${c.outputSize} outputs, ${trained.model.params.length} parameters (task "${trained.meta.task}")`,
        sample: text ? trained.sample({ length: 200, temperature: 0.8 }) : null,
        evaluation,
      });
      trained.dispose();
      return;
    }
  }
}

scope.onmessage = (event) => {
  const message = event.data;
  // pause and step must not wait behind a long command
  if (message.type === "pause" || message.type === "step" || message.type === "run") {
    void handle(message);
    return;
  }
  queue = queue
    .then(() => handle(message))
    .catch((error: Error) => post({ type: "error", message: error.message, during: message.type }));
};
