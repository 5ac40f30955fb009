#!/usr/bin/env bash
# Starts a throwaway Postgres cluster on loopback for tests and benchmarks, with trust auth for `postgres`.
#
#   scripts/postgres/start.sh [port]      -> prints "postgres://postgres@127.0.0.1:<port>/postgres" once it answers
#   scripts/postgres/ctl.sh <port> stop|start|restart
#                                         -> the same cluster, data kept (the chaos tests stop and start it)
#   scripts/postgres/stop.sh <port|url>   -> stops it and deletes its data
#
# Why a cluster of our own rather than the machine's: Debian's default cluster asks for a password over TCP,
# may not be installed (scripts/test.js installs the package), and a test that stops Postgres must not stop
# someone else's. The server binaries come from Debian's postgresql package (/usr/lib/postgresql/<v>/bin,
# newest first) or SKEIN_PG_BINDIR. Postgres refuses to run as root, so as root the cluster belongs to the
# `postgres` user the package creates. Data lives in a fresh temp dir recorded in <repo>/.pg/run/<port>.
# With SKEIN_PG_OWNER_PID set, a watchdog stops the cluster when that process dies.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
t0=$(date +%s%N)

bindir="${SKEIN_PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$d/postgres" ] && { bindir="$d"; break; }
  done
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/postgres" ]; then
  echo "postgres start failed: no Postgres server found (install Debian's postgresql package, or set SKEIN_PG_BINDIR)" >&2
  exit 1
fi

port="${1:-$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')}"
state="$(mktemp -d "${TMPDIR:-/tmp}/skein-pg.XXXXXX")"
chmod 755 "$state"
as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || { echo "postgres start failed: running as root and there is no postgres user" >&2; exit 1; }
  chown postgres "$state"
  as=(runuser -u postgres --)
fi
mkdir -p "$repo/.pg/run"
printf '%s\n%s\n' "$state" "$bindir" >"$repo/.pg/run/$port"

fail() {
  echo "postgres start failed: $1" >&2
  echo "---- $state/postgres.log ----" >&2
  cat "$state/postgres.log" >&2 2>/dev/null || true
  "${as[@]}" "$bindir/pg_ctl" -D "$state/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$state" "$repo/.pg/run/$port"
  exit 1
}

# -N: no fsync during initdb; the cluster is thrown away. fsync=off below keeps every acknowledged commit
# across a crash of the server process (WAL is still written to the kernel), which is what the tests kill;
# only a machine crash could lose it.
"${as[@]}" "$bindir/initdb" -D "$state/data" -U postgres --auth=trust -E UTF8 --locale=C -N \
  >"$state/postgres.log" 2>&1 || fail "initdb"
[ ${#as[@]} -gt 0 ] && chown postgres "$state/postgres.log"
cat >>"$state/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$state'
max_connections = 400
shared_buffers = 128MB
fsync = off
full_page_writes = off
logging_collector = off
CONF

"${as[@]}" "$bindir/pg_ctl" -D "$state/data" -l "$state/postgres.log" -w -t 60 start >/dev/null 2>&1 \
  || fail "server not ready within 60s"

if [ -n "${SKEIN_PG_OWNER_PID:-}" ]; then
  # Must not hold our stdout, or whoever reads it would wait for the watchdog to exit.
  nohup bash -c '
    while kill -0 "$1" 2>/dev/null; do sleep 2; done
    [ -f "$4" ] || exit 0
    "${@:5}" "$3/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$2" "$4"
  ' watchdog "$SKEIN_PG_OWNER_PID" "$state" "$bindir" "$repo/.pg/run/$port" "${as[@]}" >/dev/null 2>&1 </dev/null &
fi

ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "postgres: $("$bindir/postgres" --version) ready at 127.0.0.1:$port in ${ms} ms (state $state)" >&2
echo "postgres://postgres@127.0.0.1:$port/postgres"
