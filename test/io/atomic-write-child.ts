// Child process for test/io/atomic-write.test.ts: writes a large safetensors file
// atomically over argv[2] (argv[3] mebibytes of F32) so the parent can SIGKILL it part way.
import { writeSafetensorsFile } from "../../src/io/atomic-write.js";

const [target, mebibytes] = process.argv.slice(2);
const data = new Float32Array((Number(mebibytes) * 2 ** 20) / 4).fill(0.5);
process.stdout.write("writing\n");
await writeSafetensorsFile(target!, [{ name: "big", dtype: "F32", shape: [data.length], data }], {
  size: "big",
});
process.stdout.write("done\n");
