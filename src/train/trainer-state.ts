/**
 * A run's state before its first update: every counter at zero, no best figure yet, the
 * random generators where the seed put them. Also what a checkpoint written before a counter
 * existed takes for that counter when it is restored.
 */
import type { TrainerState } from "./trainer-types.js";

/** The state of a run that has not begun, with its generators' states. */
export function freshTrainerState(
  shuffleRng: TrainerState["shuffleRng"],
  noiseRng: TrainerState["noiseRng"],
): TrainerState {
  return {
    epoch: 0,
    updates: 0,
    order: null,
    position: null,
    shuffleRng,
    noiseRng,
    optimizerSteps: 0,
    best: null,
    bestEpoch: -1,
    epochsSinceBest: 0,
    epochLossSum: 0,
    epochFrames: 0,
    badInARow: 0,
    skippedUpdates: 0,
    finished: false,
    forwardSteps: 0,
    backwardSteps: 0,
    trainSeconds: 0,
    peakStoredSteps: 0,
    epochLabelled: 0,
  };
}
