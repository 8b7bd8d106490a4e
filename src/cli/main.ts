#!/usr/bin/env node
/**
 * The tbptt command line: parses the command and hands over. Each command lives in
 * its own module, loaded only when used.
 */
const USAGE = `tbptt — train recurrent networks with truncated backpropagation through time

Usage: tbptt COMMAND [options]

Commands:
  quickstart            train a small LSTM on the bundled corpus and evaluate it
  train CONFIG.json     train as a config says (--resume, --quiet, --KEY.PATH VALUE)
  eval                  evaluate a trained model on labelled data
  predict               per-frame labels and probabilities as JSON Lines
  schedule              explain what a TBPTT(k1, k2) schedule does, before training
  sample                generate text from a character model
  corpus synth          make a TIMIT-layout corpus with Festival

Run tbptt COMMAND --help for a command's options. Docs: README.md and docs/.
Exit status: 0 done, 1 failed (the message names the file, line or key), 2 a command-line error.`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "train":
      if (rest.includes("--help") || rest.includes("-h")) {
        console.log((await import("./train.js")).TRAIN_USAGE);
        return 0;
      }
      await (await import("./train.js")).trainCommand(rest);
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
    case "sample":
      await (await import("./sample.js")).sampleCommand(rest);
      return 0;
    case "corpus":
      await (await import("./corpus.js")).corpusCommand(rest);
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
