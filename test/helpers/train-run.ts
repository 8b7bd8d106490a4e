// A small learnable labelled-sequence task and training configs for CLI runs (test/cli).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng } from "../../src/core/random.js";

export interface Row {
  x: number[][];
  y: string[];
}

/** Sequences whose label depends on the current and previous input: learnable, not trivial. */
export function makeData(count: number, seed: number): Row[] {
  const rng = new Rng(seed);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const T = 10 + rng.int(30);
    const x: number[][] = [];
    const y: string[] = [];
    let previous = 0;
    for (let t = 0; t < T; t++) {
      const v = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)];
      x.push(v);
      y.push((v[0] as number) + previous > 0 ? "up" : (v[1] as number) > 0 ? "left" : "down");
      previous = v[0] as number;
    }
    rows.push({ x, y });
  }
  return rows;
}

export function writeJsonl(path: string, rows: Row[]): void {
  writeFileSync(path, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
}

export function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-cli-"));
  writeJsonl(join(dir, "train.jsonl"), makeData(120, 1));
  writeJsonl(join(dir, "valid.jsonl"), makeData(20, 2));
  return dir;
}

export function config(dir: string, out: string, extra: Record<string, unknown> = {}): string {
  const path = join(dir, `${out}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      model: { cell: "lstm", hiddenSize: 24, peepholes: true },
      schedule: { k1: 8, k2: 8 },
      optimizer: { type: "adam", lr: 0.01 },
      clip: { norm: 5 },
      streams: 3,
      data: { train: join(dir, "train.jsonl"), valid: join(dir, "valid.jsonl") },
      seed: 7,
      epochs: 12,
      checkpointEvery: 5,
      out: join(dir, out),
      ...extra,
    }),
  );
  return path;
}

export async function waitFor(predicate: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}
