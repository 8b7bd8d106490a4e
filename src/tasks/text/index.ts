/** Character-level language modelling (char-rnn, Graves 2014): text as streams, metrics, sampling, a synthetic source. */
export {
  buildCorpus,
  type CorpusOptions,
  checkValidFraction,
  type TextCorpus,
  type TextSource,
} from "./corpus.js";
export { type TextModelMeta, textModelMeta, textReport, vocabularyFromMeta } from "./meta.js";
export { type EvaluateOptions, evaluateText, type TextMetrics, textMetrics } from "./metrics.js";
export {
  argmaxOf,
  checkSampleOptions,
  drawWithTemperature,
  encodePrime,
  type SampleOptions,
  sampleText,
} from "./sample.js";
export { cutStreams, TextStream } from "./streams.js";
export {
  codeLengthBits,
  DEFAULT_WORD_SOURCE,
  type EntropyRate,
  entropyRate,
  generateText,
  generateWords,
  isSyntheticSpec,
  makeWordSource,
  parseSyntheticSpec,
  type SyntheticSpec,
  stationaryDistribution,
  syntheticText,
  type WordSource,
  type WordSourceOptions,
  wordsToText,
} from "./synthetic.js";
export {
  checkUnit,
  decodeText,
  describeCode,
  firstInvalidUtf8,
  symbolCount,
  type TextUnit,
  type UnitText,
} from "./units.js";
export { forEachCode, type SymbolIds, Vocabulary, type VocabularyJSON } from "./vocabulary.js";
