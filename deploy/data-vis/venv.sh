#!/usr/bin/env bash
# Makes (or reuses, while requirements.txt is unchanged) a Python venv with this folder's
# requirements (the notebook's packages and cqlsh) and prints its folder. CI and DataVisTest use
# it to execute pipeline.ipynb headless and to run cqlsh.
#   PIPELINE_VENV   where (default ~/.cache/kafkapipeline/venv-data-vis)
# Exit 3: no venv can be made here (no python3, or no venv module); other non-zero: pip failed.
set -euo pipefail
req=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/requirements.txt
venv=${PIPELINE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/kafkapipeline/venv-data-vis}
if [ -x "$venv/bin/python" ] && [ -x "$venv/bin/cqlsh" ] && cmp -s "$req" "$venv/.requirements"; then
  echo "$venv"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || { echo "venv.sh: no python3 on PATH" >&2; exit 3; }
mkdir -p "$(dirname "$venv")"
python3 -m venv --clear "$venv" >&2 || { echo "venv.sh: python3 -m venv failed (install python3-venv)" >&2; exit 3; }
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
cp "$req" "$venv/.requirements"
echo "$venv"
