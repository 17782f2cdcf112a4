#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, combined controller+broker)
# on 127.0.0.1, waits until it answers metadata requests and prints its
# bootstrap address on stdout.
#
#   deploy/kafka/start.sh [--port N] [--data DIR] [--secure [--topic-prefix P]]
#
# Defaults: port 9092 (controller on port+1), data in .run/kafka-<port> at the
# repository root. Storage is formatted when new. If a broker started by this
# script for the same data dir is alive, it is reused, not started twice.
#
# --secure: clients authenticate (SASL/PLAIN over loopback; the users and
# their generated passwords are in the broker's configuration) and every
# request is authorised by ACLs (StandardAuthorizer; without an ACL nothing is
# allowed). What each principal may do on the topics P inkoop.*:
#   inkoopd    everything on commands, events and results, any group and
#              transactional id: the only writer of events and results;
#   projector  read events;
#   client     write commands, read results and events.
# Each principal's librdkafka properties, for --kafka_config, are written to
# DIR/<principal>.properties; `admin` is the super user. The controller
# listener (port+1) is the broker's own, plaintext on loopback.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
port=9092
data=""
secure=0
prefix=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --secure) secure=1; shift ;;
    --topic-prefix) prefix="$2"; shift 2 ;;
    *) echo "start.sh: unknown argument '$1' (expected --port N, --data DIR, --secure or --topic-prefix P)" >&2; exit 2 ;;
  esac
done
[[ "$port" =~ ^[0-9]+$ ]] || { echo "start.sh: --port must be a number, got '$port'" >&2; exit 2; }
data=${data:-$root/.run/kafka-$port}
mkdir -p "$data"
data=$(cd "$data" && pwd)
cport=$((port + 1))
bootstrap="127.0.0.1:$port"
pidfile="$data/broker.pid"

principals=(admin inkoopd projector client)
if [[ $secure -eq 1 ]]; then
  for who in "${principals[@]}"; do
    [[ -f "$data/$who.properties" ]] && continue
    umask 077
    cat > "$data/$who.properties" <<CREDS
security.protocol=SASL_PLAINTEXT
sasl.mechanisms=PLAIN
sasl.username=$who
sasl.password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
CREDS
  done
fi
password() { sed -n 's/^sasl.password=//p' "$data/$1.properties"; }
auth=()
[[ $secure -eq 1 ]] && auth=(-F "$data/admin.properties")
answers() { kcat -b "$bootstrap" "${auth[@]}" -L -m 2 >/dev/null 2>&1; }

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

listener=PLAINTEXT
security=""
if [[ $secure -eq 1 ]]; then
  listener=SASL_PLAINTEXT
  users=""
  for who in "${principals[@]}"; do users+=" user_$who=\"$(password "$who")\""; done
  security="sasl.enabled.mechanisms=PLAIN
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" password=\"$(password admin)\"$users;
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:ANONYMOUS
allow.everyone.if.no.acl.found=false"
fi
cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=$listener://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=$listener://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=$listener
listener.security.protocol.map=$listener:$listener,CONTROLLER:PLAINTEXT
$security
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

# The ACLs of --secure, set once the broker answers.
acls() {
  cat > "$data/admin.jaas.properties" <<ADMIN
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="$(password admin)";
ADMIN
  acl() {
    "${jvm[@]}" org.apache.kafka.tools.AclCommand --bootstrap-server "$bootstrap" \
      --command-config "$data/admin.jaas.properties" --add --force "$@" >>"$data/acls.out" 2>&1 \
      || { echo "start.sh: setting ACLs failed (see $data/acls.out)" >&2; exit 1; }
  }
  local commands="${prefix}inkoop.commands" events="${prefix}inkoop.events" results="${prefix}inkoop.results"
  local access="${prefix}inkoop.access"
  acl --allow-principal User:inkoopd --operation All --topic "$commands" --topic "$events" --topic "$results" \
    --topic "$access"
  acl --allow-principal User:inkoopd --operation All --group '*' --transactional-id '*'
  acl --allow-principal User:inkoopd --operation IdempotentWrite --cluster
  acl --allow-principal User:projector --operation Read --operation Describe --topic "$events"
  acl --allow-principal User:client --operation Write --operation Describe --topic "$commands"
  acl --allow-principal User:client --operation Read --operation Describe --topic "$results" --topic "$events"
  # Readers of client-level data record each read on the access topic, and
  # the access log reads it back.
  acl --allow-principal User:client --operation Write --operation Read --operation Describe --topic "$access"
  acl --allow-principal User:projector --allow-principal User:client --operation Read --group '*'
  touch "$data/acls.done"
}

for _ in $(seq 1 120); do
  if answers; then
    [[ $secure -eq 1 && ! -f "$data/acls.done" ]] && acls
    echo "$bootstrap"
    exit 0
  fi
  if ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "start.sh: broker exited during start; last lines of $data/broker.out:" >&2
    tail -n 20 "$data/broker.out" >&2
    exit 1
  fi
  sleep 0.5
done
echo "start.sh: broker did not answer on $bootstrap within 60 s (see $data/server.log)" >&2
exit 1
