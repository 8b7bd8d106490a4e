#!/usr/bin/env node
/**
 * The tbptt command line: parses the command and hands over. Each command lives in
 * its own module, loaded only when used.
 */
const USAGE = `tbptt — train recurrent networks with truncated backpropagation through time

Usage: tbptt COMMAND [options]

Commands:
  quickstart            train a small LSTM on the bundled corpus and evaluate it
  train CONFIG|RECIPE   train as a config file or a bundled recipe says (--resume, --quiet, --KEY.PATH VALUE)
  recipes               list the bundled recipes (tbptt train speech/quickstart runs one)
  eval                  evaluate a trained model on labelled data
  predict               predictions (classes and probabilities, or values) as JSON Lines
  schedule              explain what a TBPTT(k1, k2) schedule does, before training
  gradient CONFIG|RUN   how far back the gradient reaches; which k2 is enough (truncation bias)
  sample                generate text from a character model
  corpus synth          make a TIMIT-layout corpus with Festival
  compare CONFIG.json   train under several schedules for the same budget, side by side
  summary CONFIG|RECIPE the model a config builds: layers, parameters, backend, memory
  plot RUN_FOLDER...    training and validation curves of runs, overlaid, as SVG

Run tbptt COMMAND --help for a command's options; tbptt --version prints the version.
Exit status: 0 done, 1 failed (the message names the file, line or key), 2 a command-line error.`;

/** Each command's help text, loaded only when asked for (tbptt COMMAND --help). */
const HELP: Record<string, () => Promise<string>> = {
  train: async () => (await import("./train.js")).TRAIN_USAGE,
  quickstart: async () => (await import("./quickstart.js")).QUICKSTART_USAGE,
  eval: async () => (await import("./evaluate.js")).EVAL_USAGE,
  predict: async () => (await import("./evaluate.js")).EVAL_USAGE,
  schedule: async () => (await import("./schedule.js")).SCHEDULE_USAGE,
  sample: async () => (await import("./sample.js")).SAMPLE_USAGE,
  corpus: async () => (await import("./corpus.js")).CORPUS_USAGE,
  recipes: async () => (await import("./recipes.js")).RECIPES_USAGE,
  compare: async () => (await import("./compare.js")).COMPARE_USAGE,
  gradient: async () => (await import("./gradient.js")).GRADIENT_USAGE,
  summary: async () => (await import("./summary.js")).SUMMARY_USAGE,
  plot: async () => (await import("./plot.js")).PLOT_USAGE,
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const help = command === undefined ? undefined : HELP[command];
  if (help && (rest.includes("--help") || rest.includes("-h"))) {
    console.log((await help()).trimEnd());
    return 0;
  }
  switch (command) {
    case "train":
      await (await import("./train.js")).trainCommand(rest);
      return 0;
    case "summary":
      await (await import("./summary.js")).summaryCommand(rest);
      return 0;
    case "plot":
      await (await import("./plot.js")).plotCommand(rest);
      return 0;
    case "recipes":
      await (await import("./recipes.js")).recipesCommand(rest);
      return 0;
    case "quickstart":
      await (await import("./quickstart.js")).quickstartCommand(rest);
      return 0;
    case "eval":
      await (await import("./evaluate.js")).evalCommand(rest);
      return 0;
    case "predict":
      await (await import("./evaluate.js")).predictCommand(rest);
      return 0;
    case "schedule":
      await (await import("./schedule.js")).scheduleCommand(rest);
      return 0;
    case "gradient":
      await (await import("./gradient.js")).gradientCommand(rest);
      return 0;
    case "sample":
      await (await import("./sample.js")).sampleCommand(rest);
      return 0;
    case "corpus":
      await (await import("./corpus.js")).corpusCommand(rest);
      return 0;
    case "compare":
      return (await import("./compare.js")).compareCommand(rest);
    case "--version":
    case "-v":
    case "version":
      console.log((await import("../io/package-files.js")).packageVersion());
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(USAGE);
      return 0;
    default:
      console.error(`tbptt: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

// Output piped into a reader that stops early (tbptt predict … | head) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    // A command may have set its own status (schedule does): keep a failure.
    process.exitCode = Number(process.exitCode ?? 0) || code;
  },
  async (error: unknown) => {
    const { reportError } = await import("./report-error.js");
    process.exitCode = reportError(error, (line) => console.error(line));
  },
);
