/**
 * A small line chart as SVG elements, for the gradient report's panels: linear or
 * logarithmic axes with round ticks, lines with markers, vertical range bars (spread),
 * dashed reference lines. Pure string building: no DOM, no Node.
 */
export interface Series {
  points: [number, number][];
  colour: string;
  label: string;
  /** Per point, a [low, high] bar drawn through it (the spread). */
  ranges?: [number, number][];
  dashed?: boolean;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  xLog: boolean;
  yLog: boolean;
  series: Series[];
  /** Horizontal reference lines: y value and label. */
  hlines?: { y: number; label: string }[];
  /** A vertical marker: x value and label. */
  vline?: { x: number; label: string };
  /** Forces the y range to include these values. */
  yInclude?: number[];
}

export const CHART = { width: 640, height: 200, left: 64, right: 100, top: 40, bottom: 38 };
const TEXT = "#222";
const GRID = "#e3e6ea";

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const num = (v: number) => String(Math.round(v * 100) / 100);

function label(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return String(Number(v.toPrecision(3)));
}

/** Round ticks over [lo, hi]: powers of ten on a log axis, 1-2-5 steps on a linear one. */
function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    const step = Math.max(1, Math.ceil((Math.log10(hi) - Math.log10(lo)) / 8));
    for (let e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e += step) out.push(10 ** e);
    return out.length > 0 ? out : [lo];
  }
  const span = hi - lo || 1;
  let step = 1;
  for (let decade = 10 ** Math.floor(Math.log10(span / 6)); ; decade *= 10) {
    const m = [1, 2, 5].find((f) => f * decade * 6 >= span);
    if (m) {
      step = m * decade;
      break;
    }
  }
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** The range a log axis can show: positive values only. */
function extent(values: number[], log: boolean): [number, number] {
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (usable.length === 0) return log ? [0.1, 1] : [0, 1];
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (log) {
    lo = 10 ** Math.floor(Math.log10(lo));
    hi = 10 ** Math.ceil(Math.log10(hi));
    if (lo === hi) hi = lo * 10;
  } else if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return [lo, hi];
}

/** The chart's elements, placed with its top edge at `top`; its height is CHART.height + margins. */
export function chart(spec: ChartSpec, top: number): string[] {
  const { width: W, height: H, left: L } = CHART;
  const xs = spec.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = spec.series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.ranges ?? []).flat()]);
  const [x0, x1] = extent(spec.vline ? [...xs, spec.vline.x] : xs, spec.xLog);
  const [y0, y1] = extent(
    [...ys, ...(spec.hlines ?? []).map((h) => h.y), ...(spec.yInclude ?? [])],
    spec.yLog,
  );
  const fx = (v: number) =>
    spec.xLog ? (Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0)) : (v - x0) / (x1 - x0);
  const fy = (v: number) =>
    spec.yLog ? (Math.log10(v) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (v - y0) / (y1 - y0);
  const px = (v: number) => L + fx(v) * W;
  const py = (v: number) => top + CHART.top + H - fy(v) * H;
  const shown = (x: number, y: number) =>
    (!spec.xLog || x > 0) && (!spec.yLog || y > 0) && Number.isFinite(y);
  const out: string[] = [
    `<text x="${L}" y="${top + 18}" font-size="13" font-weight="bold" fill="${TEXT}">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of ticks(y0, y1, spec.yLog)) {
    out.push(
      `<line x1="${L}" y1="${num(py(t))}" x2="${L + W}" y2="${num(py(t))}" stroke="${GRID}"/>`,
      `<text x="${L - 6}" y="${num(py(t) + 3)}" font-size="10" text-anchor="end" fill="${TEXT}">${label(t)}</text>`,
    );
  }
  for (const t of ticks(x0, x1, spec.xLog)) {
    out.push(
      `<line x1="${num(px(t))}" y1="${top + CHART.top}" x2="${num(px(t))}" y2="${top + CHART.top + H}" stroke="${GRID}"/>`,
      `<text x="${num(px(t))}" y="${top + CHART.top + H + 13}" font-size="10" text-anchor="middle" fill="${TEXT}">${label(t)}</text>`,
    );
  }
  out.push(
    `<rect x="${L}" y="${top + CHART.top}" width="${W}" height="${H}" fill="none" stroke="${TEXT}"/>`,
    `<text x="${L + W / 2}" y="${top + CHART.top + H + 30}" font-size="11" text-anchor="middle" fill="${TEXT}">${escapeXml(spec.xLabel)}</text>`,
  );
  for (const h of spec.hlines ?? []) {
    if (spec.yLog && h.y <= 0) continue;
    out.push(
      `<line x1="${L}" y1="${num(py(h.y))}" x2="${L + W}" y2="${num(py(h.y))}" stroke="#c0392b" stroke-dasharray="5 3"/>`,
      `<text x="${L + W + 6}" y="${num(py(h.y) + 3)}" font-size="10" fill="#c0392b">${escapeXml(h.label)}</text>`,
    );
  }
  if (spec.vline) {
    const x = num(px(spec.vline.x));
    out.push(
      `<line x1="${x}" y1="${top + CHART.top}" x2="${x}" y2="${top + CHART.top + H}" stroke="#27ae60" stroke-width="2"/>`,
      `<text x="${num(px(spec.vline.x) + 4)}" y="${top + CHART.top + 12}" font-size="10" fill="#27ae60">${escapeXml(spec.vline.label)}</text>`,
    );
  }
  spec.series.forEach((s, index) => {
    const visible = s.points.filter(([x, y]) => shown(x, y));
    (s.ranges ?? []).forEach(([lo, hi], i) => {
      const x = s.points[i]?.[0] as number;
      if (!shown(x, lo) || !shown(x, hi)) return;
      out.push(
        `<line x1="${num(px(x))}" y1="${num(py(lo))}" x2="${num(px(x))}" y2="${num(py(hi))}" stroke="${s.colour}" stroke-width="5" stroke-opacity="0.3"/>`,
      );
    });
    if (visible.length > 1) {
      const d = visible.map(([x, y], i) => `${i === 0 ? "M" : "L"}${num(px(x))},${num(py(y))}`).join(" ");
      out.push(
        `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
      );
    }
    if (visible.length <= 40)
      for (const [x, y] of visible)
        out.push(`<circle cx="${num(px(x))}" cy="${num(py(y))}" r="2.5" fill="${s.colour}"/>`);
    // The legend: one row under the title, entries side by side.
    const lx = L + spec.series.slice(0, index).reduce((x, other) => x + 40 + 6 * other.label.length, 0);
    const ly = top + CHART.top - 8;
    out.push(
      `<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="4 3"' : ""}/>`,
      `<text x="${lx + 20}" y="${ly}" font-size="10" fill="${TEXT}">${escapeXml(s.label)}</text>`,
    );
  });
  return out;
}
