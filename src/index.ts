/**
 * tbptt's public library API: a flat index of named exports (STYLE.md). Everything here
 * is isomorphic (runs in Node and in browsers); file and process helpers live under
 * src/io and src/cli and are not exported from the library entry.
 */
export { type LoadModelOptions, loadModel, type ModelSource } from "./api/load-model.js";
export {
  type SequencesData,
  type TextData,
  type TrainOptions,
  train,
} from "./api/train.js";
export {
  type Evaluation,
  type RunModelOptions,
  type SequencesInput,
  TrainedModel,
} from "./api/trained-model.js";
export type { Backend } from "./core/backend.js";
// The types the exports above take and return, so a TypeScript user can name them.
export type { NativeOptions } from "./core/native/backend.js";
export { type ParamEntry, ParamLayout } from "./core/params.js";
export { createPlainBackend } from "./core/plain.js";
export { Rng } from "./core/random.js";
export type { BackendFamily, SelectOptions } from "./core/select.js";
export { type Selection, selectBackend } from "./core/select.js";
export { allocFloat, type DType, type FloatArray } from "./core/types.js";
export type { ThreadOptions } from "./core/wasm/threads.js";
export { decodeLabelledSet, encodeLabelledSet } from "./data/binary.js";
export type { ParseOptions } from "./data/jsonl.js";
export { labelledSetFromRows, parseLabelledJsonl } from "./data/jsonl.js";
export type { LabelledSequence, LabelledSet, Normalisation } from "./data/labelled.js";
export { computeTargetNormalisation } from "./data/labelled.js";
export type { TargetForm } from "./data/targets.js";
export { ArraySequence } from "./engine/array-sequence.js";
export type { OutputStepRecord, RunSummary } from "./engine/engine.js";
export {
  Engine,
  type RunOptions,
  type SequenceLike,
  type UpdateFn,
  type UpdateRecord,
} from "./engine/engine.js";
export type { ExplainOptions, Explanation, ScheduleTotals, UpdateRow } from "./engine/explain.js";
export { explainSchedule } from "./engine/explain.js";
export type { OracleOptions } from "./engine/oracle.js";
export { trainWithOracle } from "./engine/oracle.js";
export type { PlannerPosition, StreamStep } from "./engine/planner.js";
export { Planner, type Tick, type UpdatePlan } from "./engine/planner.js";
export type { SvgOptions } from "./engine/render-svg.js";
export { renderSvg as renderScheduleSvg } from "./engine/render-svg.js";
export type { TimelineOptions } from "./engine/render-timeline.js";
export { renderTimeline } from "./engine/render-timeline.js";
export type { OutputUpdate, Reduction, StreamLayout } from "./engine/schedule.js";
export {
  type Algorithm,
  makeSchedule,
  parseReset,
  type ResetPolicy,
  type Schedule,
  type Truncation,
} from "./engine/schedule.js";
export { SymbolSequence } from "./engine/symbol-sequence.js";
export {
  analyseGradient,
  type GradientOptions,
  type GradientReport,
  type GradientRow,
} from "./gradient/analyse.js";
export type { ScheduleCost } from "./gradient/cost.js";
export type { StateGradientProfile } from "./gradient/lag-profile.js";
export { renderGradientSvg } from "./gradient/render-svg.js";
export { renderGradientText } from "./gradient/render-text.js";
export type { Spread } from "./gradient/spread.js";
export type { WeightShare } from "./gradient/weight-shares.js";
export { decodeSafetensors, encodeSafetensors } from "./io/safetensors.js";
export type {
  DecodedSafetensors,
  DecodedTensor,
  NamedTensor,
  SafetensorsDtype,
  TensorData,
} from "./io/safetensors-types.js";
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
export type { InputKind } from "./nn/input.js";
export { type ModelConfig, SequenceModel, validateModelConfig } from "./nn/model.js";
export type { Nonlinearity } from "./nn/recurrent.js";
export { type SequenceBatch, sequenceLoss, sequenceLossAndGradient } from "./nn/sequence.js";
export type { SlotRun, Tape } from "./nn/tape.js";
export { loadParameterTensors, parameterTensors } from "./nn/weights.js";
export {
  makeOscillatorSeries,
  makeWaveforms,
  type OscillatorOptions,
  WAVE_SHAPES,
  type WaveformOptions,
} from "./tasks/examples/index.js";
export type { ForecastRow } from "./tasks/examples/oscillators.js";
export type { SequenceClassRow } from "./tasks/examples/waveforms.js";
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
export type { MemorySpec } from "./tasks/memory/spec.js";
export type { Audio, DecodeOptions } from "./tasks/speech/audio.js";
export {
  computeFbank,
  computeFeatures,
  computeMfcc,
  decodeAudio,
  type FrontEndSpec,
  foldLabels,
  foldTo39,
  type NormStats,
  normalisationStats,
  normalise,
  parsePhn,
  TIMIT_PHONES_61,
} from "./tasks/speech/index.js";
export type { Features, FrontEndOptions } from "./tasks/speech/mfcc.js";
export type { PhnOptions, PhoneSegment } from "./tasks/speech/phn.js";
export type { FoldingOptions, PhoneFolding } from "./tasks/speech/phones.js";
export type { SpeechSplits, SpeechUtterance } from "./tasks/speech/task.js";
export type { LabelledTaskOptions } from "./tasks/task-data.js";
export { labelledTaskData, sequencesTaskData, type TaskData } from "./tasks/task-data.js";
export type { CorpusOptions, TextCorpus, TextSource } from "./tasks/text/corpus.js";
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
export type { EvaluateOptions, TextMetrics } from "./tasks/text/metrics.js";
export type { SampleOptions } from "./tasks/text/sample.js";
export type { EntropyRate, WordSource, WordSourceOptions } from "./tasks/text/synthetic.js";
export {
  type TextForModel,
  type TextTaskData,
  type TextTaskOptions,
  textDataForModel,
  textTaskData,
} from "./tasks/text/task.js";
export type { SymbolUnit, TextUnit, UnitText } from "./tasks/text/units.js";
export type { SymbolIds, Vocabulary, VocabularyJSON } from "./tasks/text/vocabulary.js";
export type { ClassBinning } from "./tasks/text/word-classes.js";
export type {
  TextVocabulary,
  WordVocabulary,
  WordVocabularyJSON,
  WordVocabularyOptions,
} from "./tasks/text/word-vocabulary.js";
export { persistenceBaseline } from "./train/baselines.js";
export type { ClipConfig } from "./train/clip.js";
export { clipGradients } from "./train/clip.js";
export {
  type Budget,
  type BudgetUnit,
  budgetSettings,
  type ComparedRun,
  type CompareOptions,
  type Comparison,
  type CurvePoint,
  compareSchedules,
  type MetricSpec,
  type PointRecord,
  parseBudget,
  parseScheduleSpec,
  type RunRecord,
  type RunSettings,
  type ScheduleSpec,
  type TrainerRunnerOptions,
  trainerRunner,
} from "./train/compare.js";
export { configSchema, parseConfig, type TrainConfig } from "./train/config.js";
export type { FrameOutput } from "./train/evaluate.js";
export {
  evaluate,
  evaluateModel,
  evaluateRegression,
  type Metrics,
  type MetricsSummary,
} from "./train/evaluate.js";
export { type LrSchedule, learningRate } from "./train/lr-schedule.js";
export { FrameMetrics } from "./train/metrics.js";
export {
  decodeModel,
  type LoadedModel,
  MODEL_FORMAT,
  MODEL_FORMAT_VERSION,
  type ModelFile,
  type ModelMeta,
  modelFileText,
  modelSchedule,
  modelWeightsBytes,
  parseModelFile,
} from "./train/model-format.js";
export { createOptimizer, type Optimizer, type OptimizerConfig } from "./train/optimizer.js";
export {
  chooseMetric,
  PREFERRED_METRICS,
  type RunLog,
  runCurvePanels,
} from "./train/plot-runs.js";
export type {
  SequenceClassPrediction,
  SequencePrediction,
  SequenceValuesPrediction,
  ValuesPrediction,
} from "./train/predict.js";
export { type Prediction, predict } from "./train/predict.js";
export { RegressionMetrics } from "./train/regression-metrics.js";
export { comparisonTable, renderComparisonSvg } from "./train/render-compare.js";
export {
  type CurvePanel,
  type CurveSeries,
  type CurvesOptions,
  renderCurvesSvg,
} from "./train/render-curves.js";
export {
  backendForConfig,
  createModelForConfig,
  type DataSizes,
  modelConfigFor,
  savedModelMeta,
  trainerOptionsFromConfig,
} from "./train/setup.js";
export {
  describeArchitecture,
  formatBytes,
  type ModelSummary,
  modelSummary,
  renderSummary,
  type SummaryOptions,
  type SummaryTensor,
} from "./train/summary.js";
export type { ValidationMetric } from "./train/trainer.js";
export {
  type Checkpoint,
  type EpochSummary,
  type StopReason,
  Trainer,
  type TrainerHooks,
  type TrainerOptions,
  type TrainerState,
  type TrainResult,
} from "./train/trainer.js";
export type { RunTotals, ValidateEvery, ValidationPoint } from "./train/validation-points.js";
