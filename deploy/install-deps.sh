#!/usr/bin/env bash
# Installs what inkoop's build, tests and demo need on Debian 12: the C++
# toolchain and libraries from Debian's packages, python3-jsonschema (for
# tests/ocds/validate.py), promtool (package prometheus, for the /metrics
# test), Chromium and Node.js (the dashboard's browser test), kcat, Java 17 and Maven
# (which resolves the Kafka broker's jars, see deploy/kafka/pom.xml).
# Idempotent; prints nothing when everything is already there.
set -euo pipefail

packages=(
  g++ cmake make pkg-config
  librdkafka-dev libprotobuf-dev protobuf-compiler librocksdb-dev libabsl-dev
  libgtest-dev libgmock-dev libssl-dev nlohmann-json3-dev python3-jsonschema
  libcpp-httplib-dev kcat curl
  prometheus chromium
)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jre-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "install-deps: installing ${missing[*]}" >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
