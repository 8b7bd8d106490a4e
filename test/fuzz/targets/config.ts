// Fuzz targets of the training configuration: a config file's text (the bundled recipes,
// mutated), and the command line of `tbptt train` (options, --KEY.PATH VALUE overrides,
// --unset) applied to a recipe, as readConfigFile does after reading the file.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parseTrainArgs } from "../../../src/cli/train.js";
import { configFromText } from "../../../src/io/config-file.js";
import { jsonFieldChange, type Mutation } from "../mutate.js";
import type { FuzzTarget } from "../target.js";

const CONFIG = "fuzz/config.json";

const RECIPES = [
  "recipes/speech/quickstart.json",
  "recipes/text/char-rnn.json",
  "recipes/memory/latch.json",
  "recipes/examples/oscillators.json",
];
const recipes = RECIPES.map((path) => readFileSync(path));

export const configTarget: FuzzTarget = {
  name: "config",
  title: "configFromText (a config file: JSON, then parseConfig)",
  sources: [CONFIG],
  seeds: recipes,
  fields: [jsonFieldChange],
  run: (bytes) => configFromText(new TextDecoder().decode(bytes), CONFIG),
};

/** argv as the input's lines, one argument a line. */
const argvOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes).split("\n");
const lines = (argv: readonly string[]) => new TextEncoder().encode(argv.join("\n"));

/** Config keys at every depth, misspelt and empty ones, and paths through non-objects. */
const KEYS = [
  "epochs",
  "streams",
  "seed",
  "model.hiddenSize",
  "model.cell",
  "model.output.kind",
  "model.init.range",
  "schedule.k1",
  "schedule.reset",
  "schedule.reset.every",
  "optimizer.lr",
  "optimizer.type",
  "data.train",
  "data.valid",
  "data.unit",
  "earlyStopping.patience",
  "validateEvery.epochs",
  "lrSchedule.type",
  "out",
  "init",
  "epochs.x",
  "data.train.path",
  "modle.hiddenSize",
  "",
  ".",
  "a..b",
  "__proto__.x",
  "__proto__",
  "constructor.prototype.x",
  "model.__proto__.hiddenSize",
  "toString",
];

/** A command-line option added: an override (as two words or KEY=VALUE), --unset, or a flag. */
const addOption: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.nat(),
    fc.constantFrom(...KEYS),
    fc.oneof(
      fc.constantFrom(
        "3",
        "-1",
        "0",
        "1e9",
        "true",
        "null",
        "{}",
        "[]",
        '"x"',
        "Infinity",
        "inf",
        "every:2",
        "",
      ),
      fc.string({ maxLength: 12 }),
    ),
    fc.constantFrom("pair", "equals", "unset", "flag"),
  )
  .map(
    ([n, key, value, form]): Mutation =>
      (bytes) => {
        const argv = argvOf(bytes);
        const added =
          form === "pair"
            ? [`--${key}`, value]
            : form === "equals"
              ? [`--${key}=${value}`]
              : form === "unset"
                ? ["--unset", key]
                : [
                    ["--resume", "--overwrite", "--quiet", "--skip-bad", "--unset", "--", "-x"][
                      n % 7
                    ] as string,
                  ];
        argv.splice(n % (argv.length + 1), 0, ...added);
        return lines(argv);
      },
  );

export const cliTarget: FuzzTarget = {
  name: "cli",
  title: "parseTrainArgs (tbptt train's command line) then configFromText with its overrides",
  sources: [CONFIG],
  // A usage error names the config, or one of the arguments given, or says CONFIG.json is missing.
  names: (message, input) =>
    message.includes(CONFIG) ||
    message.includes("CONFIG.json") ||
    argvOf(input)
      .flatMap((arg) => [arg, arg.split("=")[0] as string])
      .some((arg) => arg.length > 1 && message.includes(arg)),
  seeds: [
    lines([CONFIG, "--epochs", "3", "--model.hiddenSize", "8", "--unset", "data.valid", "--schedule.k1=5"]),
    lines([CONFIG, "--resume", "--quiet", "--skip-bad", "--optimizer.lr", "0.1"]),
    lines([CONFIG]),
  ],
  fields: [addOption],
  run: (bytes) => {
    const args = parseTrainArgs(argvOf(bytes));
    return configFromText(recipes[0]?.toString() ?? "", CONFIG, args.overrides);
  },
};
