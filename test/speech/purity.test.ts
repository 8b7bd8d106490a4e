/**
 * The speech task's modules must bundle for a browser: none of them (nor
 * anything they import) may import a `node:` module. Checked on the sources.
 * (Within the folder here; imports of other folders by test/architecture.)
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("../../src/tasks/speech/", import.meta.url));
const pure = [
  "analysis",
  "audio",
  "cepstrum",
  "context",
  "deltas",
  "fbank",
  "frames",
  "index",
  "mel",
  "mfcc",
  "normalise",
  "phn",
  "phones",
  "preemphasis",
  "spectrum",
  "task",
  "window",
];

describe("speech modules are pure", () => {
  for (const name of pure)
    it(`${name}.ts imports nothing from node: and only pure neighbours`, () => {
      const src = readFileSync(join(dir, `${name}.ts`), "utf8");
      const imports = [...src.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
      for (const spec of imports) {
        assert.ok(!spec.startsWith("node:"), `${name}.ts imports ${spec}`);
        if (spec.startsWith("./"))
          assert.ok(pure.includes(spec.slice(2).replace(/\.js$/, "")), `${name}.ts imports ${spec}`);
        // Modules of other folders (the engine, the trainer's types) are held to the same rule by
        // test/architecture, which follows every import from the library entry.
        else if (!spec.startsWith("../"))
          assert.equal(spec, "fft.js", `${name}.ts imports the package ${spec}`);
      }
    });
  it("lists every module of the folder", () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.slice(0, -3));
    assert.deepEqual(files.sort(), [...pure].sort());
  });
});
