#!/usr/bin/env bash
# The hook path's promises, checked on the built objects:
#  1. it calls nothing outside itself (no libc, no libstdc++): every undefined
#     symbol of the archive is defined by another of its members;
#  2. it never names an x87, SSE, AVX or AVX-512 register, or a mask register,
#     so the program's extended state survives it without XSAVE.
set -euo pipefail
archive=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm --defined-only -g "$archive" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u >"$tmp/defined"
nm -u "$archive" 2>/dev/null | awk 'NF==2 {print $2}' | sort -u >"$tmp/undefined"
# (the linker itself defines _GLOBAL_OFFSET_TABLE_, __ehdr_start and __etext)
outside=$(comm -23 "$tmp/undefined" "$tmp/defined" | grep -vE '^(_GLOBAL_OFFSET_TABLE_|__ehdr_start|__etext)$' || true)
if [ -n "$outside" ]; then
  echo "FAIL: the hook path calls outside itself:"; echo "$outside"; exit 1
fi
objdump -d --no-show-raw-insn "$archive" >"$tmp/dis"
vector=$(grep -E '%(x|y|z)mm[0-9]+|%k[0-7]\b|%st(\(|\b)|%mm[0-7]\b' "$tmp/dis" || true)
if [ -n "$vector" ]; then
  echo "FAIL: the hook path touches vector, mask or x87 registers:"; echo "$vector" | head -20; exit 1
fi
count=$(grep -c '^ *[0-9a-f]\+:' "$tmp/dis")
echo "hook path ok: $(wc -l <"$tmp/defined") symbols, $count instructions, no calls outside, no vector registers"
