/**
 * A fingerprint of a run's training data (Node-only), so that resuming with data that
 * changed since the checkpoint is refused, naming what changed. Each data key
 * (data.train, data.valid) is a file or a folder; a folder's files (hidden ones skipped,
 * symbolic links followed, as the readers do) are listed by their path inside it, each
 * with its size and the SHA-256 of its bytes. The key's digest is the SHA-256 of that
 * listing, so moving or copying the data elsewhere keeps it, while any changed, added or
 * removed file changes it. For speech, the corpus's TEST folder is left out: training
 * never reads it.
 *
 * The checkpoint holds the digests (metadata "tbptt.data"); the run folder's data.json
 * holds the listing, so the error can name the files, and lets a resume skip re-reading
 * a file whose size and modification time are unchanged.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { TbpttError } from "../core/errors.js";

export interface FileStamp {
  size: number;
  mtimeMs: number;
  sha256: string;
}

/** Per data key, per file (its path inside the key's folder; "" for a single file). */
export type DataListing = Record<string, Record<string, FileStamp>>;

/** Per data key, the digest of its listing. */
export type DataFingerprint = Record<string, string>;

/** What a run's data is made of, by config key. */
export interface DataSource {
  key: string;
  /** A file or folder; or a spec that is not a path ("synthetic:…"): then the spec is the data. */
  path: string;
  /** Leave out a folder named TEST (any case) at the top, or under a TIMIT folder. */
  skipTest?: boolean;
}

const isSpec = (path: string) => /^[a-z][a-z0-9+.-]+:/i.test(path) && !/^[a-z]:[\\/]/i.test(path);

/** The data sources a config trains on. */
export function dataSources(config: {
  task: string;
  data: { train: string; valid?: string | undefined };
}): DataSource[] {
  const out: DataSource[] = [
    { key: "data.train", path: config.data.train, skipTest: config.task === "speech" },
  ];
  // An empty path is no validation file, as the readers take it.
  if (config.data.valid) out.push({ key: "data.valid", path: config.data.valid });
  return out;
}

function hashFile(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** The files under `root` (recursively, links followed, hidden names skipped), by relative path. */
function filesUnder(root: string, skipTest: boolean): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (dir: string, rel: string, depth: number) => {
    const real = realpathSync(dir);
    if (seen.has(real)) return; // a link back up the tree
    seen.add(real);
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      let st: ReturnType<typeof statSync>;
      try {
        st = statSync(path);
      } catch {
        continue; // a dangling link: the readers skip it too
      }
      if (st.isDirectory()) {
        const underTimit = depth === 1 && /^timit$/i.test(rel);
        if (skipTest && (depth === 0 || underTimit) && /^test$/i.test(name)) continue;
        walk(path, relPath, depth + 1);
      } else if (st.isFile()) out.push(relPath);
    }
  };
  walk(root, "", 0);
  return out;
}

/**
 * Lists the data of `sources`, hashing each file; a file whose size and modification
 * time match `previous` (the run's data.json) keeps its recorded hash unread.
 */
export function listData(sources: readonly DataSource[], previous: DataListing | null = null): DataListing {
  const listing: DataListing = {};
  for (const source of sources) {
    const files: Record<string, FileStamp> = {};
    listing[source.key] = files;
    if (isSpec(source.path)) {
      files[""] = {
        size: source.path.length,
        mtimeMs: 0,
        sha256: createHash("sha256").update(source.path).digest("hex"),
      };
      continue;
    }
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(source.path);
    } catch (e) {
      throw new TbpttError(`${source.key}: cannot read ${source.path}: ${(e as Error).message}`);
    }
    const names = st.isDirectory() ? filesUnder(source.path, source.skipTest ?? false) : [""];
    const known = previous?.[source.key] ?? {};
    for (const name of names) {
      const path = name === "" ? source.path : join(source.path, name);
      const fst = statSync(path);
      const old = known[name];
      const same = old !== undefined && old.size === fst.size && old.mtimeMs === fst.mtimeMs;
      files[name] = { size: fst.size, mtimeMs: fst.mtimeMs, sha256: same ? old.sha256 : hashFile(path) };
    }
  }
  return listing;
}

/** The digest of each key's listing (names, sizes and hashes; never times). */
export function fingerprintOf(listing: DataListing): DataFingerprint {
  const out: DataFingerprint = {};
  for (const [key, files] of Object.entries(listing)) {
    const lines = Object.keys(files)
      .sort()
      .map((name) => `${name}\t${files[name]?.size}\t${files[name]?.sha256}`);
    out[key] = createHash("sha256").update(lines.join("\n")).digest("hex");
  }
  return out;
}

/**
 * What differs between the data a run was checkpointed with and the data now, one line
 * per key (and per file where the run's listing is at hand); empty when nothing does.
 */
export function dataChanges(
  run: DataFingerprint,
  runListing: DataListing | null,
  now: DataListing,
  paths: Record<string, string>,
): string[] {
  const nowPrint = fingerprintOf(now);
  const lines: string[] = [];
  for (const key of [...new Set([...Object.keys(run), ...Object.keys(nowPrint)])]) {
    if (run[key] === nowPrint[key]) continue;
    const where = paths[key] ?? "";
    if (run[key] === undefined) {
      lines.push(`${key} (${where}): the run was trained without it`);
      continue;
    }
    if (nowPrint[key] === undefined) {
      lines.push(`${key}: the run was trained with it, now it is not given`);
      continue;
    }
    const before = runListing?.[key];
    const after = now[key] ?? {};
    if (!before || fingerprintOf({ [key]: before })[key] !== run[key]) {
      lines.push(`${key} (${where}): its contents differ from the checkpoint's`);
      continue;
    }
    const name = (f: string) => (f === "" ? where : join(where, f));
    const changed = Object.keys(after).filter((f) => before[f] && before[f].sha256 !== after[f]?.sha256);
    const added = Object.keys(after).filter((f) => !before[f]);
    const removed = Object.keys(before).filter((f) => !after[f]);
    const show = (label: string, files: string[]) =>
      files.length === 0
        ? []
        : [
            `${label} ${files.length}: ${files.slice(0, 5).map(name).join(", ")}${files.length > 5 ? ", …" : ""}`,
          ];
    lines.push(
      `${key}: ${[...show("changed", changed), ...show("added", added), ...show("removed", removed)].join("; ")}`,
    );
  }
  return lines;
}
