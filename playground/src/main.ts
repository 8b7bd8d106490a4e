/**
 * The playground page: the form, the schedule's plan before training, the controls, and the
 * drawings, redrawn at the display's rate from what the Worker (worker.ts) reports. Training
 * never runs here. Everything the page draws has a table of its numbers beside it.
 */
import { explainSchedule, makeSchedule, renderScheduleSvg, type Schedule } from "tbptt";
import { addTrainLoss, drawCurves, newRun, type Run } from "./curves.js";
import { byId, fillTable, figure, steps } from "./dom.js";
import { LiveTimeline } from "./live-timeline.js";
import type { FromWorker, RunState, Settings, TaskSettings, ToWorker } from "./protocol.js";

const form = byId<HTMLFormElement>("settings");
const value = (id: string) => byId<HTMLInputElement>(id).value.trim();
const number = (id: string) => Number(value(id));

/** k1 or k2 as typed: a positive integer, or inf / ∞. */
function stepsValue(id: string): number {
  const text = value(id);
  if (/^(inf|infinity|∞)$/i.test(text)) return Number.POSITIVE_INFINITY;
  return Number(text);
}

function readTask(): TaskSettings {
  switch (value("task")) {
    case "recall":
      return { kind: "recall", lag: number("lag"), symbols: 4, sequences: 1000 };
    case "adding":
      return { kind: "adding", length: number("adding-length"), sequences: 1000 };
    case "speech":
      return { kind: "speech" };
    default:
      return { kind: "text", text: byId<HTMLTextAreaElement>("text").value };
  }
}

function readSettings(): Settings {
  return {
    task: readTask(),
    cell: value("cell") as Settings["cell"],
    hiddenSize: number("hidden"),
    layers: number("layers"),
    optimizer: value("optimizer") as Settings["optimizer"],
    lr: number("lr"),
    k1: stepsValue("k1"),
    k2: stepsValue("k2"),
    truncation: value("truncation") as Settings["truncation"],
    reset: value("reset"),
    streams: number("streams"),
    epochs: number("epochs"),
    stopAfter: number("stop-after"),
    seed: number("seed"),
  };
}

/** The schedule the settings give, or the library's message saying what is wrong. */
function scheduleOf(settings: Settings): Schedule | string {
  try {
    const every = /^every:(\d+)$/.exec(settings.reset);
    if (!every && settings.reset !== "sequence" && settings.reset !== "never")
      return `reset: expected sequence, never or every:N, got "${settings.reset}"`;
    return makeSchedule({
      k1: settings.k1,
      k2: settings.k2,
      truncation: settings.truncation,
      reset: every ? { every: Number(every[1]) } : settings.reset,
    });
  } catch (error) {
    return (error as Error).message;
  }
}

/** The length the plan is drawn for: a sequence of the task (a text: a window of 100 steps). */
function planLength(task: TaskSettings): number {
  if (task.kind === "recall") return task.lag + 1;
  if (task.kind === "adding") return task.length;
  if (task.kind === "speech") return sequenceLength ?? 200;
  return 100;
}

// ---- state ----------------------------------------------------------------------------------

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);
let runState: RunState = "idle";
let sequenceLength: number | null = null;
let totalUpdates = 0;
let stepping = false;
let settingsChanged = false;
let current: Run = newRun("current run");
const kept: Run[] = [];
let curvesDirty = true;
const timeline = new LiveTimeline(
  byId("timeline") as unknown as SVGSVGElement,
  byId("timeline-table").querySelector("tbody") as HTMLTableSectionElement,
  byId("timeline-done").querySelector("tbody") as HTMLTableSectionElement,
  null,
);
/** What the tests (and a curious reader's console) can read. */
const status = {
  backend: "",
  state: runState as RunState,
  totalUpdates: 0,
  configured: 0,
  samples: 0,
  initialWeights: "",
  gradient: false,
  loaded: "",
  evaluation: null as Extract<FromWorker, { type: "loaded" }>["evaluation"],
  run: current,
  errors: [] as string[],
};
(globalThis as { tbpttPlayground?: typeof status }).tbpttPlayground = status;

// ---- the plan, before training ----------------------------------------------------------------

