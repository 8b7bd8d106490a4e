/**
 * Starting and resuming a run in its folder (Node-only), the checks in between:
 *   start   list and fingerprint the data (data.json; the checkpoint metadata tbptt.data)
 *   resume  the configuration against the run's own config.json (keys that differ are
 *           named with both values; only RESUME_CHANGEABLE keys may), the data against
 *           the checkpoint's fingerprint (changed, added, removed files named), and the
 *           checkpoint read once, for the trainer to restore (checkpoint-codec.ts and
 *           checkpoint-check.ts check the rest).
 */
import { existsSync, readFileSync } from "node:fs";
import { TbpttError } from "../core/errors.js";
import type { TrainConfig } from "../train/config.js";
import { type ConfigDifference, checkResumeConfig } from "../train/config-diff.js";
import { readSafetensorsFileSync, writeFileAtomicSync } from "./atomic-write.js";
import { readConfigFile } from "./config-file.js";
import { type DataListing, dataChanges, dataSources, fingerprintOf, listData } from "./data-fingerprint.js";
import type { RunFolderPaths } from "./run-folder.js";
import type { DecodedSafetensors } from "./safetensors-types.js";

/** The checkpoint metadata key of the data fingerprint. */
export const DATA_METADATA_KEY = "tbptt.data";

function readListing(path: string): DataListing | null {
  if (!existsSync(path)) return null;
  try {
    const value = JSON.parse(readFileSync(path, "utf8")) as { files?: DataListing };
    return value.files && typeof value.files === "object" ? value.files : null;
  } catch {
    return null; // only a cache of hashes and a source of file names: unreadable is as absent
  }
}

export interface RunData {
  listing: DataListing;
  /** Metadata for every checkpoint of the run (the data's fingerprint). */
  checkpointMetadata: Record<string, string>;
  /** Writes data.json (the listing). */
  save(): void;
}

function runData(paths: RunFolderPaths, listing: DataListing): RunData {
  return {
    listing,
    checkpointMetadata: { [DATA_METADATA_KEY]: JSON.stringify(fingerprintOf(listing)) },
    save() {
      const text = JSON.stringify({ format: "tbptt-data", version: 1, files: listing }, null, 1);
      writeFileAtomicSync(paths.data, new TextEncoder().encode(`${text}\n`));
    },
  };
}

/** The data of a new run: listed and hashed. */
export function startRunData(paths: RunFolderPaths, config: TrainConfig): RunData {
  return runData(paths, listData(dataSources(config)));
}

export interface Resume {
  /** The checkpoint, read once. */
  checkpoint: DecodedSafetensors;
  /** Keys changed on resume (allowed ones), with both values. */
  changes: ConfigDifference[];
  data: RunData;
}

/**
 * Checks that the run in `paths` can continue with `config`: throws a TbpttError naming
 * every configuration key that differs and may not, and every data file that changed.
 */
export function prepareResume(paths: RunFolderPaths, config: TrainConfig): Resume {
  const runConfig = readConfigFile(paths.config).config;
  const changes = checkResumeConfig(runConfig, config, paths.config);
  const checkpoint = readSafetensorsFileSync(paths.checkpoint);
  const previous = readListing(paths.data);
  const listing = listData(dataSources(config), previous);
  const savedText = checkpoint.metadata[DATA_METADATA_KEY];
  if (savedText !== undefined) {
    let saved: Record<string, string>;
    try {
      saved = JSON.parse(savedText) as Record<string, string>;
    } catch {
      throw new TbpttError(`${paths.checkpoint}: metadata ${DATA_METADATA_KEY} is not JSON`);
    }
    const where = Object.fromEntries(dataSources(config).map((s) => [s.key, s.path]));
    const lines = dataChanges(saved, previous, listing, where);
    if (lines.length > 0) {
      throw new TbpttError(
        `${paths.checkpoint}: the training data changed since this checkpoint was taken:\n  ${lines.join("\n  ")}\n` +
          "A resumed run would not continue the same training. Restore the data, or start a new run (--overwrite, or another --out).",
      );
    }
  }
  return { checkpoint, changes, data: runData(paths, listing) };
}
