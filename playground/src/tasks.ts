/**
 * The playground's tasks, built with the library in the Worker: characters of a text
 * (char-rnn: B streams cut from the text, state carried, never reset), the delayed-recall
 * and adding problems (docs/memory-tasks.md: fixed-length sequences, reset at each), and a
 * speech subset of the bundled corpus (MFCC features computed at build time by
 * scripts/build-playground.ts and shipped beside the page as labelled-set files).
 */
import {
  buildCorpus,
  decodeLabelledSet,
  type LabelledSet,
  labelledTaskData,
  makeAddingSet,
  makeRecallSet,
  type TaskData,
  type TextTaskData,
  textTaskData,
} from "tbptt";
import type { Settings } from "./protocol.js";

export interface PlaygroundTask {
  data: TaskData;
  /** The config's task key. */
  configTask: "text" | "sequences";
  /** The longest training sequence when each is reset at its end (the timeline's axis); null for a text's streams. */
  sequenceLength: number | null;
  /** The text task's data (its vocabulary, for samples); null for the others. */
  text: TextTaskData | null;
  /** The figure besides the loss: frame error for classes, RMSE for real values. */
  metricName: "frameError" | "rmse" | null;
}

/** A labelled set fetched from beside the page (the speech subset). */
async function fetchSet(name: string): Promise<LabelledSet> {
  const response = await fetch(new URL(name, self.location.href));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status} (run npm run playground, which builds it)`);
  return decodeLabelledSet(new Uint8Array(await response.arrayBuffer()), name);
}

function longest(data: TaskData): number {
  return data.train.reduce((most, s) => Math.max(most, s.length), 0);
}

export async function buildTask(settings: Settings): Promise<PlaygroundTask> {
  const task = settings.task;
  switch (task.kind) {
    case "text": {
      if (task.text.length < 200) throw new Error("text: paste or drop at least 200 characters");
      const corpus = buildCorpus([{ name: "text", bytes: new TextEncoder().encode(task.text) }], {
        unit: "char",
        validFraction: 0.05,
      });
      const data = textTaskData(corpus, { streams: settings.streams, source: "the text" });
      return { data, configTask: "text", sequenceLength: null, text: data, metricName: null };
    }
    case "recall": {
      const options = { lag: task.lag, symbols: task.symbols, distractors: task.symbols, before: 0 };
      const train = makeRecallSet({ ...options, sequences: task.sequences, seed: settings.seed });
      const valid = makeRecallSet({ ...options, sequences: 200, seed: settings.seed + 1 }, "validation");
      const data = labelledTaskData(train, valid, { source: "delayed recall" });
      return { data, configTask: "sequences", sequenceLength: longest(data), text: null, metricName: "frameError" };
    }
    case "adding": {
      const train = makeAddingSet({ length: task.length, sequences: task.sequences, seed: settings.seed });
      const valid = makeAddingSet({ length: task.length, sequences: 200, seed: settings.seed + 1 }, "validation");
      const data = labelledTaskData(train, valid, { source: "adding problem" });
      return { data, configTask: "sequences", sequenceLength: longest(data), text: null, metricName: "rmse" };
    }
    case "speech": {
      const [train, valid] = await Promise.all([fetchSet("speech-train.bin"), fetchSet("speech-valid.bin")]);
      const data = labelledTaskData(train, valid, { normalise: true, source: "speech subset" });
      return { data, configTask: "sequences", sequenceLength: longest(data), text: null, metricName: "frameError" };
    }
  }
}
