// Vector (f32x4) exponential, logistic sigmoid and tanh for the pointwise kernels.
//
// exp follows Cephes `expf` (S. L. Moshier, Cephes Math Library, 1984-2000): x = n·ln2 + r with
// ln2 split in two (C1 + C2) so r is exact, a degree-5 polynomial for e^r, and 2^n built in the
// exponent bits. The input is clamped to [-87, 88] so n + 127 stays a normal exponent.
// tanh follows Cephes `tanhf`: an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above,
// with the sign of x put back. Errors stay within a few float32 ulps (checked against Math.tanh
// in test/core/backend.test.ts).

/**
 * a·b + c, fused (f32x4.relaxed_madd) in the opt-in binary compiled with `--enable relaxed-simd`
 * (asm/build.mjs); the default binaries round the product first.
 */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function vexp(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  // n = round(x / ln2)
  const fx = f32x4.floor(f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(0.5)));
  // r = x − n·ln2, in two parts so the first product is exact
  let r = f32x4.sub(x, f32x4.mul(fx, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(fx, f32x4.splat(-2.12194440e-4)));
  const z = f32x4.mul(r, r);
  let y = f32x4.splat(1.9875691500e-4);
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.3981999507e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(8.3334519073e-3));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(4.1665795894e-2));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(1.6666665459e-1));
  y = f32x4.add(f32x4.mul(y, r), f32x4.splat(5.0000001201e-1));
  y = f32x4.add(f32x4.add(f32x4.mul(y, z), r), f32x4.splat(1.0));
  // 2^n from the exponent bits
  const pow2n = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(fx), i32x4.splat(127)), 23);
  return f32x4.mul(y, pow2n);
}

/** σ(x) = 1 / (1 + e^{−x}) */
// @ts-ignore: decorator
@inline export function vsigmoid(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, vexp(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline export function vtanh(x: v128): v128 {
  const ax = f32x4.abs(x);
  const one = f32x4.splat(1.0);
  // |x| ≥ 0.625: 1 − 2 / (e^{2|x|} + 1)
  const big = f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(vexp(f32x4.add(ax, ax)), one)));
  // |x| < 0.625: |x| + |x|³·P(x²)
  const z = f32x4.mul(ax, ax);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), ax), ax);
  const t = v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
  // put the sign of x back (t ≥ 0)
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

/** Loads four lanes, or one value splatted when `full` is false (the scalar tail of a row). */
// @ts-ignore: decorator
@inline export function ld(p: usize, full: bool): v128 {
  return full ? v128.load(p) : v128.load32_splat(p);
}

/** Stores four lanes, or lane 0 only when `full` is false. */
// @ts-ignore: decorator
@inline export function st(p: usize, v: v128, full: bool): void {
  if (full) v128.store(p, v);
  else store<f32>(p, f32x4.extract_lane(v, 0));
}
