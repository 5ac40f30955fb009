#!/usr/bin/env bash
# Starts a throwaway single-node Kafka (KRaft, broker+controller in one JVM) on loopback for tests.
#
#   scripts/kafka/start.sh [port]      -> prints "127.0.0.1:<port>" on stdout once the broker answers
#   scripts/kafka/ctl.sh <port|addr> stop|start|restart
#                                      -> the same broker, data and port kept (the chaos test restarts it)
#   scripts/kafka/stop.sh <port|addr>  -> stops it and deletes its data
#
# The port is random (free) unless given. Data, config and broker.log live in a fresh temp dir recorded in
# <repo>/.kafka/run/<port>. With SKEIN_KAFKA_OWNER_PID set, a watchdog kills the broker when that process
# dies, so a test runner killed before its teardown does not leave a JVM behind.
# On failure: the broker log goes to stderr and the exit code is non-zero.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lib="${SKEIN_KAFKA_LIB:-$repo/.kafka/lib}"
timeout_s="${SKEIN_KAFKA_START_TIMEOUT:-90}"
t0=$(date +%s%N)

"$here/fetch-jars.sh"

# Two free ports from the kernel (client and controller listeners). Racy in theory, fine for tests.
read -r free1 free2 < <(node -e '
  const net = require("net");
  const a = net.createServer().listen(0, "127.0.0.1", () => {
    const b = net.createServer().listen(0, "127.0.0.1", () => {
      console.log(a.address().port, b.address().port); a.close(); b.close();
    });
  });')
port="${1:-$free1}"
cport="$free2"
[ "$cport" = "$port" ] && cport="$free1"

state="$(mktemp -d "${TMPDIR:-/tmp}/skein-kafka.XXXXXX")"
mkdir -p "$repo/.kafka/run"
echo "$state" >"$repo/.kafka/run/$port"
sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$cport|g" -e "s|@DATA_DIR@|$state/data|g" \
  "$here/server.properties" >"$state/server.properties"

. "$here/lib.sh"

fail() {
  echo "kafka start failed: $1" >&2
  echo "---- $state/broker.log ----" >&2
  cat "$state/broker.log" >&2 2>/dev/null || true
  [ -f "$state/broker.pid" ] && kill -9 "$(cat "$state/broker.pid")" 2>/dev/null || true
  rm -rf "$state" "$repo/.kafka/run/$port"
  exit 1
}

# Cluster id: 16 random bytes, base64url without padding (what `StorageTool random-uuid` prints). It may
# start with "-", so it is passed as --cluster-id=<id>, never as a separate argument.
cluster_id="$(node -e 'console.log(require("crypto").randomBytes(16).toString("base64url"))')"
"${jvm[@]}" kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$state/server.properties" \
  >"$state/broker.log" 2>&1 || fail "storage format"

launch_broker "$state" "$repo/.kafka/run/$port"

node "$here/wait-ready.js" "127.0.0.1:$port" "$pid" "$timeout_s" >>"$state/broker.log" 2>&1 \
  || fail "broker not ready within ${timeout_s}s"

ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "kafka: broker pid $pid ready at 127.0.0.1:$port in ${ms} ms (state $state)" >&2
echo "127.0.0.1:$port"
