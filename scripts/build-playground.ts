// Builds the playground (playground/) into dist/playground/: static files any host can serve
// (with the two isolation headers for threads, scripts/serve-static.ts):
//   index.html, style.css            the page
//   main.js, worker.js, chunks/      bundled with esbuild from playground/src (the library
//                                    imported as "tbptt"), one chunk per wasm kernel binary
//   default-text.txt                 the default text: the prose of this project's docs
//   speech-train.bin, speech-valid.bin  a subset of the bundled corpus (data/synth-timit-small)
//                                    as MFCC features, labelled-set files (docs/data.md)
//   docs/                            the docs the page links to
// Prints the size of every file and the page's weight (gzip). Run:
//   node --import tsx scripts/build-playground.ts [--out DIR]
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeLabelledSet } from "../src/data/binary.js";
import type { LabelledSet } from "../src/data/labelled.js";
import { loadSpeechSplits } from "../src/io/speech-task.js";
import { TIMIT_PHONES_61 } from "../src/tasks/speech/phones.js";
import type { SpeechUtterance } from "../src/tasks/speech/task.js";
import { type BundledFile, bundleForBrowser, pageWeight } from "./bundle-browser.js";

const ROOT = resolve(import.meta.dirname, "..");
/** Training utterances in the speech subset (of the corpus's 30; the validation speaker's all). */
const SPEECH_TRAIN = 16;

/** The docs' prose: code blocks, tables, images and HTML left out (a char-rnn's default text). */
export function proseOf(markdown: string): string {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) {
      fenced = !fenced;
      continue;
    }
    if (fenced || /^( {4}|\t)/.test(line) || /^\s*[|!<]/.test(line)) continue;
    out.push(line);
  }
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim()}\n`;
}

function speechSet(utterances: readonly SpeechUtterance[], source: string): LabelledSet {
  return {
    source,
    inputSize: utterances[0]?.dim ?? 0,
    classes: [...TIMIT_PHONES_61],
    sequences: utterances.map((u) => ({ id: u.id, features: u.features, labels: u.labels })),
  };
}

export interface PlaygroundBuild {
  out: string;
  files: { name: string; bytes: number; gzip: number }[];
  /** The page's code (every JavaScript file but the kernel binaries) and one kernel binary, gzip. */
  weight: { code: number; variant: number };
}

export async function buildPlayground(out = join(ROOT, "dist", "playground")): Promise<PlaygroundBuild> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "docs"), { recursive: true });
  const { files } = await bundleForBrowser({
    entryPoints: {
      main: join(ROOT, "playground/src/main.ts"),
      worker: join(ROOT, "playground/src/worker.ts"),
    },
    outdir: out,
    write: true,
    alias: { tbptt: join(ROOT, "src/index.ts") },
  });
  for (const name of ["index.html", "style.css"])
    copyFileSync(join(ROOT, "playground", name), join(out, name));
  const docs = [
    "README.md",
    "docs/schedule.md",
    "docs/training.md",
    "docs/text.md",
    "docs/memory-tasks.md",
    "docs/gradient.md",
  ].map((f) => readFileSync(join(ROOT, f), "utf8"));
  writeFileSync(join(out, "default-text.txt"), docs.map(proseOf).join("\n"));
  for (const name of readdirSync(join(ROOT, "docs")))
    if (name.endsWith(".md") || name.endsWith(".svg"))
      copyFileSync(join(ROOT, "docs", name), join(out, "docs", name));
  const splits = loadSpeechSplits(join(ROOT, "data/synth-timit-small"), {
    coreTest: false,
    validSpeakers: 1,
    cache: join(ROOT, ".cache", "tbptt-features"),
  });
  writeFileSync(
    join(out, "speech-train.bin"),
    encodeLabelledSet(speechSet(splits.train.slice(0, SPEECH_TRAIN), "speech-train.bin")),
  );
  writeFileSync(
    join(out, "speech-valid.bin"),
    encodeLabelledSet(speechSet(splits.valid, "speech-valid.bin")),
  );
  const listed = (dir: string, prefix = ""): { name: string; bytes: number; gzip: number }[] =>
    readdirSync(join(out, dir), { withFileTypes: true }).flatMap((entry) => {
      const name = join(prefix, entry.name);
      if (entry.isDirectory()) return name === "docs" ? [] : listed(join(dir, entry.name), name);
      const contents = readFileSync(join(out, dir, entry.name));
      return [{ name, bytes: contents.length, gzip: gzipSync(contents, { level: 9 }).length }];
    });
  return { out, files: listed("."), weight: pageWeight(files as BundledFile[]) };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const at = process.argv.indexOf("--out");
  const build = await buildPlayground(at > 0 ? resolve(process.argv[at + 1] as string) : undefined);
  for (const f of build.files)
    console.log(
      `${f.name.padEnd(40)} ${String(f.bytes).padStart(9)} B  ${String(f.gzip).padStart(8)} B gzip`,
    );
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(
    `built ${build.out}: ${kb(build.weight.code)} gzip of code (all chunks) + ${kb(build.weight.variant)} gzip for the one kernel binary a browser loads`,
  );
}
