#!/bin/sh
# Creates .venv-vnc/ (TF's vnc_api client + pytest, pinned in requirements-vnc.txt) where it is missing or
# out of date; prints its python's path. A no-op (milliseconds) when the stamp matches the requirements.
# Usage: scripts/python/venv.sh            -> /path/to/.venv-vnc/bin/python on stdout, pip's noise on stderr
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
venv="${SKEIN_VNC_VENV:-$repo/.venv-vnc}"
req="$here/requirements-vnc.txt"
stamp="$venv/.requirements-vnc.txt"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$req" "$stamp"; then
  echo "$venv/bin/python"
  exit 0
fi

py=$(command -v python3 || true)
[ -n "$py" ] || { echo "venv.sh: python3 not found on PATH (install python3 and python3-venv)" >&2; exit 1; }
"$py" -c 'import venv, ensurepip' 2>/dev/null ||
  { echo "venv.sh: $py has no venv/ensurepip module (install python3-venv)" >&2; exit 1; }

rm -rf "$venv"
"$py" -m venv "$venv" >&2 || { echo "venv.sh: '$py -m venv $venv' failed" >&2; exit 1; }
# --no-deps: every package is pinned, so pip installs exactly the list (and nothing pulls newer versions).
if ! "$venv/bin/pip" install -q --disable-pip-version-check --no-deps \
  -r "$req" >&2; then
  echo "venv.sh: pip install -r $req from PyPI failed (network or PyPI unreachable?)" >&2
  rm -rf "$venv"
  exit 1
fi
"$venv/bin/python" -c 'from vnc_api.vnc_api import VncApi; import pytest' ||
  { echo "venv.sh: vnc_api does not import in $venv" >&2; exit 1; }
cp "$req" "$stamp"
echo "$venv/bin/python"
