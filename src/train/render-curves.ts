/**
 * Line charts as a standalone SVG: panels side by side, each with its own x axis (linear
 * or logarithmic) and y axis, one coloured line with point markers per series, and one
 * legend for all panels (a series keeps its colour in every panel). Used for learning
 * curves (`tbptt compare`). Pure string building: no DOM, no Node.
 */

/** One line of a curves chart: its name (in the legend) and its [x, y] points. */
export interface CurveSeries {
  name: string;
  /** [x, y] pairs in drawing order; pairs with a non-finite coordinate (or x ≤ 0 on a log axis) are skipped. */
  points: readonly (readonly [number, number])[];
}

/** One panel of a curves chart: its title, axis labels, series, and whether x is logarithmic. */
export interface CurvePanel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly CurveSeries[];
  logX?: boolean;
}

/** Options of `renderCurvesSvg`: the chart's title and each panel's plot size. */
export interface CurvesOptions {
  title?: string;
  /** Plot area of one panel in px (default 300 × 220). */
  plotWidth?: number;
  plotHeight?: number;
  /** Panels per row (default: all in one row); more panels wrap onto further rows. */
  columns?: number;
}

/** Okabe & Ito's colour-blind-safe palette (yellow left out: too pale on white). */
export const SERIES_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"];
const FONT = "font-family=\"system-ui, 'DejaVu Sans', Helvetica, Arial, sans-serif\"";
const MARGIN = { left: 58, right: 18, top: 40, bottom: 46 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A short label: 3 significant digits at most, k and M for thousands and millions. */
export function shortNumber(v: number): string {
  const a = Math.abs(v);
  const trim = (x: number) => String(Number(x.toPrecision(3)));
  if (a >= 1e6) return `${trim(v / 1e6)}M`;
  if (a >= 1e4) return `${trim(v / 1e3)}k`;
  return trim(v);
}

/** Round ticks (1, 2, 5 × 10^k apart) covering [lo, hi], about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const decade = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * decade >= raw) ?? 10) * decade;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step)
    ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Powers of ten within [lo, hi] (with 2 and 5 between them when the range spans under two decades). */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const few = Math.log10(hi / lo) < 2;
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of few ? [1, 2, 5] : [1]) {
      const t = m * 10 ** e;
      if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push(Number(t.toPrecision(12)));
    }
  }
  return ticks;
}

function usable(p: readonly [number, number], logX: boolean): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!logX || p[0] > 0);
}

function drawPanel(panel: CurvePanel, left: number, top: number, w: number, h: number): string[] {
  const logX = panel.logX ?? false;
  const pts = panel.series.flatMap((s) => s.points.filter((p) => usable(p, logX)));
  const out: string[] = [
    `<text x="${left + w / 2}" y="${top - 14}" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(panel.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${w}" height="${h}" fill="none" stroke="#bbb"/>`,
  ];
  if (pts.length === 0) {
    out.push(
      `<text x="${left + w / 2}" y="${top + h / 2}" text-anchor="middle" font-size="12" fill="#888">no points</text>`,
    );
    return out;
  }
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (logX) [x0, x1] = x0 === x1 ? [x0 / 2, x1 * 2] : [x0 / 1.15, x1 * 1.15];
  else [x0, x1] = x0 === x1 ? [x0 - 1, x1 + 1] : [Math.min(0, x0), x1 + (x1 - x0) * 0.03];
  const pad = y0 === y1 ? Math.max(Math.abs(y0) * 0.05, 1e-3) : (y1 - y0) * 0.06;
  [y0, y1] = [y0 - pad, y1 + pad];
  const X = (x: number) => left + (logX ? Math.log(x / x0) / Math.log(x1 / x0) : (x - x0) / (x1 - x0)) * w;
  const Y = (y: number) => top + h - ((y - y0) / (y1 - y0)) * h;
  const f = (v: number) => v.toFixed(1);
  for (const t of logX ? logTicks(x0, x1) : linearTicks(x0, x1)) {
    out.push(`<line x1="${f(X(t))}" y1="${top}" x2="${f(X(t))}" y2="${top + h}" stroke="#eee"/>`);
    out.push(
      `<text x="${f(X(t))}" y="${top + h + 15}" text-anchor="middle" font-size="10">${shortNumber(t)}</text>`,
    );
  }
  for (const t of linearTicks(y0, y1)) {
    out.push(`<line x1="${left}" y1="${f(Y(t))}" x2="${left + w}" y2="${f(Y(t))}" stroke="#eee"/>`);
    out.push(
      `<text x="${left - 5}" y="${f(Y(t) + 3.5)}" text-anchor="end" font-size="10">${shortNumber(t)}</text>`,
    );
  }
  out.push(
    `<text x="${left + w / 2}" y="${top + h + 34}" text-anchor="middle" font-size="11">${escapeXml(panel.xLabel)}${logX ? " (log scale)" : ""}</text>`,
    `<text transform="translate(${left - 42} ${top + h / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(panel.yLabel)}</text>`,
  );
  panel.series.forEach((s, i) => {
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length] as string;
    const shown = s.points.filter((p) => usable(p, logX));
    if (shown.length > 1) {
      const d = shown.map((p, k) => `${k === 0 ? "M" : "L"}${f(X(p[0]))},${f(Y(p[1]))}`).join(" ");
      out.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="1.8"/>`);
    }
    for (const p of shown)
      out.push(`<circle cx="${f(X(p[0]))}" cy="${f(Y(p[1]))}" r="2.6" fill="${colour}"/>`);
  });
  return out;
}

/** The panels side by side with a title and a legend naming each series. */
export function renderCurvesSvg(panels: readonly CurvePanel[], options: CurvesOptions = {}): string {
  const w = options.plotWidth ?? 300;
  const h = options.plotHeight ?? 220;
  const cell = MARGIN.left + w + MARGIN.right;
  const row = MARGIN.top + h + MARGIN.bottom;
  const columns = Math.max(1, Math.min(options.columns ?? panels.length, panels.length));
  const rows = Math.max(1, Math.ceil(panels.length / columns));
  const titleHeight = options.title ? 28 : 0;
  const names = panels[0]?.series.map((s) => s.name) ?? [];
  const legendRows = Math.ceil(names.length / 3);
  const width = columns * cell;
  const height = titleHeight + rows * row + legendRows * 18 + 10;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  if (options.title) {
    out.push(
      `<text x="${width / 2}" y="20" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(options.title)}</text>`,
    );
  }
  panels.forEach((p, i) => {
    const left = (i % columns) * cell + MARGIN.left;
    const top = titleHeight + Math.floor(i / columns) * row + MARGIN.top;
    out.push(...drawPanel(p, left, top, w, h));
  });
  const legendTop = titleHeight + rows * row;
  names.forEach((name, i) => {
    const x = MARGIN.left + ((i % 3) * (width - MARGIN.left)) / 3;
    const y = legendTop + Math.floor(i / 3) * 18;
    const colour = SERIES_COLOURS[i % SERIES_COLOURS.length] as string;
    out.push(
      `<line x1="${x}" y1="${y}" x2="${x + 22}" y2="${y}" stroke="${colour}" stroke-width="2.5"/>`,
      `<circle cx="${x + 11}" cy="${y}" r="2.6" fill="${colour}"/>`,
      `<text x="${x + 28}" y="${y + 4}" font-size="12">${escapeXml(name)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
