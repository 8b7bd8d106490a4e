// The Node-API face of the native backend (src/core/native/backend.ts is the JavaScript side).
//
// create(reserveBytes, threads) maps one region of memory, reserved but untouched (pages cost
// nothing until written), and hands it to JavaScript as one external ArrayBuffer: the backend's
// arena, which never grows or moves, so every Float32Array view of it stays valid. Kernels take
// byte offsets into that region, never typed arrays, and read their arguments from an argument
// block of 32 float64 values at its start that JavaScript fills before each call: a call then
// crosses into C++ with no arguments to convert, which keeps the per-step cost at batch 1 small.
// With threads > 1 the instance owns a WorkPool (pool.h) that shares big products among the
// calling thread and threads − 1 workers; the BLAS itself runs on one thread. The other kernels
// run on the calling thread.
#include <node_api.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>

#include "columns.h"
#include "gemm.h"
#include "pointwise.h"
#include "pool.h"
#include "vmath.h"

namespace {

constexpr int ARG_SLOTS = 32;

struct Instance {
  uint8_t* base;
  size_t bytes;
  int threads;
  WorkPool* pool;  // null on one thread
};

/** Argument i of the current call, from the block at the start of the arena. */
inline double arg(const Instance* s, int i) { return reinterpret_cast<const double*>(s->base)[i]; }
inline int iarg(const Instance* s, int i) { return static_cast<int>(arg(s, i)); }
inline float* parg(const Instance* s, int i) { return reinterpret_cast<float*>(s->base + static_cast<size_t>(arg(s, i))); }

Instance* self(napi_env env, napi_callback_info info) {
  void* data = nullptr;
  napi_get_cb_info(env, info, nullptr, nullptr, nullptr, &data);
  return static_cast<Instance*>(data);
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  blasSetThreads(1);
  gemm(s->pool, arg(s, 0) != 0, arg(s, 1) != 0, iarg(s, 2), iarg(s, 3), iarg(s, 4), static_cast<float>(arg(s, 5)),
       parg(s, 6), iarg(s, 7), parg(s, 8), iarg(s, 9), static_cast<float>(arg(s, 10)), parg(s, 11),
       iarg(s, 12));
  return nullptr;
}

napi_value GatherColumns(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  gatherColumns(iarg(s, 0), iarg(s, 1), reinterpret_cast<const int32_t*>(parg(s, 2)), parg(s, 3), iarg(s, 4),
                parg(s, 5), iarg(s, 6));
  return nullptr;
}

napi_value ScatterAddColumns(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  scatterAddColumns(iarg(s, 0), iarg(s, 1), reinterpret_cast<const int32_t*>(parg(s, 2)), parg(s, 3),
                    iarg(s, 4), parg(s, 5), iarg(s, 6));
  return nullptr;
}

napi_value AddRowBroadcast(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  addRowBroadcast(iarg(s, 0), iarg(s, 1), parg(s, 2), parg(s, 3));
  return nullptr;
}

napi_value SumRows(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  sumRows(iarg(s, 0), iarg(s, 1), parg(s, 2), parg(s, 3));
  return nullptr;
}

napi_value TanhForward(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  tanhForward(iarg(s, 0), parg(s, 1), parg(s, 2));
  return nullptr;
}

napi_value TanhBackward(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  tanhBackward(iarg(s, 0), parg(s, 1), parg(s, 2), parg(s, 3));
  return nullptr;
}

napi_value LstmForward(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  lstmForward(iarg(s, 0), iarg(s, 1), parg(s, 2), parg(s, 3), arg(s, 5) != 0 ? parg(s, 4) : nullptr,
              parg(s, 6), parg(s, 7));
  return nullptr;
}

napi_value LstmBackward(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  lstmBackward(iarg(s, 0), iarg(s, 1), parg(s, 2), parg(s, 3), parg(s, 4), arg(s, 6) != 0 ? parg(s, 5) : nullptr,
               parg(s, 7), parg(s, 8), parg(s, 9), parg(s, 10), arg(s, 12) != 0 ? parg(s, 11) : nullptr);
  return nullptr;
}

napi_value GruForward(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  gruForward(iarg(s, 0), iarg(s, 1), parg(s, 2), parg(s, 3), parg(s, 4), parg(s, 5), parg(s, 6));
  return nullptr;
}

napi_value GruBackward(napi_env env, napi_callback_info info) {
  const Instance* s = self(env, info);
  gruBackward(iarg(s, 0), iarg(s, 1), parg(s, 2), parg(s, 3), parg(s, 4), parg(s, 5), parg(s, 6), parg(s, 7),
              parg(s, 8));
  return nullptr;
}

void releaseArena(napi_env, void*, void* hint) {
  Instance* s = static_cast<Instance*>(hint);
  munmap(s->base, s->bytes);
  delete s->pool;
  delete s;
}

napi_value fail(napi_env env, const char* message) {
  napi_throw_error(env, nullptr, message);
  return nullptr;
}

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) return fail(env, "tbptt native: " #call); \
  } while (0)

