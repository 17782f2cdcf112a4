#!/usr/bin/env bash
# The demo scenario end to end on a fresh machine: installs what is missing,
# builds, starts a Kafka broker (127.0.0.1:9092) and the engine and projector,
# and plays one procurement year of the Haaglanden region: framework, the
# ten municipalities' budgets, reservations and local plans, the purchase
# order of the regional lots, an open-house admission of ambulatory care
# (applications assessed against its checklist, contracts at the harmonised
# tariffs, closed at year end), a competitive tender of specialist care
# with its bid, award and negotiated award, a lump-sum contract bound to it
# paid in instalments, a region-wide crisis-service contract every member
# claims on, the transition arrangement with its focus providers beside the
# frameworks, the adoption of the framework that succeeds this one, a
# budget shift, a court-ordered closed-care placement (refused by one
# provider, escalated to the placement coordinator, placed at another), the
# client's path with a switch of provider, claims and payments, indicators,
# a provider's bankruptcy (its
# late claim for care before it paid) with clients transferred and a case
# escalated, deposits into and a draw from the fluctuation fund, and the
# year's settlement, close and risk equalisation by the framework's budget key
# (refused commands show their reasons). Every actor signs with its own key, and the region runs on a
# manual clock that a clock actor moves through the scenario's days. Prints budgets per lot, contracts, continuity cases and placement
# requests from the projection; then, as an auditor, takes a signed checkpoint, replays and
# verifies the history and reads a contract's audit trail; stops what it
# started.
#
# The projector serves its read API and dashboard on http://127.0.0.1:8080/
# (INKOOP_HTTP_PORT) while the demo runs.
#
#   deploy/demo.sh [--keep]   --keep leaves broker, engine and projector running
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
keep=0
[[ "${1:-}" == "--keep" ]] && keep=1
port=${INKOOP_DEMO_PORT:-9092}

deploy/install-deps.sh
deploy/build.sh -- inkoopd inkoop-projector inkoopctl inkoop-payment-feed

run="$root/.run/demo-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$run"
export INKOOP_BROKERS="127.0.0.1:$port"
export INKOOP_TOPIC_PREFIX="demo-$(date +%s)."   # a fresh history each run
export INKOOP_DB="$run/projection"
export INKOOP_REGION=haaglanden

# INKOOP_DEMO_PORT / INKOOP_DEMO_KAFKA_DATA: a broker of its own (deploy/test.sh
# runs the demo on the test broker).
broker_data="${INKOOP_DEMO_KAFKA_DATA:-$root/.run/kafka-$port}"
started_broker=0
if ! [[ -f "$broker_data/broker.pid" ]] || ! kill -0 "$(cat "$broker_data/broker.pid")" 2>/dev/null; then
  started_broker=1
fi
deploy/kafka/start.sh --port "$port" --data "$broker_data" >/dev/null
echo "== Kafka broker at $INKOOP_BROKERS (topics $INKOOP_TOPIC_PREFIX*)"

# The engine signs the log with this key; projector and auditors trust the
# public key line in its .pub file.
build/tools/inkoopctl keygen --out "$run/engine-signing-key.pem" >/dev/null 2>&1
export INKOOP_KEYS="$run/engine-signing-key.pem.pub"
# Every actor signs its commands with its own key; the region's registry
# (its events) says whose key is whose and in which role. The bureau's key
# founds the region: the engine trusts it for haaglanden's adoption.
keys="$run/actor-keys"
mkdir -p "$keys"
keyfile() { echo "$keys/${1// /-}.pem"; }
members=("Den Haag" Delft Leidschendam-Voorburg Midden-Delfland Pijnacker-Nootdorp Rijswijk Voorschoten Wassenaar Westland Zoetermeer)
for actor in inkoopbureau region-clock placement-coordinator "${members[@]}" jeugdzorg-west horizon kompas Gouda; do
  build/tools/inkoopctl keygen --out "$(keyfile "$actor")" >/dev/null 2>&1
done
keyline() { grep -v '^#' "$(keyfile "$1").pub"; }  # "<key id> <public key hex>"
echo "$(keyline inkoopbureau) region=haaglanden" >"$run/founders.keys"
entry() {  # actor role: its registry entry (JSON) with its public key
  echo "{\"actorId\":\"$1\",\"role\":\"ROLE_${2^^}\",\"publicKey\":\"$(keyline "$1" | cut -d' ' -f2)\"}"
}
build/engine/inkoopd --transactional_id "${INKOOP_TOPIC_PREFIX}inkoopd" --state_dir "$run/engine-state" \
  --group_id "${INKOOP_TOPIC_PREFIX}inkoopd" --signing_key "$run/engine-signing-key.pem" \
  --founders "$run/founders.keys" >"$run/inkoopd.log" 2>&1 &
engine=$!
# The projector serves the read API, /metrics and the dashboard on loopback.
http_port=${INKOOP_HTTP_PORT:-8080}
api="http://127.0.0.1:$http_port"
build/projections/inkoop-projector --db "$INKOOP_DB" --keys "$INKOOP_KEYS" \
  --http "127.0.0.1:$http_port" >"$run/projector.log" 2>&1 &
projector=$!
cleanup() {
  if [[ $keep -eq 1 ]]; then
    echo "== left running: inkoopd (pid $engine), inkoop-projector (pid $projector), broker on $INKOOP_BROKERS"
    return
  fi
  kill -TERM "$engine" "$projector" 2>/dev/null || true
  wait "$engine" "$projector" 2>/dev/null || true
  [[ $started_broker -eq 1 ]] && deploy/kafka/stop.sh --port "$port" --data "$broker_data"
  return 0
}
trap cleanup EXIT

# Submits sign with the key of the --actor they name.
ctl() {
  local actor="" previous=""
  for word in "$@"; do
    [[ "$previous" == "--actor" ]] && actor="$word"
    previous="$word"
  done
  if [[ -n "$actor" && -f "$(keyfile "$actor")" ]]; then
    build/tools/inkoopctl "$@" --key "$(keyfile "$actor")"
  else
    build/tools/inkoopctl "$@"
  fi
}
# The region runs on a manual clock (the scenario plays 2014-2016): the
# clock actor moves it to each day before that day's commands.
clock_day=""
at() {
  [[ "$1" == "$clock_day" ]] && return 0
  ctl submit advance-clock --actor region-clock --to "$1" >/dev/null
  clock_day="$1"
}
# Waits until inkoopd has created the topics.
for _ in $(seq 1 60); do
  kcat -b "$INKOOP_BROKERS" -L -t "${INKOOP_TOPIC_PREFIX}inkoop.results" 2>/dev/null | grep -q "partition 0" && break
  sleep 0.5
