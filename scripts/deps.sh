#!/usr/bin/env bash
# Installs what interpose needs to build and test, from Debian 12's packages.
set -euo pipefail
packages=(
  build-essential cmake clang libclang-rt-14-dev   # compilers; clang for libFuzzer
  libzydis-dev                                     # the x86 decoder of the rewriter
  libcli11-dev nlohmann-json3-dev                  # command line, policy files
  libgtest-dev libgmock-dev libbenchmark-dev       # tests and benchmarks
  linux-libc-dev                                   # <asm/unistd_64.h>: the syscall table
  python3 strace hyperfine procps                  # test programs and ground truth
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
