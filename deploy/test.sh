#!/usr/bin/env bash
# Runs every inkoop test on a fresh machine: installs what is missing, builds,
# starts a real Kafka broker (KRaft, deploy/kafka) on 127.0.0.1:19092 and a
# secured one (SASL, ACLs) on 127.0.0.1:19492, runs
# the unit and integration tests with ctest, then the demo (its OCDS packages
# validated, its dashboard checked in headless Chromium), runs the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, stops the broker. Exits
# non-zero on any failure.
#
#   deploy/test.sh            everything
#   INKOOP_SKIP_SANITIZE=1 deploy/test.sh   without the sanitizer build
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
port=${INKOOP_TEST_PORT:-19092}

secure_port=$((port + 400))
secure_data="$root/.run/kafka-test-secure-$secure_port"

deploy/install-deps.sh
deploy/build.sh "-DINKOOP_TEST_BROKERS=127.0.0.1:$port" \
  "-DINKOOP_TEST_SECURE_BROKERS=127.0.0.1:$secure_port" "-DINKOOP_TEST_SECURE_DIR=$secure_data"

data="$root/.run/kafka-test-$port"
for d in "$data" "$secure_data"; do
  if ! [[ -f "$d/broker.pid" ]] || ! kill -0 "$(cat "$d/broker.pid")" 2>/dev/null; then
    rm -rf "$d"   # a fresh broker: tests must not depend on earlier runs
  fi
done
trap 'deploy/kafka/stop.sh --port "$port" --data "$data"; deploy/kafka/stop.sh --port "$secure_port" --data "$secure_data"' EXIT
deploy/kafka/start.sh --port "$port" --data "$data" >/dev/null
# A second broker with SASL and ACLs for tests/integration/secured_broker_test.cc.
deploy/kafka/start.sh --port "$secure_port" --data "$secure_data" --secure --topic-prefix secure. >/dev/null

summary() {  # ctest's "N% tests passed, F tests failed out of T" -> "P passed, F failed"
  sed -nE 's/.*tests passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2 \1/p' "$1" | tail -n 1
}

status=0
ctest --test-dir build --output-on-failure --timeout 900 2>&1 | tee build/ctest.log || status=1
read -r total failed < <(summary build/ctest.log) || { total=0; failed=1; }

# The demo end to end on the test broker, as the README's main command runs
# it: it stops at the first refusal it did not expect, and must end with the
# auditor's replay equal to the live projection and its OCDS packages valid
# against the 1.1.5 schemas (tests/ocds/validate.py).
total=$((total + 1))
# While it runs, headless Chromium loads the dashboard from the demo's
# projector and checks its figures against the read API
# (tests/browser/dashboard_test.mjs; screenshot build/dashboard.png).
if INKOOP_DEMO_PORT="$port" INKOOP_DEMO_KAFKA_DATA="$data" INKOOP_HTTP_PORT=$((port + 1000)) \
   INKOOP_DEMO_BROWSER_TEST=1 deploy/demo.sh > build/demo.log 2>&1 &&
   grep -q "(replay equals the live projection)" build/demo.log &&
   grep -q "valid; written to" build/demo.log &&
   grep -q "^dashboard: passed" build/demo.log; then
  echo "demo: passed (build/demo.log), dashboard: passed (build/dashboard.png)"
else
  echo "demo: FAILED (build/demo.log):"; tail -n 40 build/demo.log
  failed=$((failed + 1))
  status=1
fi

if [[ "${INKOOP_SKIP_SANITIZE:-0}" != "1" ]]; then
  INKOOP_BUILD_DIR="$root/build-asan" deploy/build.sh -DINKOOP_SANITIZE=ON \
    -DINKOOP_INTEGRATION_TESTS=OFF -- inkoop_unit_tests
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -L unit 2>&1 | tee build-asan/ctest.log || status=1
  read -r asan_total asan_failed < <(summary build-asan/ctest.log) || { asan_total=0; asan_failed=1; }
  total=$((total + asan_total))
  failed=$((failed + asan_failed))
fi

echo "tests: $((total - failed)) passed, $failed failed"
[[ $status -eq 0 && $failed -eq 0 ]]
