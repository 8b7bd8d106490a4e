// Vector exponential, logistic sigmoid and tanh for the fused kernels, eight float32 lanes
// (GCC/Clang vector extensions: AVX2 where the build machine has it, pairs of SSE/NEON vectors
// elsewhere).
//
// The same approximations as the wasm kernels (asm/math.ts), so both backends sit equally close
// to the plain specification:
//   exp follows Cephes `expf` (S. L. Moshier, Cephes Math Library): x = n·ln2 + r with ln2 split
//   in two (C1 + C2) so r is exact, a degree-5 polynomial for e^r, and 2^n built in the exponent
//   bits; the input is clamped to [-87, 88] so n + 127 stays a normal exponent.
//   tanh follows Cephes `tanhf`: an odd polynomial below |x| = 0.625, 1 − 2/(e^{2|x|} + 1) above,
//   with the sign of x put back.
// n = round(x / ln2) uses the 1.5·2^23 rounding trick (round half to even) where Cephes adds 0.5
// and floors: both keep |r| ≤ ln2 / 2, which is what the polynomial needs.
#pragma once
#include <cstdint>
#include <cstring>

typedef float vf __attribute__((vector_size(32)));
typedef int32_t vi __attribute__((vector_size(32)));
constexpr int LANES = 8;

static inline vf splat(float x) { return vf{} + x; }

static inline vf vload(const float* p) {
  vf v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

static inline void vstore(float* p, vf v) { std::memcpy(p, &v, sizeof v); }

static inline vf vmin(vf a, vf b) { return a < b ? a : b; }
static inline vf vmax(vf a, vf b) { return a > b ? a : b; }

static inline vf vexp(vf x) {
  x = vmin(vmax(x, splat(-87.0f)), splat(88.0f));
  const vf magic = splat(12582912.0f);  // 1.5 · 2^23
  const vf fx = (x * splat(1.44269504088896341f) + magic) - magic;
  vf r = x - fx * splat(0.693359375f);
  r = r - fx * splat(-2.12194440e-4f);
  const vf z = r * r;
  vf y = splat(1.9875691500e-4f);
  y = y * r + splat(1.3981999507e-3f);
  y = y * r + splat(8.3334519073e-3f);
  y = y * r + splat(4.1665795894e-2f);
  y = y * r + splat(1.6666665459e-1f);
  y = y * r + splat(5.0000001201e-1f);
  y = y * z + r + splat(1.0f);
  const vi n = __builtin_convertvector(fx, vi);
  const vi bits = (n + 127) << 23;
  vf pow2n;
  std::memcpy(&pow2n, &bits, sizeof pow2n);
  return y * pow2n;
}

/** σ(x) = 1 / (1 + e^{−x}) */
static inline vf vsigmoid(vf x) { return splat(1.0f) / (splat(1.0f) + vexp(-x)); }

static inline vf vtanh(vf x) {
  vi xb;
  std::memcpy(&xb, &x, sizeof xb);
  const vi signBit = xb & static_cast<int32_t>(0x80000000u);
  const vi absBits = xb & 0x7fffffff;
  vf ax;
  std::memcpy(&ax, &absBits, sizeof ax);
  // |x| ≥ 0.625: 1 − 2 / (e^{2|x|} + 1)
  const vf big = splat(1.0f) - splat(2.0f) / (vexp(ax + ax) + splat(1.0f));
  // |x| < 0.625: |x| + |x|³·P(x²)
  const vf z = ax * ax;
  vf p = splat(-5.70498872745e-3f);
  p = p * z + splat(2.06390887954e-2f);
  p = p * z + splat(-5.37397155531e-2f);
  p = p * z + splat(1.33314422036e-1f);
  p = p * z + splat(-3.33332819422e-1f);
  const vf small = p * z * ax + ax;
  const vf t = ax < splat(0.625f) ? small : big;
  vi tb;
  std::memcpy(&tb, &t, sizeof tb);
  tb |= signBit;
  vf out;
  std::memcpy(&out, &tb, sizeof out);
  return out;
}
