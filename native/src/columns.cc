// One-hot inputs read as a lookup (see columns.h).
//
// Both kernels walk blocks of BLOCK consecutive j (rows of w): a block's rows of w stay in the
// first-level cache while every row r reads or writes BLOCK contiguous values of c or d, one
// cache line. Column j of a one-hot row is a strided read of w (stride ldw), so without the
// blocking each of those reads would fetch a line of its own. Within a block the rows r run in
// order, so every entry of w receives its additions in the same order as in the plain kernel:
// scatterAddColumns gives the same bits on every backend.
#include "columns.h"

#include <algorithm>
#include <cstddef>

namespace {
constexpr int BLOCK = 16;
}

void gatherColumns(int rows, int n, const int32_t* ids, const float* w, int ldw, float* c, int ldc) {
  for (int j0 = 0; j0 < n; j0 += BLOCK) {
    const int j1 = std::min(n, j0 + BLOCK);
    for (int r = 0; r < rows; r++) {
      float* row = c + static_cast<size_t>(r) * ldc;
      const int v = ids[r];
      if (v < 0) {
        for (int j = j0; j < j1; j++) row[j] = 0.0f;
        continue;
      }
      const float* column = w + v;
      for (int j = j0; j < j1; j++) row[j] = column[static_cast<size_t>(j) * ldw];
    }
  }
}

void scatterAddColumns(int rows, int n, const int32_t* ids, const float* d, int ldd, float* w, int ldw) {
  for (int j0 = 0; j0 < n; j0 += BLOCK) {
    const int j1 = std::min(n, j0 + BLOCK);
    for (int r = 0; r < rows; r++) {
      const int v = ids[r];
      if (v < 0) continue;
      const float* row = d + static_cast<size_t>(r) * ldd;
      float* column = w + v;
      for (int j = j0; j < j1; j++) column[static_cast<size_t>(j) * ldw] += row[j];
    }
  }
}
