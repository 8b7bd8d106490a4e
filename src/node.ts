/**
 * tbptt's Node entry, `import … from "tbptt/node"`: what needs files and folders — a model
 * folder on disk, a training config or bundled recipe, each task's data read from disk,
 * atomic writes and safetensors files. Everything else (training, models, predicting,
 * model bytes) is in the isomorphic entry "tbptt" (docs/library.md).
 */
export {
  readSafetensorsFile,
  readSafetensorsFileSync,
  writeFileAtomic,
  writeFileAtomicSync,
  writeSafetensorsFile,
  writeSafetensorsFileSync,
} from "./io/atomic-write.js";
export { type ConfigFile, PATH_KEYS, readConfigFile } from "./io/config-file.js";
export { readLabelledFile, writeLabelledBinary } from "./io/dataset-files.js";
export { loadDataForModel, type ModelData, type ModelDataOptions, modelSchedule } from "./io/model-data.js";
export { loadModelDir, readModelFile, saveModelDir } from "./io/model-files.js";
export {
  docPath,
  findConfigFile,
  listRecipes,
  PACKAGE_ROOT,
  packageVersion,
  type RecipeInfo,
} from "./io/package-files.js";
export { type LoadOptions as SpeechLoadOptions, loadSpeechSet, type SpeechSet } from "./io/speech-dataset.js";
export { loadSpeechSplits, loadSpeechTask, type SpeechSplitOptions } from "./io/speech-task.js";
export { loadSequencesTask, loadTaskData } from "./io/task-files.js";
export {
  loadTextCorpus,
  loadTextForModel,
  loadTextTask,
  readTextSources,
  type TextDataOptions,
  type TextTaskConfig,
} from "./io/text-files.js";
export type { TimitEntry, TimitIndex, TimitIndexOptions } from "./io/timit.js";
export { indexTimit } from "./io/timit.js";
