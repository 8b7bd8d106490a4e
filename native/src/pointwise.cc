// Fused pointwise kernels, eight hidden units per vector operation (see pointwise.h).
//
// Each step kernel walks a row eight lanes at a time; the last lanes of a row (H mod 8) are
// copied into zero-padded blocks laid out like the row with a gate stride of 8, run through the
// very same lane function, and copied back, so every unit sees one formula whatever its position
// (the result for a unit does not depend on H or on where it sits). Every lane function reads all
// its inputs before writing, which keeps the in-place uses the contract allows (act = gi,
// dcPrev = dc, y = x) correct.
#include "pointwise.h"

#include <algorithm>
#include <cstring>

#include "vmath.h"

void addRowBroadcast(int rows, int cols, const float* bias, float* c) {
  for (int r = 0; r < rows; r++) {
    float* row = c + static_cast<size_t>(r) * cols;
    for (int j = 0; j < cols; j++) row[j] += bias[j];
  }
}

// Rows are added in order, as the plain kernel does; each column's sum is a sequence of float32
// additions, vectorised across columns only.
void sumRows(int rows, int cols, const float* a, float* out) {
  for (int r = 0; r < rows; r++) {
    const float* row = a + static_cast<size_t>(r) * cols;
    for (int j = 0; j < cols; j++) out[j] += row[j];
  }
}

void tanhForward(int n, const float* x, float* y) {
  int i = 0;
  for (; i + LANES <= n; i += LANES) vstore(y + i, vtanh(vload(x + i)));
  if (i < n) {
    float in[LANES] = {}, out[LANES];
    std::memcpy(in, x + i, (n - i) * sizeof(float));
    vstore(out, vtanh(vload(in)));
    std::memcpy(y + i, out, (n - i) * sizeof(float));
  }
}

void tanhBackward(int n, const float* y, const float* dy, float* dx) {
  for (int i = 0; i < n; i++) dx[i] = dy[i] * (1.0f - y[i] * y[i]);
}

// ---------------------------------------------------------------------------------------------
// LSTM, gate order i, f, g, o; peepholes p_i, p_f, p_o (Graves 2013, eq. 7-11). `gs` is the
// stride between gate blocks (H in place, LANES in a padded tail block).

static inline void lstmForwardLanes(float* g, size_t gs, const float* cp, const float* peep, size_t ps,
                                    float* c, float* h) {
  const vf cPrev = vload(cp);
  vf ai = vload(g), af = vload(g + gs);
  const vf ag = vload(g + 2 * gs);
  vf ao = vload(g + 3 * gs);
  if (peep) {
    ai += vload(peep) * cPrev;
    af += vload(peep + ps) * cPrev;
  }
  const vf i = vsigmoid(ai), f = vsigmoid(af), gg = vtanh(ag);
  // c = f ⊙ c_prev + i ⊙ g
  const vf cell = f * cPrev + i * gg;
  // o = σ(a_o + p_o ⊙ c): the output peephole reads the new cell
  if (peep) ao += vload(peep + 2 * ps) * cell;
  const vf o = vsigmoid(ao);
  vstore(g, i);
  vstore(g + gs, f);
  vstore(g + 2 * gs, gg);
  vstore(g + 3 * gs, o);
  vstore(c, cell);
  // h = o ⊙ tanh(c)
  vstore(h, o * vtanh(cell));
}

/** Copies `n` lanes of `blocks` blocks (stride `from` apart) into blocks `to` apart. */
static inline void copyBlocks(float* dst, size_t to, const float* src, size_t from, int blocks, int n) {
  for (int b = 0; b < blocks; b++) std::memcpy(dst + b * to, src + b * from, n * sizeof(float));
}

void lstmForward(int rows, int hidden, float* gates, const float* cPrev, const float* peep, float* c,
                 float* h) {
  const size_t H = hidden;
  const int tail = hidden % LANES;
  const int body = hidden - tail;
  for (int r = 0; r < rows; r++) {
    float* gr = gates + r * 4 * H;
    const size_t s = r * H;
    for (int j = 0; j < body; j += LANES)
      lstmForwardLanes(gr + j, H, cPrev + s + j, peep ? peep + j : nullptr, H, c + s + j, h + s + j);
    if (tail == 0) continue;
    float g[4 * LANES] = {}, cp[LANES] = {}, p[3 * LANES] = {}, cc[LANES], hh[LANES];
    copyBlocks(g, LANES, gr + body, H, 4, tail);
    std::memcpy(cp, cPrev + s + body, tail * sizeof(float));
    if (peep) copyBlocks(p, LANES, peep + body, H, 3, tail);
    lstmForwardLanes(g, LANES, cp, peep ? p : nullptr, LANES, cc, hh);
    copyBlocks(gr + body, H, g, LANES, 4, tail);
    std::memcpy(c + s + body, cc, tail * sizeof(float));
    std::memcpy(h + s + body, hh, tail * sizeof(float));
  }
}

