/**
 * The live timeline: the updates of stream 0's current sequence as training runs them, drawn
 * the way `tbptt schedule` draws a plan (src/engine/render-svg.ts: one row per update, its own
 * steps t′+1…t dark, the history its backward sweep reaches light), with the newest update
 * animated when stepping: the forward sweep grows left to right over t′+1…t, then the backward
 * sweep right to left down to its first step, then the arrow where the weights change.
 *
 * Positions are counted from the sequence's start (UpdateRecord.sequenceStart), so a
 * sequence's rows are the rows `tbptt schedule --length T` prints for the same k1, k2; the
 * tables below the drawing hold those numbers (the test compares them with the CLI's).
 * A text's streams are one long sequence each: they are shown in pages of `window` steps.
 */
import { fillTable, figure, svg } from "./dom.js";
import type { UpdateInfo } from "./protocol.js";

/** One update, in steps from its sequence's start. */
export interface LiveRow {
  update: number;
  previous: number;
  time: number;
  from: number;
  backwardSteps: number;
  loss: number;
}

const COLOURS = { own: "#1f4e9c", history: "#9cc0ec", track: "#eef1f5", sweep: "#c0392b", text: "#222" };
const LEFT = 56;
const WIDTH = 800;
const PLOT = WIDTH - LEFT - 24;
const MAX_ROWS = 24;
/** Stepping: forward, backward and the update's mark, in ms. */
const ANIMATION = { forward: 450, backward: 450, mark: 300 };

export class LiveTimeline {
  /** The sequence in progress and the last complete one. */
  rows: LiveRow[] = [];
  done: LiveRow[] = [];
  private origin = -1;
  private animateFrom = -1;
  private animationStart = 0;
  dirty = true;

  constructor(
    private readonly root: SVGSVGElement,
    private readonly table: HTMLTableSectionElement,
    private readonly doneTable: HTMLTableSectionElement,
    /** The axis: the longest sequence, or null for a text's long streams (pages of `window`). */
    private length: number | null,
    private window = 100,
  ) {}

  /** Starts over (a new run): no rows, the axis of the new task. */
  reset(length: number | null, window = 100): void {
    this.rows = [];
    this.done = [];
    this.origin = -1;
    this.length = length;
    this.window = window;
    this.animateFrom = -1;
    this.dirty = true;
  }

  /** Adds the updates of a progress message; `animate` makes the last one play its sweeps. */
  add(updates: readonly UpdateInfo[], animate: boolean): void {
    for (const u of updates) {
      if (u.sequenceStart < 0) continue; // stream 0 had no step in this update
      const origin = u.sequenceStart;
      if (origin !== this.origin) {
        if (this.rows.length > 0) this.done = this.rows;
        this.rows = [];
        this.origin = origin;
      }
      this.rows.push({
        update: u.update + 1,
        previous: u.previousTime - origin,
        time: u.time - origin,
        from: u.windowStart - origin,
        backwardSteps: u.backwardSteps,
        loss: u.loss,
      });
    }
    if (animate && updates.length > 0) {
      this.animateFrom = this.rows.length - 1;
      this.animationStart = performance.now();
    }
    this.dirty = true;
  }

  /** True while an update's sweeps are playing (the page keeps drawing). */
  get animating(): boolean {
    return this.animateFrom >= 0 && performance.now() - this.animationStart < this.animationLength();
  }

  private animationLength(): number {
    return ANIMATION.forward + ANIMATION.backward + ANIMATION.mark;
  }

  /** What the newest update is doing at this moment of its animation, for the status line. */
  phase(): string {
    const row = this.rows[this.animateFrom];
    if (!row || !this.animating) return "";
    const t = performance.now() - this.animationStart;
    if (t < ANIMATION.forward) return `update ${row.update}: forward over steps ${row.previous + 1}…${row.time}`;
    if (t < ANIMATION.forward + ANIMATION.backward)
      return `update ${row.update}: backward from step ${row.time} down to ${row.from} (${row.backwardSteps} steps)`;
    return `update ${row.update}: the weights change after step ${row.time}`;
  }