function drawPlan(): Settings | null {
  const settings = readSettings();
  const schedule = scheduleOf(settings);
  const error = byId("settings-error");
  if (typeof schedule === "string") {
    error.textContent = schedule;
    return null;
  }
  error.textContent = "";
  const T = planLength(settings.task);
  const explanation = explainSchedule(schedule, T, { maxRows: 40 });
  byId("plan-svg").innerHTML = renderScheduleSvg(explanation, { plotWidth: 680, rows: 40 });
  const t = explanation.totals;
  fillTable(byId("plan-cost").querySelector("tbody") as HTMLTableSectionElement, [
    ["sequence length T", T],
    ["updates", t.updates],
    ["forward steps", t.forwardSteps],
    ["backward steps", `${t.backwardSteps} (${(t.backwardSteps / t.forwardSteps).toFixed(2)} per forward step)`],
    ["peak stored steps", t.peakStoredSteps],
    ["history per loss (min / mean / max)", `${t.historyMin} / ${t.historyMean.toFixed(2)} / ${t.historyMax}`],
  ]);
  return settings;
}

/** Sends the settings to the worker: a new model and trainer (same seed: same initial weights). */
function configure(): void {
  const settings = drawPlan();
  if (!settings) return;
  current = newRun(runLabel(settings));
  status.run = current;
  curvesDirty = true;
  settingsChanged = false;
  timeline.reset(null);
  totalUpdates = 0;
  setState("idle");
  send({ type: "configure", settings });
}

function runLabel(settings: Settings): string {
  return `k1 = ${steps(settings.k1)}, k2 = ${steps(settings.k2)}, ${settings.truncation}`;
}

// ---- controls --------------------------------------------------------------------------------

function setState(state: RunState, reason?: string): void {
  runState = state;
  status.state = state;
  const running = state === "running";
  byId<HTMLButtonElement>("train").disabled = running || state === "finished";
  byId<HTMLButtonElement>("train").textContent = state === "paused" ? "Resume" : "Train";
  byId<HTMLButtonElement>("pause").disabled = !running;
  byId<HTMLButtonElement>("step").disabled = running || state === "finished";
  byId<HTMLButtonElement>("keep").disabled = current.valid.length === 0 && current.train.length === 0;
  const words: Record<RunState, string> = {
    idle: "Ready: not trained yet.",
    running: "Training…",
    paused: "Paused.",
    finished: `Finished${reason ? ` (${reason})` : ""}.`,
  };
  byId("run-state").textContent = `${words[state]} ${totalUpdates} updates.${settingsChanged ? " Settings changed: Reset applies them." : ""}`;
}

byId("train").addEventListener("click", () => {
  if (settingsChanged) configure();
  stepping = false;
  send({ type: "run" });
  setState("running");
});
byId("pause").addEventListener("click", () => send({ type: "pause" }));
byId("step").addEventListener("click", () => {
  if (settingsChanged) configure();
  stepping = true;
  send({ type: "step" });
});
byId("reset-run").addEventListener("click", configure);
byId("keep").addEventListener("click", () => {
  kept.push({ ...current, label: `${current.label} (kept)` });
  if (kept.length > 5) kept.shift();
  curvesDirty = true;
  byId("run-state").textContent = "Run kept: change the schedule, then Reset and Train to compare from the same initial weights.";
});

form.addEventListener("input", (event) => {
  const target = event.target as HTMLElement;
  if (target.id === "task") showTaskOptions();
  if (runState === "idle" && totalUpdates === 0) configureSoon();
  else {
    settingsChanged = true;
    drawPlan();
    setState(runState);
  }
});

let pending: ReturnType<typeof setTimeout> | null = null;
function configureSoon(): void {
  if (pending) clearTimeout(pending);
  pending = setTimeout(() => {
    pending = null;
    configure();
  }, 300);
}

function showTaskOptions(): void {
  const kind = value("task");
  byId("text-options").hidden = kind !== "text";
  byId("recall-options").hidden = kind !== "recall";
  byId("adding-options").hidden = kind !== "adding";
  byId("sample-section").hidden = kind !== "text";
}

// a text file dropped on the text area, or chosen
const textArea = byId<HTMLTextAreaElement>("text");
async function useTextFile(file: File): Promise<void> {
  textArea.value = await file.text();
  textArea.dispatchEvent(new Event("input", { bubbles: true }));
}
textArea.addEventListener("dragover", (e) => e.preventDefault());
textArea.addEventListener("drop", (e) => {
  const file = e.dataTransfer?.files[0];
  if (!file) return;
  e.preventDefault();
  void useTextFile(file);
});
byId<HTMLInputElement>("text-file").addEventListener("change", (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (file) void useTextFile(file);
});

