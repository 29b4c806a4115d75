#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine (packages, build) and runs the
# demo: a real Python program under interpose, with what was hooked.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
echo
echo "== /usr/bin/python3 scripts/demo/wordcount.py, under interpose =="
build/bin/interpose --verbose --stats -- /usr/bin/python3 scripts/demo/wordcount.py
