/**
 * The explainer's text timeline: one row per update, one column per step (or per
 * bucket of steps when T is wider than the page), so the overlap of backward passes
 * is visible at a glance:
 *
 *   █  the update's own steps t' + 1 … t (the losses it uses)
 *   ░  history: earlier steps its backward pass reaches (sweepStart … t')
 *   ·  steps this update does not touch
 *
 * A bucketed column shows █ if it holds any own step, else ░ if any history step.
 */
import { describeSchedule, type Explanation, type UpdateRow } from "./explain.js";

/** Options of `renderTimeline`: how wide and how many rows. */
export interface TimelineOptions {
  /** Most columns for the steps; longer sequences are bucketed (default 120). */
  width?: number;
  /** Most update rows; the middle ones are elided beyond it (default 40; 0 = all). */
  rows?: number;
}

export const OWN = "█";
export const HISTORY = "░";
export const UNTOUCHED = "·";

/** Steps per column so that T steps fit in `width` columns: 1, 2, 5, 10, 20, 50, … */
export function stepsPerColumn(length: number, width: number): number {
  const least = Math.ceil(length / width);
  for (let decade = 1; ; decade *= 10) {
    for (const m of [1, 2, 5]) if (m * decade >= least) return m * decade;
  }
}

function rowCells(row: UpdateRow, length: number, per: number, columns: number): string {
  let out = "";
  for (let c = 0; c < columns; c++) {
    const a = c * per;
    const b = Math.min(length, a + per) - 1; // the column's last step
    if (a <= row.time && b > row.previousTime) out += OWN;
    else if (a <= row.previousTime && b >= row.sweepStart) out += HISTORY;
    else out += UNTOUCHED;
  }
  return out;
}

/**
 * The rows to draw: all, or the first ceil(limit/2) and the last floor(limit/2), with the
 * number hidden between them (including rows the explanation did not keep).
 */
export function visibleRows(
  explanation: Explanation,
  limit: number,
): { head: UpdateRow[]; hidden: number; tail: UpdateRow[] } {
  const { rows, omittedRows, omittedAt } = explanation;
  const keptHead = rows.slice(0, omittedRows > 0 ? omittedAt : rows.length);
  const keptTail = omittedRows > 0 ? rows.slice(omittedAt) : [];
  const total = rows.length + omittedRows;
  if (limit <= 0 || total <= limit) return { head: keptHead, hidden: omittedRows, tail: keptTail };
  const all = omittedRows > 0 ? null : rows;
  const headCount = Math.ceil(limit / 2);
  const tailCount = limit - headCount;
  const head = (all ?? keptHead).slice(0, headCount);
  const tailFrom = all ?? keptTail;
  const tail = tailCount > 0 ? tailFrom.slice(Math.max(0, tailFrom.length - tailCount)) : [];
  return { head, hidden: total - head.length - tail.length, tail };
}

/** A ruler: step numbers placed over their columns where they fit. */
function ruler(length: number, per: number, columns: number): { labels: string; ticks: string } {
  const labels = new Array<string>(columns + 12).fill(" ");
  const ticks = new Array<string>(columns).fill(" ");
  const every = 10;
  let lastEnd = -1;
  const place = (c: number) => {
    const text = String(c * per);
    if (c <= lastEnd) return;
    for (let i = 0; i < text.length; i++) labels[c + i] = text[i] as string;
    ticks[c] = "|";
    lastEnd = c + text.length;
  };
  for (let c = 0; c < columns; c += every) place(c);
  // The last step, if its label fits.
  const last = columns - 1;
  const lastText = String(length - 1);
  if (per === 1 && last > lastEnd && last - lastText.length + 1 > lastEnd) {
    for (let i = 0; i < lastText.length; i++) labels[last - lastText.length + 1 + i] = lastText[i] as string;
    ticks[last] = "|";
  }
  return { labels: labels.join("").trimEnd(), ticks: ticks.join("").trimEnd() };
}

