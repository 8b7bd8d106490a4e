// One-hot inputs read as a lookup (see columns.h).
//
// Both kernels work on blocks of BLOCK consecutive j (rows of w, columns of c and d): a block's
// rows of w stay in the first-level cache while each row r reads or writes BLOCK contiguous values
// of c or d, one cache line. Column v of w is a strided read (stride ldw). The scatter-add, when
// many rows share few symbols (rows ≥ 2V: characters), first transposes the block of w into a
// V × BLOCK table, so each row adds BLOCK contiguous values (a vector operation or two), and
// writes the table back; with few rows over many symbols (word models) the strided additions are
// cheaper than the transposition. Either way each entry of w receives its additions one at a
// time, rows in order, as in the plain kernel: scatterAddColumns gives the same bits on every
// backend. (For the lookup, the transposed table measured slower than the strided reads.)
#include "columns.h"

#include <algorithm>
#include <cstddef>
#include <vector>

namespace {

constexpr int BLOCK = 16;

/** The V × BLOCK table of one block of w (grown as needed, kept between calls). */
float* table(int vocabulary) {
  thread_local std::vector<float> storage;
  const size_t n = static_cast<size_t>(vocabulary) * BLOCK;
  if (storage.size() < n) storage.resize(n);
  return storage.data();
}

/** The largest id + 1: the table's height. */
int height(int rows, const int32_t* ids) {
  int v = 0;
  for (int r = 0; r < rows; r++) v = std::max(v, ids[r] + 1);
  return v;
}

}  // namespace

void gatherColumns(int rows, int n, const int32_t* ids, const float* w, int ldw, float* c, int ldc) {
  for (int j0 = 0; j0 < n; j0 += BLOCK) {
    const int width = std::min(BLOCK, n - j0);
    for (int r = 0; r < rows; r++) {
      float* row = c + static_cast<size_t>(r) * ldc + j0;
      const int v = ids[r];
      if (v < 0) {
        for (int j = 0; j < width; j++) row[j] = 0.0f;
        continue;
      }
      const float* column = w + static_cast<size_t>(j0) * ldw + v;
      for (int j = 0; j < width; j++) row[j] = column[static_cast<size_t>(j) * ldw];
    }
  }
}

void scatterAddColumns(int rows, int n, const int32_t* ids, const float* d, int ldd, float* w, int ldw) {
  const int V = height(rows, ids);
  const bool transpose = rows >= 2 * V;
  float* t = transpose ? table(V) : nullptr;
  for (int j0 = 0; j0 < n; j0 += BLOCK) {
    const int width = std::min(BLOCK, n - j0);
    if (transpose)
      for (int v = 0; v < V; v++)
        for (int j = 0; j < width; j++) t[v * BLOCK + j] = w[static_cast<size_t>(j0 + j) * ldw + v];
    for (int r = 0; r < rows; r++) {
      const int v = ids[r];
      if (v < 0) continue;
      const float* row = d + static_cast<size_t>(r) * ldd + j0;
      if (transpose) {
        float* to = t + v * BLOCK;
        for (int j = 0; j < width; j++) to[j] += row[j];
      } else {
        float* column = w + static_cast<size_t>(j0) * ldw + v;
        for (int j = 0; j < width; j++) column[static_cast<size_t>(j) * ldw] += row[j];
      }
    }
    if (transpose)
      for (int v = 0; v < V; v++)
        for (int j = 0; j < width; j++) w[static_cast<size_t>(j0 + j) * ldw + v] = t[v * BLOCK + j];
  }
}
