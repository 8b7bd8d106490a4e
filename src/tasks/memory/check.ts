/** Parameter checks shared by the memory tasks: the error names the task and the parameter. */
export function checkInteger(source: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${source}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
}
