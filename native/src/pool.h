// Work sharing for the native backend's threads: a job is split into a fixed list of tasks that
// the calling thread and the pool's workers claim one at a time from a shared counter.
//
// Why not the BLAS's own threads: OpenBLAS splits a product into one part per thread and waits
// for every part (a barrier). On a machine whose cores other processes want, the partner thread
// is often descheduled, and each of the hundreds of small products per window (char-rnn: 32 × 256
// × 1024 per step) then waits for it a whole scheduler time slice: on 2 threads B ran slower than
// on 1 (docs/benchmarks.md). Here the caller never waits for a task nobody has started: it claims
// every task the workers have not, so a busy machine costs at most the one task a descheduled
// worker holds, and a free core shares the work.
//
// Determinism: which thread runs a task never changes what the task computes (the tasks of one job
// write disjoint outputs, each with the same single-threaded arithmetic), and the split depends
// only on the job's shape and the thread count.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

class WorkPool {
 public:
  using Task = void (*)(const void* job, int task);

  /** A pool of `threads` threads in all: the caller of run() and threads − 1 workers. */
  explicit WorkPool(int threads);
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  /** Runs task(job, i) for every i in [0, tasks), on the caller and the workers; returns when all are done. */
  void run(int tasks, Task task, const void* job);

 private:
  void work();
  /** Claims and runs tasks of generation `gen` until none is left. */
  void drain(uint32_t gen);

  // state_: generation, task count and next unclaimed task in one word (pool.cc), so a worker
  // still finishing an old job can never claim a task of the next one.
  std::atomic<uint64_t> state_{0};
  std::atomic<int> done_{0};
  std::atomic<int> sleepers_{0};
  Task task_ = nullptr;
  const void* job_ = nullptr;
  bool stop_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::thread> workers_;
};
