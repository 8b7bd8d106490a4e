/**
 * The explainer's picture: the text timeline (render-timeline.ts) as a standalone SVG.
 * One panel per schedule; in a panel one row per update, time running left to right:
 * a dark bar over the update's own steps t' + 1 … t, a light bar over the history its
 * backward pass reaches (sweepStart … t'), a faint track for the rest; dashed lines at
 * reset points; a step axis with round tick marks, and a legend. Rows beyond `rows`
 * are elided in the middle, as in the text. Pure string building: no DOM, no Node.
 */
import { describeSchedule, type Explanation, type UpdateRow } from "./explain.js";
import { visibleRows } from "./render-timeline.js";

/** Options of `renderScheduleSvg`. */
export interface SvgOptions {
  /** Width of the time axis in px (default 720). */
  plotWidth?: number;
  /** Most update rows per panel; the middle ones are elided beyond it (default 100; 0 = all). */
  rows?: number;
  /** A title over all panels. */
  title?: string;
}

const COLOURS = { own: "#1f4e9c", history: "#9cc0ec", track: "#eef1f5", reset: "#c0392b", text: "#222" };
const LEFT = 56;
const RIGHT = 16;
const FONT = "font-family=\"ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace\"";

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Numbers with at most 2 decimals, no trailing zeros. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A round tick interval (1, 2, 5 × 10^k) giving at most about 10 ticks over T steps. */
function tickInterval(length: number): number {
  const least = length / 10;
  for (let decade = 1; ; decade *= 10) for (const m of [1, 2, 5]) if (m * decade >= least) return m * decade;
}

function totalsLine(e: Explanation): string {
  const t = e.totals;
  const mean = Number.isInteger(t.historyMean) ? String(t.historyMean) : t.historyMean.toFixed(2);
  return `${t.updates} ${t.updates === 1 ? "update" : "updates"} · ${t.forwardSteps} forward · ${t.backwardSteps} backward steps · peak stored ${t.peakStoredSteps} · history ${t.historyMin}…${t.historyMax} (mean ${mean})`;
}

/** One panel's elements, drawn from y = top; returns them and the panel's height. */
function panel(
  e: Explanation,
  top: number,
  plotWidth: number,
  limit: number,
): { svg: string[]; height: number } {
  const T = e.length;
  const x = (step: number) => LEFT + (step / T) * plotWidth;
  const shown = visibleRows(e, limit);
  const drawn = shown.head.length + shown.tail.length + (shown.hidden > 0 ? 1 : 0);
  const pitch = Math.max(3, Math.min(14, 480 / drawn));
  const bar = Math.max(2, pitch * 0.72);
  const out: string[] = [];
  let y = top + 14;
  out.push(
    `<text x="${LEFT}" y="${y}" font-size="13" font-weight="bold" fill="${COLOURS.text}">${escapeXml(`${describeSchedule(e.schedule)} · T = ${T}`)}</text>`,
  );
  y += 15;
  out.push(
    `<text x="${LEFT}" y="${y}" font-size="11" fill="${COLOURS.text}">${escapeXml(totalsLine(e))}</text>`,
  );
  y += 20;
  // The step axis: ticks at round steps, and the last step.
  const axisY = y;
  out.push(
    `<line x1="${LEFT}" y1="${axisY}" x2="${num(LEFT + plotWidth)}" y2="${axisY}" stroke="${COLOURS.text}" stroke-width="1"/>`,
  );
  const every = tickInterval(T);
  for (let s = 0; s < T; s += every) {
    out.push(
      `<line x1="${num(x(s))}" y1="${axisY - 4}" x2="${num(x(s))}" y2="${axisY}" stroke="${COLOURS.text}"/>`,
      `<text x="${num(x(s))}" y="${axisY - 6}" font-size="10" text-anchor="middle" fill="${COLOURS.text}">${s}</text>`,
    );
  }
  out.push(
    `<text x="${LEFT - 9}" y="${axisY - 6}" font-size="10" text-anchor="end" fill="${COLOURS.text}">step</text>`,
  );
  y = axisY + 4;
  const rowsTop = y;
  const drawRow = (row: UpdateRow) => {
    const mid = y + pitch / 2;
    const barY = num(mid - bar / 2);
    out.push(
      `<rect x="${LEFT}" y="${barY}" width="${num(plotWidth)}" height="${num(bar)}" fill="${COLOURS.track}"/>`,
    );
    if (row.sweepStart <= row.previousTime) {
      out.push(
        `<rect x="${num(x(row.sweepStart))}" y="${barY}" width="${num(x(row.previousTime + 1) - x(row.sweepStart))}" height="${num(bar)}" fill="${COLOURS.history}"><title>update ${row.index + 1}: history ${row.sweepStart}…${row.previousTime}</title></rect>`,
      );
    }
    out.push(
      `<rect x="${num(x(row.previousTime + 1))}" y="${barY}" width="${num(x(row.time + 1) - x(row.previousTime + 1))}" height="${num(bar)}" fill="${COLOURS.own}"><title>update ${row.index + 1}: t' = ${row.previousTime}, t = ${row.time}, backward ${row.sweepStart}…${row.time} (${row.backwardSteps} steps)</title></rect>`,
    );
    if (pitch >= 9) {
      out.push(
        `<text x="${LEFT - 6}" y="${num(mid + 3.5)}" font-size="${num(Math.min(10, pitch - 1))}" text-anchor="end" fill="${COLOURS.text}">#${row.index + 1}</text>`,
      );
    }
    y += pitch;
  };
  shown.head.forEach(drawRow);
  if (shown.hidden > 0) {
    out.push(
      `<text x="${LEFT + plotWidth / 2}" y="${num(y + pitch / 2 + 3.5)}" font-size="${num(Math.min(10, Math.max(7, pitch)))}" text-anchor="middle" fill="${COLOURS.text}">⋮ ${shown.hidden} more updates</text>`,
    );
    y += pitch;
  }
  shown.tail.forEach(drawRow);
  if (pitch < 9) {
    out.push(
      `<text x="${LEFT - 6}" y="${num(rowsTop + 9)}" font-size="10" text-anchor="end" fill="${COLOURS.text}">updates</text>`,
    );
  }
  // Reset points (beyond the first step), over the rows: one line per pixel at most.
  let lastX = Number.NEGATIVE_INFINITY;
  for (const s of e.resets) {
    if (s === 0 || Math.round(x(s)) === lastX) continue;
    lastX = Math.round(x(s));
    out.push(
      `<line x1="${num(x(s))}" y1="${axisY}" x2="${num(x(s))}" y2="${num(y)}" stroke="${COLOURS.reset}" stroke-width="1" stroke-dasharray="3 2"/>`,
    );
  }
  return { svg: out, height: y - top + 12 };
}

