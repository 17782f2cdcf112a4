#!/usr/bin/env bash
# Resolves the Kafka broker's jars from Maven Central into deploy/kafka/lib.
# Idempotent: does nothing when lib/ already matches the pom.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stamp="$here/lib/.pom.sha256"
want=$(sha256sum "$here/pom.xml" | cut -d' ' -f1)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
command -v mvn >/dev/null || { echo "fetch.sh: mvn not found (install Maven)" >&2; exit 1; }
rm -rf "$here/lib"
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
  -DoutputDirectory="$here/lib" -DincludeScope=runtime >&2
echo "$want" > "$stamp"
