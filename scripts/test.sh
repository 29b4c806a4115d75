#!/usr/bin/env bash
# Builds interpose and runs every test: the full suite (ctest) on the normal
# build, then the unit tests again under AddressSanitizer+UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$jobs" "$@"

echo "== unit tests under ASan+UBSan (build-san/) =="
cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTERPOSE_SANITIZE=ON -DINTERPOSE_BUILD_BENCH=OFF >/dev/null
cmake --build build-san -j"$jobs" --target unit_tests
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-san --output-on-failure -j"$jobs" -R '^unit\.'
