/**
 * Reading a training config from disk (Node-only; docs/config.md): a file, or a bundled
 * recipe by name (package-files.ts), with command-line overrides applied, validated.
 * Relative paths inside the file (data.train, data.valid, data.test, data.cache, init)
 * are taken relative to the file's folder, as tsconfig and docker-compose do, so a config
 * works from any working directory and a bundled recipe finds its bundled data. Paths
 * given as overrides on the command line are relative to the working directory, as
 * anything typed in a shell; so is `out`, where runs are written. Specs such as
 * "synthetic:words?…" and "memory:latch?…" are not paths and stay as they are.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { TbpttError, UsageError } from "../core/errors.js";
import { applyOverrides, parseConfig, type TrainConfig } from "../train/config.js";
import { findConfigFile, RECIPES_DIR } from "./package-files.js";

/** The config keys that hold a file or folder path. */
export const PATH_KEYS = ["data.train", "data.valid", "data.test", "data.cache", "init"] as const;

/** True for a value that names a file or folder (not "", not a "scheme:…" spec). */
function isRelativePath(value: unknown): value is string {
  return (
    typeof value === "string" && value !== "" && !/^[a-z][a-z0-9+.-]+:/i.test(value) && !isAbsolute(value)
  );
}

/** Resolves the PATH_KEYS of a raw config against `base`, in place. */
function resolvePaths(raw: Record<string, unknown>, base: string, keys: readonly string[] = PATH_KEYS): void {
  for (const key of keys) {
    const parts = key.split(".");
    let node: unknown = raw;
    for (const part of parts.slice(0, -1))
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    if (typeof node !== "object" || node === null) continue;
    const leaf = parts[parts.length - 1] as string;
    const value = (node as Record<string, unknown>)[leaf];
    if (isRelativePath(value)) (node as Record<string, unknown>)[leaf] = resolve(base, value);
  }
}

/** A config read from disk: the validated config and the file it came from. */
export interface ConfigFile {
  config: TrainConfig;
  /** The file read (a bundled recipe's path when a name was given). */
  path: string;
}

/**
 * Reads `nameOrPath` (a config file, or a bundled recipe's name), applies `overrides`
 * (`[key.path, value]`, values as JSON where they parse; an undefined value removes the
 * key) and validates. Errors name the file and the key.
 */
export function readConfigFile(
  nameOrPath: string,
  overrides: readonly (readonly [string, string | undefined])[] = [],
): ConfigFile {
  const path = findConfigFile(nameOrPath);
  if (path === null)
    throw new TbpttError(
      `${nameOrPath}: no such config file${existsSync(nameOrPath) ? " (it is a folder)" : ""}, nor a bundled recipe (tbptt recipes lists them; they are in ${RECIPES_DIR})`,
    );
  return { config: configFromText(readFileSync(path, "utf8"), path, overrides), path };
}

/**
 * A config from the text of the file at `path` (which names it in errors and anchors its
 * relative paths), with `overrides` applied, validated: what readConfigFile does once the
 * file is read.
 */
export function configFromText(
  text: string,
  path: string,
  overrides: readonly (readonly [string, string | undefined])[] = [],
): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TbpttError(`${path}: invalid JSON: ${(e as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new TbpttError(`${path}: expected a JSON object`);
  const config = raw as Record<string, unknown>;
  resolvePaths(config, dirname(resolve(path)));
  const applied = applyOverrides(config, overrides);
  // Paths typed on the command line are the shell's: relative to the working directory.
  const typed = PATH_KEYS.filter((key) => overrides.some(([k]) => k === key));
  resolvePaths(applied, process.cwd(), typed);
  try {
    return parseConfig(applied, path);
  } catch (e) {
    // A problem the file alone does not have comes from the command line's overrides: a
    // usage error (exit status 2), said so.
    if (overrides.length === 0 || !parses(config)) throw e;
    throw new UsageError(
      (e as Error).message.replace(
        `${path}: invalid configuration`,
        `${path} with the command line's --KEY VALUE overrides: invalid configuration`,
      ),
    );
  }
}

function parses(raw: unknown): boolean {
  try {
    parseConfig(raw);
    return true;
  } catch {
    return false;
  }
}
