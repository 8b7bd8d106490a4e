// The command line's option parser: negative numbers are values, errors are usage errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { joinNegativeValues, parseOptions } from "../../src/cli/args.js";
import { UsageError } from "../../src/core/errors.js";

const options = {
  k1: { type: "string" },
  length: { type: "string", short: "T" },
  json: { type: "boolean" },
} as const;

test("a negative number after a string option is its value; other dashes stay options", () => {
  assert.deepEqual(joinNegativeValues(["--k1", "-2", "-T", "-.5", "--json"], options), [
    "--k1=-2",
    "--length=-.5",
    "--json",
  ]);
  assert.deepEqual(joinNegativeValues(["--k1", "--json"], options), ["--k1", "--json"]);
  assert.deepEqual(joinNegativeValues(["--json", "-2"], options), ["--json", "-2"]);
  const { values } = parseOptions({ args: ["--k1", "-Infinity", "--length", "-3"], options }, "usage");
  assert.deepEqual({ ...values }, { k1: "-Infinity", length: "-3" });
});

test("parse errors are UsageErrors that end with the usage", () => {
  assert.throws(
    () => parseOptions({ args: ["--nope"], options }, "Usage: x", "tbptt x"),
    (e: Error) =>
      e instanceof UsageError &&
      /^tbptt x: Unknown option '--nope'/.test(e.message) &&
      e.message.endsWith("Usage: x"),
  );
});
