/**
 * `tbptt recipes`: the recipes that ship with tbptt, by name (what `tbptt train NAME`
 * takes), each with the start of its description.
 */
import { UsageError } from "../core/errors.js";
import { listRecipes, RECIPES_DIR } from "../io/package-files.js";
import { docsLine } from "./help.js";

export const RECIPES_USAGE = `Usage: tbptt recipes [--json]

Lists the bundled recipes (in ${RECIPES_DIR}); run one with tbptt train NAME, e.g.
tbptt train speech/quickstart, and override any key: --epochs 3.

  --json   one JSON object per line: {"name", "path", "description"}

${docsLine("config.md")}`;

/** The description shortened to `width` characters at a word boundary, for a one-line listing. */
function shorten(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= width) return flat;
  const cut = flat.slice(0, width - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(" "), width / 2)).replace(/[,;:(]+$/, "")}…`;
}

export async function recipesCommand(argv: string[]): Promise<void> {
  const unknown = argv.filter((a) => a !== "--json");
  if (unknown.length > 0)
    throw new UsageError(`recipes: unexpected ${JSON.stringify(unknown[0])}\n\n${RECIPES_USAGE}`);
  const recipes = listRecipes();
  if (argv.includes("--json")) {
    for (const r of recipes) console.log(JSON.stringify(r));
    return;
  }
  const width = Math.max(...recipes.map((r) => r.name.length)) + 2;
  for (const r of recipes) console.log(`${r.name.padEnd(width)}${shorten(r.description, 100 - width)}`);
}
