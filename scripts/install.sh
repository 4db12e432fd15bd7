#!/usr/bin/env bash
# Installs everything culturecoop needs into a local virtual environment, Debian packages included.
set -euo pipefail
python="${1:-python3}"
venv="${2:-.venv}"

# Debian packages (as root, non-interactive). Java 17 comes with the machine image for Spark.
need_apt=()
for pkg in $(cat scripts/debian-packages.txt 2>/dev/null | grep -v '^#'); do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${need_apt[@]}"
  else
    echo "Missing Debian packages: ${need_apt[*]}; run 'sudo apt-get install ${need_apt[*]}' and try again." >&2
    exit 1
  fi
fi

[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -e ".[dev,bench,spark]"
echo "culturecoop installed in $venv"
