/**
 * `tbptt schedule`: what a TBPTT(k1, k2) schedule does to one sequence of T steps —
 * when it back-propagates, how far, and when it updates — before any training
 * (docs/schedule.md). The CLI parses, calls the explainer (src/engine/explain.ts)
 * and prints; `--svg` writes the picture atomically (src/io/atomic-write.ts).
 * Exit status 2 for a bad option or schedule, with the schedule's own message.
 */
import { UsageError } from "../core/errors.js";
import { explainSchedule, MAX_EXPLAIN_LENGTH, tooLongMessage } from "../engine/explain.js";
import { renderSvg } from "../engine/render-svg.js";
import { renderTimeline, renderTotals } from "../engine/render-timeline.js";
import { makeSchedule, parseReset, stepsFromText } from "../engine/schedule.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { parseOptions } from "./args.js";
import { docsLine } from "./help.js";

export const SCHEDULE_USAGE = `Usage: tbptt schedule --k1 K1 --k2 K2 --length T [options]

Explain a TBPTT(k1, k2) schedule on one sequence of T steps: one timeline row per
update (the steps its backward pass covers), then the totals.

Options:
  --k1 K1              update every K1 forward steps; Infinity (or inf): once per sequence (default Infinity)
  --k2 K2              back-propagate K2 steps; Infinity (or inf): back to the last reset (default Infinity)
  --length T           the sequence's length in steps (required)
  --truncation NAME    window (default; needs k2 ≥ k1) or per-loss (each loss back k2 steps)
  --reset POLICY       sequence (default), never, or every:N
  --output-update WHEN k1 (default: the output layer changes at each update) or step (after every step, as rnnlm)
  --json               print only the totals, as one JSON object
  --svg FILE           also write the timeline as an SVG picture to FILE
  --width N            most timeline columns; longer sequences are bucketed (default 120)
  --rows N             most timeline rows; the middle ones are elided (default 40; 0 = all)
  -h, --help           this text

${docsLine("schedule.md")}
`;

/** Where the command writes; the default is the process's streams. */
export interface ScheduleIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: ScheduleIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** renderSvg's default row limit. */
const SVG_ROWS = 100;

function integerOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) {
    throw new UsageError(`--${name}: expected an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/**
 * Runs `tbptt schedule` with `argv` (the arguments after "schedule"). Sets
 * process.exitCode = 2 after printing the message of a bad option or schedule
 * (1 when the SVG cannot be written); never throws.
 */
export async function scheduleCommand(argv: string[], io: ScheduleIo = processIo): Promise<void> {
  try {
    await run(argv, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`tbptt schedule: ${message}\n`);
    // 2: the command line or the schedule is wrong; 1: anything else (e.g. the SVG file cannot be written).
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}

async function run(argv: string[], io: ScheduleIo): Promise<void> {
  const { values } = parseOptions(
    {
      args: argv,
      options: {
        k1: { type: "string" },
        k2: { type: "string" },
        length: { type: "string", short: "T" },
        truncation: { type: "string" },
        reset: { type: "string" },
        "output-update": { type: "string" },
        json: { type: "boolean", default: false },
        svg: { type: "string" },
        width: { type: "string" },
        rows: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    },
    SCHEDULE_USAGE,
  );
  if (values.help) {
    io.stdout(SCHEDULE_USAGE);
    return;
  }
  const str = (key: keyof typeof values) => values[key] as string | undefined;
  if (str("length") === undefined) throw new UsageError(`--length T is required\n\n${SCHEDULE_USAGE}`);
  const length = integerOption("length", str("length"), 0, 1);
  if (length > MAX_EXPLAIN_LENGTH) throw new UsageError(`--${tooLongMessage(length)}`);
  const partial: Record<string, unknown> = {};
  if (str("k1") !== undefined) partial.k1 = stepsFromText(str("k1") as string);
  if (str("k2") !== undefined) partial.k2 = stepsFromText(str("k2") as string);
  if (str("truncation") !== undefined) partial.truncation = str("truncation");
  if (str("output-update") !== undefined) partial.outputUpdate = str("output-update");
  let schedule: ReturnType<typeof makeSchedule>;
  try {
    if (str("reset") !== undefined) partial.reset = parseReset(str("reset") as string);
    schedule = makeSchedule(partial);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const width = integerOption("width", str("width"), 120, 10);
  const rows = integerOption("rows", str("rows"), 40, 0);
  // Keep only the rows that can be drawn (the text's and the SVG's), so a very long
  // sequence costs no memory per update; the totals count them all.
  const maxRows = rows === 0 ? undefined : Math.max(rows, SVG_ROWS);
  const explanation = explainSchedule(schedule, length, { maxRows });
  if (values.json) io.stdout(`${JSON.stringify(explanation.totals)}\n`);
  else io.stdout(`${renderTimeline(explanation, { width, rows })}\n${renderTotals(explanation)}`);
  const svgPath = str("svg");
  if (svgPath !== undefined) {
    if (svgPath === "") throw new UsageError("--svg: expected a file name");
    try {
      await writeFileAtomic(svgPath, new TextEncoder().encode(renderSvg(explanation)));
    } catch (error) {
      throw new Error(`--svg: cannot write ${svgPath}: ${(error as Error).message}`);
    }
    io.stderr(`wrote ${svgPath}\n`);
  }
}
