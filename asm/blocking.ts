// Blocking of the matrix product (asm/gemm.ts): register block MR × NR, packed panels KC deep,
// MC rows of A and NC columns of B packed at once, and the scratch those packings need.
// Chosen on this project's 2-core EPYC (docs/notes/wasm-kernels.md): a KC × NR panel of B (8 KiB)
// stays in L1 while MC × KC of A (120 KiB) stays in L2.

export const MR = 5;
export const NR = 8;
export const KC = 256;
export const MC = 120;
export const NC = 1024;
/** Largest m that skips the packed path (when op(B) = B, or op(A) = A and op(B) = Bᵀ). */
export const SMALL_M = 16;
export const PACK_A_BYTES: usize = MC * KC * 4;
export const PACK_B_BYTES: usize = KC * NC * 4;
export const TMP_BYTES: usize = MR * NR * 4;
