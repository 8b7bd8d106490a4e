#!/usr/bin/python3
"""PyTorch peer of tbptt's benchmark: training throughput of the same nets.

Usage: /usr/bin/python3 bench/peers/torch_bench.py WORKLOAD [--threads N]
           [--seconds S] [--rounds R] [--warmup S]

Prints one JSON line on stdout, for example
  {"system": "pytorch", "blas": "openblas", "threads": 1, "workload": "A1",
   "throughput": 2700.0, "unit": "frames/s", ...}
or, when torch cannot be imported, {"system": "pytorch", "skipped": "..."}.

Workloads (float32, synthetic random data, fixed seed; each update is forward,
backward and a plain SGD step):
  A1     LSTM 26 -> 140, Linear 140 -> 61, softmax cross-entropy summed over
         frames; sequences of 300 frames, batch 1, one update per sequence
         (k1 = k2 = 300), state reset to zero for each sequence.
  A16    the same net, 16 streams of 300 frames cut into windows of 20
         (k1 = k2 = 20); state carried from window to window and detached.
  B      char-rnn: 65 one-hot inputs, LSTM 256, Linear 256 -> 65; 32 streams,
         windows of 50 (k1 = k2 = 50), state carried and detached, gradient
         norm clipped to 5.
  M256   C = A B with 256 x 256 single-precision matrices, in GFLOP/s.
  M1024  the same with 1024 x 1024.

Throughput counts every frame (or char) of every stream: B x T per update.
Each timed round runs whole updates until it has lasted --seconds; the
result is the median of --rounds rounds, after --warmup seconds of warm-up.
Besides this wall-clock throughput, each line gives cpu_throughput, the work
per second of process CPU time (median of the same rounds), and cpu_share,
CPU seconds over wall seconds for all rounds: about 1.0 for an undisturbed
single-threaded run, lower when other processes took the core. On a shared
machine cpu_throughput of a 1-thread run is the steadier figure; for more
threads it means little (it sums the threads, spin-waits included).

--serve turns the script into a server for `npm run bench`, which interleaves
the rounds of every system in one run: after setup and warm-up it prints
{"ready": true, ...}, then for each line "round S" on stdin runs one timed
round of S seconds and prints {"throughput", "cpu_throughput", "wall", "cpu"};
"quit" prints {"peak_rss_bytes": ...} (getrusage's ru_maxrss) and exits.

Threads: OMP_NUM_THREADS and OPENBLAS_NUM_THREADS are set to N before torch
is imported, since Debian's torch is built against the generic libblas.so.3
and torch.set_num_threads does not reach OpenBLAS's own thread pool.
"""

import argparse
import ctypes
import json
import os
import statistics
import sys
import time

WORKLOADS = ("A1", "A16", "B", "M256", "M1024")


def parse_args():
    parser = argparse.ArgumentParser(description="PyTorch peer of tbptt's benchmark")
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up (at least 2 updates)")
    parser.add_argument("--serve", action="store_true", help="answer 'round S' lines on stdin (see above)")
    args = parser.parse_args()
    if args.threads < 1 or args.rounds < 1 or args.seconds <= 0:
        parser.error("--threads and --rounds must be >= 1 and --seconds > 0")
    return args


def blas_in_use():
    """Which BLAS this process really loaded, read from /proc/self/maps.

    libblas.so.3 is a Debian alternative: OpenBLAS's copy lives under
    openblas-pthread/ (or openblas-openmp/), the reference one under blas/.
    """
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and ("blas" in fields[5] or "mkl" in fields[5]):
                paths.add(fields[5])
    info = {"blas": "unknown", "blas_library": sorted(paths)}
    openblas = [p for p in paths if "libopenblas" in p]
    if openblas:
        info["blas"] = "openblas"
        lib = ctypes.CDLL(openblas[0])
        lib.openblas_get_config.restype = ctypes.c_char_p
        lib.openblas_get_corename.restype = ctypes.c_char_p
        info["blas_config"] = lib.openblas_get_config().decode()
        info["blas_core"] = lib.openblas_get_corename().decode()
        info["blas_threads"] = lib.openblas_get_num_threads()
    elif any("/blas/libblas" in p for p in paths):
        info["blas"] = "reference"
    elif any("mkl" in p for p in paths):
        info["blas"] = "mkl"
    return info