/** Several schedules stacked, sharing one legend (docs/schedule.md's comparison). */
export function renderComparisonSvg(explanations: readonly Explanation[], options: SvgOptions = {}): string {
  if (explanations.length === 0) throw new Error("renderComparisonSvg: expected at least one explanation");
  const plotWidth = options.plotWidth ?? 720;
  const limit = options.rows ?? 100;
  const width = LEFT + plotWidth + RIGHT;
  const body: string[] = [];
  let y = 8;
  if (options.title) {
    body.push(
      `<text x="${LEFT}" y="${y + 14}" font-size="15" font-weight="bold" fill="${COLOURS.text}">${escapeXml(options.title)}</text>`,
    );
    y += 26;
  }
  for (const e of explanations) {
    const p = panel(e, y, plotWidth, limit);
    body.push(...p.svg);
    y += p.height + 8;
  }
  // The legend.
  const items: [string, string][] = [
    [COLOURS.own, "the update's own steps t'+1…t (its losses)"],
    [COLOURS.history, "history its backward pass reaches"],
    [COLOURS.track, "not touched"],
  ];
  let lx = LEFT;
  for (const [colour, label] of items) {
    body.push(
      `<rect x="${lx}" y="${y}" width="12" height="10" fill="${colour}" stroke="#999" stroke-width="0.5"/>`,
      `<text x="${lx + 16}" y="${y + 9}" font-size="11" fill="${COLOURS.text}">${escapeXml(label)}</text>`,
    );
    lx += 30 + label.length * 6.7;
  }
  if (explanations.some((e) => e.resets.length > 1)) {
    y += 16;
    body.push(
      `<line x1="${LEFT}" y1="${y + 5}" x2="${LEFT + 12}" y2="${y + 5}" stroke="${COLOURS.reset}" stroke-dasharray="3 2"/>`,
      `<text x="${LEFT + 16}" y="${y + 9}" font-size="11" fill="${COLOURS.text}">reset point (state s_0; no gradient crosses it)</text>`,
    );
  }
  const height = Math.ceil(y + 20);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

/** One schedule's timeline as a standalone SVG document. */
export function renderSvg(explanation: Explanation, options: SvgOptions = {}): string {
  return renderComparisonSvg([explanation], options);
}
