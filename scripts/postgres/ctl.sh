#!/usr/bin/env bash
# Stops, starts or restarts a cluster that start.sh made, keeping its data:
#   scripts/postgres/ctl.sh <port|url> stop|start|restart
# `stop` is a fast shutdown (clients are disconnected, as when an operator stops the server).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[ $# -eq 2 ] || { echo "usage: $0 <port|url> stop|start|restart" >&2; exit 2; }
port="${1%/*}"; port="${port##*:}"
rec="$repo/.pg/run/$port"
[ -f "$rec" ] || { echo "postgres ctl: no cluster recorded for port $port" >&2; exit 1; }
{ read -r state; read -r bindir; } <"$rec"
as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
case "$2" in
  stop) "${as[@]}" "$bindir/pg_ctl" -D "$state/data" -m fast -w stop >/dev/null ;;
  start | restart) "${as[@]}" "$bindir/pg_ctl" -D "$state/data" -l "$state/postgres.log" -m fast -w -t 60 "$2" >/dev/null ;;
  *) echo "postgres ctl: unknown action $2" >&2; exit 2 ;;
esac
