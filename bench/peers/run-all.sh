#!/usr/bin/env bash
# Runs the peers on every workload, interleaved pass by pass so that a noisy
# minute hits every system alike, and prints one JSON line per run on stdout
# (progress on stderr), each with its pass, the idle % seen before it
# (idle_before) and the 1-minute load average after it (load_after).
#   bash bench/peers/run-all.sh > /tmp/peers.jsonl
#   /usr/bin/python3 bench/peers/summarise.py /tmp/peers.jsonl
# Settings, from the environment:
#   PASSES (3), WORKLOADS ("A1 A16 B M256 M1024"),
#   RUNS ("pytorch:1 pytorch:2 tfjs-wasm") — pytorch:N is PyTorch on N threads,
#   CPU_PASSES (1): passes that also run tfjs-cpu (slow: about a minute a workload),
#   SECONDS_PER_ROUND (2), ROUNDS (5),
#   QUIET (80): before each run, wait until the CPUs were at least this % idle
#   over 2 s, for at most MAX_WAIT (60) s; each line records the idle % seen.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
passes="${PASSES:-3}"
workloads="${WORKLOADS:-A1 A16 B M256 M1024}"
runs="${RUNS:-pytorch:1 pytorch:2 tfjs-wasm}"
cpu_passes="${CPU_PASSES:-1}"
quiet="${QUIET:-80}"
max_wait="${MAX_WAIT:-60}"

# Percentage of CPU time idle over the next 2 seconds, from /proc/stat.
idle_percent() {
  local a b
  read -r -a a < <(head -n 1 /proc/stat)
  sleep 2
  read -r -a b < <(head -n 1 /proc/stat)
  local total=0 i
  for i in 1 2 3 4 5 6 7 8; do total=$((total + b[i] - a[i])); done
  echo $(((100 * (b[4] - a[4] + b[5] - a[5])) / (total > 0 ? total : 1)))
}

timing=(--seconds "${SECONDS_PER_ROUND:-2}" --rounds "${ROUNDS:-5}")

for pass in $(seq 1 "$passes"); do
  these="$runs"
  [ "$pass" -le "$cpu_passes" ] && these="$these tfjs-cpu"
  for w in $workloads; do
    for r in $these; do
      case "$r" in
        pytorch:*) cmd=(/usr/bin/python3 "$root/bench/peers/torch_bench.py" "$w" --threads "${r#pytorch:}" "${timing[@]}") ;;
        tfjs-wasm) cmd=(node "$root/bench/peers/tfjs/bench.mjs" "$w" --backend wasm "${timing[@]}") ;;
        tfjs-cpu) cmd=(node "$root/bench/peers/tfjs/bench.mjs" "$w" --backend cpu --seconds "${SECONDS_PER_ROUND:-2}" --rounds 3) ;;
        *) echo "run-all.sh: unknown run $r" >&2; exit 2 ;;
      esac
      waited=0
      idle="$(idle_percent)"
      while [ "$idle" -lt "$quiet" ] && [ "$waited" -lt "$max_wait" ]; do
        idle="$(idle_percent)"
        waited=$((waited + 2))
      done
      echo "pass $pass (idle $idle%, waited ${waited}s): ${cmd[*]#"$root/"}" >&2
      line="$("${cmd[@]}" 2>/dev/null | tail -n 1)"
      echo "$line" | /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin); d["pass"] = int(sys.argv[1]); d["idle_before"] = int(sys.argv[2]); d["load_after"] = float(open("/proc/loadavg").read().split()[0]); print(json.dumps(d))' "$pass" "$idle"
    done
  done
done
