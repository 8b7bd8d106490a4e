/**
 * ‖Δa − Δb‖ / ‖Δb‖: how far two training runs' parameter changes from the same start
 * differ, relative to the reference run's change (the parameters themselves could hide
 * an error in small updates). The plain ‖Δa − Δb‖ when the reference did not move.
 */
export function relativeChange(
  initial: ArrayLike<number>,
  a: ArrayLike<number>,
  reference: ArrayLike<number>,
): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < initial.length; i++) {
    const da = (a[i] as number) - (initial[i] as number);
    const dr = (reference[i] as number) - (initial[i] as number);
    diff += (da - dr) ** 2;
    norm += dr ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}
