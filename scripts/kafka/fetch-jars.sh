#!/usr/bin/env bash
# Makes sure <repo>/.kafka/lib holds the broker jars from Maven Central. Cheap when they are already there:
# a marker written after a successful copy records which pom.xml produced them, so an interrupted copy or
# a changed pom triggers a new fetch. Several test runs may start at once in the same tree, hence the lock.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lib="${SKEIN_KAFKA_LIB:-$repo/.kafka/lib}"
pom="$here/pom.xml"
want="$(sha256sum "$pom" | cut -d' ' -f1)"
marker="$lib/.complete"

complete() { [ -f "$marker" ] && [ "$(cat "$marker")" = "$want" ]; }
complete && exit 0

mkdir -p "$(dirname "$lib")"
exec 9>"$(dirname "$lib")/.fetch.lock"
flock 9
complete && exit 0

command -v mvn >/dev/null || { echo "fetch-jars: mvn not found (Maven is needed to fetch the Kafka jars)" >&2; exit 1; }
echo "fetch-jars: fetching Kafka broker jars into $lib" >&2
rm -rf "$lib"
mvn -q -B -f "$pom" org.apache.maven.plugins:maven-dependency-plugin:3.10.0:copy-dependencies \
  -DoutputDirectory="$lib" -DincludeScope=runtime >&2
ls "$lib"/kafka_2.13-*.jar "$lib"/slf4j-reload4j-*.jar >/dev/null
echo "$want" >"$marker"
