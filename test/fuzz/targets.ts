// Every fuzz target, in the order the report lists them (test/fuzz/fuzz.test.ts, scripts/fuzz.ts).

import type { FuzzTarget } from "./target.js";
import { cliTarget, configTarget } from "./targets/config.js";
import { binaryTarget, jsonlTarget, safetensorsTarget } from "./targets/data.js";
import { checkpointTarget, modelBytesTarget, modelJsonTarget } from "./targets/model.js";
import { audioTarget, phnTarget } from "./targets/speech.js";
import { textTarget } from "./targets/text.js";

export async function fuzzTargets(): Promise<FuzzTarget[]> {
  return [
    audioTarget,
    phnTarget,
    jsonlTarget,
    binaryTarget,
    safetensorsTarget,
    modelJsonTarget,
    modelBytesTarget,
    await checkpointTarget(),
    configTarget,
    cliTarget,
    textTarget,
  ];
}
