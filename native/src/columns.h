// One-hot inputs read as a lookup (contracts: src/core/backend.ts, gatherColumns and
// scatterAddColumns; the specification is src/core/plain.ts). w is n × V with row stride ldw; a
// one-hot row r selects column ids[r] (−1: none). The ids were checked by the caller.
#pragma once

#include <cstdint>

void gatherColumns(int rows, int n, const int32_t* ids, const float* w, int ldw, float* c, int ldc);
void scatterAddColumns(int rows, int n, const int32_t* ids, const float* d, int ldd, float* w, int ldw);
