"""What the PyTorch companion's exactness costs (docs/scale.md, docs/notes/scale.md).

Times one epoch of the same config and data three ways, in float32 on one thread:
  tbptt       `tbptt train` (its default backend), read from the run's log;
  companion   python/tbptt_torch.py in process (one worker);
  fused       the idiomatic PyTorch loop where it applies: torch.nn.LSTM's fused forward over
              each chunk, the state detached at chunk borders (chunked windows only: it has no
              way to express k2 > k1 or per-loss truncation).
Prints frames per second per schedule.

    /usr/bin/python3 bench/companion_cost.py [--sequences N]
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "python"))
import tbptt_torch as tt  # noqa: E402

SCHEDULES = {
    "chunked k1 = k2 = 20": {"k1": 20, "k2": 20},
    "overlapping k1 = 10, k2 = 30": {"k1": 10, "k2": 30},
    "per-loss k1 = 10, k2 = 5": {"k1": 10, "k2": 5, "truncation": "per-loss"},
}


def write_data(path, sequences, rng):
    with open(path, "w") as f:
        for _ in range(sequences):
            T = 100 + int(rng.next() * 200)
            x = [[round(rng.uniform(-1, 1), 4) for _ in range(26)] for _ in range(T)]
            f.write(json.dumps({"x": x, "y": [int(rng.next() * 61) for _ in range(T)]}) + "\n")


def fused_epoch(config, data):
    """char-rnn's loop: B aligned streams, a chunk of k1 steps, nn.LSTM over it, detach, step."""
    net = tt.build_model(config, data)
    opt = torch.optim.SGD(net.parameters(), lr=config["optimizer"]["lr"])
    B, k = config["streams"], config["schedule"]["k1"]
    seqs = data.sequences
    begin = time.perf_counter()
    frames = 0
    for first in range(0, len(seqs), B):
        batch = seqs[first:first + B]
        T = max(len(s) for s in batch)
        x = torch.zeros(T, len(batch), 26)
        y = torch.full((T, len(batch)), -100, dtype=torch.int64)
        for b, s in enumerate(batch):
            x[:len(s), b], y[:len(s), b] = s.x, s.labels
        state = None
        for t in range(0, T, k):
            out, state = net.rnn(x[t:t + k], state)
            state = tuple(v.detach() for v in state)
            loss = torch.nn.functional.cross_entropy(net.out(out).reshape(-1, 61), y[t:t + k].reshape(-1),
                                                     ignore_index=-100, reduction="sum")
            opt.zero_grad()
            loss.backward()
            opt.step()
        frames += sum(len(s) for s in batch)
    return frames / (time.perf_counter() - begin)


def tbptt_epoch(path, folder):
    """Frames per second of `tbptt train`'s one epoch (its log's epoch time), and its backend."""
    subprocess.run(["node", "--import", "tsx", os.path.join(ROOT, "src", "cli", "main.ts"), "train", path,
                    "--overwrite"], cwd=ROOT, check=True, capture_output=True)
    with open(os.path.join(folder, "run", "log.jsonl")) as f:
        events = [json.loads(line) for line in f]
    epoch = [e for e in events if e["event"] == "epoch"][-1]
    return epoch["trainFrames"] / epoch["seconds"], next(e["backend"] for e in events if e.get("backend"))


def companion_epoch(path):
    config = tt.load_config(path)
    data = tt.load_data(config)
    net = tt.build_model(config, data)
    begin = time.perf_counter()
    tt.train(config, data, net)
    return sum(len(s) for s in data.sequences) / (time.perf_counter() - begin)


def main():
    sequences = int(sys.argv[sys.argv.index("--sequences") + 1]) if "--sequences" in sys.argv else 64
    rounds = int(sys.argv[sys.argv.index("--rounds") + 1]) if "--rounds" in sys.argv else 3
    torch.set_num_threads(1)
    folder = tempfile.mkdtemp(prefix="tbptt-companion-cost-")
    write_data(os.path.join(folder, "train.jsonl"), sequences, tt.Rng(5))
    print(f"{sequences} sequences of 100-299 frames, 26 features, 61 classes; LSTM 128, 16 streams, float32, "
          f"1 thread; {rounds} rounds, the three runs of a schedule back to back; load {os.getloadavg()[0]:.1f}")
    print(f"{'schedule':30s} {'tbptt':>8s} {'companion':>10s} {'fused':>8s}   median frames/s; per round: "
          "companion/fused, tbptt/companion")
    for name, schedule in SCHEDULES.items():
        config = {"model": {"cell": "lstm", "hiddenSize": 128}, "schedule": schedule, "streams": 16,
                  "optimizer": {"type": "sgd", "lr": 1e-4}, "data": {"train": "train.jsonl"}, "epochs": 1,
                  "shuffle": False, "out": os.path.join(folder, "run")}
        path = os.path.join(folder, "config.json")
        with open(path, "w") as f:
            json.dump(config, f)
        chunked = schedule["k1"] == schedule["k2"]
        rows = []
        for _ in range(rounds):
            fps, backend = tbptt_epoch(path, folder)
            ours = companion_epoch(path)
            fused = fused_epoch(tt.load_config(path), tt.load_data(tt.load_config(path))) if chunked else math.nan
            rows.append((fps, ours, fused))
        median = [sorted(r[i] for r in rows)[rounds // 2] for i in range(3)]
        ratios = ", ".join(f"{r[1] / r[2]:.2f} {r[0] / r[1]:.1f}" for r in rows)
        print(f"{name:30s} {median[0]:8.0f} {median[1]:10.0f} {median[2]:8.0f}   {ratios}   (tbptt: {backend})",
              flush=True)


if __name__ == "__main__":
    main()
