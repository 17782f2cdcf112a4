#!/usr/bin/env bash
# Benchmarks on this machine, each against a broker of its own.
#
#   deploy/bench.sh scale [--sizes 10000,1000000,10000000] [--probe 50000]
#       builds histories of those sizes with the region-year profile through
#       the real inkoopd and inkoop-projector, and prints per size, as JSON
#       lines and a table: projector apply events/s and bytes written per
#       applied event, engine commands/s, engine restart time from its
#       checkpoint and from scratch, peak RSS of engine and projector; then
#       a replay of the whole log into a fresh database beside a plain
#       consume of it, the cost of verifying signatures, and whether the
#       replay's state digest equals the live projection's (fails if not).
#       Takes about 25 minutes at the default sizes and some 15 GB of disk.
#   deploy/bench.sh read [--contracts 1000000] [--lookups 100000] [--http_lookups 20000]
#       point lookup and 100-record scan latency (p50, p99) on a projection of
#       that many contracts, through ProjectionReader and through the
#       projector's HTTP read API, beside plain RocksDB gets and iterators of
#       the same keys; needs no broker. About 2 minutes.
# Figures are printed and appended as JSON lines to bench-results/<date>.jsonl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
suite=${1:-}
[[ "$suite" == "scale" || "$suite" == "read" ]] ||
  { echo "bench.sh: expected a suite (scale or read), got '${suite}'" >&2; exit 2; }
shift
if [[ "$suite" == "read" ]]; then
  deploy/install-deps.sh
  deploy/build.sh -- inkoop-bench-read >&2
  exec build/tools/inkoop-bench-read "$@"
fi
port=${INKOOP_BENCH_PORT:-29092}

deploy/install-deps.sh
deploy/build.sh >&2
data="$root/.run/kafka-bench-$port"
rm -rf "$data"
deploy/kafka/start.sh --port "$port" --data "$data" >/dev/null
trap 'deploy/kafka/stop.sh --port "$port" --data "$data"; rm -rf "$data"' EXIT
build/tools/inkoop-bench-scale --brokers "127.0.0.1:$port" "$@"
