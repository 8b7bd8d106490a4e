#!/usr/bin/python3
"""Summarises run-all.sh's JSON lines as a Markdown table.

Usage: /usr/bin/python3 bench/peers/summarise.py RESULTS.jsonl [--min-idle P] [--best | --cpu]

One row per workload; one column per run (system and thread count) giving
the median over the passes of each pass's median throughput, with the lowest
and highest pass in brackets; then the ratio of PyTorch on 1 thread to each
TensorFlow.js backend, computed from those medians. --min-idle P leaves out
runs that started when the CPUs were less than P % idle (run-all.sh records
it as idle_before); the count of runs left out is printed under the table.
--best takes each run's fastest round instead of its median: on a shared
machine the fastest round is the one least disturbed by other work. --cpu
takes each run's cpu_throughput (work per second of its own CPU time), the
steadiest figure for 1-thread runs on a shared machine; the columns for more
threads are then left out, since CPU time sums the threads.
"""

import argparse
import json
import statistics

WORKLOADS = ("A1", "A16", "B", "M256", "M1024")


def run_name(result):
    if result["system"] == "pytorch":
        return f"pytorch {result['threads']}t"
    return result["system"]


def main():
    parser = argparse.ArgumentParser(description="Summarise run-all.sh's JSON lines")
    parser.add_argument("results")
    parser.add_argument("--min-idle", type=int, default=0)
    how = parser.add_mutually_exclusive_group()
    how.add_argument("--best", action="store_true", help="use each run's fastest round")
    how.add_argument("--cpu", action="store_true", help="use each 1-thread run's cpu_throughput")
    args = parser.parse_args()
    by_cell = {}
    dropped = 0
    with open(args.results) as lines:
        for line in lines:
            if not line.strip():
                continue
            result = json.loads(line)
            if "skipped" in result:
                continue
            if args.cpu and result["threads"] != 1:
                continue
            if result.get("idle_before", 100) < args.min_idle:
                dropped += 1
                continue
            by_cell.setdefault((result["workload"], run_name(result)), []).append(result)

    order = {"tfjs-wasm": 1, "tfjs-cpu": 2}
    runs = sorted({run for _, run in by_cell}, key=lambda r: (order.get(r, 0), r))
    tfjs_runs = [r for r in runs if r.startswith("tfjs")]
    header = ["workload", "unit"] + runs + [f"pytorch 1t / {r}" for r in tfjs_runs]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for workload in WORKLOADS:
        cells = {run: by_cell.get((workload, run)) for run in runs}
        present = [c for c in cells.values() if c]
        if not present:
            continue
        row = [workload, present[0][0]["unit"]]
        medians = {}
        for run in runs:
            results = cells[run]
            if not results:
                row.append("")
                continue
            if args.cpu:
                values = [r["cpu_throughput"] for r in results]
            elif args.best:
                values = [max(r["rounds"]) for r in results]
            else:
                values = [r["throughput"] for r in results]
            medians[run] = statistics.median(values)
            spread = f" ({min(values):,.0f}-{max(values):,.0f})" if len(values) > 1 else ""
            row.append(f"{medians[run]:,.0f}{spread}" if medians[run] >= 10 else f"{medians[run]:.2f}")
        for run in tfjs_runs:
            if "pytorch 1t" in medians and run in medians:
                row.append(f"{medians['pytorch 1t'] / medians[run]:.1f}x")
            else:
                row.append("")
        print("| " + " | ".join(row) + " |")
    if dropped:
        print(f"\n{dropped} run(s) left out: started below {args.min_idle} % idle.")


if __name__ == "__main__":
    main()
