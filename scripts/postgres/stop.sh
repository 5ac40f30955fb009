#!/usr/bin/env bash
# Stops clusters started by start.sh and deletes their data: scripts/postgres/stop.sh <port|url>...
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 <port|url>..." >&2; exit 2; }
as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
rc=0
for arg in "$@"; do
  port="${arg%/*}"; port="${port##*:}"
  rec="$repo/.pg/run/$port"
  if [ ! -f "$rec" ]; then
    echo "postgres stop: no cluster recorded for port $port" >&2
    rc=1
    continue
  fi
  { read -r state; read -r bindir; } <"$rec"
  "${as[@]}" "$bindir/pg_ctl" -D "$state/data" -m immediate -w stop >/dev/null 2>&1 || true
  case "$state" in */skein-pg.*) rm -rf "$state" ;; esac
  rm -f "$rec"
done
exit $rc
