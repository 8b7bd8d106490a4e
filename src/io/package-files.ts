/**
 * What ships inside the tbptt package (Node-only): the package root, its version, the
 * bundled recipes (usable by name: "speech/quickstart" is recipes/speech/quickstart.json)
 * and the docs. Paths are found from this module's location, two folders below the root
 * in src/io and dist/io alike, so they work from a checkout and from node_modules.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root (the folder of package.json). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The bundled recipes folder. */
export const RECIPES_DIR = join(PACKAGE_ROOT, "recipes");

/** The package's version (package.json). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

/** A bundled doc's path, e.g. docPath("config.md"): shipped in the package, readable offline. */
export function docPath(name: string): string {
  return join(PACKAGE_ROOT, "docs", name);
}

/** One bundled recipe: its name (folder/file without .json), path and description. */
export interface RecipeInfo {
  name: string;
  path: string;
  description: string;
}

/** Every bundled recipe, sorted by name. */
export function listRecipes(): RecipeInfo[] {
  const out: RecipeInfo[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".json")) {
        let description = "";
        try {
          description =
            (JSON.parse(readFileSync(path, "utf8")) as { description?: string }).description ?? "";
        } catch {
          description = "(not valid JSON)";
        }
        const name = relative(RECIPES_DIR, path).slice(0, -".json".length).split(sep).join("/");
        out.push({ name, path, description });
      }
    }
  };
  if (existsSync(RECIPES_DIR)) walk(RECIPES_DIR);
  return out;
}

/**
 * The config file for what a user typed: an existing file as is, else a bundled recipe
 * by name ("speech/quickstart", with or without .json); null when it is neither.
 */
export function findConfigFile(nameOrPath: string): string | null {
  if (existsSync(nameOrPath) && statSync(nameOrPath).isFile()) return nameOrPath;
  if (/^[\w.-]+(\/[\w.-]+)*$/.test(nameOrPath)) {
    const name = nameOrPath.replace(/^recipes\//, "").replace(/\.json$/, "");
    const path = join(RECIPES_DIR, `${name}.json`);
    if (existsSync(path)) return path;
  }
  return null;
}
