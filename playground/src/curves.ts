/**
 * The loss curves: the training loss per update (smoothed, as char-rnn prints it) and the
 * validation points, against updates, for the current run and every run kept for comparison
 * (each in its own colour, its schedule and initial-weights checksum in the legend). The
 * table holds every validation point with the smoothed training loss at it.
 */
import { fillTable, figure, svg } from "./dom.js";
import type { ValidationInfo } from "./protocol.js";

export interface Run {
  label: string;
  /** [updates, smoothed training loss] */
  train: [number, number][];
  valid: ValidationInfo[];
  smoothed: number;
}

const PALETTE = ["#1f4e9c", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085"];
const LEFT = 56;
const WIDTH = 800;
const HEIGHT = 300;
const PLOT_W = WIDTH - LEFT - 16;
const PLOT_H = HEIGHT - 70;
const TOP = 14;
/** Training-loss points kept per run (older ones thinned by half when it fills). */
const MAX_POINTS = 2000;

export function newRun(label: string): Run {
  return { label, train: [], valid: [], smoothed: Number.NaN };
}

/** Adds one update's loss to a run (an exponential moving average, 0.97 as char-rnn's). */
export function addTrainLoss(run: Run, update: number, loss: number): void {
  if (!Number.isFinite(loss)) return;
  run.smoothed = Number.isFinite(run.smoothed) ? 0.97 * run.smoothed + 0.03 * loss : loss;
  run.train.push([update, run.smoothed]);
  if (run.train.length > MAX_POINTS) run.train = run.train.filter((_, i) => i % 2 === 1);
}

export function drawCurves(root: SVGSVGElement, table: HTMLTableSectionElement, runs: readonly Run[]): void {
  const all = runs.flatMap((r) => [...r.train.map((p) => p[1]), ...r.valid.map((v) => v.loss)]).filter(Number.isFinite);
  const maxUpdates = Math.max(1, ...runs.flatMap((r) => [...r.train.map((p) => p[0]), ...r.valid.map((v) => v.updates)]));
  const top = all.length ? Math.max(...all) : 1;
  const bottom = all.length ? Math.min(0, ...all) : 0;
  const x = (u: number) => LEFT + (u / maxUpdates) * PLOT_W;
  const y = (v: number) => TOP + PLOT_H - ((v - bottom) / (top - bottom || 1)) * PLOT_H;
  const out: SVGElement[] = [];
  out.push(svg("line", { x1: LEFT, y1: TOP + PLOT_H, x2: LEFT + PLOT_W, y2: TOP + PLOT_H, stroke: "#222" }));
  out.push(svg("line", { x1: LEFT, y1: TOP, x2: LEFT, y2: TOP + PLOT_H, stroke: "#222" }));
  for (let i = 0; i <= 4; i++) {
    const v = bottom + ((top - bottom) * i) / 4;
    out.push(svg("text", { x: LEFT - 6, y: y(v) + 3, "font-size": 10, "text-anchor": "end" }, figure(v, 3)));
    const u = Math.round((maxUpdates * i) / 4);
    out.push(svg("text", { x: x(u), y: TOP + PLOT_H + 14, "font-size": 10, "text-anchor": "middle" }, String(u)));
  }
  out.push(svg("text", { x: LEFT + PLOT_W / 2, y: TOP + PLOT_H + 28, "font-size": 11, "text-anchor": "middle" }, "updates"));
  out.push(svg("text", { x: 12, y: TOP + PLOT_H / 2, "font-size": 11, transform: `rotate(-90 12 ${TOP + PLOT_H / 2})`, "text-anchor": "middle" }, "loss per step"));
  runs.forEach((run, i) => {
    const colour = PALETTE[i % PALETTE.length] as string;
    if (run.train.length > 1) {
      const d = run.train.map(([u, v], k) => `${k === 0 ? "M" : "L"}${x(u).toFixed(1)} ${y(v).toFixed(1)}`).join("");
      out.push(svg("path", { d, fill: "none", stroke: colour, "stroke-width": 1.5, "stroke-opacity": 0.55 }));
    }
    const valid = run.valid.filter((v) => Number.isFinite(v.loss));
    if (valid.length > 0) {
      const d = valid.map((v, k) => `${k === 0 ? "M" : "L"}${x(v.updates).toFixed(1)} ${y(v.loss).toFixed(1)}`).join("");
      out.push(svg("path", { d, fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": "5 3" }));
      for (const v of valid) out.push(svg("circle", { cx: x(v.updates), cy: y(v.loss), r: 2.5, fill: colour }));
    }
    const ly = HEIGHT - 22 + (i % 2) * 12;
    const lx = LEFT + Math.floor(i / 2) * 260;
    out.push(svg("rect", { x: lx, y: ly - 8, width: 12, height: 8, fill: colour }));
    out.push(svg("text", { x: lx + 16, y: ly, "font-size": 10 }, run.label));
  });
  out.push(svg("text", { x: LEFT + PLOT_W, y: TOP + 8, "font-size": 10, "text-anchor": "end" }, "solid: training (smoothed) · dashed: validation"));
  root.replaceChildren(...out);
  fillTable(
    table,
    runs.flatMap((run) =>
      run.valid.map((v) => [
        run.label,
        v.updates,
        v.epochs.toFixed(2),
        figure(v.loss),
        v.metricName ? `${v.metricName} ${figure(v.metric)}` : "–",
      ]),
    ),
  );
}
