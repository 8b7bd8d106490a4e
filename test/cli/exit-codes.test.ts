// Exit codes: every command listed by `tbptt --help` exits 2 on a command-line error and
// prints a message without a stack; failures (a missing file) exit 1; success 0.
// New commands are covered as soon as they are listed in the usage.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "../helpers/cli.js";

/** The commands of `tbptt --help`: the lower-case words that start each line under "Commands:". */
function listedCommands(help: string): string[][] {
  const section = help.split(/^Commands:$/m)[1]?.split(/^\S/m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => /^ {2}[a-z]/.test(line))
    .map((line) =>
      (line.trim().split(/ {2,}/)[0] as string).split(" ").filter((w) => /^[a-z][a-z-]*$/.test(w)),
    );
}

function assertClean(r: { stderr: string }, what: string): void {
  assert.match(r.stderr, /^tbptt/m, `${what}: no message`);
  assert.doesNotMatch(
    r.stderr,
    /internal error|^\s+at /m,
    `${what}: a stack or an internal error\n${r.stderr}`,
  );
}

test("tbptt --help exits 0 and an unknown command exits 2", () => {
  const help = runCli(["--help"]);
  assert.equal(help.status, 0);
  assert.ok(listedCommands(help.stdout).length >= 7, help.stdout);
  const unknown = runCli(["no-such-command"]);
  assert.equal(unknown.status, 2);
  assertClean(unknown, "unknown command");
});

test("every listed command exits 2 on an unknown option, with a message and no stack", () => {
  const commands = listedCommands(runCli(["--help"]).stdout);
  for (const command of commands) {
    const r = runCli([...command, "--no-such-option"]);
    assert.equal(r.status, 2, `tbptt ${command.join(" ")} --no-such-option: status ${r.status}\n${r.stderr}`);
    assertClean(r, command.join(" "));
  }
});

test("bad option values exit 2; a missing or bad file exits 1; both with a message and no stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "tbptt-exit-"));
  const config = join(dir, "c.json");
  writeFileSync(config, JSON.stringify({ data: { train: join(dir, "none.jsonl") }, out: join(dir, "run") }));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, JSON.stringify({ data: { train: "x" }, epochz: 3 }));
  const cases: [string[], number][] = [
    [["schedule", "--k1", "0", "--length", "5"], 2],
    [["schedule", "--length", "-3"], 2],
    [["sample", "--model", dir, "--temperature", "-2"], 2],
    [["eval", "--model", dir, "--data", "x", "--streams", "0"], 2],
    [["predict", "--model", dir], 2],
    [["train"], 2],
    [["train", config, "--epochs", "0"], 2],
    [["train", config, "--resume", "--overwrite"], 2],
    [["corpus", "synth", "--out", dir, "--speakers", "x"], 2],
    [["corpus", "unknown"], 2],
    [["train", join(dir, "missing.json")], 1],
    [["train", bad], 1],
    [["train", config], 1],
    [["eval", "--model", join(dir, "no-model"), "--data", "x"], 1],
    [["sample", "--model", join(dir, "no-model")], 1],
  ];
  for (const [args, status] of cases) {
    const r = runCli(args);
    assert.equal(r.status, status, `tbptt ${args.join(" ")}: status ${r.status}\n${r.stderr}`);
    assertClean(r, args.join(" "));
  }
  // A negative number is the option's value, judged by the option itself.
  const negative = runCli(["sample", "--model", dir, "--temperature", "-2"]);
  assert.match(negative.stderr, /temperature/);
  assert.doesNotMatch(negative.stderr, /ambiguous/);
});
