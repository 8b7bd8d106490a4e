/**
 * Reading text corpora from disk (Node-only; the rest of src/tasks/text is pure).
 * A path is one file, or a folder whose files (recursively, hidden ones skipped) are
 * read in sorted path order and concatenated, as if one text.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { buildCorpus, type TextCorpus, type TextSource } from "../tasks/text/corpus.js";
import type { TextUnit } from "../tasks/text/units.js";
import type { Vocabulary } from "../tasks/text/vocabulary.js";

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(path)));
    else if (e.isFile()) out.push(path);
  }
  return out;
}

/** The files under `path` (or the file itself) with their bytes; errors name the path. */
export async function readTextSources(path: string, what = "data.train"): Promise<TextSource[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(
      `${what}: cannot read ${path}${code === "ENOENT" ? ": no such file or folder" : `: ${code}`}`,
    );
  }
  if (info.isFile()) return [{ name: path, bytes: new Uint8Array(await readFile(path)) }];
  if (!info.isDirectory()) throw new Error(`${what}: ${path} is neither a file nor a folder`);
  const files = await listFiles(path);
  if (files.length === 0) throw new Error(`${what}: the folder ${path} holds no files`);
  return Promise.all(
    files.map(async (f) => ({
      name: join(path, relative(path, f)),
      bytes: new Uint8Array(await readFile(f)),
    })),
  );
}

export interface TextDataOptions {
  /** A file or folder of training text. */
  train: string;
  /** An optional separate validation file or folder. */
  valid?: string;
  unit: TextUnit;
  /** Fraction held out from the end of the training text (char-rnn: 0.05); must be 0 with `valid`. */
  validFraction: number;
  /** Encode with a trained model's vocabulary instead of building one. */
  vocabulary?: Vocabulary;
}

/** Reads, checks and encodes a text corpus (see buildCorpus). */
export async function loadTextCorpus(options: TextDataOptions): Promise<TextCorpus> {
  const train = await readTextSources(options.train, "data.train");
  const valid = options.valid ? await readTextSources(options.valid, "data.valid") : undefined;
  return buildCorpus(train, {
    unit: options.unit,
    validFraction: options.validFraction,
    ...(valid ? { valid } : {}),
    ...(options.vocabulary ? { vocabulary: options.vocabulary } : {}),
  });
}
