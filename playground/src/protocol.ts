/**
 * The messages between the playground's page (main.ts) and its Worker (worker.ts). The page
 * sends settings and commands; the worker trains with the library and reports progress in
 * batches, at most every ~50 ms, so the page draws at the display's rate whatever the speed.
 */

/** The task: characters of a text, a memory task, or a speech subset of the bundled corpus. */
export type TaskSettings =
  | { kind: "text"; text: string }
  | { kind: "recall"; lag: number; symbols: number; sequences: number }
  | { kind: "adding"; length: number; sequences: number }
  | { kind: "speech" };

/** Everything the form sets (the schedule's k1/k2 use Infinity for ∞). */
export interface Settings {
  task: TaskSettings;
  cell: "rnn" | "lstm" | "gru";
  hiddenSize: number;
  layers: number;
  optimizer: "sgd" | "adam" | "rmsprop" | "adagrad";
  lr: number;
  k1: number;
  k2: number;
  truncation: "window" | "per-loss";
  /** "sequence", "never" or "every:N". */
  reset: string;
  streams: number;
  epochs: number;
  /** Pause after this many updates (0: no limit). */
  stopAfter: number;
  seed: number;
}

/** One update, as the live timeline needs it: stream 0's view (global steps). */
export interface UpdateInfo {
  /** 0-based update number of the run. */
  update: number;
  epoch: number;
  time: number;
  previousTime: number;
  /** Stream 0: the first step its backward pass reached (−1: no step). */
  windowStart: number;
  /** Stream 0: where the last sequence it had a step of in this update began (−1: none). */
  sequenceStart: number;
  backwardSteps: number;
  forwardSteps: number;
  /** Mean loss per labelled step of this update (NaN when it had none). */
  loss: number;
}

export interface ValidationInfo {
  updates: number;
  /** The run's totals there: forward steps (per stream) and training seconds (validations excluded). */
  forwardSteps: number;
  trainSeconds: number;
  epochs: number;
  loss: number;
  /** Frame error (classes) or RMSE (real values), when the task has it. */
  metric: number | null;
  metricName: string | null;
}

export type ToWorker =
  | { type: "configure"; settings: Settings }
  | { type: "run" }
  | { type: "pause" }
  | { type: "step" }
  | { type: "sample"; temperature: number; length: number }
  | { type: "gradient" }
  | { type: "save" }
  | { type: "load"; bytes: Uint8Array; name: string };

export type RunState = "idle" | "running" | "paused" | "finished";

export type FromWorker =
  | {
      type: "ready";
      backend: string;
      threads: number;
      isolated: boolean;
      fallbackReasons: string[];
    }
  | {
      type: "configured";
      describe: string;
      parameters: number;
      /** The length of stream 0's sequences (null: unequal lengths or one long stream). */
      sequenceLength: number | null;
      /** A checksum of the initial weights: equal for runs that start from the same weights. */
      initialWeights: string;
      taskKind: TaskSettings["kind"];
      metricName: string | null;
    }
  | {
      type: "progress";
      updates: UpdateInfo[];
      validation: ValidationInfo[];
      totalUpdates: number;
      stepsPerSecond: number;
      state: RunState;
      reason?: string;
    }
  | { type: "sample"; text: string; temperature: number; updates: number }
  | { type: "gradient"; svg: string; rows: GradientRowInfo[]; recommendation: string; lag: LagPoint[] }
  | { type: "model"; bytes: Uint8Array; name: string }
  | {
      type: "loaded";
      describe: string;
      sample: string | null;
      /** On the current task's validation data, when the model fits it (a text model: null). */
      evaluation: { loss: number; frameError: number | null; lastLabels: (string | number)[]; lastProbs: number[][] } | null;
    }
  | { type: "error"; message: string; during: string };

/** One k2 of the gradient comparison, for the table beside the chart. */
export interface GradientRowInfo {
  k2: number;
  cosine: number;
  relativeError: number;
  backwardPerForward: number;
}

/** The lag profile's points: mean ‖∂L_s/∂h_{s−τ}‖ at lag τ. */
export interface LagPoint {
  lag: number;
  norm: number;
}
