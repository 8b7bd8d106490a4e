#!/usr/bin/env bash
# Installs the Debian packages the tests and tools use, idempotently: a package
# already present is skipped, so this is cheap to run on every CI start.
#   festival + voices: the synthetic TIMIT-layout corpus (tbptt corpus synth)
#   sox: audio conversion to NIST SPHERE; sptk: the independent MFCC check
#   chromium: the browser test of the WebAssembly backend
#   libopenblas-dev: CBLAS for the native backend's addon (built by npm install)
#   python3-torch: the PyTorch companion's parity and DDP tests (python/tbptt_torch.py, docs/scale.md)
# Pass package names to install only those.
set -euo pipefail
wanted=("$@")
if [ ${#wanted[@]} -eq 0 ]; then
  wanted=(festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts sox sptk chromium libopenblas-dev python3-torch)
fi
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: need root to install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
