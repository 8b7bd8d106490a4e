/** Small DOM helpers for the playground page (no framework: a few elements, redrawn when dirty). */

export const SVG_NS = "http://www.w3.org/2000/svg";

/** The element with this id; throws naming it when the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`playground: no element #${id}`);
  return element as T;
}

/** An SVG element with attributes (numbers rounded to 0.1 px). */
export function svg(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes))
    element.setAttribute(key, typeof value === "number" ? String(Math.round(value * 10) / 10) : value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Replaces a table body's rows with `rows` (cells as text); `data` sets data-* attributes per row. */
export function fillTable(
  body: HTMLTableSectionElement,
  rows: readonly (readonly (string | number)[])[],
  data?: readonly Record<string, string | number>[],
): void {
  const fragment = document.createDocumentFragment();
  rows.forEach((cells, i) => {
    const tr = document.createElement("tr");
    for (const cell of cells) {
      const td = document.createElement("td");
      td.textContent = String(cell);
      tr.append(td);
    }
    for (const [key, value] of Object.entries(data?.[i] ?? {})) tr.dataset[key] = String(value);
    fragment.append(tr);
  });
  body.replaceChildren(fragment);
}

/** k1 or k2 for display: ∞ for Infinity. */
export function steps(value: number): string {
  return Number.isFinite(value) ? String(value) : "∞";
}

/** A number with `digits` significant digits, "–" for NaN. */
export function figure(value: number | null, digits = 4): string {
  if (value === null || !Number.isFinite(value)) return "–";
  return value.toPrecision(digits);
}
