/** Parameter checks shared by the memory tasks: the error names the task and the parameter. */
import { TbpttError } from "../../core/errors.js";
export function checkInteger(source: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new TbpttError(`${source}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
}
