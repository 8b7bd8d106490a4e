/**
 * Learning-rate schedules, by epoch (0-based):
 *   constant;  step (char-rnn: after epoch `after`, multiply by `factor` each epoch,
 *   lr_e = lr · factor^max(0, e − after));  exponential (lr_e = lr · γ^e);
 *   cosine (Loshchilov & Hutter 2017, without restarts, over `epochs` down to `min`).
 */
export type LrSchedule =
  | { type: "constant" }
  | { type: "step"; after: number; factor: number }
  | { type: "exponential"; gamma: number }
  | { type: "cosine"; epochs: number; min?: number };

/** The learning rate of `epoch` (0-based) for a base rate and a schedule (see the file comment). */
export function learningRate(base: number, schedule: LrSchedule | undefined, epoch: number): number {
  if (!schedule || schedule.type === "constant") return base;
  switch (schedule.type) {
    case "step":
      return base * schedule.factor ** Math.max(0, epoch - schedule.after);
    case "exponential":
      return base * schedule.gamma ** epoch;
    case "cosine": {
      const min = schedule.min ?? 0;
      const progress = Math.min(1, epoch / Math.max(1, schedule.epochs));
      return min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * progress));
    }
  }
}
