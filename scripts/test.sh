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

echo "== fuzzing the parsers of user input (build-fuzz/, clang libFuzzer) =="
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINTERPOSE_FUZZ=ON \
  -DINTERPOSE_BUILD_TESTS=OFF -DINTERPOSE_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" --target fuzz_profile fuzz_rewriter fuzz_policy
for target in profile rewriter policy; do
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/"$target"/* "$corpus"/
  build-fuzz/fuzz/fuzz_"$target" -max_total_time="${FUZZ_SECONDS:-30}" -print_final_stats=0 "$corpus" 2>&1 | tail -1
  rm -rf "$corpus"
done