napi_value Create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  double bytesArg = 0;
  int32_t threads = 1;
  if (argc < 2 || napi_get_value_double(env, argv[0], &bytesArg) != napi_ok ||
      napi_get_value_int32(env, argv[1], &threads) != napi_ok)
    return fail(env, "tbptt native: create(reserveBytes, threads) expects two numbers");
  if (!(bytesArg >= 4096 && bytesArg <= 68719476736.0) || threads < 1 || threads > 256)
    return fail(env, "tbptt native: reserveBytes must be in [4096, 2^36] and threads in [1, 256]");
  const size_t bytes = static_cast<size_t>(bytesArg);
  void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    char message[160];
    std::snprintf(message, sizeof message, "tbptt native: could not reserve %zu bytes of memory", bytes);
    return fail(env, message);
  }
  Instance* s = new Instance{static_cast<uint8_t*>(base), bytes, threads, threads > 1 ? new WorkPool(threads) : nullptr};
  napi_value result, buffer, value;
  CHECK(napi_create_object(env, &result));
  if (napi_create_external_arraybuffer(env, base, bytes, releaseArena, s, &buffer) != napi_ok) {
    releaseArena(env, nullptr, s);
    return fail(env, "tbptt native: could not wrap the arena in an ArrayBuffer");
  }
  CHECK(napi_set_named_property(env, result, "buffer", buffer));
  CHECK(napi_create_int32(env, ARG_SLOTS, &value));
  CHECK(napi_set_named_property(env, result, "argSlots", value));
  struct {
    const char* name;
    napi_callback cb;
  } kernels[] = {{"gemm", Gemm},
                 {"gatherColumns", GatherColumns},
                 {"scatterAddColumns", ScatterAddColumns},
                 {"addRowBroadcast", AddRowBroadcast},
                 {"sumRows", SumRows},
                 {"tanhForward", TanhForward},
                 {"tanhBackward", TanhBackward},
                 {"lstmForward", LstmForward},
                 {"lstmBackward", LstmBackward},
                 {"gruForward", GruForward},
                 {"gruBackward", GruBackward}};
  for (const auto& k : kernels) {
    CHECK(napi_create_function(env, k.name, NAPI_AUTO_LENGTH, k.cb, s, &value));
    CHECK(napi_set_named_property(env, result, k.name, value));
  }
  return result;
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, value;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_string_utf8(env, blasDescription(), NAPI_AUTO_LENGTH, &value));
  CHECK(napi_set_named_property(env, result, "blas", value));
  CHECK(napi_create_int32(env, blasThreads(), &value));
  CHECK(napi_set_named_property(env, result, "blasThreads", value));
  CHECK(napi_create_int32(env, LANES, &value));
  CHECK(napi_set_named_property(env, result, "lanes", value));
  return result;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  CHECK(napi_create_function(env, "create", NAPI_AUTO_LENGTH, Create, nullptr, &fn));
  CHECK(napi_set_named_property(env, exports, "create", fn));
  CHECK(napi_create_function(env, "info", NAPI_AUTO_LENGTH, Info, nullptr, &fn));
  CHECK(napi_set_named_property(env, exports, "info", fn));
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
