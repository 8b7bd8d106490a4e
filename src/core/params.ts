/**
 * Parameters, gradients and optimizer state each live in one flat typed array
 * described by a layout table (name, offset, shape): STYLE.md convention 3.
 * Optimizers, clipping, saving and copying into WebAssembly memory are then one
 * loop or one copy. Names follow PyTorch (`rnn.weight_ih_l0`, `out.weight`).
 */
export interface ParamEntry {
  readonly name: string;
  readonly offset: number;
  readonly shape: readonly number[];
  readonly size: number;
}

/**
 * The layout table of a flat parameter array: entries in order, looked up by name (gradients and
 * optimizer state share it).
 */
export class ParamLayout {
  readonly entries: ParamEntry[] = [];
  private byName = new Map<string, ParamEntry>();
  private total = 0;

  /** Appends a tensor and returns its offset in the flat array. */
  add(name: string, shape: readonly number[]): number {
    if (this.byName.has(name)) throw new Error(`ParamLayout: duplicate parameter name ${name}`);
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 1)
        throw new Error(`ParamLayout: ${name} has invalid shape [${shape.join(", ")}]`);
    }
    const size = shape.reduce((a, b) => a * b, 1);
    const entry: ParamEntry = { name, offset: this.total, shape: [...shape], size };
    this.entries.push(entry);
    this.byName.set(name, entry);
    this.total += size;
    return entry.offset;
  }

  get size(): number {
    return this.total;
  }

  /** The entry named `name`; throws, listing the names, when there is none. */
  get(name: string): ParamEntry {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`unknown parameter ${name}; known: ${[...this.byName.keys()].join(", ")}`);
    return entry;
  }

  /** True when a tensor of this name is in the layout. */
  has(name: string): boolean {
    return this.byName.has(name);
  }
}

export function shapeString(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}