def one_round(update, work_per_update, seconds):
    """Whole updates until `seconds` have passed: (work per wall s, work per CPU s, wall s, CPU s)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    updates = 0
    while True:
        update()
        updates += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    cpu = time.process_time() - cpu_start
    return updates * work_per_update / elapsed, updates * work_per_update / cpu, elapsed, cpu


def serve(update, work, unit, info):
    """The --serve loop: warm up, then one timed round per 'round S' line."""
    import resource

    start = time.perf_counter()
    done = 0
    while done < 2 or time.perf_counter() - start < 1.0:
        update()
        done += 1
    print(json.dumps({"ready": True, "unit": unit, **info}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["round"]:
            rate, cpu_rate, wall, cpu = one_round(update, work, float(words[1]))
            print(json.dumps({"throughput": rate, "cpu_throughput": cpu_rate, "wall": wall, "cpu": cpu}), flush=True)
        elif words[:1] == ["quit"]:
            break
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"peak_rss_bytes": peak}), flush=True)


def time_rounds(update, work_per_update, seconds, rounds, warmup):
    """Runs update() for warm-up, then timed rounds of whole updates.

    Returns the work per wall-clock second of each round, the work per
    second of process CPU time of each round, and the CPU share overall.
    """
    start = time.perf_counter()
    done = 0
    while done < 2 or time.perf_counter() - start < warmup:
        update()
        done += 1
    wall_rates, cpu_rates = [], []
    wall_total = cpu_total = 0.0
    for _ in range(rounds):
        rate, cpu_rate, elapsed, cpu = one_round(update, work_per_update, seconds)
        wall_rates.append(rate)
        cpu_rates.append(cpu_rate)
        wall_total += elapsed
        cpu_total += cpu
    return wall_rates, cpu_rates, cpu_total / wall_total


class Net:
    """LSTM + Linear + summed softmax cross-entropy, trained by plain SGD."""

    def __init__(self, torch, inputs, hidden, classes, lr, clip=None):
        self.torch = torch
        self.lstm = torch.nn.LSTM(inputs, hidden)  # time-major (T, B, I)
        self.out = torch.nn.Linear(hidden, classes)
        self.params = list(self.lstm.parameters()) + list(self.out.parameters())
        self.opt = torch.optim.SGD(self.params, lr=lr)
        self.classes = classes
        self.clip = clip
        self.last_loss = float("nan")

    def step(self, x, y, state):
        """One update on a window x (T, B, I), targets y (T, B); returns the detached state."""
        torch = self.torch
        out, (h, c) = self.lstm(x, state)
        logits = self.out(out)
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, self.classes), y.reshape(-1), reduction="sum"
        )
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        if self.clip is not None:
            torch.nn.utils.clip_grad_norm_(self.params, self.clip)
        self.opt.step()
        self.last_loss = loss.item() / y.numel()
        return (h.detach(), c.detach())


def frames_workload(torch, batch, window, length=300, inputs=26, hidden=140, classes=61):
    """A1 (batch 1, window 300) and A16 (batch 16, window 20): streams of `length` frames."""
    gen = torch.Generator().manual_seed(1)
    pool = 4
    xs = torch.randn(pool, length, batch, inputs, generator=gen)
    ys = torch.randint(0, classes, (pool, length, batch), generator=gen)
    net = Net(torch, inputs, hidden, classes, lr=1e-4)
    position = [0]

    def update_stream():
        # One stream set of `length` frames: state starts at zero, carried across windows.
        k = position[0] % pool
        position[0] += 1
        state = None
        for start in range(0, length, window):
            state = net.step(xs[k, start : start + window], ys[k, start : start + window], state)

    return net, update_stream, batch * length, "frames/s"


def chars_workload(torch, batch=32, window=50, vocab=65, hidden=256, windows=16):
    """B: char-rnn on a random stream, one-hot inputs, state carried forever."""
    gen = torch.Generator().manual_seed(2)
    chars = torch.randint(0, vocab, (windows * window + 1, batch), generator=gen)
    one_hot = torch.nn.functional.one_hot(chars[:-1], vocab).float()  # (windows*T, B, V)
    targets = chars[1:]
    net = Net(torch, vocab, hidden, vocab, lr=1e-3, clip=5.0)
    state = [None]
    position = [0]

    def update_window():
        start = (position[0] % windows) * window
        position[0] += 1
        state[0] = net.step(one_hot[start : start + window], targets[start : start + window], state[0])

    return net, update_window, batch * window, "chars/s"


def main():
    args = parse_args()
    threads = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = threads
    os.environ["OPENBLAS_NUM_THREADS"] = threads
    try:
        import torch
    except ImportError as err:
        print(json.dumps({"system": "pytorch", "workload": args.workload,
                          "skipped": f"torch not importable by {sys.executable}: {err}"}))
        return

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)

    net = None
    if args.workload.startswith("M"):
        n = int(args.workload[1:])
        gen = torch.Generator().manual_seed(3)
        a = torch.randn(n, n, generator=gen)
        b = torch.randn(n, n, generator=gen)
        c = torch.empty(n, n)

        def update():
            torch.mm(a, b, out=c)

        work, unit = 2.0 * n**3 / 1e9, "GFLOP/s"
    elif args.workload == "A1":
        net, update, work, unit = frames_workload(torch, batch=1, window=300)
    elif args.workload == "A16":
        net, update, work, unit = frames_workload(torch, batch=16, window=20)
    else:
        net, update, work, unit = chars_workload(torch)

    if args.serve:
        serve(update, work, unit, {"version": torch.__version__, **blas_in_use(), "threads": torch.get_num_threads()})
        return
    rounds, cpu_rounds, cpu_share = time_rounds(update, work, args.seconds, args.rounds, args.warmup)
    result = {
        "system": "pytorch",
        "version": torch.__version__,
        **blas_in_use(),
        "threads": torch.get_num_threads(),
        "workload": args.workload,
        "throughput": round(statistics.median(rounds), 2),
        "unit": unit,
        "rounds": [round(r, 2) for r in rounds],
        "cpu_throughput": round(statistics.median(cpu_rounds), 2),
        "cpu_share": round(cpu_share, 3),
        "seconds_per_round": args.seconds,
    }
    if net is not None:
        result["loss_per_frame"] = round(net.last_loss, 4)
    if "OPENBLAS_CORETYPE" in os.environ:
        result["openblas_coretype"] = os.environ["OPENBLAS_CORETYPE"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
