// Code blocks of the docs that the tests run: a fence whose info string is
// "js runnable" (or "ts runnable") is a Node program using "tbptt" and "tbptt/node"; the
// blocks of one file run in order in one folder (a later block may read what an earlier
// one wrote). An HTML comment "<!-- output: REGEX -->" right after a block is what its
// output must match. "js browser NAME" blocks are files of the browser example.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./cli.js";

export interface DocBlock {
  /** The doc, relative to the repository root. */
  doc: string;
  /** 1-based line of the fence. */
  line: number;
  kind: "runnable" | "browser";
  lang: string;
  /** For browser blocks: the file name the block is. */
  name: string | null;
  code: string;
  /** What the block's output must match. */
  output: RegExp | null;
}

/** README.md and every docs/*.md. */
export function docFiles(): string[] {
  return [
    "README.md",
    ...readdirSync(join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => `docs/${f}`),
  ];
}

export function docBlocks(doc: string): DocBlock[] {
  const lines = readFileSync(join(ROOT, doc), "utf8").split("\n");
  const out: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^```(js|ts) (runnable|browser)(?: (\S+))?\s*$/.exec(lines[i] as string);
    if (!m) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i] as string);
    const next = lines[i + 1] ?? "";
    const expect = /^<!-- output: (.*) -->$/.exec(next);
    out.push({
      doc,
      line: start + 1,
      kind: m[2] as DocBlock["kind"],
      lang: m[1] as string,
      name: m[3] ?? null,
      code: `${body.join("\n")}\n`,
      output: expect ? new RegExp(expect[1] as string) : null,
    });
  }
  return out;
}