done

refused() {  # runs a command (inkoopctl words, or a function of this script) that must be refused and shows why
  local run_it=ctl
  declare -F "$1" >/dev/null && run_it=""
  if $run_it "$@" 2>"$run/refused.txt"; then
    echo "demo: expected a refusal, but it was accepted: $*" >&2
    exit 1
  fi
  sed 's/^/   /' "$run/refused.txt"
}

lots_json() {  # the framework's lots; $1: more lots (JSON objects, each led by a comma)
  echo '[{"code":"local","name":"Local policy, personal budgets, execution","scope":"LOT_SCOPE_LOCAL"},
         {"code":"regional","name":"Regional public tasks"},
         {"code":"ambulatory","name":"Ambulatory youth care"},
         {"code":"specialist","name":"Specialist care"},
         {"code":"housing","name":"Housing and guidance"}'"${1:-}"',
         {"code":"top","name":"Top-specialist (national)","scope":"LOT_SCOPE_NATIONAL"}]'
}

echo
echo "== The bureau adopts the Haaglanden framework 2015-2016 (ten municipalities, six lots)"
ctl submit adopt-framework --actor inkoopbureau --role bureau --framework-id H10-2015-2016 --clock-start 2014-11-03 \
  --actor-keys "[$(entry inkoopbureau bureau),$(entry region-clock clock),$(entry placement-coordinator placement_coordinator)$(for m in "${members[@]}"; do echo -n ",$(entry "$m" municipality)"; done)]" \
  --municipalities "$(IFS=,; echo "${members[*]}")" --claim-window-days 56 \
  --equalisation '{"key":"EQUALISATION_KEY_BUDGET"}' \
  --lots "$(lots_json)" \
  --lot-rules '[{"lot":"ambulatory","fundingModels":["FUNDING_MODEL_PER_UNIT"],
                 "maxTariffs":[{"productCode":"45A12","unit":"UNIT_HOUR","tariffCents":"9500"},
                               {"productCode":"45A13","unit":"UNIT_HOUR","tariffCents":"11000"}],
                 "harmonisedTariffs":[{"productCode":"45A12","unit":"UNIT_HOUR","tariffCents":"8500"},
                                      {"productCode":"45A13","unit":"UNIT_HOUR","tariffCents":"10400"}]},
                {"lot":"specialist","fundingModels":["FUNDING_MODEL_PER_UNIT","FUNDING_MODEL_LUMP_SUM"],
                 "maxTariffs":[{"productCode":"43A11","unit":"UNIT_DAY","tariffCents":"28000"}],
                 "closedCare":true,"placementEscalationDays":7},
                {"lot":"regional","fundingModels":["FUNDING_MODEL_PER_UNIT"],
                 "maxTariffs":[{"productCode":"47A01","unit":"UNIT_HOUR","tariffCents":"13000"}]},
                {"lot":"housing","fundingModels":["FUNDING_MODEL_POPULATION"]}]' \
  --quality-indicators "drop-out,satisfaction,goal attainment" \
  --period-start 2015-01-01 --period-end 2016-12-31

echo
echo "== The ten municipalities set their 2016 budgets (May circular): EUR 198 mln of care, in proportion"
echo "   to their youth; each keeps its personal budgets (EUR 24 mln together) and 3% execution costs local"
# municipality, budget, personal budgets (euros)
budgets=("Den Haag:95200000:11540000" "Zoetermeer:21800000:2640000" "Westland:18900000:2290000"
         "Delft:18000000:2180000" "Leidschendam-Voorburg:13100000:1590000" "Pijnacker-Nootdorp:9500000:1150000"
         "Rijswijk:9300000:1130000" "Wassenaar:4500000:550000" "Voorschoten:4400000:530000"
         "Midden-Delfland:3300000:400000")
at 2015-06-02
for row in "${budgets[@]}"; do
  IFS=: read -r m euros pgb <<<"$row"
  ctl submit set-budget --actor "$m" --role municipality --municipality "$m" --year 2016 --source may_circular --amount "$euros.00"
