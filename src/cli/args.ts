/**
 * Command-line options for every command: node:util's parseArgs, with two changes.
 * A negative number is a value (`--temperature -2`, `--k1 -1`): parseArgs alone takes
 * it for an option and refuses. And every problem is a UsageError (exit status 2)
 * whose message ends with the command's usage.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../core/errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

const NEGATIVE_NUMBER = /^-(\d|\.\d|Infinity$)/;

/** `--name -2` → `--name=-2` for string options, so a negative number reaches the option. */
export function joinNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : null;
    const short =
      name === null && /^-[A-Za-z]$/.test(arg)
        ? Object.keys(options).find((k) => options[k]?.short === arg.slice(1))
        : undefined;
    const key = name ?? short;
    if (
      key !== undefined &&
      options[key]?.type === "string" &&
      next !== undefined &&
      NEGATIVE_NUMBER.test(next)
    ) {
      out.push(`--${key}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** node:util's parseArgs (strict by default) with negative numbers as values; its errors become UsageErrors. */
export function parseOptions<C extends ParseArgsConfig & { args: string[]; options: Options }>(
  config: C,
  usage: string,
  /** Starts the message, e.g. "tbptt corpus synth". */
  what?: string,
): ReturnType<typeof parseArgs<C>> {
  try {
    return parseArgs({ ...config, args: joinNegativeValues(config.args, config.options) }) as ReturnType<
      typeof parseArgs<C>
    >;
  } catch (e) {
    throw new UsageError(`${what ? `${what}: ` : ""}${(e as Error).message}\n\n${usage}`);
  }
}
