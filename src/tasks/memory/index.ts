/** Synthetic memory tasks whose dependency length is a parameter (docs/memory-tasks.md). */
export { ADDING_TOLERANCE, type AddingOptions, DEFAULT_ADDING, makeAddingSet } from "./adding.js";
export { DEFAULT_LATCH, type LatchOptions, makeLatchSet } from "./latch.js";
export { DEFAULT_RECALL, makeRecallSet, type RecallOptions } from "./recall.js";
export { isMemorySpec, MEMORY_PREFIX, type MemorySpec, memoryTaskSet, parseMemorySpec } from "./spec.js";
