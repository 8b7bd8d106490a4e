/**
 * The confusion matrix as a picture: an SVG heat map, rows the true class, columns the
 * predicted one, each row scaled to its own total (so rare classes are as visible as
 * common ones), with the per-class accuracy at the row's end.
 */
import type { FrameMetrics } from "./metrics.js";

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A cell's colour for the share of its row it holds: from white (0) to green (1) on the
 * diagonal (right answers), to red off it (confusions). Each channel moves linearly from
 * white's 255 to the full colour's, so a small share is a pale tint of the same hue.
 */
export function cellColour(share: number, diagonal: boolean): string {
  const s = Math.min(1, Math.max(0, share));
  const toward = (full: number) => Math.round(255 - s * (255 - full));
  return diagonal
    ? `rgb(${toward(0)},${toward(128)},${toward(0)})`
    : `rgb(${toward(255)},${toward(0)},${toward(0)})`;
}

/** The confusion matrix as an SVG heat map (see the file comment and `cellColour`). */
export function renderConfusionSvg(
  metrics: FrameMetrics,
  names: readonly string[],
  title = "Confusion matrix",
): string {
  const C = metrics.classes;
  const cell = C > 40 ? 10 : 16;
  const margin = 60;
  const size = C * cell;
  // wide enough for the title line too
  const width = Math.max(margin + size + 70, 40 + 7 * (title.length + 70));
  const height = margin + size + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="${cell - 3}">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${margin}" y="16" font-size="13">${escapeXml(title)} (rows: true, columns: predicted; each row scaled to its frames)</text>`,
  ];
  const accuracy = metrics.perClassAccuracy();
  for (let c = 0; c < C; c++) {
    let total = 0;
    for (let p = 0; p < C; p++) total += metrics.confusion[c * C + p] as number;
    const y = margin + c * cell;
    parts.push(
      `<text x="${margin - 4}" y="${y + cell - 3}" text-anchor="end">${escapeXml(names[c] ?? String(c))}</text>`,
    );
    for (let p = 0; p < C; p++) {
      const n = metrics.confusion[c * C + p] as number;
      if (n === 0) continue;
      const share = n / total;
      const fill = cellColour(share, p === c);
      parts.push(
        `<rect x="${margin + p * cell}" y="${y}" width="${cell}" height="${cell}" fill="${fill}"><title>${escapeXml(names[c] ?? "")} → ${escapeXml(names[p] ?? "")}: ${n}</title></rect>`,
      );
    }
    const a = accuracy[c] as number;
    parts.push(
      `<text x="${margin + size + 4}" y="${y + cell - 3}">${Number.isNaN(a) ? "" : `${(100 * a).toFixed(0)}%`}</text>`,
    );
  }
  for (let p = 0; p < C; p++) {
    const x = margin + p * cell + cell - 3;
    parts.push(
      `<text x="${x}" y="${margin + size + 6}" transform="rotate(90 ${x} ${margin + size + 6})">${escapeXml(names[p] ?? String(p))}</text>`,
    );
  }
  parts.push(
    `<rect x="${margin}" y="${margin}" width="${size}" height="${size}" fill="none" stroke="#888"/>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

/** The confusion matrix as text: a header of predicted classes, one row per true class, counts right-aligned. */
export function renderConfusionText(metrics: FrameMetrics, names: readonly string[]): string {
  const C = metrics.classes;
  const width = Math.max(5, ...names.map((n) => n.length)) + 1;
  const lines = [["true\\pred", ...names].map((s) => s.padStart(width)).join("")];
  for (let c = 0; c < C; c++) {
    const row = [names[c] as string];
    for (let p = 0; p < C; p++) row.push(String(metrics.confusion[c * C + p]));
    lines.push(row.map((s) => s.padStart(width)).join(""));
  }
  return lines.join("\n");
}
