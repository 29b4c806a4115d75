#!/usr/bin/env bash
# Sets everything up on a fresh Debian 12 machine (packages, build) and runs the
# demo: a real Python program under interpose with what was hooked, then a
# student submission sandboxed by the student policy.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh
echo
echo "== 1. /usr/bin/python3 scripts/demo/wordcount.py, every syscall through interpose =="
build/bin/interpose --verbose --stats -- /usr/bin/python3 scripts/demo/wordcount.py
echo
echo "== 2. a student submission under --policy student (in a scratch working directory) =="
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp scripts/demo/submission.py "$work/"
GRADER_TOKEN=s3cret build/bin/interpose --policy student --workdir "$work" --log "$work/events.jsonl" \
  -- python3 submission.py < /usr/share/common-licenses/GPL-3
echo "exit status $?; the policy's decisions ($work/events.jsonl):"
grep -c '"decision":"errno"' "$work/events.jsonl" | sed 's/^/  refusals logged: /'
grep '"decision":"errno"' "$work/events.jsonl" | grep -E 'shadow|environ|socket|clone|/tmp"' | head -5 | cut -c1-160
