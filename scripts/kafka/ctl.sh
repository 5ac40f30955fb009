#!/usr/bin/env bash
# Stops, starts or restarts a broker that start.sh made, keeping its data, config and port:
#   scripts/kafka/ctl.sh <port|host:port> stop|start|restart
# `stop` is a clean shutdown (SIGTERM; SIGKILL after SKEIN_KAFKA_STOP_GRACE seconds, default 10), as when an
# operator stops the broker; `start` waits until it answers. The watchdog follows SKEIN_KAFKA_OWNER_PID as in
# start.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
lib="${SKEIN_KAFKA_LIB:-$repo/.kafka/lib}"
timeout_s="${SKEIN_KAFKA_START_TIMEOUT:-90}"
grace="${SKEIN_KAFKA_STOP_GRACE:-10}"
[ $# -eq 2 ] || { echo "usage: $0 <port|host:port> stop|start|restart" >&2; exit 2; }
port="${1##*:}"
rec="$repo/.kafka/run/$port"
[ -f "$rec" ] || { echo "kafka ctl: no broker recorded for port $port" >&2; exit 1; }
state="$(cat "$rec")"

stop() {
  local pid
  pid="$(cat "$state/broker.pid" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((grace * 10))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

start() {
  local old
  old="$(cat "$state/broker.pid" 2>/dev/null || true)"
  if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then return 0; fi
  . "$here/lib.sh"
  launch_broker "$state" "$rec"
  node "$here/wait-ready.js" "127.0.0.1:$port" "$pid" "$timeout_s" >>"$state/broker.log" 2>&1 || {
    echo "kafka ctl: broker not ready within ${timeout_s}s; tail of $state/broker.log:" >&2
    tail -n 40 "$state/broker.log" >&2
    exit 1
  }
}

case "$2" in
  stop) stop ;;
  start) start ;;
  restart) stop; start ;;
  *) echo "kafka ctl: unknown action $2" >&2; exit 2 ;;
esac
