// Running the tbptt command line from the sources, as a user would run the installed bin.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..");
const MAIN = join(ROOT, "src", "cli", "main.ts");
/** tsx resolved from here, so the CLI runs from any working directory. */
const TSX = import.meta.resolve("tsx");

export function runCli(
  args: string[],
  cwd = ROOT,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function startCli(args: string[], cwd = ROOT): ChildProcess {
  return spawn(process.execPath, ["--import", TSX, MAIN, ...args], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
}