static inline void lstmBackwardLanes(const float* g, size_t gs, const float* cp, const float* cl,
                                     const float* peep, size_t ps, const float* dh, const float* dc,
                                     float* dg, float* dcp, float* dPeep) {
  const vf one = splat(1.0f);
  const vf i = vload(g), f = vload(g + gs), gg = vload(g + 2 * gs), o = vload(g + 3 * gs);
  const vf cell = vload(cl), cPrev = vload(cp);
  const vf tc = vtanh(cell);
  const vf dhj = vload(dh);
  // h = o ⊙ tanh(c): ∂/∂a_o and ∂/∂c
  const vf dAo = dhj * tc * o * (one - o);
  vf dCell = vload(dc) + dhj * o * (one - tc * tc);
  // o's peephole reads the new cell
  if (peep) dCell += dAo * vload(peep + 2 * ps);
  // c = f ⊙ c_prev + i ⊙ g
  const vf dAi = dCell * gg * i * (one - i);
  const vf dAf = dCell * cPrev * f * (one - f);
  const vf dAg = dCell * i * (one - gg * gg);
  vf dcPrev = dCell * f;
  if (peep) {
    // i and f peepholes read the previous cell
    dcPrev += dAi * vload(peep) + dAf * vload(peep + ps);
    if (dPeep) {
      vstore(dPeep, vload(dPeep) + dAi * cPrev);
      vstore(dPeep + ps, vload(dPeep + ps) + dAf * cPrev);
      vstore(dPeep + 2 * ps, vload(dPeep + 2 * ps) + dAo * cell);
    }
  }
  vstore(dg, dAi);
  vstore(dg + gs, dAf);
  vstore(dg + 2 * gs, dAg);
  vstore(dg + 3 * gs, dAo);
  vstore(dcp, dcPrev);
}

void lstmBackward(int rows, int hidden, const float* gates, const float* cPrev, const float* c,
                  const float* peep, const float* dh, const float* dc, float* dGates, float* dcPrev,
                  float* dPeep) {
  const size_t H = hidden;
  const int tail = hidden % LANES;
  const int body = hidden - tail;
  if (!peep) dPeep = nullptr;
  for (int r = 0; r < rows; r++) {
    const float* gr = gates + r * 4 * H;
    float* dgr = dGates + r * 4 * H;
    const size_t s = r * H;
    for (int j = 0; j < body; j += LANES)
      lstmBackwardLanes(gr + j, H, cPrev + s + j, c + s + j, peep ? peep + j : nullptr, H, dh + s + j,
                        dc + s + j, dgr + j, dcPrev + s + j, dPeep ? dPeep + j : nullptr);
    if (tail == 0) continue;
    float g[4 * LANES] = {}, cp[LANES] = {}, cl[LANES] = {}, p[3 * LANES] = {}, dhh[LANES] = {},
          dcc[LANES] = {}, dp[3 * LANES] = {}, dg[4 * LANES], dcp[LANES];
    copyBlocks(g, LANES, gr + body, H, 4, tail);
    std::memcpy(cp, cPrev + s + body, tail * sizeof(float));
    std::memcpy(cl, c + s + body, tail * sizeof(float));
    std::memcpy(dhh, dh + s + body, tail * sizeof(float));
    std::memcpy(dcc, dc + s + body, tail * sizeof(float));
    if (peep) copyBlocks(p, LANES, peep + body, H, 3, tail);
    if (dPeep) copyBlocks(dp, LANES, dPeep + body, H, 3, tail);
    lstmBackwardLanes(g, LANES, cp, cl, peep ? p : nullptr, LANES, dhh, dcc, dg, dcp, dPeep ? dp : nullptr);
    copyBlocks(dgr + body, H, dg, LANES, 4, tail);
    std::memcpy(dcPrev + s + body, dcp, tail * sizeof(float));
    if (dPeep) copyBlocks(dPeep + body, H, dp, LANES, 3, tail);
  }
}

// ---------------------------------------------------------------------------------------------
// GRU (PyTorch's formulation), gate order r, z, n.

