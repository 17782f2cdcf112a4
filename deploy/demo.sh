#!/usr/bin/env bash
# The demo scenario end to end on a fresh machine: installs what is missing,
# builds, starts a Kafka broker (127.0.0.1:9092) and the engine and projector,
# lets the Haaglanden region adopt its framework and its municipalities set
# budgets and submit local procurement plans (two commands are refused, with
# their reasons), prints the budgets per lot from the projection, and stops
# what it started.
#
#   deploy/demo.sh [--keep]   --keep leaves broker, engine and projector running
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1
port=${INKOOP_DEMO_PORT:-9092}

deploy/install-deps.sh
deploy/build.sh -- inkoopd inkoop-projector inkoopctl

run="$root/.run/demo-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
export INKOOP_BROKERS="127.0.0.1:$port"
export INKOOP_TOPIC_PREFIX="demo-$(date +%s)."   # a fresh history each run
export INKOOP_DB="$run/projection"
export INKOOP_REGION=haaglanden

broker_data="$root/.run/kafka-$port"
started_broker=0
if ! [[ -f "$broker_data/broker.pid" ]] || ! kill -0 "$(cat "$broker_data/broker.pid")" 2>/dev/null; then
  started_broker=1
fi
deploy/kafka/start.sh --port "$port" >/dev/null
echo "== Kafka broker at $INKOOP_BROKERS (topics $INKOOP_TOPIC_PREFIX*)"

build/engine/inkoopd --transactional_id "${INKOOP_TOPIC_PREFIX}inkoopd" \
  --group_id "${INKOOP_TOPIC_PREFIX}inkoopd" >"$run/inkoopd.log" 2>&1 &
engine=$!
build/projections/inkoop-projector --db "$INKOOP_DB" >"$run/projector.log" 2>&1 &
projector=$!
cleanup() {
  if [[ $keep -eq 1 ]]; then
    echo "== left running: inkoopd (pid $engine), inkoop-projector (pid $projector), broker on $INKOOP_BROKERS"
    return
  fi
  kill -TERM "$engine" "$projector" 2>/dev/null || true
  wait "$engine" "$projector" 2>/dev/null || true
  [[ $started_broker -eq 1 ]] && deploy/kafka/stop.sh --port "$port"
  return 0
}
trap cleanup EXIT

ctl() { build/tools/inkoopctl "$@"; }
# Waits until inkoopd has created the topics.
for _ in $(seq 1 60); do
  kcat -b "$INKOOP_BROKERS" -L -t "${INKOOP_TOPIC_PREFIX}inkoop.results" 2>/dev/null | grep -q "partition 0" && break
  sleep 0.5
done

refused() {  # runs a command that must be refused and shows why
  if ctl "$@" 2>"$run/refused.txt"; then
    echo "demo: expected a refusal, but it was accepted: $*" >&2
    exit 1
  fi
  sed 's/^/   /' "$run/refused.txt"
}

echo
echo "== The bureau adopts the Haaglanden framework 2015-2016 (ten municipalities, six lots)"
ctl submit adopt-framework --actor inkoopbureau --role bureau --framework-id H10-2015-2016 \
  --municipalities "Den Haag,Delft,Leidschendam-Voorburg,Midden-Delfland,Pijnacker-Nootdorp,Rijswijk,Voorschoten,Wassenaar,Westland,Zoetermeer" \
  --lots '[{"code":"local","name":"Local policy, personal budgets, execution"},
           {"code":"regional","name":"Regional public tasks"},
           {"code":"ambulatory","name":"Ambulatory youth care"},
           {"code":"specialist","name":"Specialist care"},
           {"code":"housing","name":"Housing and guidance"},
           {"code":"top","name":"Top-specialist (national)"}]' \
  --period-start 2015-01-01 --period-end 2016-12-31

echo
echo "== Municipalities set their 2016 budgets (May circular)"
ctl submit set-budget --actor "Den Haag" --role municipality --municipality "Den Haag" --year 2016 --source may_circular --amount 120000000.00
ctl submit set-budget --actor Delft --role municipality --municipality Delft --year 2016 --source may_circular --amount 18450000.00
ctl submit set-budget --actor Zoetermeer --role municipality --municipality Zoetermeer --year 2016 --source may_circular --amount 21730000.00
ctl submit set-budget --actor Rijswijk --role municipality --municipality Rijswijk --year 2016 --source may_circular --amount 8125000.00

echo
echo "== ... and submit their local procurement plans"
plan() {  # municipality local regional ambulatory specialist housing top (euros)
  ctl submit submit-local-plan --actor "$1" --role municipality --municipality "$1" --year 2016 \
    --priorities "early help close to home,fewer residential placements" --lots "[
      {\"lot\":\"local\",\"amountCents\":\"$2\"},{\"lot\":\"regional\",\"amountCents\":\"$3\"},
      {\"lot\":\"ambulatory\",\"amountCents\":\"$4\"},{\"lot\":\"specialist\",\"amountCents\":\"$5\"},
      {\"lot\":\"housing\",\"amountCents\":\"$6\"},{\"lot\":\"top\",\"amountCents\":\"$7\"}]"
}
plan "Den Haag" 1800000000 840000000 3600000000 3120000000 2160000000 480000000
plan Delft 276000000 129000000 553000000 480000000 332000000 75000000
plan Zoetermeer 326000000 152000000 652000000 565000000 391000000 87000000
plan Rijswijk 122000000 57000000 243000000 211000000 146000000 32000000

echo
echo "== Refused: Rijswijk revises its plan beyond its budget"
refused submit submit-local-plan --actor Rijswijk --role municipality --municipality Rijswijk --year 2016 \
  --lots '[{"lot":"ambulatory","amountCents":"500000000"},{"lot":"specialist","amountCents":"400000000"}]'
echo "== Refused: Gouda is not a municipality of this region"
refused submit set-budget --actor Gouda --role municipality --municipality Gouda --year 2016 --source may_circular --amount 1000000.00
echo "== Refused: Delft may not set Den Haag's budget"
refused submit set-budget --actor Delft --role municipality --municipality "Den Haag" --year 2016 --source may_circular --amount 1.00

# The projector applies events asynchronously: wait for the last plan.
for _ in $(seq 1 100); do
  ctl show budget --municipality Rijswijk --year 2016 --json 2>/dev/null | grep -q '"planSubmitted":true' && break
  sleep 0.2
done

echo
echo "== Budgets per lot, from the RocksDB projection ($INKOOP_DB)"
for m in "Den Haag" Delft Zoetermeer Rijswijk; do
  ctl show budget --municipality "$m" --year 2016
  echo
done

echo "== The events on the broker (inkoopctl tail; raw: kcat -b $INKOOP_BROKERS -t ${INKOOP_TOPIC_PREFIX}inkoop.events -C -e)"
ctl tail | cut -c1-160
echo
echo "== $(kcat -b "$INKOOP_BROKERS" -t "${INKOOP_TOPIC_PREFIX}inkoop.events" -C -e -q -X isolation.level=read_committed -f 'x\n' | wc -l) events on ${INKOOP_TOPIC_PREFIX}inkoop.events; logs in $run"
