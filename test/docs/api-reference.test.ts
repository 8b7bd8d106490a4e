// The API reference (TypeDoc over the two entry points, typedoc.json) builds with every
// export documented: an undocumented export, a type the docs reference but the package
// does not export, or a broken {@link} fails it. A control run shows the same settings
// refuse an undocumented export.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT } from "../helpers/cli.js";

const TYPEDOC = join(ROOT, "node_modules", "typedoc", "bin", "typedoc");

function typedoc(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, [TYPEDOC, "--emit", "none", "--skipErrorChecking", ...args], {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
  });
}

test("the API reference builds with no undocumented export (npm run docs:api)", () => {
  const run = typedoc(ROOT);
  const output = `${run.stdout}${run.stderr}`;
  // Each new export needs a /** … */ comment, and each type it takes or returns an export:
  // `npx typedoc --emit none` lists what is missing.
  assert.equal(run.status, 0, output);
  assert.doesNotMatch(output, /warning|error/i, output);
});

test("the same settings fail on an undocumented export", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-typedoc-"));
  writeFileSync(
    join(dir, "a.ts"),
    "/** Documented. */\nexport const a = 1;\nexport function b(): number {\n  return 2;\n}\n",
  );
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "nodenext", target: "es2022", strict: true },
      include: ["*.ts"],
    }),
  );
  writeFileSync(
    join(dir, "typedoc.json"),
    JSON.stringify({
      extends: [join(ROOT, "typedoc.json")],
      entryPoints: ["a.ts"],
      tsconfig: "tsconfig.json",
    }),
  );
  const run = typedoc(dir);
  assert.notEqual(run.status, 0);
  assert.match(`${run.stdout}${run.stderr}`, /b \(CallSignature\).*does not have any documentation/);
});
