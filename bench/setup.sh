#!/usr/bin/env bash
# Installs the benchmark's peers, idempotently (a second run changes nothing):
#   - Debian's python3-torch and libopenblas0-pthread (apt, needs root), used
#     by bench/peers/torch_bench.py through /usr/bin/python3;
#   - TensorFlow.js 4.22 (@tensorflow/tfjs + @tensorflow/tfjs-backend-wasm),
#     pinned by bench/peers/tfjs/package-lock.json, into bench/peers/tfjs/
#     node_modules. Nothing here is a dependency of the library.
# Then prints which BLAS libblas.so.3 resolves to; the peers record the one
# they really load in their JSON line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

debs=(python3-torch libopenblas0-pthread)
missing=()
for p in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "bench/setup.sh: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "bench/setup.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

blas="$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | sed -n 's/^Value: //p')"
echo "bench/setup.sh: libblas.so.3 -> ${blas:-unknown}" >&2
case "$blas" in
  *openblas*) ;;
  *) echo "bench/setup.sh: warning: the active BLAS is not OpenBLAS; to select it:" >&2
     echo "  update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3" >&2 ;;
esac
/usr/bin/python3 -c 'import torch; print("bench/setup.sh: torch", torch.__version__)' >&2

tfjs="$here/peers/tfjs"
installed_version() {
  node -e 'try { console.log(require(process.argv[1]).version) } catch { console.log("none") }' \
    "$tfjs/node_modules/$1/package.json"
}
if [ "$(installed_version @tensorflow/tfjs)" != 4.22.0 ] ||
  [ "$(installed_version @tensorflow/tfjs-backend-wasm)" != 4.22.0 ]; then
  echo "bench/setup.sh: installing TensorFlow.js into $tfjs/node_modules" >&2
  (cd "$tfjs" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi
echo "bench/setup.sh: tfjs $(installed_version @tensorflow/tfjs), tfjs-backend-wasm $(installed_version @tensorflow/tfjs-backend-wasm)" >&2
