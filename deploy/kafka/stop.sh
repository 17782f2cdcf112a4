#!/usr/bin/env bash
# Stops the broker that start.sh started for the same port/data dir, cleanly
# (SIGTERM, then waits up to 60 s for a controlled shutdown).
#
#   deploy/kafka/stop.sh [--port N] [--data DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=9092
data=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "stop.sh: unknown argument '$1' (expected --port N or --data DIR)" >&2; exit 2 ;;
  esac
done
data=${data:-$root/.run/kafka-$port}
pidfile="$data/broker.pid"
[[ -f "$pidfile" ]] || { echo "stop.sh: no broker started for $data" >&2; exit 0; }
pid=$(cat "$pidfile")
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "stop.sh: broker $pid did not stop within 60 s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
rm -f "$pidfile"
