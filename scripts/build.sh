#!/usr/bin/env bash
# Configures and builds interpose into build/ (bin/interpose, lib/libinterpose.so).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
