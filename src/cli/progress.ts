/**
 * What a person watching a run sees: a progress bar per epoch (frames per second, ETA,
 * running loss) on a terminal, plain lines elsewhere or with --quiet, and a one-line
 * summary per epoch.
 */
import cliProgress from "cli-progress";

export interface Progress {
  startEpoch(epoch: number, epochs: number, totalSteps: number): void;
  update(stepsDone: number, lossPerFrame: number): void;
  endEpoch(line: string): void;
  message(line: string): void;
}

export function createProgress(options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = !options.quiet && stream.isTTY === true;
  let bar: cliProgress.SingleBar | null = null;
  let started = 0;
  let total = 0;
  let lastPlain = 0;
  let label = "";
  return {
    startEpoch(epoch, epochs, totalSteps) {
      started = Date.now();
      total = totalSteps;
      label = `epoch ${epoch}/${epochs}`;
      if (!tty) return;
      bar = new cliProgress.SingleBar(
        {
          format: `${label} {bar} {percentage}% | {value}/{total} frames | {fps} frames/s | ETA {eta_formatted} | loss {loss}`,
          stream,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(totalSteps, 0, { fps: "-", loss: "-" });
    },
    update(stepsDone, loss) {
      const seconds = (Date.now() - started) / 1000;
      const fps = seconds > 0 ? Math.round(stepsDone / seconds) : 0;
      if (bar)
        bar.update(Math.min(stepsDone, total), { fps, loss: Number.isFinite(loss) ? loss.toFixed(4) : "-" });
      else if (!options.quiet && Date.now() - lastPlain > 10_000) {
        lastPlain = Date.now();
        stream.write(`${label}: ${stepsDone}/${total} frames, ${fps} frames/s, loss ${loss.toFixed(4)}\n`);
      }
    },
    endEpoch(line) {
      bar?.stop();
      bar = null;
      stream.write(`${line}\n`);
    },
    message(line) {
      stream.write(`${line}\n`);
    },
  };
}