static inline void gruForwardLanes(const float* gi, const float* gh, size_t gs, const float* hp, float* act,
                                   float* h) {
  const vf one = splat(1.0f);
  const vf r = vsigmoid(vload(gi) + vload(gh));
  const vf z = vsigmoid(vload(gi + gs) + vload(gh + gs));
  // n = tanh(gi_n + r ⊙ gh_n)
  const vf n = vtanh(vload(gi + 2 * gs) + r * vload(gh + 2 * gs));
  const vf hPrev = vload(hp);
  vstore(act, r);
  vstore(act + gs, z);
  vstore(act + 2 * gs, n);
  // h = (1 − z) ⊙ n + z ⊙ h_prev
  vstore(h, (one - z) * n + z * hPrev);
}

void gruForward(int rows, int hidden, const float* gi, const float* gh, const float* hPrev, float* act,
                float* h) {
  const size_t H = hidden;
  const int tail = hidden % LANES;
  const int body = hidden - tail;
  for (int row = 0; row < rows; row++) {
    const size_t g = row * 3 * H, s = row * H;
    for (int j = 0; j < body; j += LANES)
      gruForwardLanes(gi + g + j, gh + g + j, H, hPrev + s + j, act + g + j, h + s + j);
    if (tail == 0) continue;
    float i3[3 * LANES] = {}, h3[3 * LANES] = {}, hp[LANES] = {}, a3[3 * LANES], hh[LANES];
    copyBlocks(i3, LANES, gi + g + body, H, 3, tail);
    copyBlocks(h3, LANES, gh + g + body, H, 3, tail);
    std::memcpy(hp, hPrev + s + body, tail * sizeof(float));
    gruForwardLanes(i3, h3, LANES, hp, a3, hh);
    copyBlocks(act + g + body, H, a3, LANES, 3, tail);
    std::memcpy(h + s + body, hh, tail * sizeof(float));
  }
}

static inline void gruBackwardLanes(const float* act, const float* gh, size_t gs, const float* hp,
                                    const float* dh, float* dgi, float* dgh, float* dhp) {
  const vf one = splat(1.0f);
  const vf r = vload(act), z = vload(act + gs), n = vload(act + 2 * gs);
  const vf hPrev = vload(hp), d = vload(dh), ghn = vload(gh + 2 * gs);
  // h = (1 − z) ⊙ n + z ⊙ h_prev; n = tanh(gi_n + r ⊙ gh_n)
  const vf dAn = d * (one - z) * (one - n * n);
  const vf dAz = d * (hPrev - n) * z * (one - z);
  // r scales gh_n
  const vf dAr = dAn * ghn * r * (one - r);
  vstore(dgi, dAr);
  vstore(dgi + gs, dAz);
  vstore(dgi + 2 * gs, dAn);
  vstore(dgh, dAr);
  vstore(dgh + gs, dAz);
  vstore(dgh + 2 * gs, dAn * r);
  vstore(dhp, d * z);
}

void gruBackward(int rows, int hidden, const float* act, const float* gh, const float* hPrev, const float* dh,
                 float* dGi, float* dGh, float* dhPrev) {
  const size_t H = hidden;
  const int tail = hidden % LANES;
  const int body = hidden - tail;
  for (int row = 0; row < rows; row++) {
    const size_t g = row * 3 * H, s = row * H;
    for (int j = 0; j < body; j += LANES)
      gruBackwardLanes(act + g + j, gh + g + j, H, hPrev + s + j, dh + s + j, dGi + g + j, dGh + g + j,
                       dhPrev + s + j);
    if (tail == 0) continue;
    float a3[3 * LANES] = {}, h3[3 * LANES] = {}, hp[LANES] = {}, dhh[LANES] = {}, di[3 * LANES],
          dgh[3 * LANES], dhp[LANES];
    copyBlocks(a3, LANES, act + g + body, H, 3, tail);
    copyBlocks(h3, LANES, gh + g + body, H, 3, tail);
    std::memcpy(hp, hPrev + s + body, tail * sizeof(float));
    std::memcpy(dhh, dh + s + body, tail * sizeof(float));
    gruBackwardLanes(a3, h3, LANES, hp, dhh, di, dgh, dhp);
    copyBlocks(dGi + g + body, H, di, LANES, 3, tail);
    copyBlocks(dGh + g + body, H, dgh, LANES, 3, tail);
    std::memcpy(dhPrev + s + body, dhp, tail * sizeof(float));
  }
}
