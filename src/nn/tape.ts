/**
 * The tape: what the engine tells the layers about each stored time step.
 *
 * Steps live in slots of a ring buffer (capacity S); the engine maps a step to
 * a slot and hands the layers contiguous runs of slots. Per slot and stream:
 *   reset[s·B + b]  = 1 where the state entering step s is s_0 (zeros): a reset point;
 *   active[s·B + b] = 1 where stream b has data at step s; an inactive (masked-tail)
 *                     step leaves the stream's state unchanged and has no loss;
 *   labels[s·B + b] = the class to predict, or −1 where there is no loss (a head with
 *                     real-valued targets reads 0 here as "this step has a target");
 *   targets[(s·B + b)·D …] = the D real-valued targets of that step (heads that need them).
 * Backward passes can run several independent adjoint "lanes" at once (per-loss
 * truncation, see src/engine): stop[(s·L + λ)·B + b] = 1 cuts lane λ of stream b
 * below step s (no gradient flows into step s − 1).
 */
export interface Tape {
  readonly capacity: number;
  readonly streams: number;
  readonly lanes: number;
  readonly reset: Uint8Array;
  readonly active: Uint8Array;
  readonly labels: Int32Array;
  /** D real-valued targets per slot and stream (empty when the head reads class labels only). */
  readonly targetSize: number;
  readonly targets: Float64Array;
  readonly stop: Uint8Array;
  /** The lane that receives the loss gradient of the step in each slot (per-loss truncation). */
  readonly laneOfSlot: Int32Array;
}

/** A contiguous run of slots [first, first + count). */
export interface SlotRun {
  readonly first: number;
  readonly count: number;
}

export function createTape(capacity: number, streams: number, lanes: number, targetSize = 0): Tape {
  return {
    capacity,
    streams,
    lanes,
    reset: new Uint8Array(capacity * streams),
    active: new Uint8Array(capacity * streams),
    labels: new Int32Array(capacity * streams).fill(-1),
    targetSize,
    targets: new Float64Array(capacity * streams * targetSize),
    stop: new Uint8Array(capacity * lanes * streams),
    laneOfSlot: new Int32Array(capacity),
  };
}
