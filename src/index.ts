/**
 * tbptt's public library API: a flat index of named exports (STYLE.md). Everything here
 * is isomorphic (runs in Node and in browsers); file and process helpers live under
 * src/io and src/cli and are not exported from the library entry.
 */
export type { Backend } from "./core/backend.js";
export { type ParamEntry, ParamLayout } from "./core/params.js";
export { createPlainBackend } from "./core/plain.js";
export { Rng } from "./core/random.js";
export { type Selection, selectBackend } from "./core/select.js";
export { allocFloat, type DType, type FloatArray } from "./core/types.js";
export { decodeLabelledSet, encodeLabelledSet } from "./data/binary.js";
export { labelledSetFromRows, parseLabelledJsonl } from "./data/jsonl.js";
export type { LabelledSequence, LabelledSet } from "./data/labelled.js";
export { computeTargetNormalisation } from "./data/labelled.js";
export type { TargetForm } from "./data/targets.js";
export { ArraySequence } from "./engine/array-sequence.js";
export {
  Engine,
  type RunOptions,
  type SequenceLike,
  type UpdateFn,
  type UpdateRecord,
} from "./engine/engine.js";
export { explainSchedule } from "./engine/explain.js";
export { trainWithOracle } from "./engine/oracle.js";
export { Planner, type Tick, type UpdatePlan } from "./engine/planner.js";
export { renderSvg as renderScheduleSvg } from "./engine/render-svg.js";
export { renderTimeline } from "./engine/render-timeline.js";
export {
  type Algorithm,
  makeSchedule,
  parseReset,
  type ResetPolicy,
  type Schedule,
  type Truncation,
} from "./engine/schedule.js";
export {
  analyseGradient,
  type GradientOptions,
  type GradientReport,
  type GradientRow,
} from "./gradient/analyse.js";
export { renderGradientSvg } from "./gradient/render-svg.js";
export { renderGradientText } from "./gradient/render-text.js";
export { decodeSafetensors, encodeSafetensors } from "./io/safetensors.js";
export type { CellType, GradientMode } from "./nn/cell.js";
export {
  DEFAULT_OUTPUT,
  type LossPlacement,
  type OutputConfig,
  type OutputHead,
  type OutputKind,
  type TargetNormalisation,
} from "./nn/head.js";
export { type InitOptions, initializeModel } from "./nn/initialize.js";
export { type ModelConfig, SequenceModel, validateModelConfig } from "./nn/model.js";
export { type SequenceBatch, sequenceLoss, sequenceLossAndGradient } from "./nn/sequence.js";
export { loadParameterTensors, parameterTensors } from "./nn/weights.js";
export type { OnlineLearner } from "./online/learner.js";
export { createTrainingEngine, OnlineEngine } from "./online/online-engine.js";
export { Rtrl } from "./online/rtrl.js";
export type { OnlineAlgorithmName } from "./online/stack.js";
export { Uoro } from "./online/uoro.js";
export {
  makeOscillatorSeries,
  makeWaveforms,
  type OscillatorOptions,
  WAVE_SHAPES,
  type WaveformOptions,
} from "./tasks/examples/index.js";
export {
  ADDING_TOLERANCE,
  type AddingOptions,
  isMemorySpec,
  type LatchOptions,
  makeAddingSet,
  makeLatchSet,
  makeRecallSet,
  memoryTaskSet,
  parseMemorySpec,
  type RecallOptions,
} from "./tasks/memory/index.js";
export {
  computeFbank,
  computeFeatures,
  computeMfcc,
  decodeAudio,
  type FrontEndSpec,
  foldTo39,
  parsePhn,
  TIMIT_PHONES_61,
} from "./tasks/speech/index.js";
export { labelledTaskData, type TaskData } from "./tasks/task-data.js";
export {
  buildCorpus,
  cutStreams,
  entropyRate,
  evaluateText,
  generateText,
  makeWordSource,
  sampleText,
  TextStream,
  textMetrics,
} from "./tasks/text/index.js";
export { persistenceBaseline } from "./train/baselines.js";
export { clipGradients } from "./train/clip.js";
export { configSchema, parseConfig, type TrainConfig } from "./train/config.js";
export {
  evaluate,
  evaluateModel,
  evaluateRegression,
  type Metrics,
  type MetricsSummary,
} from "./train/evaluate.js";
export { type LrSchedule, learningRate } from "./train/lr-schedule.js";
export { FrameMetrics } from "./train/metrics.js";
export { createOptimizer, type Optimizer, type OptimizerConfig } from "./train/optimizer.js";
export { type Prediction, predict } from "./train/predict.js";
export { RegressionMetrics } from "./train/regression-metrics.js";
export { type EpochSummary, Trainer, type TrainerHooks, type TrainerOptions } from "./train/trainer.js";
