/**
 * tbptt's online-learning entry, `import … from "tbptt/online"`: real-time recurrent learning
 * (Williams & Zipser 1989) and UORO (Tallec & Ollivier 2017) as learners and as an engine with
 * the TBPTT engine's interface (docs/online.md). A separate entry so that a page training with
 * TBPTT never bundles them; the trainer loads them itself when `schedule.algorithm` asks.
 */
export type { OnlineLearner } from "./online/learner.js";
export { createTrainingEngine, OnlineEngine } from "./online/online-engine.js";
export { Rtrl } from "./online/rtrl.js";
export type { OnlineAlgorithmName } from "./online/stack.js";
export { Uoro } from "./online/uoro.js";