function backwardText(row: UpdateRow, truncation: string): string {
  const span = `${row.sweepStart}…${row.time}`;
  return truncation === "per-loss"
    ? `backward ${span} (${row.backwardSteps} steps over its losses)`
    : `backward ${span} (${row.backwardSteps} ${row.backwardSteps === 1 ? "step" : "steps"})`;
}

/** The timeline as text, with a header and a legend (no trailing totals: see renderTotals). */
export function renderTimeline(explanation: Explanation, options: TimelineOptions = {}): string {
  const width = options.width ?? 120;
  const limit = options.rows ?? 40;
  if (!Number.isInteger(width) || width < 10)
    throw new Error(`width: expected an integer ≥ 10, got ${width}`);
  if (!Number.isInteger(limit) || limit < 0) throw new Error(`rows: expected an integer ≥ 0, got ${limit}`);
  const { length: T, schedule } = explanation;
  const per = stepsPerColumn(T, width);
  const columns = Math.ceil(T / per);
  const digits = String(explanation.totals.updates).length;
  const timeDigits = String(T - 1).length + 1;
  const gutter = Math.max(7, digits + 2);
  const pad = (s: string) => s.padEnd(gutter);
  const lines: string[] = [];
  const scale = per === 1 ? "1 column = 1 step" : `1 column = ${per} steps`;
  lines.push(`schedule: ${describeSchedule(schedule)}; T = ${T} steps, ${scale}`);
  const r = ruler(T, per, columns);
  lines.push(pad("step") + r.labels);
  lines.push(pad("") + r.ticks);
  if (explanation.resets.length > 1) {
    const marks = new Array<string>(columns).fill(" ");
    for (const s of explanation.resets) marks[Math.floor(s / per)] = "R";
    lines.push(pad("reset") + marks.join("").trimEnd());
  }
  const drawRow = (row: UpdateRow) => {
    const label = `#${String(row.index + 1).padStart(digits)}`;
    const times = `t' = ${String(row.previousTime).padStart(timeDigits)}  t = ${String(row.time).padStart(timeDigits)}`;
    lines.push(
      `${pad(label)}${rowCells(row, T, per, columns)}  ${times}  ${backwardText(row, schedule.truncation)}`,
    );
  };
  const shown = visibleRows(explanation, limit);
  shown.head.forEach(drawRow);
  if (shown.hidden > 0)
    lines.push(`${pad("  ⋮")}(${shown.hidden} more updates not shown; --rows 0 shows all)`);
  shown.tail.forEach(drawRow);
  lines.push("");
  lines.push(
    `legend: ${OWN} the update's own steps t'+1…t (the losses it uses)   ${HISTORY} history its backward pass reaches   ${UNTOUCHED} not touched`,
  );
  if (per > 1) {
    lines.push(
      `        a column of ${per} steps shows ${OWN} if it holds any own step, else ${HISTORY} if any history step`,
    );
  }
  if (explanation.resets.length > 1)
    lines.push("        R a reset point: the state is s_0 there and no gradient crosses it");
  if (schedule.truncation === "per-loss") {
    lines.push(
      `        per-loss: each loss flows back through its own last k2 steps; ${HISTORY} is the union of their reach`,
    );
  }
  if (schedule.outputUpdate === "step") {
    lines.push(
      "        the output layer also changes after every step, from that step's loss; each row's backward pass injects the errors its own steps stored then (rnnlm)",
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The totals as aligned text lines. */
export function renderTotals(explanation: Explanation): string {
  const t = explanation.totals;
  const ratio = (t.backwardSteps / t.forwardSteps).toFixed(2);
  const mean = Number.isInteger(t.historyMean) ? String(t.historyMean) : t.historyMean.toFixed(2);
  const rows: [string, string][] = [
    ["updates", String(t.updates)],
    ["forward steps", String(t.forwardSteps)],
    ["backward steps", `${t.backwardSteps} (${ratio} per forward step)`],
    ["peak stored steps", `${t.peakStoredSteps} (the engine's ring: ${explanation.capacity} slots)`],
    ["history per loss", `min ${t.historyMin}, mean ${mean}, max ${t.historyMax} steps`],
  ];
  return `${rows.map(([k, v]) => `${k.padEnd(19)}${v}`).join("\n")}\n`;
}