done
at 2015-06-30
for row in "${budgets[@]}"; do
  IFS=: read -r m euros pgb <<<"$row"
  ctl submit reserve-local-parts --actor "$m" --role municipality --municipality "$m" --year 2016 \
    --reservations "[{\"kind\":\"RESERVATION_KIND_PERSONAL_BUDGETS\",\"amountCents\":\"${pgb}00\"},
                     {\"kind\":\"RESERVATION_KIND_EXECUTION_COSTS\",\"amountCents\":\"$((euros * 3))\"}]"
done

echo
echo "== ... and submit their local procurement plans: 15% local, 7% regional tasks, 27% ambulatory,"
echo "   24% specialist, 8% housing, 3% top-specialist (bought nationally)"
at 2015-07-01
for row in "${budgets[@]}"; do
  IFS=: read -r m euros pgb <<<"$row"
  ctl submit submit-local-plan --actor "$m" --role municipality --municipality "$m" --year 2016 \
    --priorities "early help close to home,fewer residential placements" --lots "[
      {\"lot\":\"local\",\"amountCents\":\"$((euros * 15))\"},{\"lot\":\"regional\",\"amountCents\":\"$((euros * 7))\"},
      {\"lot\":\"ambulatory\",\"amountCents\":\"$((euros * 27))\"},{\"lot\":\"specialist\",\"amountCents\":\"$((euros * 24))\"},
      {\"lot\":\"housing\",\"amountCents\":\"$((euros * 8))\"},{\"lot\":\"top\",\"amountCents\":\"$((euros * 3))\"}]"
done

echo "== Refused: Rijswijk revises its plan beyond its budget"
refused submit submit-local-plan --actor Rijswijk --role municipality --municipality Rijswijk --year 2016 \
  --lots '[{"lot":"ambulatory","amountCents":"500000000"},{"lot":"specialist","amountCents":"400000000"}]'
echo "== Refused: Delft claims to be the bureau (the role comes from the region's registry, not the command)"
refused submit register-provider --actor Delft --role bureau --provider-id delft-zorg --name "Delft Zorg" --chamber-of-commerce-number 11111111
echo "== Refused: Gouda is not a municipality of this region (its key is in no registry here)"
refused submit set-budget --actor Gouda --role municipality --municipality Gouda --year 2016 --source may_circular --amount 1000000.00
echo "== Refused: Delft may not set Den Haag's budget"
refused submit set-budget --actor Delft --role municipality --municipality "Den Haag" --year 2016 --source may_circular --amount 1.00

echo
echo "== The region sends its purchase order for 2016 to the bureau: the ten plans' regional lots"
echo "   (local and national money stays out)"
at 2015-07-15
ctl submit issue-purchase-order --actor inkoopbureau --role bureau --year 2016

echo
echo "== Providers register; the bureau opens the admission to ambulatory care (open house, open-ended):"
echo "   every provider meeting its quality requirements is admitted at the harmonised tariffs"
at 2015-08-01
ctl submit register-provider --actor inkoopbureau --role bureau --provider-id jeugdzorg-west --actor-key "$(entry jeugdzorg-west provider)" --name "Jeugdzorg West B.V." --chamber-of-commerce-number 27012345
at 2015-08-01
ctl submit register-provider --actor inkoopbureau --role bureau --provider-id horizon --actor-key "$(entry horizon provider)" --name "Stichting Horizon" --chamber-of-commerce-number 41150123
at 2015-08-01
ctl submit register-provider --actor inkoopbureau --role bureau --provider-id kompas --actor-key "$(entry kompas provider)" --name "Kompas Ambulant" --chamber-of-commerce-number 62874512
echo "== The transition arrangement 2015-2017 (overgangsregeling) runs beside the frameworks: clients already in"
echo "   care continue with the focus providers, contracted without a tender"
at 2015-08-03
ctl submit adopt-transition-arrangement --actor inkoopbureau --role bureau --arrangement-id OVG-2015-2017 \
  --period-start 2015-01-01 --period-end 2017-12-31 --focus-providers jeugdzorg-west,horizon \
  --lots ambulatory,specialist --purpose "clients in care on 31 December 2014 continue with their provider"
ovg() {  # contract id, provider: specialist care for Zoetermeer's clients in 2016 under the arrangement
  ctl submit sign-contract --actor inkoopbureau --role bureau --contract-id "$1" --provider-id "$2" \
    --lot specialist --arrangement-id OVG-2015-2017 --funding-model per_unit --term-start 2016-01-01 --term-end 2016-12-31 \
    --ceilings '[{"municipality":"Zoetermeer","ceilingCents":"40000000"}]' \
    --tariffs '[{"productCode":"43A11","unit":"UNIT_DAY","tariffCents":"26000"}]'
}
ovg OVG-HOR horizon
ovg OVG-JZW jeugdzorg-west
echo "== Refused: a contract under the arrangement with Kompas, which is not one of its focus providers"
refused ovg OVG-KOM kompas
echo "== Refused: a tender on the top-specialist lot (bought nationally, not by the bureau)"
at 2015-08-10
refused submit publish-tender --actor inkoopbureau --role bureau --tender-id TOP-2016 --lot top --year 2016 \
  --procedure competitive --funding-model per_unit --ceiling 1000000.00 --deadline 2015-10-01
requirements="quality mark (HKZ or equivalent);registered professionals (SKJ or BIG);reference index participation"
ctl submit publish-tender --actor inkoopbureau --role bureau --tender-id AMB-2016 --lot ambulatory --year 2016 \
  --procedure open_house --funding-model per_unit --ceiling 45000000.00 --requirements "$(echo "$requirements" | tr ';' ,)"
echo "== Refused: a second procedure that would draw more than the purchase order holds for ambulatory care"
refused submit publish-tender --actor inkoopbureau --role bureau --tender-id AMB-2016-B --lot ambulatory --year 2016 \
  --procedure competitive --funding-model per_unit --ceiling 10000000.00 --deadline 2015-10-01
echo "== Refused: the purchase order issued again now that a procedure draws on it"
refused submit issue-purchase-order --actor inkoopbureau --role bureau --year 2016
apply() {  # provider application
  ctl submit apply-for-admission --actor "$1" --role provider --tender-id AMB-2016 --application-id "$2" --provider-id "$1"
}
assess() {  # application, then the third requirement's verdict: met or a note of what is missing
  local third='"met":true'
  [[ "$2" != met ]] && third="\"met\":false,\"note\":\"$2\""
  ctl submit assess-application --actor inkoopbureau --role bureau --tender-id AMB-2016 --application-id "$1" \
    --assessments "[{\"requirement\":\"quality mark (HKZ or equivalent)\",\"met\":true},
                    {\"requirement\":\"registered professionals (SKJ or BIG)\",\"met\":true},
                    {\"requirement\":\"reference index participation\",$third}]"
}
at 2015-09-14
apply jeugdzorg-west app-jzw
at 2015-09-20
apply horizon app-hor
at 2015-09-28
apply kompas app-kom
echo "== Refused: a bid on the admission (providers apply; the tariffs are the region's)"
refused submit submit-bid --actor kompas --role provider --tender-id AMB-2016 --bid-id bid-kom --provider-id kompas --amount 1.00
echo "== Refused: a second application of Kompas dated before the first (the region's clock only moves forward)"
refused submit apply-for-admission --occurred-at 2015-09-01 --actor kompas --role provider --tender-id AMB-2016 \
  --application-id app-kom-early --provider-id kompas
at 2015-10-05
assess app-jzw met
assess app-hor met
assess app-kom "not yet connected to the reference index"
echo "== Refused: a contract for Kompas, whose application was not admitted"
tariffs='[{"productCode":"45A12","unit":"UNIT_HOUR","tariffCents":"8500"},{"productCode":"45A13","unit":"UNIT_HOUR","tariffCents":"10400"}]'
at 2015-10-06
refused submit sign-contract --actor inkoopbureau --role bureau --contract-id AMB-KOM --provider-id kompas \
  --lot ambulatory --tender-id AMB-2016 --bid-id app-kom --funding-model per_unit --term-start 2016-01-01 --term-end 2016-12-31 \
  --ceilings '[{"municipality":"Rijswijk","ceilingCents":"60000000"}]' --tariffs "$tariffs"
echo "== Kompas connects to the reference index and applies again (an admission has no deadline here)"
at 2015-10-20
apply kompas app-kom-2
at 2015-10-22
assess app-kom-2 met

echo
echo "== The bureau signs the admitted providers' contracts on the region's standard terms: per unit, at the"
echo "   harmonised tariffs (ceilings per municipality per year, together within the procedure's ceiling)"
contract() {  # id provider application "Den Haag" Delft Zoetermeer Rijswijk (cents per year), tariffs, outcome terms
  at 2015-11-02
  ctl submit sign-contract --actor inkoopbureau --role bureau --contract-id "$1" --provider-id "$2" \
    --lot ambulatory --tender-id AMB-2016 --bid-id "$3" --funding-model per_unit --term-start 2016-01-01 --term-end 2016-12-31 \
    --ceilings "[{\"municipality\":\"Den Haag\",\"ceilingCents\":\"$4\"},{\"municipality\":\"Delft\",\"ceilingCents\":\"$5\"},
                 {\"municipality\":\"Zoetermeer\",\"ceilingCents\":\"$6\"},{\"municipality\":\"Rijswijk\",\"ceilingCents\":\"$7\"}]" \
    --tariffs "${8:-$tariffs}" ${9:+--outcome-terms "$9"}
}
echo "== Refused: a contract at a tariff of its own instead of the harmonised one"
refused contract AMB-JZW jeugdzorg-west app-jzw 1000000000 200000000 200000000 50000000 \
  '[{"productCode":"45A12","unit":"UNIT_HOUR","tariffCents":"9000"},{"productCode":"45A13","unit":"UNIT_HOUR","tariffCents":"10400"}]'
contract AMB-JZW jeugdzorg-west app-jzw  1000000000 200000000 200000000 50000000
echo "== Horizon's contract links its tariff to outcome: satisfaction above 80.0% over the year earns 1.5%"
echo "   on its claims, below it costs 0.5%; every contract registers starts and stops within 7 days"
contract AMB-HOR horizon        app-hor   800000000 150000000 150000000 50000000 "" \
  '[{"indicator":"INDICATOR_SATISFACTION","targetPermille":800,"bonusBasisPoints":150,"malusBasisPoints":50}]'
contract AMB-KOM kompas         app-kom-2 650000000 120000000 120000000 60000000
echo "== Refused: a fourth contract would commit more than Rijswijk planned for ambulatory care"
at 2015-11-03
refused submit sign-contract --actor inkoopbureau --role bureau --contract-id AMB-EXTRA --provider-id kompas \
  --lot ambulatory --funding-model per_unit --term-start 2016-01-01 --term-end 2016-12-31 \
  --ceilings '[{"municipality":"Rijswijk","ceilingCents":"100000000"}]' --tariffs "$tariffs"
echo "== Specialist care with residence for Den Haag goes to a competitive tender (lump sum)"
at 2015-11-04
ctl submit publish-tender --actor inkoopbureau --role bureau --tender-id SPEC-2016 --lot specialist --year 2016 \
  --procedure competitive --funding-model lump_sum --ceiling 5000000.00 --deadline 2015-11-20
at 2015-11-16
ctl submit submit-bid --actor horizon --role provider --tender-id SPEC-2016 --bid-id bid-spec-hor --provider-id horizon --amount 5000000.00
at 2015-11-23
ctl submit award-tender --actor inkoopbureau --role bureau --tender-id SPEC-2016 --bid-ids bid-spec-hor
echo "== After the award the bureau and Horizon agree on fewer places: the award's new terms are an event of their own"
at 2015-11-25
ctl submit negotiate-award --actor inkoopbureau --role bureau --tender-id SPEC-2016 --bid-id bid-spec-hor --amount 4800000.00 \
  --reason "Horizon opens two residential places fewer in 2016"
spec() {  # ceiling in cents, then sign-contract's --instalments
  ctl submit sign-contract --actor inkoopbureau --role bureau --contract-id SPEC-HOR --provider-id horizon \
    --lot specialist --tender-id SPEC-2016 --bid-id bid-spec-hor --funding-model lump_sum --term-start 2016-01-01 --term-end 2016-12-31 \
    --ceilings "[{\"municipality\":\"Den Haag\",\"ceilingCents\":\"$1\"}]" --instalments "$2"
}
echo "== Refused: the contract's ceiling at the bid's 5,000,000.00, above the negotiated award"
at 2015-11-30
refused spec 500000000 '[{"municipality":"Den Haag","dueOn":"2016-01-01","amountCents":"500000000"}]'
echo "== The lump sum of 4,800,000.00, paid in quarterly instalments"
spec 480000000 \
  '[{"municipality":"Den Haag","dueOn":"2016-01-01","amountCents":"120000000"},
                  {"municipality":"Den Haag","dueOn":"2016-04-01","amountCents":"120000000"},
                  {"municipality":"Den Haag","dueOn":"2016-07-01","amountCents":"120000000"},
                  {"municipality":"Den Haag","dueOn":"2016-10-01","amountCents":"120000000"}]'
echo "== The crisis service, a regional public task, is one contract for the whole region: a region ceiling of"
echo "   3,000,000.00 a year, of which Den Haag holds 1,500,000.00 of its own; every member may claim on it"
at 2015-12-01
ctl submit sign-contract --actor inkoopbureau --role bureau --contract-id REG-CRISIS --provider-id horizon \
  --lot regional --funding-model per_unit --term-start 2016-01-01 --term-end 2016-12-31 --region-ceiling 3000000.00 \
  --ceilings '[{"municipality":"Den Haag","ceilingCents":"150000000"}]' \
  --tariffs '[{"productCode":"47A01","unit":"UNIT_HOUR","tariffCents":"12000"}]'

echo
echo "== During 2016: Delft shifts uncommitted money to ambulatory care; providers claim; Den Haag pays"
at 2016-01-04
ctl submit pay-instalment --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --due-on 2016-01-01 --paid-on 2016-01-04
echo "== Refused: an instalment before it is due"
refused submit pay-instalment --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --due-on 2016-04-01 --paid-on 2016-01-04
at 2016-02-10
ctl submit shift-budget --actor Delft --role municipality --municipality Delft --year 2016 \
  --from-lot specialist --to-lot ambulatory --amount 250000.00 --reason "waiting lists for ambulatory care"
echo "== Den Haag, Delft and Zoetermeer put unplanned money into the region's fluctuation fund"
for row in "Den Haag:500000.00" "Delft:100000.00" "Zoetermeer:150000.00"; do
  IFS=: read -r m euros <<<"$row"
  ctl submit deposit-to-fund --actor "$m" --municipality "$m" --year 2016 --amount "$euros" \
    --reason "buffer for demand above the plan"
done
echo "== Refused: a deposit of money the plan already takes"
refused submit deposit-to-fund --actor Delft --municipality Delft --year 2016 --amount 100000.00 \
  --reason "buffer for demand above the plan"
echo "== Refused: a shift of committed money"
at 2016-02-11
refused submit shift-budget --actor Rijswijk --role municipality --municipality Rijswijk --year 2016 \
  --from-lot ambulatory --to-lot housing --amount 1000000.00 --reason "more housing"
echo "== Refused: Wassenaar leaving the joint arrangement during its three-year term"
refused submit leave-arrangement --actor Wassenaar --municipality Wassenaar --effective-on 2017-01-01 \
  --reason "council decision 2016-02: buy youth care alone"
echo
echo "== The placement guarantee: the court orders closed youth care for a Zoetermeer client; the request"
echo "   goes to the providers contracted for the closed-care lot (specialist care) for Zoetermeer"
at 2016-02-12
ctl submit request-placement --actor Zoetermeer --placement-id PL-2016-0001 --client cl-4b7e21 --lot specialist \
  --court-order "RB Den Haag 2016/0212, machtiging gesloten jeugdhulp" --ordered-on 2016-02-12
echo "== Refused: a placement offer from Kompas, which has no closed-care contract for Zoetermeer"
refused submit accept-placement --actor kompas --placement-id PL-2016-0001 --contract-id AMB-KOM --start-date 2016-02-12
echo "== Jeugdzorg West has no place free: it refuses, with its reason, and arranges a place at Horizon"
at 2016-02-15
ctl submit refuse-placement --actor jeugdzorg-west --placement-id PL-2016-0001 --reason capacity \
  --explanation "no closed place free before April" --arranged-with horizon
echo "== Refused: Horizon, the last provider that has not refused, refusing too"
refused submit refuse-placement --actor horizon --placement-id PL-2016-0001 --reason expertise \
  --explanation "no expertise for this client" --arranged-with jeugdzorg-west
echo "== Ten days open, past the lot's seven: the next command of the region (the clock's tick) escalates the"
echo "   request to the placement coordinator; the coordinator's own review finds nothing more due"
at 2016-02-22
refused submit review-placements --actor placement-coordinator --role placement_coordinator
echo "== Horizon takes the client in, bringing in expertise from Jeugdzorg West"
at 2016-02-23
ctl submit accept-placement --actor horizon --placement-id PL-2016-0001 --contract-id OVG-HOR \
  --start-date 2016-02-23 --expertise-from jeugdzorg-west
echo
echo "== The client's path (iJw): Den Haag assigns a client's care at Jeugdzorg West (JW301), which registers"
echo "   the start (JW305); Horizon asks Delft for an assignment (JW315), Delft grants it; Delft refuses a"
echo "   request of Kompas; Den Haag and Wassenaar assign crisis hours"
at 2016-03-01
ctl submit assign-care --actor "Den Haag" --assignment-id DH-2016-0001 --contract-id AMB-JZW --municipality "Den Haag" \
  --client cl-7f3a91 --product-code 45A12 --volume 1500 --period-start 2016-03-01 --period-end 2016-12-31
ctl submit start-care --actor jeugdzorg-west --role provider --assignment-id DH-2016-0001 --start-date 2016-03-01
ctl submit request-assignment --actor horizon --role provider --assignment-id HOR-REQ-0001 --contract-id AMB-HOR \
  --municipality Delft --client cl-3c9d20 --product-code 45A13 --volume 600 --period-start 2016-03-01 --period-end 2016-12-31
ctl submit grant-assignment --actor Delft --assignment-id HOR-REQ-0001
echo "== Refused: a start before the assignment's period"
refused submit start-care --actor horizon --role provider --assignment-id HOR-REQ-0001 --start-date 2016-02-28
ctl submit start-care --actor horizon --role provider --assignment-id HOR-REQ-0001 --start-date 2016-03-01
ctl submit request-assignment --actor kompas --role provider --assignment-id KOM-REQ-0001 --contract-id AMB-KOM \
  --municipality Delft --client cl-48e1aa --product-code 45A12 --volume 40 --period-start 2016-03-01 --period-end 2016-06-30
ctl submit refuse-assignment --actor Delft --assignment-id KOM-REQ-0001 --reason "the district team gives this care"
for row in "Den Haag:CRI-DH-0001:cl-91c0d2:800" "Wassenaar:CRI-WA-0001:cl-e2f310:40"; do
  IFS=: read -r m id client volume <<<"$row"
  ctl submit assign-care --actor "$m" --assignment-id "$id" --contract-id REG-CRISIS --municipality "$m" \
    --client "$client" --product-code 47A01 --volume "$volume" --period-start 2016-03-01 --period-end 2016-12-31
  ctl submit start-care --actor horizon --role provider --assignment-id "$id" --start-date 2016-03-01
done
echo "== Refused: an assignment beyond what the crisis service's region ceiling has left"
refused submit assign-care --actor Voorschoten --assignment-id CRI-VS-0001 --contract-id REG-CRISIS --municipality Voorschoten \
  --client cl-0d77e5 --product-code 47A01 --volume 24200 --period-start 2016-03-01 --period-end 2016-12-31
at 2016-04-05
ctl submit pay-instalment --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --due-on 2016-04-01 --paid-on 2016-04-05
ctl submit record-claim --actor jeugdzorg-west --role provider --claim-id JZW-2016-03-DH --contract-id AMB-JZW --assignment-id DH-2016-0001 \
  --municipality "Den Haag" --period-start 2016-03-01 --period-end 2016-03-31 --product-code 45A12 --units 1200 --amount 102000.00
at 2016-04-06
ctl submit record-claim --actor horizon --role provider --claim-id HOR-2016-03-DE --contract-id AMB-HOR --assignment-id HOR-REQ-0001 \
  --municipality Delft --period-start 2016-03-01 --period-end 2016-03-31 --product-code 45A13 --units 300 --amount 31200.00
echo "== Horizon claims crisis hours for Den Haag and for Wassenaar, which has no ceiling of its own on the"
echo "   region-wide contract: Wassenaar's claim commits money on its own regional plan as it comes"
ctl submit record-claim --actor horizon --role provider --claim-id CRI-2016-03-DH --contract-id REG-CRISIS --assignment-id CRI-DH-0001 \
  --municipality "Den Haag" --period-start 2016-03-01 --period-end 2016-03-31 --product-code 47A01 --units 800 --amount 96000.00
ctl submit record-claim --actor horizon --role provider --claim-id CRI-2016-03-WA --contract-id REG-CRISIS --assignment-id CRI-WA-0001 \
  --municipality Wassenaar --period-start 2016-03-01 --period-end 2016-03-31 --product-code 47A01 --units 40 --amount 4800.00
echo "== Refused: a claim beyond the volume its assignment has left (1,200 of 1,500 hours claimed)"
refused submit record-claim --actor jeugdzorg-west --role provider --claim-id JZW-2016-04-DH --contract-id AMB-JZW \
  --assignment-id DH-2016-0001 --municipality "Den Haag" --period-start 2016-04-01 --period-end 2016-04-05 \
  --product-code 45A12 --units 400 --amount 34000.00
echo "== Refused: a per-unit claim under no assignment"
refused submit record-claim --actor horizon --role provider --claim-id HOR-2016-03-ZM --contract-id AMB-HOR \
  --municipality Zoetermeer --period-start 2016-03-01 --period-end 2016-03-31 --product-code 45A13 --units 10 --amount 1040.00
echo "== Refused: a claim that is not units x tariff"
at 2016-04-07
refused submit record-claim --actor kompas --role provider --claim-id KOM-1 --contract-id AMB-KOM \
  --municipality Delft --period-start 2016-03-01 --period-end 2016-03-31 --product-code 45A12 --units 10 --amount 900.00
at 2016-04-20
ctl submit record-payment --actor "Den Haag" --role municipality --claim-id JZW-2016-03-DH --amount 102000.00 --paid-on 2016-04-20
at 2016-05-02
ctl submit report-indicator --actor horizon --role provider --provider-id horizon --contract-id AMB-HOR \
  --period-start 2016-01-01 --period-end 2016-03-31 --indicator satisfaction --value-permille 840 --count 62 --level case
at 2016-05-02
ctl submit report-indicator --actor horizon --role provider --provider-id horizon --contract-id AMB-HOR \
  --period-start 2016-01-01 --period-end 2016-03-31 --indicator goal_attainment --value-permille 710 --count 48 --level case \
  --sub-indicators '[{"name":"goals reached","valuePermille":700},{"name":"problems reduced","valuePermille":750},
                     {"name":"self-reliance","valuePermille":680},{"name":"participation","valuePermille":710}]'

echo
echo "== Jeugdzorg West goes bankrupt: its contracts are suspended, continuity cases open"
at 2016-06-15
ctl submit declare-provider-failure --actor inkoopbureau --role bureau --provider-id jeugdzorg-west \
  --failed-on 2016-06-15 --reason bankruptcy --explanation "declared bankrupt by the district court of The Hague"
echo "== Care given before the bankruptcy stays claimable for the framework's 56 days: Jeugdzorg West claims 1-14 June, Den Haag pays"
at 2016-06-20
ctl submit record-claim --actor jeugdzorg-west --role provider --claim-id JZW-2016-06-DH --contract-id AMB-JZW --assignment-id DH-2016-0001 \
  --municipality "Den Haag" --period-start 2016-06-01 --period-end 2016-06-14 --product-code 45A12 --units 10 --amount 850.00
ctl submit record-payment --actor "Den Haag" --role municipality --claim-id JZW-2016-06-DH --amount 850.00 --paid-on 2016-06-20
echo "== Jeugdzorg West registers the stop of the client's care on the last day it gave it (JW307)"
ctl submit stop-care --actor jeugdzorg-west --role provider --assignment-id DH-2016-0001 --end-date 2016-06-14 --reason external
echo "== Refused: a claim for care on or after the day of the failure"
refused submit record-claim --actor jeugdzorg-west --role provider --claim-id JZW-2016-06b-DH --contract-id AMB-JZW --assignment-id DH-2016-0001 \
  --municipality "Den Haag" --period-start 2016-06-15 --period-end 2016-06-19 --product-code 45A12 --units 10 --amount 850.00
echo "== Refused: a claim for care not yet given"
refused submit record-claim --actor horizon --role provider --claim-id HOR-2016-07-DE --contract-id AMB-HOR --assignment-id HOR-REQ-0001 \
  --municipality Delft --period-start 2016-07-01 --period-end 2016-07-31 --product-code 45A13 --units 10 --amount 1040.00
echo "== Den Haag's clients move to Horizon with part of the ceiling for the rest of the year; Rijswijk's case goes to the continuity authority"
at 2016-06-20
ctl submit transfer-clients --actor inkoopbureau --role bureau --case-id "AMB-JZW/Den Haag" --to-contract-id AMB-HOR \
  --client-count 4 --client-ids "cl-7f3a91,cl-02be44,cl-91c0d2,cl-5e6b18" --ceiling 3000000.00
echo "== Refused: a client named instead of a pseudonymous id"
at 2016-06-20
refused submit transfer-clients --actor inkoopbureau --role bureau --case-id "AMB-JZW/Delft" --to-contract-id AMB-KOM \
  --client-count 1 --client-ids "Jan Jansen" --ceiling 1000.00
at 2016-06-21
ctl submit transfer-clients --actor inkoopbureau --role bureau --case-id "AMB-JZW/Delft" --to-contract-id AMB-KOM \
  --client-count 2 --client-ids "cl-a1b2c3,cl-d4e5f6" --ceiling 500000.00
at 2016-06-22
ctl submit escalate-case --actor inkoopbureau --role bureau --case-id "AMB-JZW/Rijswijk" \
  --reason "no provider on the lot has capacity for intensive home treatment"
at 2016-07-01
echo "== Den Haag assigns the client's care at Horizon for the rest of the year; Horizon registers the start"
echo "   of 22 June on 1 July, two days past its registration duty"
ctl submit assign-care --actor "Den Haag" --assignment-id DH-2016-0002 --contract-id AMB-HOR --municipality "Den Haag" \
  --client cl-7f3a91 --product-code 45A12 --volume 900 --period-start 2016-06-15 --period-end 2016-12-31
ctl submit start-care --actor horizon --role provider --assignment-id DH-2016-0002 --start-date 2016-06-22
ctl submit close-case --actor inkoopbureau --role bureau --case-id "AMB-JZW/Den Haag" \
  --outcome "all clients continue their care at Stichting Horizon"
ctl submit pay-instalment --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --due-on 2016-07-01 --paid-on 2016-07-01
echo "== Delft's client at Horizon switches to Kompas on 1 September: care stops at Horizon, the 300 hours"
echo "   not yet claimed move to a new assignment at Kompas, where care starts"
at 2016-09-01
ctl submit switch-provider --actor Delft --assignment-id HOR-REQ-0001 --to-contract-id AMB-KOM \
  --new-assignment-id DE-2016-0002 --switch-date 2016-09-01
echo "== Refused: a switch to a provider without a contract for the lot"
refused submit switch-provider --actor "Den Haag" --assignment-id CRI-DH-0001 --to-contract-id AMB-KOM \
  --new-assignment-id DH-2016-0003 --switch-date 2016-09-01
at 2016-10-03
echo "== Horizon's satisfaction over the second and third quarter, compared with its first-quarter baseline"
ctl submit report-indicator --actor horizon --role provider --provider-id horizon --contract-id AMB-HOR \
  --period-start 2016-04-01 --period-end 2016-09-30 --indicator satisfaction --value-permille 870 --count 75 --level case
echo "== Refused: a report overlapping the baseline's period"
refused submit report-indicator --actor horizon --role provider --provider-id horizon --contract-id AMB-HOR \
  --period-start 2016-03-01 --period-end 2016-09-30 --indicator satisfaction --value-permille 900 --count 80 --level case
ctl submit pay-instalment --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --due-on 2016-10-01 --paid-on 2016-10-03
echo "== The bureau closes the 2016 admission to ambulatory care; a late application is refused"
at 2016-12-01
ctl submit close-admission --actor inkoopbureau --role bureau --tender-id AMB-2016 --reason "the 2017 admission opens on 2017-01-01"
refused apply horizon app-hor-late
echo "== The bureau adopts the framework that succeeds this one, for 2017-2018: a lot for closed youth care"
echo "   added, indexed tariffs; 2016 stays under the 2015-2016 framework (registry and clock carry over)"
successor() {  # framework id, period start
  ctl submit adopt-framework --actor inkoopbureau --role bureau --framework-id "$1" \
    --municipalities "$(IFS=,; echo "${members[*]}")" --claim-window-days 56 \
    --equalisation '{"key":"EQUALISATION_KEY_BUDGET"}' \
    --lots "$(lots_json ',{"code":"closed","name":"Closed youth care (JeugdzorgPlus)"}')" \
    --lot-rules '[{"lot":"ambulatory","fundingModels":["FUNDING_MODEL_PER_UNIT"],
                   "maxTariffs":[{"productCode":"45A12","unit":"UNIT_HOUR","tariffCents":"9700"},
                                 {"productCode":"45A13","unit":"UNIT_HOUR","tariffCents":"11200"}],
                   "harmonisedTariffs":[{"productCode":"45A12","unit":"UNIT_HOUR","tariffCents":"8700"},
                                        {"productCode":"45A13","unit":"UNIT_HOUR","tariffCents":"10600"}]},
                  {"lot":"closed","fundingModels":["FUNDING_MODEL_PER_UNIT"],
                   "maxTariffs":[{"productCode":"43A51","unit":"UNIT_DAY","tariffCents":"45000"}]},
                  {"lot":"housing","fundingModels":["FUNDING_MODEL_POPULATION"]}]' \
    --quality-indicators "drop-out,satisfaction,goal attainment" \
    --period-start "$2" --period-end 2018-12-31
}
echo "== Refused: a successor whose period overlaps the framework in force"
refused successor H10-2016-2018 2016-07-01
successor H10-2017-2018 2017-01-01

echo
echo "== Horizon registers the end of the client's care on 31 December as planned (JW307), in time, and"
echo "   reports satisfaction over its fourth quarter"
at 2017-01-05
ctl submit stop-care --actor horizon --role provider --assignment-id DH-2016-0002 --end-date 2016-12-31 --reason as_planned
ctl submit report-indicator --actor horizon --role provider --provider-id horizon --contract-id AMB-HOR \
  --period-start 2016-10-01 --period-end 2016-12-31 --indicator satisfaction --value-permille 860 --count 70 --level case
echo "== After the year: Den Haag settles the lump sum against Horizon's production statement (4,650,000.00 produced, 150,000.00 owed back)"
echo "   and closes 2016"
at 2017-01-25
echo "== Den Haag reports satisfaction among all its youth in care over 2016 (population level, its baseline)"
ctl submit report-indicator --actor "Den Haag" --municipality "Den Haag" --period-start 2016-01-01 --period-end 2016-12-31 \
  --indicator satisfaction --value-permille 790 --count 5200 --level population
echo "== Refused: a production above the contract's ceiling"
refused submit settle-contract --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --year 2016 \
  --produced 4800000.01 --statement "productieverantwoording Horizon 2016"
ctl submit settle-contract --actor "Den Haag" --contract-id SPEC-HOR --municipality "Den Haag" --year 2016 \
  --produced 4650000.00 --statement "productieverantwoording Horizon 2016"
echo "== The bureau pays Rijswijk's specialist placements above its plan from the fluctuation fund"
at 2017-02-01
echo "== The bureau closes Horizon's outcome year 2016: satisfaction 86.0% (its latest report of the year)"
echo "   beats the 80.0% target, so its 2016 claims are raised by 1.5%"
ctl submit close-outcome-year --actor inkoopbureau --role bureau --contract-id AMB-HOR --year 2016
echo "== Refused: the outcome year of a contract without outcome terms"
refused submit close-outcome-year --actor inkoopbureau --role bureau --contract-id AMB-KOM --year 2016
ctl submit draw-from-fund --actor inkoopbureau --role bureau --municipality Rijswijk --year 2016 --amount 250000.00 \
  --reason "specialist placements above the 2016 plan"
echo "== Refused: a draw above the fund's balance"
refused submit draw-from-fund --actor inkoopbureau --role bureau --municipality Westland --year 2016 --amount 600000.00 \
  --reason "deficit on housing"
echo
echo "== The ten municipalities close 2016; the bureau equalises the year's cost by the framework's budget key"
at 2017-03-01
ctl submit close-year --actor "Den Haag" --municipality "Den Haag" --year 2016
echo "== Refused: equalisation before every member has closed the year"
refused submit equalise-risk --actor inkoopbureau --role bureau --year 2016
for m in "${members[@]}"; do
  [[ "$m" == "Den Haag" ]] && continue
  ctl submit close-year --actor "$m" --municipality "$m" --year 2016
done
at 2017-03-15
ctl submit equalise-risk --actor inkoopbureau --role bureau --year 2016

# The projector applies events asynchronously: wait until it shows the equalisation.
for _ in $(seq 1 100); do
  ctl show budget --municipality "Den Haag" --year 2016 --json 2>/dev/null | grep -q '"equalisationCents": *"-\?[1-9]' && \
    ctl show contracts --json 2>/dev/null | grep -q '"settled"' && break
  sleep 0.2
done

echo
echo "== Budgets per lot, from the RocksDB projection ($INKOOP_DB)"
for m in "Den Haag" Delft Zoetermeer Rijswijk; do
  ctl show budget --municipality "$m" --year 2016
  echo
done
echo "== Contracts"
ctl show contracts
echo
echo "== Continuity cases"
ctl show cases
echo
echo "== The registration duty per contract: starts and stops registered in time or late, what is overdue"
echo "   on the region's day, drop-out from the stop reasons (aggregates: no client is named, nothing logged)"
ctl show registrations
echo
reader() {  # actor purpose, then show's words: a client-level read, recorded before it is shown
  local actor="$1" purpose="$2"
  shift 2
  build/tools/inkoopctl show "$@" --key "$(keyfile "$actor")" --purpose "$purpose"
}
echo "== Placement requests for closed youth care (the placement coordinator's view; client-level, so the"
echo "   coordinator's read is recorded on ${INKOOP_TOPIC_PREFIX}inkoop.access first)"
reader placement-coordinator "weekly review of open placement requests" placements
echo
echo "== The bureau follows up Horizon's overdue registrations (naming assignments: client-level, recorded)"
reader inkoopbureau "follow-up of overdue registrations" registrations --overdue --provider horizon
echo
echo "== Den Haag's case manager looks up one client's assignments; Jeugdzorg West sees only its own"
reader "Den Haag" "care plan review with the family" assignments --client cl-7f3a91
reader jeugdzorg-west "handover file for the receiving provider" assignments --client cl-7f3a91
echo "== Refused: a read of client-level data without a stated purpose"
refused show assignments --client cl-7f3a91 --key "$(keyfile "Den Haag")"
echo "== Refused: a key the region's registry does not hold"
build/tools/inkoopctl keygen --out "$run/stranger.pem" >/dev/null 2>&1
refused show assignments --client cl-7f3a91 --key "$run/stranger.pem" --purpose curiosity
echo "== The client's representative asks who looked at the case (inkoopctl access-log)"
ctl access-log --client cl-7f3a91
echo
echo "== The auditor keeps a signed checkpoint outside the system ..."
ctl checkpoint | tee "$run/checkpoints.txt"
echo "== ... replays the history into a fresh database ..."
ctl replay --db "$run/replay"
echo "== ... verifies every signature and link, the live projection's digest and the checkpoint ..."
ctl verify --checkpoints "$run/checkpoints.txt"
echo "== ... reads the audit trail of one contract ..."
ctl audit contract AMB-HOR
echo "== ... and Delft's budget as it stood on 2015-12-31"
ctl show budget --municipality Delft --year 2016 --as-of 2015-12-31

echo
echo "== The events on the broker (inkoopctl tail; raw: kcat -b $INKOOP_BROKERS -t ${INKOOP_TOPIC_PREFIX}inkoop.events -C -e)"
ctl tail | cut -c1-160
echo
echo "== Downstream: the events as JSON lines for a pipeline (inkoopctl tail --type ... --format json; first 2)"
ctl tail --type contract_signed,claim_recorded --format json | sed -n 1,2p | cut -c1-200
echo "== The example payment feed (tools/examples/payment_feed.cc) prints each accepted claim, once per group"
build/tools/inkoop-payment-feed --keys "$INKOOP_KEYS" --group "${INKOOP_TOPIC_PREFIX}payments" --until_end 2>/dev/null | sed -n 1,5p
echo
echo "== Open contracting: haaglanden as OCDS 1.1 release and record packages (inkoopctl export ocds),"
echo "   validated against the official 1.1.5 schemas with a JSON Schema validator (tests/ocds/validate.py)"
ctl export ocds --region haaglanden --releases > "$run/ocds-releases.json"
ctl export ocds --region haaglanden --records > "$run/ocds-records.json"
/usr/bin/python3 tests/ocds/validate.py "$run/ocds-releases.json" "$run/ocds-records.json"
/usr/bin/python3 - "$run/ocds-releases.json" "$run/ocds-records.json" <<'PY'
import collections, json, sys
releases = json.load(open(sys.argv[1]))["releases"]
records = json.load(open(sys.argv[2]))["records"]
tags = collections.Counter(tag for release in releases for tag in release["tag"])
print(f"   {len(releases)} releases in {len(records)} contracting processes; tags:",
      ", ".join(f"{tag} {n}" for tag, n in sorted(tags.items())))
print("   valid; written to", sys.argv[1], "and", sys.argv[2])
PY
echo
echo "== Ops: the projector's read API ($api/api/v1/...), the same JSON as inkoopctl show --json"
echo "   GET $api/api/v1/lots?municipality=Delft&year=2016 (per lot: planned, committed, claimed, free)"
curl -sf "$api/api/v1/lots?municipality=Delft&year=2016" | /usr/bin/python3 -c '
import json, sys
for lot in json.load(sys.stdin)["items"]:
    print("   %-14s planned %14.2f  committed %14.2f  claimed %14.2f  free %14.2f" % (
        lot["lot"], *(int(lot[f + "Cents"]) / 100 for f in ("planned", "committed", "claimed", "free"))))'
ctl show contracts --json > "$run/contracts-cli.jsonl"
/usr/bin/python3 - "$api" "$run/contracts-cli.jsonl" <<'PY'
import json, sys, urllib.request
api, cli = sys.argv[1], [json.loads(line) for line in open(sys.argv[2])]
items, cursor = [], ""
while True:
    page = json.load(urllib.request.urlopen(f"{api}/api/v1/contracts?limit=5" + (f"&cursor={cursor}" if cursor else "")))
    items += page["items"]
    cursor = page["next_cursor"]
    if not cursor:
        break
if items != cli:
    sys.exit(f"   the API's contracts differ from inkoopctl show contracts --json")
print(f"   GET {api}/api/v1/contracts (paged by 5): the {len(items)} contracts inkoopctl show contracts --json prints")
PY
echo "   GET $api/api/v1/contracts?status=asleep -> $(curl -s "$api/api/v1/contracts?status=asleep")"
echo "   GET $api/readyz -> $(curl -s "$api/readyz")"
echo "   GET $api/metrics (Prometheus text format; first figures):"
curl -sf "$api/metrics" | grep -E '^inkoop_projection_(events_applied_total |partition_lag_offsets\{|regions )' | sed 's/^/   /'
echo "== inkoopctl lag"
ctl lag || echo "   (behind: the projector is still applying)"
echo "== The dashboard: $api/ (budgets per lot, contracts, open continuity cases, lag)"
# INKOOP_DEMO_BROWSER_TEST=1 (deploy/test.sh): headless Chromium checks the
# dashboard's figures against the API and writes a screenshot.
if [[ "${INKOOP_DEMO_BROWSER_TEST:-0}" == "1" ]]; then
  (cd tests/browser && npm ci --no-audit --no-fund --silent)
  node tests/browser/dashboard_test.mjs "$api" "$root/build/dashboard.png"
fi
echo
echo "== $(kcat -b "$INKOOP_BROKERS" -t "${INKOOP_TOPIC_PREFIX}inkoop.events" -C -e -q -X isolation.level=read_committed -f 'x\n' | wc -l) events on ${INKOOP_TOPIC_PREFIX}inkoop.events; logs in $run"
