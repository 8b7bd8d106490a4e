// PyTorch's time-major tensors (T, B, width) to the per-stream sequences tbptt's batches take.

/** Stream b's T × width values, row-major, for every b < B. */
export function streamsOf(values: ArrayLike<number>, T: number, B: number, width: number): Float64Array[] {
  return Array.from({ length: B }, (_, b) => {
    const seq = new Float64Array(T * width);
    for (let t = 0; t < T; t++)
      for (let i = 0; i < width; i++) seq[t * width + i] = values[(t * B + b) * width + i] as number;
    return seq;
  });
}
