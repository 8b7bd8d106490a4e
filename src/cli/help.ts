/**
 * Help texts' pointers to the docs: the docs ship inside the package, so a help text
 * names the installed file, readable offline wherever tbptt is installed.
 */
import { docPath } from "../io/package-files.js";

/** "Docs: /…/tbptt/docs/a.md, /…/tbptt/docs/b.md" for the given doc file names. */
export function docsLine(...names: string[]): string {
  return `Docs: ${names.map((n) => docPath(n)).join(", ")}`;
}