  draw(): void {
    this.dirty = false;
    const last = this.rows[this.rows.length - 1];
    // the axis: the whole sequence, or the page of the window holding the newest update
    const span = this.length ?? this.window;
    const start = this.length !== null || !last ? 0 : Math.floor(last.time / span) * span;
    const rows = this.rows.filter((r) => r.time >= start).slice(-MAX_ROWS);
    const x = (step: number) => LEFT + ((Math.min(Math.max(step, start), start + span) - start) / span) * PLOT;
    const pitch = 9;
    const top = 26;
    const out: SVGElement[] = [];
    const axisY = top - 6;
    out.push(svg("line", { x1: LEFT, y1: axisY, x2: LEFT + PLOT, y2: axisY, stroke: COLOURS.text }));
    const tick = niceTick(span);
    for (let s = start; s <= start + span; s += tick) {
      out.push(svg("line", { x1: x(s), y1: axisY - 4, x2: x(s), y2: axisY, stroke: COLOURS.text }));
      out.push(svg("text", { x: x(s), y: axisY - 7, "font-size": 10, "text-anchor": "middle" }, String(s)));
    }
    out.push(svg("text", { x: 4, y: axisY - 7, "font-size": 10 }, "step"));
    const now = performance.now() - this.animationStart;
    rows.forEach((row, i) => {
      const y = top + i * pitch;
      const playing = row === this.rows[this.animateFrom] && this.animating;
      out.push(svg("rect", { x: LEFT, y, width: PLOT, height: pitch - 2, fill: COLOURS.track }));
      const forward = playing ? Math.min(1, now / ANIMATION.forward) : 1;
      const backward = playing ? Math.min(1, Math.max(0, (now - ANIMATION.forward) / ANIMATION.backward)) : 1;
      // the backward sweep's front: from t + 1 down to its first step as the animation goes
      const front = row.time + 1 - backward * (row.time - row.from + 1);
      const historyFrom = playing ? Math.max(row.from, front) : row.from;
      if (row.from <= row.previous && historyFrom < row.previous + 1) {
        const x0 = x(historyFrom);
        out.push(svg("rect", { x: x0, y, width: x(row.previous + 1) - x0, height: pitch - 2, fill: COLOURS.history }));
      }
      const own0 = x(row.previous + 1);
      const own1 = x(row.time + 1);
      out.push(svg("rect", { x: own0, y, width: (own1 - own0) * forward, height: pitch - 2, fill: COLOURS.own }));
      if (playing && backward > 0 && backward < 1)
        out.push(svg("rect", { x: x(front) - 1, y: y - 1, width: 3, height: pitch, fill: COLOURS.sweep }));
      if (!playing || now > ANIMATION.forward + ANIMATION.backward) {
        // where the weights change: after step t
        out.push(svg("path", { d: `M${own1} ${y + pitch - 2} l-4 -5 h8 z`, fill: COLOURS.sweep }));
      }
      out.push(svg("text", { x: LEFT - 6, y: y + pitch - 3, "font-size": 8, "text-anchor": "end" }, `#${row.update}`));
    });
    const height = top + Math.max(rows.length, 3) * pitch + 10;
    this.root.setAttribute("viewBox", `0 0 ${WIDTH} ${height}`);
    this.root.setAttribute("height", String(height));
    this.root.replaceChildren(...out);
  }

  /** The tables of the numbers (the current sequence and the last complete one). */
  drawTables(): void {
    const cells = (r: LiveRow) => [r.update, r.previous, r.time, `${r.from}…${r.time}`, r.backwardSteps, figure(r.loss)];
    const data = (r: LiveRow) => ({ previous: r.previous, time: r.time, from: r.from, steps: r.backwardSteps });
    fillTable(this.table, this.rows.map(cells), this.rows.map(data));
    fillTable(this.doneTable, this.done.map(cells), this.done.map(data));
  }
}

/** A round tick interval (1, 2, 5 × 10^k) giving at most about 10 ticks. */
function niceTick(span: number): number {
  for (let decade = 1; ; decade *= 10) for (const m of [1, 2, 5]) if (m * decade >= span / 10) return m * decade;
}
