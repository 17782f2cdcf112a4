#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, combined controller+broker)
# on 127.0.0.1, waits until it answers metadata requests and prints its
# bootstrap address on stdout.
#
#   deploy/kafka/start.sh [--port N] [--data DIR]
#
# Defaults: port 9092 (controller on port+1), data in .run/kafka-<port> at the
# repository root. Storage is formatted when new. If a broker started by this
# script for the same data dir is alive, it is reused, not started twice.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=9092
data=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "start.sh: unknown argument '$1' (expected --port N or --data DIR)" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "start.sh: --port must be a number, got '$port'" >&2; exit 2; }
data=${data:-$root/.run/kafka-$port}
mkdir -p "$data"
data=$(cd "$data" && pwd)
cport=$((port + 1))
bootstrap="127.0.0.1:$port"
pidfile="$data/broker.pid"

answers() { kcat -b "$bootstrap" -L -m 2 >/dev/null 2>&1; }

if [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  if answers; then echo "$bootstrap"; exit 0; fi
fi

command -v java >/dev/null || { echo "start.sh: java not found (Java 17 runs the broker)" >&2; exit 1; }
command -v kcat >/dev/null || { echo "start.sh: kcat not found (deploy/install-deps.sh installs it)" >&2; exit 1; }
if answers; then
  echo "start.sh: something else already answers on $bootstrap; choose another --port" >&2
  exit 1
fi
"$here/fetch.sh"

cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data/log
auto.create.topics.enable=false
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
PROPS

jvm=(java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
     -Dkafka.logs.dir="$data" -Dlog4j2.configurationFile="$here/log4j2.properties"
     -cp "$here/lib/*")

if [[ ! -f "$data/log/meta.properties" ]]; then
  cluster=$("${jvm[@]}" kafka.tools.StorageTool random-uuid)
  "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$data/server.properties" >"$data/format.out" 2>&1 \
    || { cat "$data/format.out" >&2; exit 1; }
fi

nohup "${jvm[@]}" kafka.Kafka "$data/server.properties" >"$data/broker.out" 2>&1 &
echo $! > "$pidfile"

for _ in $(seq 1 120); do
  if answers; then echo "$bootstrap"; exit 0; fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "start.sh: broker exited during start; last lines of $data/broker.out:" >&2
    tail -n 20 "$data/broker.out" >&2
    exit 1
  fi
  sleep 0.5
done
echo "start.sh: broker did not answer on $bootstrap within 60 s (see $data/server.log)" >&2
exit 1