const temperature = byId<HTMLInputElement>("temperature");
temperature.addEventListener("input", () => {
  byId("temperature-value").textContent = temperature.value;
});
byId("sample-now").addEventListener("click", () => send({ type: "sample", temperature: Number(temperature.value), length: 300 }));
byId("gradient").addEventListener("click", () => {
  byId("gradient-recommendation").textContent = "Measuring (full BPTT against each k2 on a sample of updates)…";
  send({ type: "gradient" });
});
byId("download").addEventListener("click", () => send({ type: "save" }));
byId<HTMLInputElement>("load").addEventListener("change", async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  send({ type: "load", bytes, name: file.name }, [bytes.buffer]);
});

// ---- what the worker reports -----------------------------------------------------------------

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case "ready": {
      const threads = m.threads > 1 ? `${m.threads} threads` : "one thread";
      const why = m.isolated ? "" : " (the page is not cross-origin isolated, so no threads)";
      status.backend = m.backend;
      byId("backend").textContent = `Training on ${m.backend}, ${threads}${why}.${m.fallbackReasons.length ? ` Passed over: ${m.fallbackReasons.join("; ")}.` : ""}`;
      return;
    }
    case "configured":
      sequenceLength = m.sequenceLength;
      timeline.reset(m.sequenceLength);
      status.configured++;
      status.initialWeights = m.initialWeights;
      current.label = `${current.label} · init ${m.initialWeights}`;
      byId("model-status").textContent = `${m.describe}; ${m.parameters} parameters; initial weights ${m.initialWeights}.`;
      drawPlan();
      return;
    case "progress": {
      for (const u of m.updates) addTrainLoss(current, u.update + 1, u.loss);
      current.valid.push(...m.validation);
      timeline.add(m.updates, stepping && m.state === "paused");
      totalUpdates = m.totalUpdates;
      status.totalUpdates = totalUpdates;
      curvesDirty = true;
      if (m.state !== runState || m.reason) setState(m.state, m.reason);
      const speed = m.stepsPerSecond > 0 ? ` ${Math.round(m.stepsPerSecond)} steps × streams per second.` : "";
      if (m.state === "running") byId("run-state").textContent = `Training… ${totalUpdates} updates.${speed}`;
      return;
    }
    case "sample":
      byId("sample-text").textContent = m.text;
      status.samples++;
      return;
    case "gradient":
      byId("gradient-svg").innerHTML = m.svg;
      byId("gradient-recommendation").textContent = m.recommendation;
      fillTable(
        byId("gradient-table").querySelector("tbody") as HTMLTableSectionElement,
        m.rows.map((r) => [r.k2, figure(r.cosine), figure(r.relativeError), r.backwardPerForward.toFixed(2)]),
      );
      status.gradient = true;
      return;
    case "model": {
      const url = URL.createObjectURL(new Blob([m.bytes as BlobPart], { type: "application/zip" }));
      const a = document.createElement("a");
      a.href = url;
      a.download = m.name;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      byId("model-status").textContent = `Downloaded ${m.name} (${m.bytes.length} bytes).`;
      return;
    }
    case "loaded": {
      status.loaded = m.describe;
      status.evaluation = m.evaluation;
      const e = m.evaluation;
      const figures = e
        ? ` On this task's validation data: loss ${figure(e.loss)} per step${e.frameError === null ? "" : `, frame error ${figure(e.frameError)}`}; predicted at the last step of the first ${e.lastLabels.length} sequences: ${e.lastLabels.join(" ")}.`
        : "";
      byId("model-status").textContent = `Loaded ${m.describe}.${figures}`;
      if (m.sample !== null) byId("sample-text").textContent = m.sample;
      return;
    }
    case "error":
      status.errors.push(`${m.during}: ${m.message}`);
      byId("settings-error").textContent = `While ${m.during}: ${m.message}`;
      if (m.during === "training") setState("finished", "error");
      return;
  }
};
worker.onerror = (e) => {
  status.errors.push(e.message);
  byId("backend").textContent = `The worker failed: ${e.message}`;
};

// ---- drawing at the display's rate -----------------------------------------------------------

function frame(): void {
  if (timeline.dirty || timeline.animating) {
    timeline.draw();
    timeline.drawTables();
    const phase = timeline.phase();
    if (phase) byId("run-state").textContent = phase;
  }
  if (curvesDirty) {
    curvesDirty = false;
    drawCurves(byId("curves") as unknown as SVGSVGElement, byId("curves-table").querySelector("tbody") as HTMLTableSectionElement, [...kept, current]);
  }
  requestAnimationFrame(frame);
}

async function start(): Promise<void> {
  try {
    const response = await fetch("default-text.txt");
    if (response.ok && textArea.value === "") textArea.value = await response.text();
  } catch {
    // no default text beside the page: the user pastes one
  }
  showTaskOptions();
  configure();
  requestAnimationFrame(frame);
}
void start();
