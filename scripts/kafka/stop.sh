#!/usr/bin/env bash
# Stops brokers started by start.sh and deletes their temp dirs: scripts/kafka/stop.sh <port|host:port>...
# SIGTERM first (clean shutdown), SIGKILL after SKEIN_KAFKA_STOP_GRACE seconds (default 10); the data is
# thrown away either way, so callers in a hurry may set the grace to 0.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
grace="${SKEIN_KAFKA_STOP_GRACE:-10}"
[ $# -gt 0 ] || { echo "usage: $0 <port|host:port>..." >&2; exit 2; }

rc=0
for arg in "$@"; do
  port="${arg##*:}"
  rec="$repo/.kafka/run/$port"
  if [ ! -f "$rec" ]; then
    echo "kafka stop: no broker recorded for port $port" >&2
    rc=1
    continue
  fi
  state="$(cat "$rec")"
  pid="$(cat "$state/broker.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    if [ "$grace" -gt 0 ]; then
      kill -TERM "$pid" 2>/dev/null
      for _ in $(seq $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  case "$state" in */skein-kafka.*) rm -rf "$state" ;; esac
  rm -f "$rec"
done
exit $rc
