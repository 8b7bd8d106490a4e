// Fused pointwise kernels of the native backend: bias broadcast, bias gradient, tanh, and one
// LSTM or GRU step forward and backward. Contracts and equations: src/core/backend.ts; the
// specification is src/core/plain.ts, which these follow line for line.
//
// Dimension legend: R rows (streams), H hidden units, G gates (4H LSTM, 3H GRU).
#pragma once

void addRowBroadcast(int rows, int cols, const float* bias, float* c);
void sumRows(int rows, int cols, const float* a, float* out);
void tanhForward(int n, const float* x, float* y);
void tanhBackward(int n, const float* y, const float* dy, float* dx);
void lstmForward(int rows, int hidden, float* gates, const float* cPrev, const float* peep, float* c,
                 float* h);
void lstmBackward(int rows, int hidden, const float* gates, const float* cPrev, const float* c,
                  const float* peep, const float* dh, const float* dc, float* dGates, float* dcPrev,
                  float* dPeep);
void gruForward(int rows, int hidden, const float* gi, const float* gh, const float* hPrev, float* act,
                float* h);
void gruBackward(int rows, int hidden, const float* act, const float* gh, const float* hPrev, const float* dh,
                 float* dGi, float* dGh, float* dhPrev);
