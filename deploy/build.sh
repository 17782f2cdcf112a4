#!/usr/bin/env bash
# Configures and builds inkoop with -j2 into build/ (or $INKOOP_BUILD_DIR).
# The compiler's output goes to <build>/build.log; on failure its end is shown.
#   deploy/build.sh [extra cmake -D options] [-- targets...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${INKOOP_BUILD_DIR:-$root/build}
cmake_args=()
targets=()
while [[ $# -gt 0 ]]; do
  if [[ "$1" == "--" ]]; then shift; targets=("$@"); break; fi
  cmake_args+=("$1"); shift
done
mkdir -p "$build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${cmake_args[@]}" >"$build/configure.log" 2>&1 \
  || { tail -n 40 "$build/configure.log" >&2; exit 1; }
target_args=()
for t in "${targets[@]}"; do target_args+=(--target "$t"); done
start=$(date +%s)
if ! cmake --build "$build" -j2 "${target_args[@]}" >"$build/build.log" 2>&1; then
  grep -E 'error|Error' -A5 "$build/build.log" | head -n 60 >&2 || tail -n 60 "$build/build.log" >&2
  echo "build: FAILED in $build (full log: $build/build.log)" >&2
  exit 1
fi
echo "build: $build ready in $(( $(date +%s) - start ))s" >&2
