#!/usr/bin/env bash
# Makes (or reuses, while requirements.txt is unchanged) a Python venv with Schemathesis and
# prints its folder. CI and SchemathesisTest use it to fuzz a live silo against openapi.json.
#   SCHEMATHESIS_VENV   where (default ~/.cache/kafkapipeline/venv-schemathesis)
# Exit 3: no venv can be made here (no python3, or no venv module); other non-zero: pip failed.
set -euo pipefail
req=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/requirements.txt
venv=${SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkapipeline/venv-schemathesis}
if [ -x "$venv/bin/st" ] && cmp -s "$req" "$venv/.requirements"; then
  echo "$venv"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "venv.sh: no python3 on PATH" >&2; exit 3; }
mkdir -p "$(dirname "$venv")"
python3 -m venv --clear "$venv" >&2 || { echo "venv.sh: python3 -m venv failed (install python3-venv)" >&2; exit 3; }
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
cp "$req" "$venv/.requirements"
echo "$venv"
