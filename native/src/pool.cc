// The work-sharing pool (see pool.h). A worker that has finished a job spins briefly for the next
// one (products that follow each other directly: a step's backward pair) and then sleeps. Longer
// spinning measured worse on this busy 2-core machine (char-rnn on 2 threads, rounds side by
// side: 200 µs of spinning about as fast as 0-50 µs for more CPU, 1 ms 30 % slower;
// docs/notes/bench.md): a spinning worker spends its share of the core on nothing, while one that
// slept is scheduled promptly when woken. The caller never waits for a sleeping worker: it runs
// every task the worker has not claimed by the time it gets there.
#include "pool.h"

#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
static inline void relax() { _mm_pause(); }
#else
static inline void relax() {}
#endif

namespace {

/** How long an idle worker spins before it sleeps. */
constexpr auto SPIN = std::chrono::microseconds(20);

// The state word: generation (32 bits), the job's task count (16), the next unclaimed task (16).
inline uint32_t generationOf(uint64_t state) { return static_cast<uint32_t>(state >> 32); }
inline uint32_t tasksOf(uint64_t state) { return static_cast<uint32_t>(state >> 16) & 0xffff; }
inline uint32_t nextOf(uint64_t state) { return static_cast<uint32_t>(state) & 0xffff; }

}  // namespace

WorkPool::WorkPool(int threads) {
  for (int i = 1; i < threads; i++) workers_.emplace_back([this] { work(); });
}

WorkPool::~WorkPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

void WorkPool::drain(uint32_t gen) {
  uint64_t s = state_.load(std::memory_order_acquire);
  for (;;) {
    if (generationOf(s) != gen || nextOf(s) >= tasksOf(s)) return;
    // The compare-exchange fails if another thread claimed first or a new job began: retry with
    // the fresh state, whose generation then tells which.
    if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      task_(job_, static_cast<int>(nextOf(s)));
      done_.fetch_add(1, std::memory_order_acq_rel);
      s = state_.load(std::memory_order_acquire);
    }
  }
}

void WorkPool::run(int tasks, Task task, const void* job) {
  if (workers_.empty() || tasks <= 1 || tasks > 0xffff) {
    for (int i = 0; i < tasks; i++) task(job, i);
    return;
  }
  // No worker touches these until it sees the new generation (released by the store below), and
  // the previous job is over: every one of its tasks is done.
  task_ = task;
  job_ = job;
  done_.store(0, std::memory_order_relaxed);
  const uint32_t gen = generationOf(state_.load(std::memory_order_relaxed)) + 1;
  state_.store(static_cast<uint64_t>(gen) << 32 | static_cast<uint64_t>(tasks) << 16, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }
  drain(gen);
  // Only tasks a worker has claimed and not finished remain.
  while (done_.load(std::memory_order_acquire) < tasks) relax();
}

void WorkPool::work() {
  uint32_t seen = 0;
  for (;;) {
    const auto until = std::chrono::steady_clock::now() + SPIN;
    uint32_t gen = generationOf(state_.load(std::memory_order_acquire));
    for (int spins = 0; gen == seen; spins++) {
      relax();
      if ((spins & 255) == 255 && std::chrono::steady_clock::now() > until) break;
      gen = generationOf(state_.load(std::memory_order_acquire));
    }
    if (gen == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      // Counted before the generation is read again (both sequentially consistent): run() either
      // sees the sleeper and notifies under the lock, or published its job before this read.
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      wake_.wait(lock, [&] { return stop_ || generationOf(state_.load(std::memory_order_seq_cst)) != seen; });
      sleepers_.fetch_sub(1, std::memory_order_seq_cst);
      if (stop_) return;
      gen = generationOf(state_.load(std::memory_order_acquire));
    }
    seen = gen;
    drain(gen);
  }
}
